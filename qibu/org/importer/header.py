"""The header row: which column holds which field, whatever the language or decoration of its cells; then the
data rows under it, as cells by field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from qibu.org.importer.files import Rows, file_rows
from qibu.org.importer.results import RowError, file_error
from qibu.org.importer.words import HEADER_NOISE, HEADERS, compact

MAX_ROWS = 50_000
# Blank rows above the header are skipped, up to this row.
HEADER_SEARCH_ROWS = 10
REQUIRED = ("username", "full_name")


@dataclass
class Row:
    """A data row: its spreadsheet row number and its cells by field."""

    number: int
    cells: dict[str, str]

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


@dataclass
class Sheet:
    """The header (field → header text as in the file), the non-empty data rows, and whole-file or header errors."""

    headers: dict[str, str] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def header_field(text: str) -> str | None:
    """The field a header cell names: "用户名", "Username", "用户名 username" and "Full Name" all work."""
    lowered = text.strip().lower()
    if not lowered:
        return None
    whole = compact(lowered)
    if whole in HEADERS:
        return HEADERS[whole]
    tokens = [t for t in re.split(r"[\s/()（）\[\]【】|:：,，、*?？!！]+", lowered) if t and t not in HEADER_NOISE]
    ascii_part = compact("".join(t for t in tokens if t.isascii()))
    if ascii_part in HEADERS:
        return HEADERS[ascii_part]
    found = {HEADERS[compact(t)] for t in tokens if compact(t) in HEADERS}
    return found.pop() if len(found) == 1 else None


def _find_header(rows: Rows) -> tuple[int, list[str]]:
    """The first non-empty row among the first few: its number and cells ([] when there is none)."""
    for number, values in rows:
        if any(values):
            return number, values
        if number >= HEADER_SEARCH_ROWS:
            break
    return 0, []


def _columns(sheet: Sheet, header_number: int, header: list[str]) -> dict[str, int]:
    """Each known field's column position; a second column meaning the same field is an error."""
    positions: dict[str, int] = {}
    for position, text in enumerate(header):
        name = header_field(text)
        if name is None:
            continue
        if name in sheet.headers:
            message = _("Two columns mean the same thing: “%(first)s” and “%(second)s”.") % {
                "first": sheet.headers[name],
                "second": text,
            }
            sheet.errors.append(RowError(row=header_number, column=text, message=message))
            continue
        sheet.headers[name] = text
        positions[name] = position
    return positions


def _unknown_header() -> RowError:
    known = "username (用户名), full_name (姓名)"
    return file_error(
        _(
            "The first row must be the header row naming the columns (%(columns)s, …); "
            "none of its cells is a known column."
        )
        % {"columns": known}
    )


def _data_rows(rows: Rows, positions: dict[str, int]) -> list[Row] | None:
    """The non-empty rows under the header; None when there are more than MAX_ROWS."""
    data: list[Row] = []
    for number, values in rows:
        if not any(values):
            continue
        if len(data) >= MAX_ROWS:
            return None
        cells = {name: values[i] if i < len(values) else "" for name, i in positions.items()}
        data.append(Row(number=number, cells=cells))
    return data


def read_sheet(filename: str, content: bytes) -> Sheet:
    """The file as a header and data rows. Raises FileProblem when it cannot be read at all."""
    if not content or not content.strip():
        return Sheet(errors=[file_error(_("The file is empty."))])
    rows = file_rows(filename, content)
    header_number, header = _find_header(rows)
    if not header:
        return Sheet(errors=[file_error(_("The file has no header row."))])
    sheet = Sheet()
    positions = _columns(sheet, header_number, header)
    if not sheet.headers:
        return Sheet(errors=[_unknown_header()])
    for name in REQUIRED:
        if name not in sheet.headers:
            message = _("The required column “%(column)s” is missing.") % {"column": name}
            sheet.errors.append(RowError(row=header_number, column=name, message=message))
    data = _data_rows(rows, positions)
    if data is None:
        too_many = _("The file has more than %(max)d people; split it into several files.") % {"max": MAX_ROWS}
        return Sheet(headers=sheet.headers, errors=[file_error(too_many)])
    sheet.rows = data
    if not data and not sheet.errors:
        sheet.errors.append(file_error(_("The file has a header row but no people under it.")))
    return sheet
