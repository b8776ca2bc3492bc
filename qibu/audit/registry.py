"""How each app's history reads.

History sits below every app, so it knows none of their models; each app tells it, once at start-up
(`AppConfig.ready`, through its own `history.py`), how its entries read:

- `register_action`: what an action says ("objective.update" → "changed the objective"), what the entry is
  about when that is not its target (a check-in is about its key result), and keys not worth showing;
- `register_label`: a label for a key that is not a field of the target model ("parents" → "aligned to");
- `register_format`: how a key's stored value shows (a percentage, a list of objectives) and which rows it names;
- `register_namer`: how the ids of a model read as names for a viewer (objectives: only those they may see).

Anything not registered falls back on the target model itself: field verbose names, choices, dates, numbers,
and foreign keys shown by the name of the row they point to."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# Names of rows, by (model label, id), for the ids a list of entries holds.
Names = Mapping[tuple[str, int], str]
# (model label, ids, viewer) → {id: name}: one query for every id of one model.
Namer = Callable[[set[int], Any], dict[int, str]]
Ref = tuple[str, int]


@dataclass(frozen=True)
class Action:
    label: Promise | str
    # What the entry is about when not its target (e.g. a check-in: its key result), from the entry's values.
    about: Callable[[dict[str, Any], dict[str, Any]], Ref | None] | None = None
    hidden: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ValueFormat:
    """How one key's stored value reads: the rows it names (to be named in one query) and its text."""

    show: Callable[[Any, Names], str]
    refs: Callable[[Any], Iterable[Ref]] = lambda value: ()


@dataclass
class Registry:
    actions: dict[str, Action] = field(default_factory=dict)
    labels: dict[str, Promise | str] = field(default_factory=dict)
    # (target model label, key) → format; the label "*" applies to any model.
    formats: dict[tuple[str, str], ValueFormat] = field(default_factory=dict)
    namers: dict[str, Namer] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)

    def format_for(self, model_label: str, key: str) -> ValueFormat | None:
        return self.formats.get((model_label, key)) or self.formats.get(("*", key))


registry = Registry()


def register_action(
    action: str,
    label: Promise | str,
    *,
    about: Callable[[dict[str, Any], dict[str, Any]], Ref | None] | None = None,
    hidden: Iterable[str] = (),
) -> None:
    registry.actions[action] = Action(label=label, about=about, hidden=frozenset(hidden))


def register_label(key: str, label: Promise | str) -> None:
    registry.labels[key] = label


def register_format(model_label: str, key: str, value_format: ValueFormat) -> None:
    registry.formats[model_label, key] = value_format


def register_namer(model_label: str, namer: Namer) -> None:
    registry.namers[model_label] = namer


def register_hidden(*keys: str) -> None:
    """Keys kept in history for completeness but of no interest to a reader (e.g. a list position)."""
    registry.hidden.update(keys)


def register_labels(labels: Mapping[str, Promise | str]) -> None:
    for key, label in labels.items():
        register_label(key, label)
