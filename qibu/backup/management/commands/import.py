"""`manage.py import FILE`: restore an export (`manage.py export`) into an empty, migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qibu.backup.importing import ImportRefused, import_company


class Command(BaseCommand):
    help = "Restore a Qibu export into an empty, migrated database; nothing is written if it is refused."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a zip file written by `manage.py export` or downloaded from the settings")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        try:
            summary = import_company(Path(options["file"]), progress=self._progress)
        except ImportRefused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(rows)d rows of %(tables)d tables (exported %(exported_at)s) in %(seconds).1f s.")
                % {
                    "rows": summary.total,
                    "tables": len(summary.rows),
                    "exported_at": summary.exported_at,
                    "seconds": summary.seconds,
                }
            )
        )

    def _progress(self, table: str, rows: int) -> None:
        if self.verbosity >= 1:
            self.stdout.write(f"  {table}: {rows}")
