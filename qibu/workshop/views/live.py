"""The live channel every screen of a workshop follows (`static/workshop/live.js`).

A screen knows the sequence number (the newest event id) of what it shows. The stream (server-sent events) tells
it as soon as a newer event concerns it — its group's, the plenary's, or the workshop's as a whole — and the screen
fetches its part again: the state lives in the database, so any web server answers and a screen that lost its
connection catches up with one fetch, nothing lost. Where a proxy blocks or buffers the stream, the screen polls
`live` instead. A stream lasts `WORKSHOP_STREAM_SECONDS` and the browser reconnects with `Last-Event-ID`. The open
streams of a workshop share one look at the database per tick and process (`feed.py`), and a waiting stream holds
no database connection: many open screens cost threads, not queries or connections."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from qibu.core.http import current_person
from qibu.workshop.access import seat_for
from qibu.workshop.feed import Feed, give_back_connection
from qibu.workshop.selectors import Scope, relevant_seq, scope_of

logger = logging.getLogger(__name__)

# How often the streams of a workshop look for news (one look per web process for all of them, `feed.py`): a change
# reaches every screen within this plus one fetch.
STREAM_TICK = 0.4
FEED = Feed(tick=STREAM_TICK)
KEEP_ALIVE_SECONDS = 10.0


def _after(request: HttpRequest) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    try:
        return max(0, int(raw))
    except ValueError:
        return 0


@login_required
@require_GET
def live_poll(request: HttpRequest, pk: int) -> JsonResponse:
    """The polling fallback: the newest sequence number that concerns the viewer, at once."""
    seat = seat_for(current_person(request), pk)
    response = JsonResponse({"seq": relevant_seq(seat.workshop.pk, scope_of(seat))})
    response["Cache-Control"] = "no-store"
    return response


def _stream(workshop_id: int, scope: Scope, after: int, seconds: float) -> Iterator[str]:
    yield "retry: 1000\n\n"
    deadline = time.monotonic() + seconds
    quiet_since = time.monotonic()
    try:
        with FEED.watching(workshop_id) as through:
            seen = after
            newest = _ask(workshop_id, scope)  # what happened while this screen was away
            while True:
                if newest > seen:
                    seen = newest
                    quiet_since = time.monotonic()
                    yield f"id: {seen}\ndata: {json.dumps({'seq': seen})}\n\n"
                elif time.monotonic() - quiet_since >= KEEP_ALIVE_SECONDS:
                    quiet_since = time.monotonic()
                    yield "event: ping\ndata: {}\n\n"
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                wait = min(left, KEEP_ALIVE_SECONDS - (time.monotonic() - quiet_since))
                news = FEED.news_after(workshop_id, through, max(wait, 0.0))
                if news is None:  # fell behind what the feed keeps: ask the database, from the feed's cursor on
                    through = FEED.cursor(workshop_id)
                    newest = _ask(workshop_id, scope)
                    continue
                if news:
                    through = news[-1].id
                mine = [item.id for item in news if scope.covers(item.group_id, item.plenary)]
                newest = max(mine, default=seen)
    except Exception:  # the database is away: end the stream; the browser reconnects, or falls back to polling
        logger.warning("workshop %s: the live stream ends, the database did not answer", workshop_id, exc_info=True)


def _ask(workshop_id: int, scope: Scope) -> int:
    try:
        return relevant_seq(workshop_id, scope)
    finally:
        give_back_connection()


@login_required
@require_GET
def live_stream(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Server-sent events: one `{"seq": n}` each time something newer concerns the viewer."""
    seat = seat_for(current_person(request), pk)
    scope = scope_of(seat)
    seconds = float(settings.WORKSHOP_STREAM_SECONDS)
    give_back_connection()  # the seat is read: the stream looks through the feed, which opens its own
    response = StreamingHttpResponse(
        _stream(seat.workshop.pk, scope, _after(request), seconds), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/live/", live_poll, name="live"),
    path("<int:pk>/live/stream/", live_stream, name="live_stream"),
]
