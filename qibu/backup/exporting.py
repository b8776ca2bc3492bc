"""Writing the export: every table of the company, read in one consistent snapshot and streamed in batches.

`export_to_file(path)` is the command's; `export_stream()` yields the same zip piece by piece for a download, so
that neither holds more than one batch of rows (and the compressor's window) in memory at any size of company.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.backup.format import BATCH, FORMAT, MANIFEST, README, TABLES, VERSION, Table

Progress = Callable[[str, int], None]


@dataclass
class ExportSummary:
    rows: dict[str, int] = field(default_factory=dict)
    exported_at: dt.datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@contextlib.contextmanager
def consistent_snapshot() -> Iterator[None]:
    """Every table read as of one moment, without holding up the people writing meanwhile.

    PostgreSQL: a read-only REPEATABLE READ transaction. SQLite: a deferred read transaction (WAL keeps writers
    going; Django's atomic would begin IMMEDIATE and hold the write lock for the whole export). Inside a
    transaction already (tests), that transaction's view is the snapshot.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        # The health check must not be the transaction's first statement: SET TRANSACTION has to be.
        connection.close_if_health_check_failed()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        yield


def _row_batches(table: Table) -> Iterator[list[tuple[Any, ...]]]:
    rows = table.model._base_manager.order_by("pk").values_list(*table.names).iterator(chunk_size=BATCH)
    while batch := list(itertools.islice(rows, BATCH)):
        yield batch


def _encode_lines(table: Table, batch: list[tuple[Any, ...]]) -> bytes:
    return "".join(
        json.dumps(table.encode(row), ensure_ascii=False, separators=(",", ":")) + "\n" for row in batch
    ).encode()


def _migrations() -> dict[str, str]:
    """The newest migration applied of each app: which Qibu wrote the file (for the reader; the version decides)."""
    newest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        newest[app] = name
    return newest


def _readme() -> str:
    return _(
        "This is an export of a company's data from Qibu (export version %(version)d, written %(at)s).\n"
        "It holds everything of the company, including every person's password hash and the hashes of the "
        "API tokens: keep it like a password.\n"
        "Restore it into an empty, migrated database with: python manage.py import FILE\n"
        "manifest.json lists the tables; each file under tables/ holds one JSON object per line, one row "
        "each. The format is described in docs/EXPORT.md.\n"
    ) % {"version": VERSION, "at": timezone.now().isoformat(timespec="seconds")}


def _manifest(summary: ExportSummary) -> dict[str, Any]:
    exported_at = summary.exported_at or timezone.now()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "database": connection.vendor,
        "migrations": _migrations(),
        "tables": [
            {"table": t.label, "file": t.file, "fields": t.names, "rows": summary.rows[t.label]} for t in TABLES
        ],
    }


def _member(name: str, at: dt.datetime) -> zipfile.ZipInfo:
    """An entry of the zip, dated as of the snapshot and readable by its owner only once unpacked."""
    info = zipfile.ZipInfo(name, date_time=timezone.localtime(at).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def write_export(out: IO[bytes], summary: ExportSummary, progress: Progress | None = None) -> Iterator[None]:
    """Write the zip to `out`, yielding after each batch (a streaming response sends what was written so far)."""
    with consistent_snapshot(), zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        summary.exported_at = timezone.now()
        archive.writestr(_member(README, summary.exported_at), _readme())
        for table in TABLES:
            count = 0
            # zip64 headers: a table may pass 4 GB, which the writer cannot know before it starts.
            with archive.open(_member(table.file, summary.exported_at), "w", force_zip64=True) as entry:
                for batch in _row_batches(table):
                    entry.write(_encode_lines(table, batch))
                    count += len(batch)
                    yield
            summary.rows[table.label] = count
            if progress is not None:
                progress(table.label, count)
        archive.writestr(
            _member(MANIFEST, summary.exported_at), json.dumps(_manifest(summary), ensure_ascii=False, indent=2)
        )
    yield


def export_to_file(path: Path, progress: Progress | None = None) -> ExportSummary:
    """Write the export to `path`, readable by its owner only; a failed export leaves no file behind."""
    summary = ExportSummary()
    directory = path.resolve().parent
    # mkstemp creates the file with mode 0600: the export holds password hashes.
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            for _batch in write_export(out, summary, progress):
                pass
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return summary


class _Pipe:
    """A write-only file for the zip writer: what it is given waits here until the response takes it.

    It cannot seek or tell, so the zip writer puts each entry's sizes after its data (as it must for a stream)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def export_stream(summary: ExportSummary | None = None) -> Iterator[bytes]:
    """The export as a stream of bytes, for a download."""
    pipe = _Pipe()
    for _batch in write_export(pipe, summary or ExportSummary()):  # type: ignore[arg-type]
        data = pipe.take()
        if data:
            yield data


def export_filename(at: dt.datetime) -> str:
    return f"qibu-export-{timezone.localtime(at):%Y%m%d-%H%M%S}.zip"
