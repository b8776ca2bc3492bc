"""Qibu's proposals while combining and distilling (WS-4, WS-5): where the unsorted notes could go, by the key
words they share, and a column's key words for its objective.

The words of a note are those the OKR coach reads in a title (`qibu.okrs.coach.title_words`): Chinese cut by
jieba — imported only when a Chinese note is read, never when this module is — English lowercased with the plural
dropped, stop words left out, synonyms made one ("提高" and "提升" are one word). A proposal only proposes: the
leader accepts it, changes it or undoes it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qibu.okrs.coach import title_words

TITLE_MAX = 100
# Words that say what to do, not what about: "提升" (with its synonyms 提高, 改善 …) joins 复购率 and 饭菜, so they
# found no column and match none; nor does a single Chinese character.
_WEAK = frozenset(
    (
        *("提升", "开拓", "降低", "建设", "获得", "完善", "加快", "需要", "要", "太多", "实现", "推动", "做好", "达到"),
        *("improve", "lower", "build", "enter", "make", "need", "get", "keep", "every", "year"),
    )
)


@dataclass(frozen=True)
class ProposedColumn:
    column_id: int | None  # an existing column, or None for a new one
    title: str
    keywords: tuple[str, ...]
    note_ids: tuple[int, ...]


def _words(text: str) -> list[str]:
    """The note's words that say what it is about, in a stable order (title_words gives a set)."""
    return sorted(w for w in title_words(text) if w not in _WEAK and not (len(w) == 1 and not w.isascii()))


def propose_grouping(
    notes: Mapping[int, str],
    columns: Sequence[tuple[int, str, Sequence[str]]] = (),
    max_columns: int = 5,
) -> list[ProposedColumn]:
    """Where each unsorted note (`notes`: id → text) could go: into the existing column (`columns`: id, title,
    its notes' texts) whose words it shares most, else into a new column named by a key word that at least two
    unsorted notes share, at most `max_columns` columns in all. Notes that fit nowhere are left out."""
    words = {pk: set(_words(text)) for pk, text in sorted(notes.items())}
    existing: dict[int, set[str]] = {}
    titles: dict[int, str] = {}
    for pk, title, texts in columns:
        titles[pk] = title
        found = set(_words(title))
        for text in texts:
            found |= set(_words(text))
        existing[pk] = found
    placed: dict[int, list[int]] = {pk: [] for pk in existing}
    left: list[int] = []
    for note_id, found in words.items():
        scores = [(len(found & column_words), -pk) for pk, column_words in existing.items()]
        best = max(scores, default=(0, 0))
        if best[0] > 0:
            placed[-best[1]].append(note_id)
        else:
            left.append(note_id)
    new: list[tuple[str, list[int]]] = []
    room = max_columns - len(existing)
    while room > 0 and left:
        counts = Counter(word for note_id in left for word in words[note_id])
        shared = [(n, word) for word, n in counts.items() if n >= 2]
        if not shared:
            break
        top = max(n for n, _word in shared)
        word = min(w for n, w in shared if n == top)
        members = [note_id for note_id in left if word in words[note_id]]
        new.append((word, members))
        left = [note_id for note_id in left if note_id not in members]
        room -= 1
    proposed = [
        ProposedColumn(column_id=pk, title=titles[pk], keywords=(), note_ids=tuple(ids))
        for pk, ids in placed.items()
        if ids
    ]
    proposed += [
        ProposedColumn(column_id=None, title=word[:TITLE_MAX], keywords=(word,), note_ids=tuple(ids))
        for word, ids in new
    ]
    return proposed


def column_keywords(texts: Sequence[str], limit: int = 5) -> list[str]:
    """WS-5: the column's key words, the most frequent first (ties: the first to appear), to write its objective
    from."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for text in texts:
        for word in _words(text):
            counts[word] += 1
            first.setdefault(word, len(first))
    ordered = sorted(counts, key=lambda w: (-counts[w], first[w]))
    return ordered[:limit]
