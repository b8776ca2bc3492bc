"""Importing people, departments and teams from .xlsx and CSV files (qibu.org.importer)."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator, Sequence

import openpyxl
import pytest
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.org.importer import ImportResult, RowError, people_import, template_csv, template_workbook
from qibu.org.models import Department, Person, Role, Team
from qibu.org.services import department_create
from tests.conftest import Company, present

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Reasons are checked against the English msgids, whatever catalogue is compiled."""
    with translation.override("en"):
        yield


ENGLISH = [
    "username",
    "full_name",
    "email",
    "department",
    "team",
    "manager",
    "role",
    "job_title",
    "language",
    "is_head",
]
CHINESE = ["用户名", "姓名", "邮箱", "部门", "团队", "上级", "角色", "职位", "语言", "部门负责人"]


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_text(rows: list[list[str]]) -> str:
    return "".join(",".join(row) + "\r\n" for row in rows)


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), Department.objects.count(), Team.objects.count()


def problems(result: ImportResult) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


# ---------------------------------------------------------------- valid files


def test_it_imports_a_workbook_with_nested_departments_teams_managers_heads_and_roles() -> None:
    content = xlsx(
        [
            ENGLISH,
            ["ceo", "陈总", "ceo@example.com", "", "", "", "高管", "CEO", "zh-hans", ""],
            ["zhangwei", "张伟", "", "产品研发部", "", "ceo", "department_head", "研发总监", "", "是"],
            ["lina", "李娜", "lina@example.com", "产品研发部/平台研发部", "后端组", "wangfang", "员工", "", "en", "no"],
            ["wangfang", "王芳", "", "产品研发部/平台研发部", "", "zhangwei", "member", "", "", "yes"],
            ["admin2", "管理员二号", "", "", "", "", "管理员", "", "", ""],
            ["exec2", "执行二号", "", "", "", "", "executive", "", "", ""],
        ]
    )

    result = people_import(actor=None, filename="people.xlsx", content=content)

    assert result == ImportResult(ok=True, errors=[], created=6, updated=0, departments_created=2, teams_created=1)
    product = Department.objects.get(name="产品研发部", parent=None)
    platform = Department.objects.get(name="平台研发部")
    assert platform.parent == product
    assert platform.path == f"{product.path}{platform.pk}/"
    assert product.head is not None
    assert product.head.username == "zhangwei"
    assert platform.head is not None
    assert platform.head.username == "wangfang"
    lina = Person.objects.select_related("team", "manager", "department").get(username="lina")
    assert (lina.full_name, lina.email, lina.language) == ("李娜", "lina@example.com", "en")
    assert lina.department == platform
    assert lina.team is not None
    assert lina.team.name == "后端组" and lina.team.department == platform
    assert lina.manager is not None
    assert lina.manager.username == "wangfang"
    assert not lina.has_usable_password()
    roles = dict(Person.objects.values_list("username", "role"))
    assert roles == {
        "ceo": Role.EXECUTIVE,
        "zhangwei": Role.DEPARTMENT_HEAD,
        "lina": Role.MEMBER,
        # is_head "yes" with role member as written stays member: the file said so.
        "wangfang": Role.MEMBER,
        "admin2": Role.ADMIN,
        "exec2": Role.EXECUTIVE,
    }
    assert present(Person.objects.get(username="zhangwei").manager).username == "ceo"


def test_it_imports_a_csv_with_chinese_headers_and_english_values() -> None:
    content = csv_text(
        [
            [*CHINESE, "初始密码"],
            [
                "hanmei",
                "韩梅",
                "hanmei@example.com",
                "销售部/华东区",
                "大客户组",
                "",
                "department_head",
                "",
                "zh",
                "是",
                "",
            ],
            ["lilei", "李雷", "", "销售部/华东区", "大客户组", "hanmei", "", "销售", "English", "", ""],
        ]
    ).encode()

    result = people_import(actor=None, filename="people.csv", content=content)

    assert result.ok, result.errors
    assert (result.created, result.departments_created, result.teams_created) == (2, 2, 1)
    lilei = Person.objects.get(username="lilei")
    assert lilei.role == Role.MEMBER
    assert lilei.language == "en"
    assert lilei.team is not None
    assert lilei.team.name == "大客户组"
    # An empty password column (an older template) is no problem; nobody gets a password from a file.
    assert not lilei.has_usable_password()
    assert present(Department.objects.get(name="华东区").head).username == "hanmei"
    assert Person.objects.get(username="hanmei").language == "zh-hans"


def test_it_reads_a_gbk_csv_as_saved_by_excel_in_china() -> None:
    content = csv_text([["用户名", "姓名", "部门"], ["zhao", "赵敏", "财务部"]]).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    result = people_import(actor=None, filename="名单.csv", content=content)

    assert result.ok, result.errors
    assert Person.objects.get(username="zhao").full_name == "赵敏"
    assert Department.objects.get().name == "财务部"


def test_it_reads_a_utf8_csv_with_a_byte_order_mark() -> None:
    content = csv_text([["用户名", "姓名"], ["qian", "钱多多"]]).encode("utf-8-sig")
    assert content.startswith(b"\xef\xbb\xbf")

    result = people_import(actor=None, filename="people.csv", content=content)

    assert result.ok, result.errors
    assert Person.objects.get(username="qian").full_name == "钱多多"


def test_it_reads_tab_separated_utf16_text_from_excel_unicode_export() -> None:
    content = "用户名\t姓名\r\nsun\t孙悟空\r\n".encode("utf-16")

    result = people_import(actor=None, filename="people.txt", content=content)

    assert result.ok, result.errors
    assert Person.objects.get(username="sun").full_name == "孙悟空"


def test_it_recognises_an_xlsx_by_its_content_whatever_the_name() -> None:
    result = people_import(actor=None, filename="upload", content=xlsx([["Username", "Full Name"], ["zhou", "周"]]))

    assert result.ok, result.errors
    assert Person.objects.filter(username="zhou").exists()


def test_it_keeps_numeric_employee_ids_as_usernames() -> None:
    result = people_import(actor=None, filename="p.xlsx", content=xlsx([["工号 username", "姓名"], [10023, "吴"]]))

    assert result.ok, result.errors
    assert Person.objects.filter(username="10023").exists()


def test_it_parses_its_own_template_workbook_back_with_the_example_rows() -> None:
    content = template_workbook()
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    people, instructions = workbook.worksheets
    header = [c.value for c in people[1]]
    assert header[:2] == ["用户名 username", "姓名 full_name"]
    assert "部门负责人 is_head" in header
    assert people.max_row == 3
    assert any("Instructions" in str(c.value) for c in instructions[1])
    assert instructions.max_row > 5

    dry = people_import(actor=None, filename="qibu-people.xlsx", content=content, dry_run=True)
    assert dry == ImportResult(ok=True, errors=[], created=2, updated=0, departments_created=2, teams_created=1)
    assert Person.objects.count() == 0

    result = people_import(actor=None, filename="qibu-people.xlsx", content=content)
    assert result.ok
    assert present(Person.objects.get(username="lina").manager).username == "zhangwei"
    assert present(Department.objects.get(name="产品研发部").head).username == "zhangwei"


def test_it_parses_its_own_template_csv_back() -> None:
    content = template_csv()
    assert content.startswith(b"\xef\xbb\xbf")

    result = people_import(actor=None, filename="qibu-people.csv", content=content)

    assert result == ImportResult(ok=True, errors=[], created=2, updated=0, departments_created=2, teams_created=1)


def test_it_stores_html_in_a_name_as_plain_text() -> None:
    name = '<script>alert("x")</script><b>张</b>'
    content = csv_text(
        [["username", "full_name", "job_title"], ["xss", f'"{name.replace(chr(34), 2 * chr(34))}"', "<i>"]]
    )

    result = people_import(actor=None, filename="p.csv", content=content.encode())

    assert result.ok, result.errors
    person = Person.objects.get(username="xss")
    assert person.full_name == name
    assert person.job_title == "<i>"


# ---------------------------------------------------------------- existing people and departments


def test_it_updates_existing_people_and_counts_only_real_changes(company: Company) -> None:
    content = csv_text(
        [
            ["username", "full_name", "department", "team", "manager", "role"],
            ["mia", "米娅", "市场部", "", "oscar", ""],
            ["oscar", "欧斯卡", "市场部", "", "", ""],
            ["newbie", "新人", "销售部", "华东大客户组", "hank", ""],
        ]
    ).encode()

    result = people_import(actor=company.alice, filename="p.csv", content=content)

    assert result == ImportResult(ok=True, errors=[], created=1, updated=1, departments_created=0, teams_created=0)
    mia = Person.objects.get(username="mia")
    assert mia.department == company.marketing
    assert mia.team is None
    assert mia.manager == company.oscar
    # A blank role keeps the role someone already has.
    assert mia.role == Role.MEMBER
    assert mia.check_password("correct horse battery staple")
    newbie = Person.objects.get(username="newbie")
    assert newbie.team == company.sales_team
    assert newbie.manager == company.hank
    entry = AuditEntry.objects.get(action="person.import_update", target_id=mia.pk)
    assert entry.actor == company.alice
    assert entry.before is not None
    assert entry.before["department"] == company.sales.pk
    assert entry.after is not None
    assert entry.after["department"] == company.marketing.pk
    # One entry per person, in that person's history.
    assert (entry.subject_type, entry.subject_id) == ("org.person", mia.pk)
    created = AuditEntry.objects.get(action="person.import_create")
    assert (created.actor, created.subject_type, created.subject_id) == (company.alice, "org.person", newbie.pk)
    assert created.before is None
    assert created.after is not None
    assert created.after["username"] == "newbie"
    assert (created.after["team"], created.after["manager"]) == (company.sales_team.pk, company.hank.pk)

    again = people_import(actor=company.alice, filename="p.csv", content=content)
    assert (again.created, again.updated) == (0, 0)


def test_it_leaves_fields_of_absent_columns_alone(company: Company) -> None:
    content = csv_text([["username", "full_name"], ["hank", "韩大销售"]]).encode()

    result = people_import(actor=None, filename="p.csv", content=content)

    assert result.updated == 1
    hank = Person.objects.get(username="hank")
    assert hank.full_name == "韩大销售"
    assert (hank.department, hank.manager, hank.role) == (company.sales, company.erin, Role.DEPARTMENT_HEAD)


def test_it_takes_a_single_name_as_the_one_existing_sub_department_of_that_name(company: Company) -> None:
    east = department_create(actor=None, name="华东区", parent=company.sales)
    content = csv_text([["username", "full_name", "department"], ["lu", "陆", "华东区"], ["ma", "马", "华东区/苏州组"]])

    result = people_import(actor=None, filename="p.csv", content=content.encode())

    assert result.ok, result.errors
    assert result.departments_created == 1
    assert Person.objects.get(username="lu").department == east
    assert Department.objects.get(name="苏州组").parent == east


def test_it_asks_for_the_full_path_when_a_department_name_is_ambiguous(company: Company) -> None:
    department_create(actor=None, name="华东区", parent=company.sales)
    department_create(actor=None, name="华东区", parent=company.marketing)
    before = counts()

    result = people_import(
        actor=None, filename="p.csv", content=csv_text([["用户名", "姓名", "部门"], ["lu", "陆", "华东区"]]).encode()
    )

    assert problems(result) == [(2, "部门")]
    assert "销售部/华东区" in result.errors[0].message
    assert counts() == before


def test_it_does_not_let_the_importing_admin_remove_their_own_admin_role(company: Company) -> None:
    content = csv_text([["username", "full_name", "role"], ["alice", "Alice", "member"]]).encode()

    result = people_import(actor=company.alice, filename="p.csv", content=content)

    assert problems(result) == [(2, "role")]
    assert Person.objects.get(username="alice").role == Role.ADMIN


def test_a_dry_run_reports_what_would_change_and_writes_nothing(company: Company) -> None:
    content = csv_text(
        [["username", "full_name", "department"], ["mia", "米娅", "新部门/子部门"], ["new", "新人", "新部门"]]
    ).encode()
    before = counts()

    result = people_import(actor=None, filename="p.csv", content=content, dry_run=True)

    assert result == ImportResult(ok=True, errors=[], created=1, updated=1, departments_created=2, teams_created=0)
    assert counts() == before
    assert Person.objects.get(username="mia").department == company.sales


# ---------------------------------------------------------------- bad rows: reported, nothing written

HEADER = ["username", "full_name", "email", "department", "team", "manager", "role", "language", "is_head", "password"]
GOOD = ["good", "好人", "good@example.com", "研发部", "", "", "", "", "", ""]


@pytest.mark.parametrize(
    ("bad", "column", "reason"),
    [
        (["", "无名", "", "", "", "", "", "", "", ""], "username", "username is empty"),
        (["noname", "", "", "", "", "", "", "", "", ""], "full_name", "full name is empty"),
        (["good", "重复", "", "", "", "", "", "", "", ""], "username", "already used on row 2"),
        (["has space", "空格", "", "", "", "", "", "", "", ""], "username", "valid username"),
        (["x" * 151, "长", "", "", "", "", "", "", "", ""], "username", "At most 150 characters"),
        (["long", "名" * 201, "", "", "", "", "", "", "", ""], "full_name", "At most 150 characters (this has 201)"),
        (["mail", "邮件", "not-an-email", "", "", "", "", "", "", ""], "email", "not a valid email"),
        (["dept", "部门", "", "部" * 201, "", "", "", "", "", ""], "department", "At most 150 characters"),
        (["team", "团队", "", "", "孤组", "", "", "", "", ""], "team", "needs a department"),
        (["boss", "上级", "", "", "", "nobody", "", "", "", ""], "manager", "No person with the username “nobody”"),
        (["self", "自己", "", "", "", "self", "", "", "", ""], "manager", "own manager"),
        (["role", "角色", "", "", "", "", "老板", "", "", ""], "role", "Unknown role “老板”"),
        (["lang", "语言", "", "", "", "", "", "fr", "", ""], "language", "Unknown language “fr”"),
        (["head", "头", "", "", "", "", "", "", "maybe", ""], "is_head", "not “maybe”"),
        (["head2", "头", "", "", "", "", "", "", "是", ""], "is_head", "needs a department"),
        (["head3", "头", "", "研发部", "", "", "", "", "yes", ""], "is_head", "already gets a head on row 2"),
        (["pw", "密码", "", "", "", "", "", "", "", "Qibu-s3cret-pass"], "password", "Passwords are not imported"),
    ],
)
def test_it_reports_a_bad_row_with_its_row_column_and_reason_and_writes_nothing(
    bad: list[str], column: str, reason: str
) -> None:
    good = [*GOOD[:8], "是", ""]
    content = csv_text([HEADER, good, bad]).encode()
    before = counts()

    result = people_import(actor=None, filename="p.csv", content=content)

    assert not result.ok
    assert problems(result) == [(3, column)]
    assert reason in result.errors[0].message
    assert counts() == before


def test_it_reports_every_problem_in_the_file_at_once_with_the_headers_as_written() -> None:
    content = xlsx(
        [
            ["用户名 username", "姓名 full_name", "邮箱 email", "角色 role", "上级 manager"],
            ["a", "", "bad", "admin", ""],
            ["b", "乙", "b@example.com", "king", "zz"],
            ["a", "甲", "", "", ""],
        ]
    )

    result = people_import(actor=None, filename="p.xlsx", content=content)

    assert not result.ok
    assert problems(result) == [
        (2, "姓名 full_name"),
        (2, "邮箱 email"),
        (3, "角色 role"),
        (3, "上级 manager"),
        (4, "用户名 username"),
    ]
    assert all(isinstance(e, RowError) and e.message for e in result.errors)
    assert Person.objects.count() == 0


def test_it_reports_a_manager_loop_on_every_row_in_it_and_writes_nothing() -> None:
    content = csv_text(
        [["username", "full_name", "manager"], ["a", "甲", "b"], ["b", "乙", "c"], ["c", "丙", "a"], ["d", "丁", "a"]]
    ).encode()

    result = people_import(actor=None, filename="p.csv", content=content)

    assert problems(result) == [(2, "manager"), (3, "manager"), (4, "manager")]
    assert "a → b → c → a" in result.errors[0].message
    assert Person.objects.count() == 0


def test_it_finds_a_manager_loop_through_people_already_in_qibu(company: Company) -> None:
    # hank already manages mia; making mia hank's manager would close a loop.
    content = csv_text([["username", "full_name", "manager"], ["hank", "韩销售", "mia"]]).encode()

    result = people_import(actor=None, filename="p.csv", content=content)

    assert problems(result) == [(2, "manager")]
    assert "hank → mia → hank" in result.errors[0].message
    assert Person.objects.get(username="hank").manager == company.erin


def test_it_reports_missing_required_columns() -> None:
    result = people_import(
        actor=None, filename="p.csv", content=csv_text([["email", "部门"], ["a@example.com", "研发"]]).encode()
    )

    assert problems(result) == [(1, "username"), (1, "full_name")]
    assert "required column" in result.errors[0].message


def test_it_refuses_two_columns_meaning_the_same_thing() -> None:
    content = csv_text([["username", "用户名", "姓名"], ["a", "a", "甲"]]).encode()

    result = people_import(actor=None, filename="p.csv", content=content)

    assert problems(result) == [(1, "用户名")]
    assert Person.objects.count() == 0


# ---------------------------------------------------------------- malformed files


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "content", "reason"),
    [
        ("people.xlsx", os.urandom(2048), "not a readable .xlsx"),
        ("people.xlsx", b"PK\x03\x04" + os.urandom(500), "not a readable .xlsx"),
        ("people.xlsx", _zip_without_workbook(), "not a readable .xlsx"),
        ("people.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "old Excel .xls"),
        ("people.csv", b"", "empty"),
        ("people.xlsx", b"", "empty"),
        ("people.csv", b"\n\n  \n", "empty"),
        ("people.csv", b"\x00\x01\x02binary\x00", "not a spreadsheet"),
        ("people.csv", "zhangwei,张伟,产品研发部\nlina,李娜,产品研发部\n".encode(), "header row"),
        ("people.csv", b"username,full_name\n", "no people"),
        ("people.xlsx", xlsx([]), "no header"),
    ],
    ids=[
        "random-bytes",
        "broken-zip",
        "zip-not-workbook",
        "old-xls",
        "empty-csv",
        "empty-xlsx-name",
        "blank-lines",
        "binary-csv",
        "csv-without-header",
        "header-only",
        "empty-sheet",
    ],
)
def test_it_reports_a_malformed_file_as_a_whole_file_problem(filename: str, content: bytes, reason: str) -> None:
    result = people_import(actor=None, filename=filename, content=content)

    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(0, "")]
    assert reason in result.errors[0].message
    assert counts() == (0, 0, 0)


# ---------------------------------------------------------------- size


def test_it_imports_thousands_of_people_without_a_query_per_row(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    rows = [["username", "full_name", "department", "team", "manager", "role"]]
    for i in range(3000):
        rows.append([f"p{i}", f"员工{i}", f"部门{i % 10}/组{i % 30}", f"团队{i % 5}", f"p{i // 10}" if i else "", ""])
    content = csv_text(rows).encode()

    # Lookups are loaded once; people go in batches. Per-row queries would be thousands.
    with django_assert_max_num_queries(400):
        result = people_import(actor=None, filename="big.csv", content=content)

    assert result.ok, result.errors[:3]
    assert result.created == 3000
    assert result.departments_created == 40
    assert present(Person.objects.get(username="p25").manager).username == "p2"


# ---------------------------------------------------------------- e-mail addresses: one person's each


def test_it_refuses_two_rows_with_one_email_address_in_any_letter_case() -> None:
    content = csv_text(
        [
            ["username", "full_name", "email"],
            ["a", "甲", "zhang.wei@example.com"],
            ["b", "乙", "b@example.com"],
            ["c", "丙", "Zhang.Wei@EXAMPLE.com"],
        ]
    ).encode()

    result = people_import(actor=None, filename="p.csv", content=content)

    assert problems(result) == [(4, "email")]
    assert "“Zhang.Wei@example.com” is already used on row 2" in result.errors[0].message
    assert Person.objects.count() == 0


def test_it_refuses_an_email_address_someone_in_qibu_has(company: Company) -> None:
    from qibu.org.services import person_update

    person_update(actor=None, person=company.hank, data={"email": "Hank@Example.com"})
    content = csv_text([["用户名", "姓名", "邮箱"], ["newbie", "新人", "hank@example.COM"]]).encode()

    result = people_import(actor=None, filename="p.csv", content=content)

    assert problems(result) == [(2, "邮箱")]
    assert "is already the e-mail address of 韩销售 (hank)" in result.errors[0].message
    assert not Person.objects.filter(username="newbie").exists()


def test_it_lets_a_file_swap_or_keep_addresses(company: Company) -> None:
    from qibu.org.services import person_update

    person_update(actor=None, person=company.hank, data={"email": "one@example.com"})
    person_update(actor=None, person=company.mia, data={"email": "two@example.com"})
    content = csv_text(
        [
            ["username", "full_name", "email"],
            ["hank", "韩销售", "two@example.com"],
            ["mia", "米娅", "ONE@example.com"],
            ["oscar", "欧斯卡", ""],
            ["nina", "妮娜", ""],
        ]
    ).encode()

    result = people_import(actor=None, filename="p.csv", content=content)

    assert result.ok, result.errors
    assert Person.objects.get(username="hank").email == "two@example.com"
    assert Person.objects.get(username="mia").email == "ONE@example.com"


def test_it_refuses_a_password_column_once_naming_its_first_row() -> None:
    content = csv_text(
        [["username", "full_name", "初始密码"], ["a", "甲", ""], ["b", "乙", "Secret-123456"], ["c", "丙", "x" * 12]]
    ).encode()

    result = people_import(actor=None, filename="p.csv", content=content)

    assert problems(result) == [(3, "初始密码")]
    assert "Passwords are not imported, and 2 rows give one" in result.errors[0].message
    assert Person.objects.count() == 0
