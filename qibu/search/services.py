"""The stored search keys (`search_key` on people, departments, objectives and key results).

The services that write a name set its key themselves (`qibu.core.pinyin.search_key`); this fills every row at
once, for the bulk writers that bypass those services (the demo company, a restored export) and for
`manage.py search_reindex` after an upgrade of the pinyin data."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from qibu.core.pinyin import refill_search_keys, registered_searchables
from qibu.okrs.models import KeyResult, Objective
from qibu.org.models import Department, Person

# Each searchable model and the fields its key is made from.
SEARCHABLE: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (Person, ("full_name", "username")),
    (Department, ("name",)),
    (Objective, ("title",)),
    (KeyResult, ("title",)),
)


@transaction.atomic
def search_reindex() -> dict[str, int]:
    """Recompute every stored search key; the number of rows of each model."""
    every = [*SEARCHABLE, *registered_searchables()]
    return {model._meta.label: refill_search_keys(model, *fields) for model, fields in every}
