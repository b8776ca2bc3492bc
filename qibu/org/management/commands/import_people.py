"""`manage.py import_people FILE [--dry-run]`: people, departments and teams from an .xlsx or CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.org.importer import people_import
from qibu.org.passwords import without_password


class Command(BaseCommand):
    help = "Import people, departments and teams from an .xlsx or CSV file; nothing is written if any row is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an .xlsx workbook or a CSV file (UTF-8 or GBK)")
        parser.add_argument("--dry-run", action="store_true", help="check the file only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}) from exc
        result = people_import(actor=None, filename=path.name, content=content, dry_run=options["dry_run"])
        if not result.ok:
            for error in result.errors:
                if error.column:
                    line = _("row %(row)d, column %(column)s: %(message)s")
                else:
                    line = _("row %(row)d: %(message)s")
                self.stderr.write(line % {"row": error.row, "column": error.column, "message": error.message})
            count = len(result.errors)
            raise CommandError(
                ngettext(
                    "%(count)d problem found; nothing was imported.",
                    "%(count)d problems found; nothing was imported.",
                    count,
                )
                % {"count": count}
            )
        summary = _(
            "People created: %(created)d, updated: %(updated)d; "
            "departments created: %(departments)d; teams created: %(teams)d."
        ) % {
            "created": result.created,
            "updated": result.updated,
            "departments": result.departments_created,
            "teams": result.teams_created,
        }
        if options["dry_run"]:
            summary = _("Dry run, nothing was written: %(summary)s") % {"summary": summary}
        self.stdout.write(self.style.SUCCESS(summary))
        waiting = without_password().count()
        if waiting and not options["dry_run"]:
            self.stdout.write(
                ngettext(
                    "%(count)d person has no password yet: download their set-password link under Settings → People.",
                    "%(count)d people have no password yet: download their set-password links under Settings → People.",
                    waiting,
                )
                % {"count": waiting}
            )
