"""Reading a file as rows of cell texts: .xlsx workbooks (first sheet), CSV in UTF-8 (with or without a
byte-order mark), GBK/GB18030 as Excel saves it in China, and Excel's UTF-16 "Unicode text"; the delimiter
(comma, tab or semicolon) is read from the first line."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from qibu.org.importer.cells import restore
from qibu.org.importer.results import FileProblem

# (spreadsheet row number from 1, the texts of its cells)
Rows = Iterator[tuple[int, list[str]]]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        # Excel stores employee numbers typed as 10023 as the float 10023.0.
        return str(int(value))
    # NUL cannot be stored in PostgreSQL text and is never meant.
    return restore(str(value).replace("\x00", "").strip()).strip()


def _unreadable_workbook() -> FileProblem:
    return FileProblem(_("The file is not a readable .xlsx workbook. Save it again from Excel as .xlsx or CSV."))


def _xlsx_rows(content: bytes) -> Rows:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        # A corrupt upload can fail anywhere inside zipfile or the XML parser; all of them mean the same to the user.
        raise _unreadable_workbook() from exc
    try:
        if not workbook.worksheets:
            raise FileProblem(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in values]
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
            raise _unreadable_workbook() from exc
    finally:
        workbook.close()


def decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export.
        return content.decode("utf-16")
    if b"\x00" in content:
        raise FileProblem(_("The file is not a spreadsheet. Upload an .xlsx workbook or a CSV file."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel in China saves "CSV" in the system code page (GBK); GB18030 is its superset.
        return content.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileProblem(_("The text encoding of the file could not be read. Save the CSV as UTF-8.")) from exc


def _csv_rows(content: bytes) -> Rows:
    text = decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, [cell_text(v) for v in values]
    except csv.Error as exc:
        raise FileProblem(_("The CSV file is malformed: %(reason)s") % {"reason": str(exc)}) from exc


def file_rows(filename: str, content: bytes) -> Rows:
    """The rows of the file, told apart by content first (an .xlsx is a zip whatever its name)."""
    name = (filename or "").lower()
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(_("This is an old Excel .xls file. Save it as .xlsx or as CSV (UTF-8) and upload it again."))
    if content.startswith(b"PK") or name.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(content)
    return _csv_rows(content)
