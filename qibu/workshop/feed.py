"""One look at the database per web process for all the open live streams of a workshop (`views/live.py`).

Sixty open screens that each asked the database for news every 0.4 s would cost sixty queries a tick and, since a
waiting stream gives its connection back, sixty connections opened a tick (3 ms each on SQLite; on PostgreSQL a
connection is dearer still). Instead the streams of a workshop share a feed: whichever stream finds the last look
older than a tick looks for the workshop's new events for all of them, and wakes the others.

Within one workshop events commit in the order of their ids: every write holds the workshop's row lock
(`services._common.enter`), and SQLite has a single writer. So a cursor per workshop — the newest id seen — misses
none. A stream starts watching before it reads its own starting point from the database, so nothing falls between
the two. The feed keeps the last `KEEP` events of each watched workshop; a stream that fell further behind is told so
and asks the database itself."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection

from qibu.workshop.events import latest_seq
from qibu.workshop.models import Event

KEEP = 500


@dataclass(frozen=True)
class News:
    """One new event, as much of it as a stream needs to know whether it concerns its screen."""

    id: int
    group_id: int | None
    plenary: bool


@dataclass
class _Watched:
    streams: int = 0
    cursor: int = 0  # the newest event id looked at
    floor: int = 0  # events up to this id are no longer kept
    looked_at: float = float("-inf")
    looking: bool = False
    news: deque[News] = field(default_factory=lambda: deque(maxlen=KEEP))


class Feed:
    """The workshops that open streams of this process watch, and their recent events."""

    def __init__(self, tick: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.tick = tick
        self._clock = clock
        self._changed = threading.Condition()
        self._watched: dict[int, _Watched] = {}

    @contextmanager
    def watching(self, workshop_id: int) -> Iterator[int]:
        """While a stream is open its workshop is watched. Yields the id up to which the feed has looked: a stream
        that reads its starting point from the database after this has seen everything up to it."""
        with self._changed:
            watched = self._watched.get(workshop_id)
            if watched is None:
                newest = _latest_seq(workshop_id)
                watched = self._watched[workshop_id] = _Watched(cursor=newest, floor=newest)
            watched.streams += 1
            cursor = watched.cursor
        try:
            yield cursor
        finally:
            with self._changed:
                watched.streams -= 1
                if watched.streams == 0:
                    del self._watched[workshop_id]

    def cursor(self, workshop_id: int) -> int:
        """The id up to which the feed has looked (for a stream that fell behind and asks the database)."""
        with self._changed:
            return self._watched[workshop_id].cursor

    def news_after(self, workshop_id: int, after: int, timeout: float) -> list[News] | None:
        """The workshop's events newer than `after`, waiting up to `timeout` seconds for one; None when they are no
        longer kept (the caller asks the database). The workshop must be watched (`watching`)."""
        deadline = self._clock() + timeout
        with self._changed:
            watched = self._watched[workshop_id]
            looked = False
            while True:
                if after < watched.floor:
                    return None
                news = [item for item in watched.news if item.id > after]
                if news:
                    return news
                now = self._clock()
                may_look = not watched.looking and now - watched.looked_at >= self.tick
                if now >= deadline and (looked or not may_look):  # a timeout of 0 still looks once
                    return []
                if may_look:
                    self._look(workshop_id, watched)
                    looked = True
                    continue
                wait = deadline - now
                if not watched.looking:
                    wait = min(wait, self.tick - (now - watched.looked_at))
                self._changed.wait(max(wait, 0.0))

    def _look(self, workshop_id: int, watched: _Watched) -> None:
        """Read the new events outside the lock (the other streams go on waiting), then wake them all."""
        watched.looking = True
        self._changed.release()
        try:
            rows = list(
                Event.objects.filter(workshop_id=workshop_id, id__gt=watched.cursor)
                .order_by("id")
                .values_list("id", "group_id", "group__is_plenary")[:KEEP]
            )
        finally:
            give_back_connection()
            self._changed.acquire()
            watched.looking = False
            watched.looked_at = self._clock()
            self._changed.notify_all()
        for pk, group_id, plenary in rows:
            if len(watched.news) == watched.news.maxlen:
                watched.floor = watched.news[0].id
            watched.news.append(News(id=pk, group_id=group_id, plenary=bool(plenary)))
            watched.cursor = pk


def _latest_seq(workshop_id: int) -> int:
    try:
        return latest_seq(workshop_id)
    finally:
        give_back_connection()


def give_back_connection() -> None:
    """A waiting stream holds no database connection: close this thread's (the next query opens one). Inside a
    transaction, a test's, the connection is not the stream's to close."""
    if not connection.in_atomic_block:
        connection.close()
