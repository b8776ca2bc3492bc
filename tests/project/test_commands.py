"""The command-line tools: import_people and create_admin."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from qibu.audit.models import AuditEntry
from qibu.org.models import Department, Person, Role
from tests.conftest import Company, present

pytestmark = pytest.mark.django_db

STRONG = "Qibu-admin-2026!"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def run(*args: str, **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- import_people


def test_it_imports_people_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("用户名,姓名,部门,上级\nzhang,张伟,产品研发部/平台研发部,\nli,李娜,产品研发部,zhang\n", "utf-8-sig")

    out, err = run("import_people", str(path))

    assert "People created: 2, updated: 0; departments created: 2; teams created: 0." in out
    assert "2 people have no password yet: download their set-password links under Settings → People." in out
    assert err == ""
    assert present(Person.objects.get(username="li").manager).username == "zhang"
    assert present(Department.objects.get(name="平台研发部").parent).name == "产品研发部"
    # The system imported them: one entry per person and per department, in its own history, by nobody.
    entries = AuditEntry.objects.all()
    assert sorted(entries.values_list("action", "subject_type")) == [
        ("department.create", "org.department"),
        ("department.create", "org.department"),
        ("person.import_create", "org.person"),
        ("person.import_create", "org.person"),
    ]
    assert {e.actor for e in entries} == {None}


def test_it_checks_without_writing_on_a_dry_run(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("username,full_name\nzhang,张伟\n")

    out, _err = run("import_people", str(path), "--dry-run")

    assert "Dry run, nothing was written" in out
    assert "People created: 1," in out
    assert not Person.objects.exists()


def test_it_prints_every_problem_with_row_and_column_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("username,full_name,role,email\nzhang,,boss,zhang@example.com\nli,李娜,member,not-mail\n")

    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_people", str(path), stdout=io.StringIO(), stderr=err)

    assert raised.value.returncode != 0
    assert "3 problems found; nothing was imported." in str(raised.value)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("row 2, column full_name: ")
    assert lines[1].startswith("row 2, column role: Unknown role “boss”")
    assert lines[2] == "row 3, column email: “not-mail” is not a valid email address."
    assert not Person.objects.exists()


def test_it_reports_a_file_that_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"this is not a workbook")

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_people", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().startswith("row 0: The file is not a readable .xlsx workbook.")


def test_it_says_when_the_file_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_people", str(tmp_path / "missing.xlsx"))


# ---------------------------------------------------------------- create_admin


def test_it_creates_an_administrator_with_the_given_password() -> None:
    out, _err = run(
        "create_admin",
        "--username",
        "root",
        "--full-name",
        "系统管理员",
        "--email",
        "root@example.com",
        "--password",
        STRONG,
    )

    assert "Administrator root created." in out
    root = Person.objects.get(username="root")
    assert (root.role, root.is_staff, root.is_superuser, root.full_name) == (Role.ADMIN, True, True, "系统管理员")
    assert root.email == "root@example.com"
    assert root.check_password(STRONG)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.subject_id, entry.actor) == ("person.create_admin", root.pk, None)
    assert entry.after is not None
    assert entry.after["role"] == Role.ADMIN and entry.after["is_superuser"] is True
    assert "password" not in entry.after


def test_it_takes_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIBU_ADMIN_PASSWORD", STRONG)

    run("create_admin", "--username", "root", "--full-name", "Root")

    assert Person.objects.get(username="root").check_password(STRONG)


def test_it_prompts_for_the_password_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QIBU_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter([STRONG, STRONG])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    run("create_admin", "--username", "root", "--full-name", "Root")

    assert Person.objects.get(username="root").check_password(STRONG)


def test_it_refuses_two_different_typed_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QIBU_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter([STRONG, STRONG + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError, match="differ"):
        run("create_admin", "--username", "root", "--full-name", "Root")
    assert not Person.objects.exists()


def test_it_asks_for_a_password_when_none_can_be_prompted_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QIBU_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)

    with pytest.raises(CommandError, match="QIBU_ADMIN_PASSWORD"):
        run("create_admin", "--username", "root", "--full-name", "Root")
    assert not Person.objects.exists()


def test_it_refuses_a_weak_password() -> None:
    with pytest.raises(CommandError, match="too short"):
        run("create_admin", "--username", "root", "--full-name", "Root", "--password", "abc")
    assert not Person.objects.exists()


def test_it_promotes_an_existing_person_and_keeps_their_password(
    company: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QIBU_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)

    out, _err = run("create_admin", "--username", "mia", "--full-name", "米娅")

    assert "mia is now an administrator." in out
    mia = Person.objects.get(username="mia")
    assert (mia.role, mia.is_staff, mia.is_superuser) == (Role.ADMIN, True, True)
    assert mia.check_password("correct horse battery staple")
    entry = AuditEntry.objects.get(action="person.promote_admin", target_id=mia.pk)
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["role"] == Role.MEMBER and entry.after["role"] == Role.ADMIN


def test_it_sets_a_new_password_when_promoting_with_one(company: Company) -> None:
    run("create_admin", "--username", "oscar", "--full-name", "欧斯卡", "--password", STRONG)

    oscar = Person.objects.get(username="oscar")
    assert oscar.is_admin
    assert oscar.check_password(STRONG)
