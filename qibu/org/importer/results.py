"""What an import answers: every problem with its row and column, or what it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RowError:
    """One problem: the spreadsheet row (header is 1; 0 for the whole file), the column and the reason."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    ok: bool
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    departments_created: int = 0
    teams_created: int = 0


class FileProblem(Exception):
    """The file cannot be read as a spreadsheet at all."""


def file_error(message: str) -> RowError:
    """A problem of the whole file (row 0, no column)."""
    return RowError(row=0, column="", message=message)
