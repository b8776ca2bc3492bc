"""`manage.py export FILE`: everything of the company to one file (docs/EXPORT.md), to restore with `import`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qibu.backup.exporting import export_to_file


class Command(BaseCommand):
    help = (
        "Export everything of the company (people with their password hashes, OKRs, check-ins, history) to one "
        "zip file; keep it like a password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the zip file to write (replaced if it exists)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        path = Path(options["file"])
        started = time.perf_counter()
        try:
            summary = export_to_file(path, progress=self._progress)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror or exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Exported %(rows)d rows of %(tables)d tables to %(file)s (%(size).1f MB) in %(seconds).1f s.")
                % {
                    "rows": summary.total,
                    "tables": len(summary.rows),
                    "file": path,
                    "size": path.stat().st_size / 1e6,
                    "seconds": time.perf_counter() - started,
                }
            )
        )
        self.stdout.write(_("The file holds password hashes: keep it like a password."))

    def _progress(self, table: str, rows: int) -> None:
        if self.verbosity >= 1:
            self.stdout.write(f"  {table}: {rows}")
