"""What the OKR views share beyond `qibu.core.http`: lenient parsing of submitted values and the undo of a
user action that failed half-way."""

from __future__ import annotations

import datetime as dt
from typing import Any

# The company objectives shown beside my OKRs and the editor (VIS-1): the first few by priority.
CONTEXT_OBJECTIVES_LIMIT = 10


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date_or_none(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


class _Rollback(Exception):
    """Raised inside an atomic block to undo every write of one user action."""
