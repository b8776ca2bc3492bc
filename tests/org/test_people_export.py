"""People exports (.xlsx and .csv) in the import template's columns, to edit and import again; every cell a
spreadsheet would take for a formula neutralised (OWASP), in the exports and in the import template."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from qibu.org.importer import people_import, template_csv, template_workbook
from qibu.org.importer.cells import neutralise, restore
from qibu.org.importer.template import TEMPLATE_HEADERS
from qibu.org.models import Person
from qibu.org.services import person_create, person_deactivate, person_update
from tests.conftest import Company

HEADERS = [header for _name, header in TEMPLATE_HEADERS]
EVIL = {
    "full_name": '=HYPERLINK("http://evil.example","点我")',
    "job_title": " \t+cmd|' /C calc'!A0",
}


def admin(company: Company, language: str = "en") -> Client:
    client = Client()
    client.cookies["qibu_language"] = language
    client.force_login(company.alice)
    return client


def rows_of(content: bytes, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[str(value) if value is not None else "" for value in row] for row in sheet.iter_rows(values_only=True)]


def export(client: Client, fmt: str, query: str = "") -> bytes:
    response = client.get(reverse(f"org:people_export_{fmt}") + query)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =cmd", "'  =cmd"),
        ("\t=cmd", "'\t=cmd"),
        ("\tnote", "'\tnote"),
        ("\rnote", "'\rnote"),
        ("a=b", "a=b"),
        ("张伟", "张伟"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_it_neutralises_what_a_spreadsheet_would_run_and_reads_it_back(text: str, written: str) -> None:
    assert neutralise(text) == written
    assert restore(written) == text


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_exports_people_in_the_template_columns_and_imports_them_back_unchanged(company: Company, fmt: str) -> None:
    c = company
    c.sales.head = c.hank
    person_update(actor=None, person=c.mia, data={"email": "mia@example.com", "job_title": "销售", "language": "en"})

    content = export(admin(c), fmt)

    header, *rows = rows_of(content, fmt)
    assert header == HEADERS
    by_username = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows}
    assert set(by_username) == {"alice", "erin", "hank", "mia", "oscar"}
    mia = by_username["mia"]
    assert (mia["部门 department"], mia["团队 team"], mia["上级 manager"], mia["角色 role"]) == (
        "销售部",
        "华东大客户组",
        "hank",
        "member",
    )
    assert (mia["邮箱 email"], mia["职位 job_title"], mia["语言 language"], mia["部门负责人 is_head"]) == (
        "mia@example.com",
        "销售",
        "en",
        "no",
    )
    assert by_username["hank"]["部门负责人 is_head"] == "yes"

    result = people_import(actor=c.alice, filename=f"people.{fmt}", content=content, dry_run=True)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.departments_created) == (0, 0, 0)


def test_it_exports_the_words_of_the_readers_language_which_the_import_reads(company: Company) -> None:
    content = export(admin(company, "zh-hans"), "csv")
    rows = {row[0]: row for row in rows_of(content, "csv")[1:]}
    assert rows["alice"][6] == "管理员" and rows["hank"][9] == "是" and rows["mia"][9] == "否"

    result = people_import(actor=company.alice, filename="people.csv", content=content, dry_run=True)
    assert (result.ok, result.updated) == (True, 0)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_neutralises_formulas_in_an_export_and_an_edited_export_imports_them_as_text(
    company: Company, fmt: str
) -> None:
    c = company
    person_update(actor=None, person=c.mia, data=EVIL)

    content = export(admin(c), fmt)

    rows = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows_of(content, fmt)[1:]}
    assert rows["mia"]["姓名 full_name"] == "'" + EVIL["full_name"]
    assert rows["mia"]["职位 job_title"] == "'" + EVIL["job_title"].strip()  # stored without surrounding blanks
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    result = people_import(actor=c.alice, filename=f"people.{fmt}", content=content)
    assert (result.ok, result.updated) == (True, 0), result.errors
    mia = Person.objects.get(pk=c.mia.pk)
    assert mia.full_name == EVIL["full_name"]
    assert mia.job_title == EVIL["job_title"].strip()


def test_it_neutralises_the_import_templates_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    import qibu.org.importer.template as template

    monkeypatch.setattr(template, "TEMPLATE_EXAMPLES", (("=x", "@y", "", "", "", "", "-1", "+2", "", ""),))
    rows = rows_of(template_csv(), "csv")
    assert rows[1][:2] == ["'=x", "'@y"] and rows[1][6:8] == ["'-1", "'+2"]
    sheet = openpyxl.load_workbook(io.BytesIO(template_workbook())).worksheets[0]
    assert [cell.value for cell in sheet[2]][:2] == ["'=x", "'@y"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_it_exports_the_people_the_page_shows(company: Company) -> None:
    c = company
    person_deactivate(actor=c.alice, person=c.oscar)
    client = admin(c)

    def usernames(query: str) -> set[str]:
        return {row[0] for row in rows_of(export(client, "csv", query), "csv")[1:]}

    assert usernames("") == {"alice", "erin", "hank", "mia"}
    assert usernames("?status=inactive") == {"oscar"}
    assert usernames("?status=all&q=米") == {"mia"}
    page = client.get(reverse("org:people") + "?status=inactive&q=欧").content.decode()
    assert reverse("org:people_export_xlsx") + "?q=%E6%AC%A7&amp;status=inactive" in page


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_exports_in_the_same_queries_for_few_and_many_people(
    company: Company, fmt: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = admin(company)
    export(client, fmt)
    with django_assert_num_queries(5):
        export(client, fmt)
    for index in range(40):
        person_create(actor=None, username=f"p{index}", full_name=f"员工{index}", department=company.sales)
    with django_assert_num_queries(5):
        content = export(client, fmt)
    assert len(rows_of(content, fmt)) == 46


def test_it_exports_to_administrators_only(company: Company) -> None:
    member = Client()
    member.force_login(company.hank)
    with translation.override("en"):
        assert member.get(reverse("org:people_export_xlsx")).status_code == 403
        assert member.get(reverse("org:people_export_csv")).status_code == 403
        assert Client().get(reverse("org:people_export_csv")).status_code == 302
