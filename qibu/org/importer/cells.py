"""Cells that Qibu writes to a spreadsheet and reads back.

A text a spreadsheet program would take for a formula (starting with =, +, - or @, also after spaces or tabs, or
starting with a tab or carriage return) is written with an apostrophe before it, the OWASP rule against formula
injection: a name such as `=HYPERLINK("http://…")` stays a name in Excel. Reading a file takes that apostrophe off
again, so that an exported file imports back unchanged.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = re.compile(r"[ \t]*[=+\-@]|[\t\r]")


def neutralise(value: Any) -> str:
    """The text to write for a cell."""
    text = "" if value is None else str(value)
    return "'" + text if FORMULA_START.match(text) else text


def restore(text: str) -> str:
    """A cell's text as read from a file, without the apostrophe `neutralise` put before it."""
    if text.startswith("'") and FORMULA_START.match(text, 1):
        return text[1:]
    return text
