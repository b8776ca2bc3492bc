"""Restoring an export into an empty database, exactly: the same rows with the same keys and timestamps.

Rows are inserted as they are in the file, with plain INSERT statements: a model's save or bulk_create would
stamp `auto_now` / `auto_now_add` fields with the time of the import. Both engines check foreign keys at commit
(Django creates them DEFERRABLE INITIALLY DEFERRED), so self-references (a person's manager, a department's
parent, a cycle's parent) and the department ↔ head cycle load in any order; they are checked before the end,
and every refusal leaves the database as it was (one transaction).
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from qibu.backup.format import (
    ADDED_IN,
    BATCH,
    FORMAT,
    MANIFEST,
    TABLES,
    TABLES_BY_LABEL,
    VERSION,
    BadValue,
    Column,
    Table,
)
from qibu.org.models import Organisation
from qibu.search.services import search_reindex

Progress = Callable[[str, int], None]


class ImportRefused(Exception):
    """The file or the database cannot be imported; the message says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TableEntry:
    table: Table
    file: str
    fields: list[str]
    rows: int


@dataclass(frozen=True)
class Manifest:
    version: int
    exported_at: str
    entries: list[TableEntry]


@dataclass
class ImportSummary:
    rows: dict[str, int] = field(default_factory=dict)
    exported_at: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _not_an_export(name: str) -> ImportRefused:
    return ImportRefused(_("%(file)s is not a Qibu export.") % {"file": name})


def _damaged(name: str, problem: str) -> ImportRefused:
    return ImportRefused(
        _("%(file)s is not a complete Qibu export: %(problem)s Nothing was imported.")
        % {"file": name, "problem": problem}
    )


def _read_json(archive: zipfile.ZipFile, member: str) -> Any:
    with archive.open(member) as raw:
        return json.load(raw)


def _entry(name: str, item: Any) -> TableEntry:
    if not isinstance(item, dict) or not isinstance(item.get("table"), str):
        raise _damaged(name, _("the list of tables is not readable."))
    label = item["table"]
    table = TABLES_BY_LABEL.get(label)
    if table is None:
        raise _damaged(name, _("it has a table this Qibu does not know: %(table)s.") % {"table": label})
    if item.get("fields") != table.names:
        raise _damaged(
            name,
            _("the fields of %(table)s are not those of export version %(version)d.")
            % {"table": label, "version": VERSION},
        )
    rows, member = item.get("rows"), item.get("file")
    if not isinstance(rows, int) or not isinstance(member, str):
        raise _damaged(name, _("the list of tables is not readable."))
    return TableEntry(table=table, file=member, fields=table.names, rows=rows)


def read_manifest(archive: zipfile.ZipFile, name: str) -> Manifest:
    """The manifest, once it is known to be a Qibu export of a version this Qibu reads, holding every table."""
    try:
        manifest = _read_json(archive, MANIFEST)
    except (KeyError, ValueError, zipfile.BadZipFile):
        raise _not_an_export(name) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_an_export(name)
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _not_an_export(name)
    if version > VERSION:
        raise ImportRefused(
            _(
                "%(file)s was written by a newer Qibu (export version %(version)d); this Qibu reads export versions "
                "up to %(supported)d. Upgrade Qibu, then import it. Nothing was imported."
            )
            % {"file": name, "version": version, "supported": VERSION}
        )
    items = manifest.get("tables")
    if not isinstance(items, list):
        raise _damaged(name, _("the list of tables is not readable."))
    entries = [_entry(name, item) for item in items]
    present = [e.table.label for e in entries]
    expected = [t.label for t in TABLES if ADDED_IN.get(t.label, 1) <= version]
    missing = [label for label in expected if label not in present]
    if missing or len(present) != len(set(present)) or not set(present) <= set(expected):
        raise _damaged(name, _("tables are missing or repeated: %(tables)s.") % {"tables": ", ".join(missing) or "—"})
    order = {table.label: n for n, table in enumerate(TABLES)}
    entries.sort(key=lambda entry: order[entry.table.label])
    return Manifest(version=version, exported_at=str(manifest.get("exported_at", "")), entries=entries)


# --- the database ------------------------------------------------------------------------------------


def _check_migrated() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ImportRefused(
            _("The database is not up to date: run “python manage.py migrate” first. Nothing was imported.")
        )


def _blank_organisation(organisation: Organisation) -> bool:
    """The organisation any page creates in a new database (qibu.org.selectors.organisation_get): no data."""
    for model_field in Organisation._meta.concrete_fields:
        if model_field.primary_key:
            continue
        expected = "Qibu" if model_field.name == "name" else model_field.get_default()
        if getattr(organisation, model_field.attname) != expected:
            return False
    return True


def _clear_blank_organisation_or_refuse() -> None:
    """Refuse a database that holds any company data; a lone blank organisation is no data and makes way."""
    found = {t.label: t.model._base_manager.count() for t in TABLES}
    found = {label: count for label, count in found.items() if count}
    if found == {"org.organisation": 1}:
        organisation = Organisation.objects.get()
        if _blank_organisation(organisation):
            organisation.delete()
            return
    if found:
        listed = ", ".join(f"{label} ({count})" for label, count in found.items())
        raise ImportRefused(
            _(
                "The database is not empty (%(tables)s): import into a new database, created and migrated with "
                "“python manage.py migrate”. Nothing was imported."
            )
            % {"tables": listed}
        )


def _insert_sql(table: Table) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column.db_column) for column in table.columns)
    marks = ", ".join(["%s"] * len(table.columns))
    return f"INSERT INTO {quote(table.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from models


def _to_database(column: Column, ops: BaseDatabaseOperations) -> Callable[[Any], Any]:
    """File value → what the database driver is given: what the field itself would give it when saving
    (the backend's own adaptation), without the per-value overhead of Field.get_db_prep_save."""
    decode, model_field = column.decode, column.field
    if column.kind == "DateTimeField":
        return lambda value: ops.adapt_datetimefield_value(decode(value))
    if column.kind == "DateField":
        return lambda value: ops.adapt_datefield_value(decode(value))
    if column.kind == "TimeField":
        return lambda value: ops.adapt_timefield_value(decode(value))
    if column.kind == "DecimalField":
        digits, places = model_field.max_digits, model_field.decimal_places  # type: ignore[attr-defined]
        return lambda value: ops.adapt_decimalfield_value(decode(value), digits, places)
    if column.kind == "JSONField":
        encoder = model_field.encoder  # type: ignore[attr-defined]
        return lambda value: ops.adapt_json_value(decode(value), encoder)
    return decode


class _Rows:
    """The rows of one table file, as database parameters, with the line they came from for messages."""

    def __init__(self, name: str, entry: TableEntry) -> None:
        self.name = name
        self.entry = entry
        self.line = 0
        # The connection itself, not its thread-local proxy: one lookup per table rather than per value.
        ops = connections[DEFAULT_DB_ALIAS].ops
        self.converters = [(c.name, c.nullable, _to_database(c, ops)) for c in entry.table.columns]

    def _row(self, data: Any) -> tuple[Any, ...]:
        if not isinstance(data, dict) or len(data) != len(self.converters):
            raise BadValue(_("the row does not have the table's fields"))
        values: list[Any] = []
        for name, nullable, convert in self.converters:
            if name not in data:
                raise BadValue(_("the field %(field)s is missing") % {"field": name})
            value = data[name]
            if value is None:
                if not nullable:
                    raise BadValue(_("%(field)s: a value is required") % {"field": name})
                values.append(None)
                continue
            try:
                values.append(convert(value))
            except (BadValue, ValueError, TypeError) as exc:
                raise BadValue(f"{name}: {exc}") from exc
        return tuple(values)

    def batches(self, raw: IO[bytes]) -> Iterator[list[tuple[Any, ...]]]:
        batch: list[tuple[Any, ...]] = []
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            self.line += 1
            try:
                batch.append(self._row(json.loads(line)))
            except (BadValue, ValueError) as exc:
                raise self.refusal(str(exc)) from exc
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def refusal(self, problem: str) -> ImportRefused:
        return ImportRefused(
            _("%(file)s, table %(table)s, row %(row)d: %(problem)s. Nothing was imported.")
            % {"file": self.name, "table": self.entry.table.label, "row": self.line, "problem": problem}
        )


def _copy_sql(table: Table) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column.db_column) for column in table.columns)
    return f"COPY {quote(table.db_table)} ({columns}) FROM STDIN"


def _write_rows(cursor: Any, table: Table, batches: Iterator[list[tuple[Any, ...]]]) -> int:
    """Insert the rows: PostgreSQL takes them by COPY (several times quicker than INSERTs), others by INSERT."""
    count = 0
    if connection.vendor == "postgresql":
        # Django's cursor wraps psycopg's, whose COPY adapts values as its INSERTs would.
        with connection.wrap_database_errors, cursor.cursor.copy(_copy_sql(table)) as copy:
            for batch in batches:
                for row in batch:
                    copy.write_row(row)
                count += len(batch)
        return count
    sql = _insert_sql(table)
    for batch in batches:
        cursor.executemany(sql, batch)
        count += len(batch)
    return count


def _load(archive: zipfile.ZipFile, name: str, entry: TableEntry) -> int:
    rows = _Rows(name, entry)
    try:
        with archive.open(entry.file) as raw, connection.cursor() as cursor:
            try:
                count = _write_rows(cursor, entry.table, rows.batches(raw))
            except DatabaseError as exc:
                # The driver does not say which row of a batch: the message names the last line read.
                raise rows.refusal(str(exc).strip()) from exc
    except KeyError:
        raise _damaged(name, _("the file of table %(table)s is missing.") % {"table": entry.table.label}) from None
    except (zipfile.BadZipFile, EOFError, UnicodeDecodeError) as exc:
        raise _damaged(name, str(exc) + ".") from exc
    if count != entry.rows:
        raise _damaged(
            name,
            _("table %(table)s has %(found)d rows where the export wrote %(rows)d.")
            % {"table": entry.table.label, "found": count, "rows": entry.rows},
        )
    return count


def _check_references() -> None:
    """Every foreign key points at a row of the file (checked now rather than at commit, with a message)."""
    try:
        connection.check_constraints(table_names=[t.db_table for t in TABLES])
    except IntegrityError as exc:
        raise ImportRefused(
            _("The file's rows do not hold together: %(problem)s Nothing was imported.") % {"problem": exc}
        ) from exc


def _reset_sequences() -> None:
    """New rows get ids after the imported ones (PostgreSQL; SQLite's AUTOINCREMENT follows the inserts)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in TABLES])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def import_company(path: Path, progress: Progress | None = None) -> ImportSummary:
    """Restore the export at `path` into this empty database, or refuse with ImportRefused and write nothing."""
    started = time.perf_counter()
    name = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _not_an_export(name) from None
    except OSError as exc:
        raise ImportRefused(_("Cannot read %(file)s: %(reason)s") % {"file": name, "reason": exc.strerror}) from exc
    summary = ImportSummary()
    with archive:
        manifest = read_manifest(archive, name)
        summary.exported_at = manifest.exported_at
        with transaction.atomic():
            _check_migrated()
            _clear_blank_organisation_or_refuse()
            for entry in manifest.entries:
                summary.rows[entry.table.label] = _load(archive, name, entry)
                if progress is not None:
                    progress(entry.table.label, summary.rows[entry.table.label])
            _check_references()
            _reset_sequences()
            search_reindex()  # the derived search keys, left out of the file
    summary.seconds = round(time.perf_counter() - started, 1)
    return summary
