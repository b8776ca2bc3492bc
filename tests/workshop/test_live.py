"""The live channel (issue 11, "live on every screen"): each screen's stream tells it of what concerns it and of
nothing else, catches up after an absence, and the streams of a workshop share one look at the database per tick."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django import DjangoAssertNumQueries

from qibu.org.models import Person
from qibu.workshop import feed as feed_module
from qibu.workshop import services
from qibu.workshop.events import latest_seq
from qibu.workshop.feed import Feed
from qibu.workshop.models import GroupPhase
from qibu.workshop.views import live
from tests.workshop.conftest import NOTES, Setup, signed_in


class Screen:
    """One screen's stream, read event by event as the browser's EventSource does."""

    def __init__(self, setup: Setup, person: Person, last_seen: int) -> None:
        url = f"/workshops/{setup.workshop.pk}/live/stream/"
        self.response = signed_in(person).get(url, headers={"Last-Event-ID": str(last_seen)})
        assert self.response.status_code == 200 and self.response["Content-Type"] == "text/event-stream"
        self.chunks: Iterator[bytes] = iter(self.response.streaming_content)  # type: ignore[attr-defined]
        assert next(self.chunks) == b"retry: 1000\n\n"

    def next_seq(self) -> int:
        """The sequence number of the next event it is told of (a ping is no news)."""
        for chunk in self.chunks:
            text = chunk.decode()
            if text.startswith("id: "):
                return int(text.split("\n")[0][4:])
        raise AssertionError("the stream ended")

    def close(self) -> None:
        """The browser goes away: the stream's generator is closed, through the wrapper of Django's test client,
        which keeps the test's connection (closing old connections at a request's end would end its transaction)."""
        self.response._iterator.close()  # type: ignore[attr-defined]


@pytest.fixture
def quick_feed(monkeypatch: pytest.MonkeyPatch) -> Feed:
    """A feed that looks at every ask: the test writes an event, then reads the stream, without waiting a tick."""
    feed = Feed(tick=0.0)
    monkeypatch.setattr(live, "FEED", feed)
    return feed


def test_each_screen_is_told_of_what_concerns_it_and_catches_up(running: Setup, quick_feed: Feed) -> None:
    setup = running
    before = latest_seq(setup.workshop.pk)
    first, second = setup.followers(1)[0], setup.followers(2)[0]
    screens = {
        "group 1": Screen(setup, first, before),
        "group 2": Screen(setup, second, before),
        "moderator": Screen(setup, setup.company.erin, before),
    }
    # While the screens were away: group 2 moves on, then a note is written in group 1.
    group_two = setup.to_phase(2, GroupPhase.BRAINSTORM)
    moved = latest_seq(setup.workshop.pk)
    services.note_write(actor=setup.leader(1), group=setup.group(1), text=NOTES[0])
    written = latest_seq(setup.workshop.pk)
    assert before < moved < written
    # Each catches up with what concerns it: group 2's screen is not told of group 1's note, nor the other way.
    assert screens["group 1"].next_seq() == written
    assert screens["group 2"].next_seq() == moved
    assert screens["moderator"].next_seq() == written
    # Then, live through the feed: the next note in group 1 reaches group 1's screen.
    services.note_write(actor=first, group=setup.group(1), text=NOTES[1])
    assert screens["group 1"].next_seq() == latest_seq(setup.workshop.pk)
    # And group 2's screen hears of its own group's next change, not of group 1's note before it.
    services.note_write(actor=second, group=group_two, text=NOTES[2])
    assert screens["group 2"].next_seq() == latest_seq(setup.workshop.pk)
    for screen in screens.values():
        screen.close()
    # The polling fallback answers the same as the stream.
    polled = signed_in(second).get(f"/workshops/{setup.workshop.pk}/live/").json()
    assert polled == {"seq": latest_seq(setup.workshop.pk)}


def test_the_streams_of_a_workshop_share_one_look_per_tick(
    running: Setup, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    setup = running
    now = [1000.0]
    feed = Feed(tick=0.4, clock=lambda: now[0])
    workshop = setup.workshop.pk
    with feed.watching(workshop) as first, feed.watching(workshop) as second:
        services.note_write(actor=setup.leader(1), group=setup.group(1), text=NOTES[0])
        written = latest_seq(workshop)
        with django_assert_num_queries(1):
            told_first = feed.news_after(workshop, first, timeout=0)
            told_second = feed.news_after(workshop, second, timeout=0)
        assert [n.id for n in told_first or []] == [written] == [n.id for n in told_second or []]
        assert told_first and told_first[0].group_id == setup.group(1).pk and not told_first[0].plenary
        # Within the tick nobody looks again; after it, the next ask looks once more.
        services.note_write(actor=setup.followers(1)[0], group=setup.group(1), text=NOTES[1])
        with django_assert_num_queries(0):
            assert feed.news_after(workshop, written, timeout=0) == []
        newest = latest_seq(workshop)
        now[0] += 0.5
        with django_assert_num_queries(1):
            assert [n.id for n in feed.news_after(workshop, written, timeout=0) or []] == [newest]


def test_a_stream_that_fell_behind_what_the_feed_keeps_asks_the_database(
    running: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = running
    monkeypatch.setattr(feed_module, "KEEP", 2)
    feed = Feed(tick=0.0)
    workshop = setup.workshop.pk
    with feed.watching(workshop) as through:
        for text in NOTES[:3]:
            services.note_write(actor=setup.leader(1), group=setup.group(1), text=text)
        for _ in range(2):  # two looks of two events each: the first event is no longer kept
            feed.news_after(workshop, latest_seq(workshop), timeout=0)
        assert feed.news_after(workshop, through, timeout=0) is None
        assert feed.cursor(workshop) == latest_seq(workshop)
