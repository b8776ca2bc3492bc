"""The workshop's plain rules, without the database: how long a note is (WS-3) and how people are drawn into
groups (WS-1).

WS-3 asks for notes of 8–20 characters, plainly worded, one idea each. In Chinese a character is a Han character;
a run of Latin letters or digits inside Chinese text ("NPS", "2027") counts as one, as it reads as one word;
spaces and punctuation count nothing. A note without any Han character is in Latin script, where 8–20 characters
would be two or three words: there the rule is 3–12 words, the length of a short, plain sentence.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

HAN_MIN, HAN_MAX = 8, 20
WORDS_MIN, WORDS_MAX = 3, 12
GROUP_MIN, GROUP_MAX, GROUP_BEST = 5, 7, 6

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RUN = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff_]+(?:['’-][^\W_]+)*")
_SPACES = re.compile(r"[ \t\u3000]+")


def clean_note(text: str) -> str:
    """The note as stored: without surrounding blanks, inner runs of spaces made one."""
    return _SPACES.sub(" ", text.strip())


def note_size(text: str) -> tuple[Literal["han", "latin"], int]:
    """("han", characters) for a note with any Han character, else ("latin", words)."""
    runs = len(_LATIN_RUN.findall(text))
    han = len(_HAN.findall(text))
    if han:
        return "han", han + runs
    return "latin", runs


def note_problem(text: str) -> str | None:
    """Why the note breaks WS-3, in the user's language; None when it keeps it."""
    text = clean_note(text)
    if not text:
        return _("Write the note.")
    if "\n" in text or "\r" in text:
        return _("One idea per note: write it on one line, and the next idea on another note.")
    script, size = note_size(text)
    if script == "han" and not HAN_MIN <= size <= HAN_MAX:
        return ngettext(
            "A note in Chinese has %(min)d to %(max)d characters; this one has %(n)d.",
            "A note in Chinese has %(min)d to %(max)d characters; this one has %(n)d.",
            size,
        ) % {"min": HAN_MIN, "max": HAN_MAX, "n": size}
    if script == "latin" and not WORDS_MIN <= size <= WORDS_MAX:
        return ngettext(
            "A note has %(min)d to %(max)d words; this one has %(n)d.",
            "A note has %(min)d to %(max)d words; this one has %(n)d.",
            size,
        ) % {"min": WORDS_MIN, "max": WORDS_MAX, "n": size}
    return None


def group_count(people: int) -> int:
    """How many groups `people` make (WS-1): sizes within 5–7 where possible, nearest to 6. Below 10 people
    (except 5–7) no split keeps every group within 5–7; one group is kept then, since a group of 4 loses the
    method's point (enough views to combine) more than a group of 8 or 9 does."""
    if people <= GROUP_MAX + 2:
        return 1
    fitting = [k for k in range(1, people + 1) if GROUP_MIN * k <= people <= GROUP_MAX * k]
    return min(fitting, key=lambda k: (abs(people / k - GROUP_BEST), k))


def group_size_problem(people: int) -> str | None:
    """A warning when the people cannot all be in groups of 5–7 (WS-1)."""
    count = group_count(people) if people else 0
    if people and all(GROUP_MIN <= size <= GROUP_MAX for size in _sizes(people, count)):
        return None
    return ngettext(
        "Groups have 5 to 7 people; with %(n)d participant they cannot: invite more, or run one group.",
        "Groups have 5 to 7 people; with %(n)d participants they cannot: invite more, or run one group.",
        people,
    ) % {"n": people}


def _sizes(people: int, count: int) -> list[int]:
    base, extra = divmod(people, count)
    return [base + 1 if i < extra else base for i in range(count)]


def draw_groups(person_ids: Sequence[int], rng: random.Random) -> list[list[int]]:
    """WS-1: the people shuffled and split into groups whose sizes differ by at most one."""
    people = list(person_ids)
    if not people:
        return []
    rng.shuffle(people)
    groups: list[list[int]] = []
    start = 0
    for size in _sizes(len(people), group_count(len(people))):
        groups.append(people[start : start + size])
        start += size
    return groups


def pick_leaders(groups: Sequence[Sequence[int]], rng: random.Random) -> list[int]:
    """One leader per group, chosen at random among its members."""
    return [rng.choice(list(group)) for group in groups]
