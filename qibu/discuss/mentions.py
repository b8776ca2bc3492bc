"""Finding the people a comment @mentions, by full name ("@米娅", "@Alice 管理员") or username ("@mia").

Chinese text has no spaces between words ("@米娅你看一下"), so a mention cannot be cut at the next blank: what
follows each "@" is compared with the names of the company's people, and the longest name that fits wins, so
that "@张三丰" is 张三丰 even when 张三 works here too. A name ending in a Latin letter or digit must not run on into
one ("@miao" is not mia). An "@" inside a word is no mention ("mia@yunzhou.example"). A name two people share
mentions neither: the commenter is asked to write a username instead.

`mention_spans` is pure (tested without a database); `mentions_find` reads the people whose names fit in one
query, whatever the size of the company.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import F, Q, Value
from django.db.models.lookups import IStartsWith

from qibu.core.validation import NAME_MAX
from qibu.org.models import Person

# The "@"s of one comment that are looked at; past them, the text is text.
MENTION_LIMIT = 50
# A username may be as long as its column; a full name as long as NAME_MAX (its column holds 200).
_LONGEST_NAME = max(NAME_MAX, 200)


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def mention_starts(text: str) -> list[int]:
    """Where each "@" that may begin a mention is (not inside a word), at most MENTION_LIMIT."""
    starts = [i for i, char in enumerate(text) if char == "@" and (i == 0 or not _is_word_char(text[i - 1]))]
    return starts[:MENTION_LIMIT]


@dataclass(frozen=True)
class Span:
    """A mention in the text: `text[start:end]` is "@" and the name; `person` is None when the name is shared."""

    start: int
    end: int
    person: Person | None
    name: str
    sharing: tuple[Person, ...] = ()


def _fits(after: str, name: str) -> bool:
    if not name or after[: len(name)].lower() != name.lower():
        return False
    rest = after[len(name) : len(name) + 1]
    return not (rest and _is_word_char(rest) and _is_word_char(name[-1]))


def mention_spans(text: str, people: Iterable[Person]) -> list[Span]:
    """The mentions of `text` among `people`: for each "@", the longest full name or username that follows it."""
    people = list(people)
    spans: list[Span] = []
    for start in mention_starts(text):
        if spans and start < spans[-1].end:
            continue  # an "@" inside a name already matched
        after = text[start + 1 : start + 1 + _LONGEST_NAME]
        best: dict[int, Person] = {}
        best_length = 0
        for person in people:
            for name in (person.full_name, person.username):
                if not _fits(after, name) or len(name) < best_length:
                    continue
                if len(name) > best_length:
                    best, best_length = {}, len(name)
                best[person.pk] = person
        if not best:
            continue
        found = list(best.values())
        name = after[:best_length]
        if len(found) == 1:
            spans.append(Span(start, start + 1 + best_length, found[0], name))
        else:
            spans.append(Span(start, start + 1 + best_length, None, name, tuple(found)))
    return spans


@dataclass(frozen=True)
class Mentions:
    """Who `text` mentions (each once, in the order mentioned), and the shared names it uses."""

    spans: list[Span]
    people: list[Person] = field(default_factory=list)
    shared: list[Span] = field(default_factory=list)


def mentions_find(text: str) -> Mentions:
    """The active people `text` mentions, read in one query (none when it has no "@")."""
    starts = mention_starts(text)
    if not starts:
        return Mentions(spans=[])
    conditions = []
    for start in starts:
        after = Value(text[start + 1 : start + 1 + _LONGEST_NAME])
        conditions.append(Q(IStartsWith(after, F("full_name"))) | Q(IStartsWith(after, F("username"))))
    candidates = (
        Person.objects.filter(is_active=True)
        .exclude(full_name="", username="")
        .filter(reduce(or_, conditions))
        .select_related("department")
    )
    spans = mention_spans(text, candidates)
    people: dict[int, Person] = {}
    for span in spans:
        if span.person is not None:
            people.setdefault(span.person.pk, span.person)
    return Mentions(spans=spans, people=list(people.values()), shared=[s for s in spans if s.person is None])
