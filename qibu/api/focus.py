"""The caller's daily focus (EXE-7): what to push first today, from every app's source (`qibu.okrs.focus`), first
things first, as the home page's "Today's focus" shows it but whole. Texts are in the caller's language; only what
the caller may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS
from qibu.okrs.focus import FocusItem, Rank, daily_focus, rank_label
from qibu.org.middleware import request_organisation

router = Router(tags=["me"])

RANKS = ", ".join(f"{rank.name.lower()} ({rank.value})" for rank in Rank)


class FocusItemOut(Schema):
    source: str = Field(description="The app's source that named it, e.g. okrs.key_results, plans.steps.")
    rank: str = Field(description=f"What comes first, in this order: {RANKS}.")
    rank_order: int = Field(description="The rank's place: lower first.")
    rank_label: str = Field(description="The rank's heading in the caller's language.")
    title: str = Field(description="What: a key result's, step's or objective's title, a meeting's name.")
    reason: str = Field(description="Why today, in a short sentence in the caller's language.")
    url: str = Field(description="The page to act on it (a path on this site).")
    when: dt.datetime | None = Field(description="A meeting's start or a due time, null when it has none.")


class FocusOut(Schema):
    count: int
    items: list[FocusItemOut]


def focus_item_out(item: FocusItem) -> dict[str, Any]:
    return {
        "source": item.source,
        "rank": item.rank.name.lower(),
        "rank_order": int(item.rank),
        "rank_label": rank_label(item.rank),
        "title": item.title,
        "reason": item.reason,
        "url": item.url,
        "when": item.when,
    }


@router.get("/me/focus", response={200: FocusOut, **ERRORS}, summary="The caller's focus today")
def focus_get(request: HttpRequest) -> dict[str, Any]:
    """EXE-7: every item of the caller's daily focus, first things first (by rank, then time)."""
    items = daily_focus(caller(request), request_organisation(request), timezone.now())
    return {"count": len(items), "items": [focus_item_out(item) for item in items]}
