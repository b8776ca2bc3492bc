"""History as people read it: who, when, what (before → after), with names instead of ids.

`history_rows` turns entries into `HistoryRow`s for the template `audit/_history.html`, naming every row the
entries point to in one query per model (and none for the names the caller already knows), whatever the
number of entries. How each app's actions and values read is registered in `qibu.audit.registry`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from qibu.audit.models import AuditEntry
from qibu.audit.registry import Names, Ref, registry
from qibu.core.numbers import NumberFormat

PERSON_LABEL = settings.AUTH_USER_MODEL.lower()


@dataclass(frozen=True)
class Change:
    label: str
    before: str  # "" when the value is new
    after: str


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    actor: str
    action: str
    about: str
    changes: list[Change] = field(default_factory=list)


@cache
def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


@cache
def _field(label: str, key: str) -> models.Field[Any, Any] | None:
    model = _model(label)
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _reference_label(label: str, key: str) -> str | None:
    """The model a foreign key of the target model points to."""
    found = _field(label, key)
    if found is not None and found.is_relation and found.related_model is not None:
        related: Any = found.related_model
        return str(related._meta.label_lower)
    return None


def _refs_of(label: str, key: str, value: Any) -> Iterable[Ref]:
    value_format = registry.format_for(label, key)
    if value_format is not None:
        return value_format.refs(value)
    related = _reference_label(label, key)
    if related is not None and isinstance(value, int):
        return [(related, value)]
    return []


def _shown_keys(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(key, before, after) of the changes worth showing: an empty value is not, when the row is created with it
    or deleted with it (a deleted empty description would read "— → —")."""
    action = registry.actions.get(entry.action)
    hidden = registry.hidden | (action.hidden if action else frozenset())
    before = entry.before or {}
    after = entry.after or {}
    empty: tuple[Any, ...] = (None, "", [])
    return [
        (key, old, new)
        for key, old, new in entry.changes()
        if key not in hidden and not (key not in before and new in empty) and not (key not in after and old in empty)
    ]


def _about_ref(entry: AuditEntry) -> Ref | None:
    action = registry.actions.get(entry.action)
    if action is not None and action.about is not None:
        return action.about(entry.before or {}, entry.after or {})
    same = (entry.target_type, entry.target_id) == (entry.subject_type, entry.subject_id)
    if entry.target_id is None or same:
        return None
    return entry.target_type, entry.target_id


def _default_names(label: str, ids: set[int], viewer: Any) -> dict[int, str]:
    model = _model(label)
    if model is None:
        return {}
    return {row.pk: str(row) for row in model._default_manager.filter(pk__in=ids)}


def resolve_names(refs: Iterable[Ref], viewer: Any, known: Mapping[Ref, str] | None = None) -> dict[Ref, str]:
    """Names for these refs: one query per model for the ids not already known."""
    names: dict[Ref, str] = dict(known or {})
    wanted: dict[str, set[int]] = defaultdict(set)
    for label, pk in refs:
        if (label, pk) not in names:
            wanted[label].add(pk)
    for label, ids in wanted.items():
        namer = registry.namers.get(label)
        found = namer(ids, viewer) if namer is not None else _default_names(label, ids, viewer)
        names.update({(label, pk): name for pk, name in found.items()})
    return names


class _Shower:
    """Stored values as text, with the per-language work (number format, labels) done once per list."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.numbers = NumberFormat()
        self.labels: dict[tuple[str, str], str] = {}

    def label(self, model_label: str, key: str) -> str:
        if (model_label, key) not in self.labels:
            text = registry.labels.get(key)
            found = _field(model_label, key)
            if text is None and found is not None:
                text = found.verbose_name
            self.labels[model_label, key] = str(text) if text is not None else key.replace("_", " ")
        return self.labels[model_label, key]

    def value(self, model_label: str, key: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        value_format = registry.format_for(model_label, key)
        if value_format is not None:
            return value_format.show(value, self.names)
        related = _reference_label(model_label, key)
        if related is not None:
            return self.names.get((related, value), f"#{value}") if isinstance(value, int) else str(value)
        return self._plain(_field(model_label, key), value)

    def _plain(self, found: models.Field[Any, Any] | None, value: Any) -> str:
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if found is not None and found.choices:
            return str(dict(found.flatchoices).get(value, value))
        if isinstance(found, models.DateField) and isinstance(value, str):
            try:
                return date_format(dt.date.fromisoformat(value[:10]))
            except ValueError:
                return value
        if isinstance(found, (models.DecimalField, models.FloatField, models.IntegerField)):
            return self.numbers.number(value)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return Truncator(str(value)).chars(160)


def history_rows(entries: list[AuditEntry], *, viewer: Any, known: Mapping[Ref, str] | None = None) -> list[HistoryRow]:
    """The entries as rows to show (in the order given), every id named for `viewer`."""
    refs: list[Ref] = []
    for entry in entries:
        if entry.actor_id is not None:
            refs.append((PERSON_LABEL, entry.actor_id))
        about = _about_ref(entry)
        if about is not None:
            refs.append(about)
        for key, old, new in _shown_keys(entry):
            refs.extend(_refs_of(entry.target_type, key, old))
            refs.extend(_refs_of(entry.target_type, key, new))
    names = resolve_names(refs, viewer, known)
    shower = _Shower(names)
    someone = _("someone")
    rows = []
    for entry in entries:
        label = entry.target_type
        before = entry.before or {}
        changes = [
            Change(
                label=shower.label(label, key),
                before=shower.value(label, key, old) if key in before else "",
                after=shower.value(label, key, new),
            )
            for key, old, new in _shown_keys(entry)
        ]
        about = _about_ref(entry)
        about_name = names.get(about, "") if about is not None else ""
        if about is not None and not about_name:
            about_name = str((entry.before or entry.after or {}).get("title", ""))
        action = registry.actions.get(entry.action)
        rows.append(
            HistoryRow(
                at=entry.at,
                actor=names.get((PERSON_LABEL, entry.actor_id), someone) if entry.actor_id is not None else someone,
                action=str(action.label) if action is not None else entry.action,
                about=about_name,
                changes=changes,
            )
        )
    return rows
