"""The files to fill in: an .xlsx workbook (a sheet of people with two example rows and drop-downs, and a
sheet of instructions) and the same columns as CSV. People exports (`export`) have the same columns.

There is no password column: passwords are not imported (see `qibu.org.passwords`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from qibu.org.importer.cells import neutralise

# The templates are deliberately bilingual (both languages side by side, whatever the reader's language),
# so their text is written here rather than translated.
TEMPLATE_HEADERS = (
    ("username", "用户名 username"),
    ("full_name", "姓名 full_name"),
    ("email", "邮箱 email"),
    ("department", "部门 department"),
    ("team", "团队 team"),
    ("manager", "上级 manager"),
    ("role", "角色 role"),
    ("job_title", "职位 job_title"),
    ("language", "语言 language"),
    ("is_head", "部门负责人 is_head"),
)
TEMPLATE_EXAMPLES = (
    ("zhangwei", "张伟", "zhangwei@example.com", "产品研发部", "", "", "部门负责人", "研发总监", "zh-hans", "是"),
    (
        "lina",
        "李娜",
        "lina@example.com",
        "产品研发部/平台研发部",
        "后端组",
        "zhangwei",
        "员工",
        "后端工程师",
        "zh-hans",
        "否",
    ),
)
TEMPLATE_INSTRUCTIONS = (
    (
        "用户名 username",
        "必填 required",
        "登录用的账号，不可重复。系统中已有的用户名会被更新。",
        "The sign-in name, unique. A username already in Qibu is updated.",
    ),
    ("姓名 full_name", "必填 required", "页面上显示的名字。", "The name shown on every page."),
    ("邮箱 email", "选填 optional", "用于通知。", "Used for notifications."),
    (
        "部门 department",
        "选填 optional",
        "从最上层写起的部门路径，用 / 分隔，例如 产品研发部/平台研发部。不存在的部门会自动创建。"
        "只写一个名字时，如果它不是最上层部门、但系统里正好有一个这样命名的下级部门，就用那个部门。",
        "The department path from the top, separated by /, e.g. 产品研发部/平台研发部. Missing departments are "
        "created. A single name that is no top-level department but names exactly one existing sub-department "
        "means that one.",
    ),
    (
        "团队 team",
        "选填 optional",
        "该部门内的团队，不存在时自动创建。需要填写部门。",
        "A team within the department, created when missing. Needs a department.",
    ),
    (
        "上级 manager",
        "选填 optional",
        "上级的用户名（本文件中的或系统里已有的）。不能形成循环。",
        "The manager's username (in this file or already in Qibu). Managers may not form a loop.",
    ),
    (
        "角色 role",
        "选填 optional",
        "管理员 / 高管 / 部门负责人 / 员工（或 admin / executive / department_head / member）。"
        "空白：新人为员工，已有的人不变。",
        "admin / executive / department_head / member (or the Chinese words). Empty: member for new people, "
        "unchanged for people already in Qibu.",
    ),
    ("职位 job_title", "选填 optional", "例如 产品经理。", "For example Product manager."),
    (
        "语言 language",
        "选填 optional",
        "zh-hans 或 en；空白表示使用公司默认语言。",
        "zh-hans or en; empty means the company's default.",
    ),
    (
        "部门负责人 is_head",
        "选填 optional",
        "是 / 否。填“是”则设为该行部门的负责人（角色为空的员工同时成为部门负责人）。填“否”不会撤销已有的负责人。",
        "yes / no. “yes” makes the person head of the row's department (and a member with an empty role becomes "
        "department_head). “no” never removes an existing head.",
    ),
    (
        "密码 password",
        "不导入 not imported",
        "不导入密码。导入后，在导入结果或“人员”页面下载每位还没有密码的人的一次性设置密码链接，发给本人，由本人设置自己的密码"
        "（链接 14 天内有效，用过即失效）。文件里如有密码列，必须留空。",
        "Passwords are not imported. After the import, download the one-time set-password link of each person "
        "without a password (from the import result or the People page) and give it to them: they choose their own "
        "password (a link works once, for 14 days). A password column in the file must be empty.",
    ),
    ("", "", "", ""),
    (
        "说明 notes",
        "",
        "第一行是表头，列的顺序不限，不认识的列会被忽略。没有的列不会改动已有的人；空白单元格会清空该项。"
        "只要有任何错误，就不会导入任何数据，并列出每个错误的行号、列名和原因。也可以另存为 CSV（UTF-8）再导入。",
        "The first row is the header; columns may come in any order and unknown columns are ignored. A missing "
        "column leaves people already in Qibu unchanged; an empty cell clears that value. If any row has a "
        "problem nothing is imported, and every problem is listed with its row, column and reason. The sheet "
        "can also be saved as CSV (UTF-8) and imported.",
    ),
)


def template_workbook() -> bytes:
    """An .xlsx to fill in: a sheet of people with two example rows and a sheet of instructions, in both languages."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    people = workbook.active
    people.title = "人员 People"
    append_rows(people, [[header for _name, header in TEMPLATE_HEADERS], *TEMPLATE_EXAMPLES])
    for cell in people[1]:
        cell.font = Font(bold=True)
    widths = (16, 14, 26, 28, 14, 16, 16, 16, 16, 20)
    for index, width in enumerate(widths):
        people.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = width
    people.freeze_panes = "A2"
    choices = (
        ("G", "员工,部门负责人,高管,管理员,member,department_head,executive,admin"),
        ("I", "zh-hans,en"),
        ("J", "是,否,yes,no"),
    )
    for column, options in choices:
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.add(f"{column}2:{column}5000")
        people.add_data_validation(validation)

    notes = workbook.create_sheet("说明 Instructions")
    append_rows(notes, [["列 column", "必填 required", "说明", "Instructions"], *TEMPLATE_INSTRUCTIONS])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCD", (22, 16, 60, 70), strict=True):
        notes.column_dimensions[column].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    """The same columns and examples as CSV, UTF-8 with a byte-order mark so that Excel shows the Chinese right."""
    return csv_bytes([[header for _name, header in TEMPLATE_HEADERS], *TEMPLATE_EXAMPLES])


def append_rows(sheet: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Rows onto a worksheet, every cell as neutralised text (`cells.neutralise`): openpyxl would store a text
    starting with = as a formula."""
    for row in rows:
        sheet.append([neutralise(value) for value in row])


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows as CSV, every cell neutralised, UTF-8 with a byte-order mark so that Excel shows the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return out.getvalue().encode("utf-8-sig")
