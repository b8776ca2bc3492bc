"""People as the import template has them (the same columns and words), so that an export can be edited and
imported again; and the set-password links an administrator hands out. Every cell is neutralised
(`cells.neutralise`). A few queries whatever the number of people: the people with their teams and managers,
and the departments (for their paths and heads)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone, translation

from qibu.org.importer.template import TEMPLATE_HEADERS, append_rows, csv_bytes
from qibu.org.importer.words import EXPORT_ROLES, EXPORT_YES_NO
from qibu.org.models import Department, Person
from qibu.org.passwords import SetPasswordLink

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
LINK_HEADERS = (
    "用户名 username",
    "姓名 full_name",
    "邮箱 email",
    "部门 department",
    "设置密码链接 set-password link",
    "有效期至 valid until",
)


def _words() -> str:
    return "zh" if (translation.get_language() or "").startswith("zh") else "en"


class _Departments:
    """Every department's path ("产品研发部/平台研发部", as the import reads it) and head, from one query."""

    def __init__(self) -> None:
        rows = list(Department.objects.values_list("pk", "name", "path", "head_id"))
        self.names = {pk: name for pk, name, _path, _head in rows}
        self.paths = {pk: path for pk, _name, path, _head in rows}
        self.heads = {pk: head for pk, _name, _path, head in rows if head is not None}

    def path(self, pk: int | None) -> str:
        if pk is None or pk not in self.paths:
            return ""
        ids = [int(part) for part in self.paths[pk].strip("/").split("/") if part]
        return "/".join(self.names[i] for i in ids if i in self.names)


PEOPLE_COLUMNS = (
    "pk",
    "username",
    "full_name",
    "email",
    "department_id",
    "team__name",
    "manager__username",
    "role",
    "job_title",
    "language",
)


def people_table(people: QuerySet[Person]) -> list[list[str]]:
    """The header and a row per person, in the template's columns (values, not model instances: ten thousand
    people are read in a fraction of the time)."""
    departments = _Departments()
    words = _words()
    roles = EXPORT_ROLES[words]
    yes, no = EXPORT_YES_NO[words]
    rows: list[list[str]] = [[header for _name, header in TEMPLATE_HEADERS]]
    for pk, username, full_name, email, department, team, manager, role, job_title, language in people.values_list(
        *PEOPLE_COLUMNS
    ):
        values: dict[str, str] = {
            "username": username,
            "full_name": full_name,
            "email": email,
            "department": departments.path(department),
            "team": team or "",
            "manager": manager or "",
            "role": roles.get(role, role),
            "job_title": job_title,
            "language": language,
            "is_head": yes if department is not None and departments.heads.get(department) == pk else no,
        }
        rows.append([values[name] for name, _header in TEMPLATE_HEADERS])
    return rows


def links_table(links: Iterable[SetPasswordLink], base_url: str) -> list[list[str]]:
    """The header and a row per link: who it is for, the whole address, and until when it works."""
    departments = _Departments()
    rows: list[list[str]] = [list(LINK_HEADERS)]
    shown: dict[dt.datetime, str] = {}  # links made together expire together: format each time once
    for link in links:
        person = link.person
        if link.expires not in shown:
            shown[link.expires] = formats.date_format(timezone.localtime(link.expires), "SHORT_DATETIME_FORMAT")
        expires = shown[link.expires]
        rows.append(
            [
                person.username,
                person.full_name,
                person.email,
                departments.path(person.department_id),
                base_url + link.path,
                expires,
            ]
        )
    return rows


def workbook_bytes(rows: Sequence[Sequence[Any]], *, title: str, widths: Sequence[int]) -> bytes:
    """The rows as an .xlsx of one sheet, its header row bold and frozen (openpyxl's fast write-only mode)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    if rows:
        header = []
        for text in rows[0]:
            cell = WriteOnlyCell(sheet, value=str(text))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
    append_rows(sheet, rows[1:])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def people_workbook(people: QuerySet[Person]) -> bytes:
    return workbook_bytes(people_table(people), title="人员 People", widths=(16, 14, 26, 28, 14, 16, 16, 16, 16, 20))


def people_csv(people: QuerySet[Person]) -> bytes:
    return csv_bytes(people_table(people))


def links_workbook(links: Iterable[SetPasswordLink], base_url: str) -> bytes:
    rows = links_table(links, base_url)
    return workbook_bytes(rows, title="设置密码 Set password", widths=(16, 14, 26, 28, 90, 18))


def links_csv(links: Iterable[SetPasswordLink], base_url: str) -> bytes:
    return csv_bytes(links_table(links, base_url))
