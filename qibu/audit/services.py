"""Recording history. Every service that writes calls `history_record` inside its transaction (no signals), and
bulk writers (the importer) build entries with `history_entry` and save them with `history_record_many`: one
function decides what an entry holds, whoever writes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from qibu.audit.models import AuditEntry

# A subject or target given without its instance: (model label, id), e.g. ("okrs.objective", 12).
Ref = tuple[str, int | None]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Plain notation without trailing zeros: "1000", "2.5" (never "1E+3"), so that the value read back
        # from the database ("2.5000") and the value typed ("2.5") compare equal.
        return "0" if value == 0 else format(value.normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {key: _jsonable(v) for key, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of an instance as JSON-safe values (foreign keys as ids)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = _jsonable(getattr(instance, attname))
    return out


def ref(thing: models.Model | Ref) -> Ref:
    """(model label, id) of an instance, or the pair as given."""
    if isinstance(thing, models.Model):
        return thing._meta.label_lower, thing.pk
    return thing


def history_entry(
    *,
    actor: Any,
    action: str,
    subject: models.Model | Ref,
    target: models.Model | Ref | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved entry: `actor` did `action` ("key_result.update") to `target` (default: the subject itself),
    listed in the history of `subject`."""
    subject_type, subject_id = ref(subject)
    target_type, target_id = ref(target) if target is not None else (subject_type, subject_id)
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        target_type=target_type,
        target_id=target_id,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )


def history_record(
    *,
    actor: Any,
    action: str,
    subject: models.Model | Ref,
    target: models.Model | Ref | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one change (see `history_entry`)."""
    entry = history_entry(actor=actor, action=action, subject=subject, target=target, before=before, after=after)
    entry.save()
    return entry


def history_record_many(entries: Iterable[AuditEntry], *, batch_size: int = 1000) -> None:
    """Record many entries built by `history_entry` in a few statements."""
    AuditEntry.objects.bulk_create(list(entries), batch_size=batch_size)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The keys whose values differ between two snapshots of the same fields."""
    return [key for key in after if before.get(key) != after[key]]
