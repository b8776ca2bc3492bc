"""The entry point: check the whole file, then write it at once or not at all."""

from __future__ import annotations

from django.db import transaction

from qibu.org.importer.checker import Checker
from qibu.org.importer.header import read_sheet
from qibu.org.importer.results import FileProblem, ImportResult, file_error
from qibu.org.importer.writer import Writer
from qibu.org.models import Person


def people_import(*, actor: Person | None, filename: str, content: bytes, dry_run: bool = False) -> ImportResult:
    """Check every row of an .xlsx or CSV file of people; when all are valid (and not a dry run) write them at once.

    Permission is the caller's check (administrators only); like the other services this trusts its actor,
    None when the system imports (the `import_people` command)."""
    try:
        sheet = read_sheet(filename, content)
    except FileProblem as exc:
        return ImportResult(ok=False, errors=[file_error(str(exc))])
    if sheet.errors:
        return ImportResult(ok=False, errors=sheet.errors)
    checker = Checker(actor=actor, headers=sheet.headers)
    checker.check(sheet.rows)
    if checker.errors:
        checker.errors.sort(key=lambda e: e.row)
        return ImportResult(ok=False, errors=checker.errors)
    plan = checker.plan
    result = ImportResult(
        ok=True,
        created=sum(1 for p in plan.rows if p["existing"] is None),
        updated=sum(1 for p in plan.rows if p["existing"] is not None and p["changes"]),
        departments_created=len(plan.new_departments),
        teams_created=len(plan.new_teams),
    )
    if not dry_run:
        with transaction.atomic():
            Writer(plan, checker, actor).write()
    return result
