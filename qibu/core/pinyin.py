"""The search key of a name: what the search box matches, in Chinese or English.

A name's key holds, for each text given, its lowercased text, its full pinyin and the initials of its
syllables, separated by `|`, so that 张三 is found by "张三", "zhangsan", "zhang san" and "zs", and "Sales
Department" by "sales", "salesdep" or "sd". Services store it on the row beside the name (`search_key`), so a
search is one `LIKE` per kind of thing rather than a pinyin conversion of every row at query time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pypinyin import lazy_pinyin

SEPARATOR = "|"
_SPACE = re.compile(r"\s+")


def _words(text: str) -> list[str]:
    """The pinyin syllables of the Chinese characters and the words of everything else, lowercased."""
    words: list[str] = []
    for chunk in lazy_pinyin(text):
        words.extend(part for part in re.split(r"[\s\W_]+", chunk.lower()) if part)
    return words


def _part(text: str) -> str:
    lowered = _SPACE.sub(" ", text).strip().lower().replace(SEPARATOR, " ")
    words = _words(lowered)
    return SEPARATOR.join((lowered, "".join(words), "".join(word[0] for word in words)))


def search_key(*texts: str | None) -> str:
    """The stored key of a row named by these texts (a person: full name and username)."""
    return SEPARATOR.join(_part(text) for text in texts if text and text.strip())


def search_terms(query: str) -> list[str]:
    """What a query is matched as, any of which found in a key is a match: the lowercased query, and the same
    without spaces ("zhang san" → "zhangsan"). Empty when the query is empty."""
    lowered = _SPACE.sub(" ", query).strip().lower().replace(SEPARATOR, " ")
    if not lowered:
        return []
    joined = lowered.replace(" ", "")
    return [lowered] if joined == lowered else [lowered, joined]


def fill_search_keys(rows: Iterable[object], *fields: str) -> None:
    """Set `search_key` on rows about to be saved in bulk, from their `fields` (importer, demo, backfill)."""
    for row in rows:
        row.search_key = search_key(*(getattr(row, name) for name in fields))  # type: ignore[attr-defined]


def refill_search_keys(model: type[Any], *fields: str, batch_size: int = 2000) -> int:
    """Recompute the stored key of every row of a model (the migration that adds the keys and
    `manage.py search_reindex`); the number of rows."""
    rows = list(model._default_manager.only("pk", *fields).order_by("pk"))
    fill_search_keys(rows, *fields)
    model._default_manager.bulk_update(rows, ["search_key"], batch_size=batch_size)
    return len(rows)


# Models of apps that `qibu.search` cannot import (its own layer or above) whose keys `search_reindex` refills
# too: each app registers its own from `AppConfig.ready()`, with the fields its key is made from.
_searchable: dict[type[Any], tuple[str, ...]] = {}


def register_searchable(model: type[Any], *fields: str) -> None:
    _searchable[model] = fields


def registered_searchables() -> list[tuple[type[Any], tuple[str, ...]]]:
    return list(_searchable.items())
