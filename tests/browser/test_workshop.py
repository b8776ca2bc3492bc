"""A whole co-creation workshop in real browsers (PLAY-ANNUAL, WS-1 … WS-7): the moderator (erin) on a laptop, a
group's leader and two members on phones, and the CEO as observer, each in a browser of their own. Every step is
acted on one screen and checked on another, which follows by itself through the live channel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from qibu.okrs.models import Level, Objective
from qibu.org.models import Person
from qibu.workshop import services
from qibu.workshop.models import Column, Group, GroupPhase, Note
from tests.conftest import PASSWORD
from tests.workshop.conftest import NOTES, Setup, setup  # noqa: F401  (the fixture, used by name)
from tests.workshop.test_result import _to_presented

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
LAPTOP: ViewportSize = {"width": 1280, "height": 900}
SEEN = 5000  # ms: a change shows on another screen within the live channel's 2 s, with room for a loaded machine


@pytest.fixture
def screens(browser: Browser) -> Iterator[list[BrowserContext]]:
    contexts: list[BrowserContext] = []
    yield contexts
    for context in contexts:
        context.close()


def _open(
    browser: Browser, screens: list[BrowserContext], server: LiveServer, person: Person, size: ViewportSize
) -> Page:
    context = browser.new_context(locale="zh-CN", viewport=size)
    screens.append(context)
    page = context.new_page()
    page.goto(server.url + "/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def test_ws_a_whole_workshop_on_five_screens(
    live_server: LiveServer,
    browser: Browser,
    screens: list[BrowserContext],
    setup: Setup,  # noqa: F811
) -> None:
    """WS-1 … WS-7, PLAY-ANNUAL: notes hidden, revealed, sorted by select-and-assign, a vote with a reason, an
    objective distilled and ranked, the plenary and the CEO's decision, and the draft company objective."""
    Person.objects.update(language="zh-hans")
    setup.start()
    group = setup.group(1)
    leader, (first, second) = setup.leader(1), setup.followers(1)[:2]
    room = f"{live_server.url}/workshops/{setup.workshop.pk}/groups/{group.pk}/"
    moderator = _open(browser, screens, live_server, setup.company.erin, LAPTOP)
    lead = _open(browser, screens, live_server, leader, PHONE)
    one = _open(browser, screens, live_server, first, PHONE)
    two = _open(browser, screens, live_server, second, PHONE)
    ceo = _open(browser, screens, live_server, setup.ceo, LAPTOP)
    for page in (lead, one, two, ceo):
        page.goto(room)

    # WS-2 → WS-3: the leader begins the brainstorm; a member's phone shows the note form.
    lead.click("form[action$='/phase/'] button")
    expect(one.locator("#note-text")).to_be_visible(timeout=SEEN)

    # WS-3: a member writes a note; it stays hidden on the other member's screen, while the leader sees the count.
    one.fill("#note-text", NOTES[0])
    one.click(".ws-note-form button")
    expect(one.locator(".ws-notes")).to_contain_text(NOTES[0])
    expect(lead.locator(".ws-members li", has_text=str(first))).to_contain_text("1", timeout=SEEN)
    expect(two.locator("#room-live")).not_to_contain_text(NOTES[0])
    expect(ceo.locator("#room-live")).not_to_contain_text(NOTES[0])
    # The others write theirs through the services (the page is the same form).
    for person in setup.members(1):
        for text in NOTES[1:] if person == first else NOTES:
            services.note_write(actor=person, group=group, text=text)
        services.participant_done(actor=person, group=group)
    expect(lead.locator("#room-live")).to_contain_text("6", timeout=SEEN)

    # WS-3 → WS-4: the leader reveals the notes; the other member's phone shows them.
    lead.click("form[action$='/phase/'] button.primary")
    expect(two.locator(".ws-unsorted")).to_contain_text(NOTES[0], timeout=SEEN)

    # WS-4: a column, and the first member's note sorted into it by select-and-assign on the leader's phone.
    lead.fill("#column-title", "客户")
    lead.click(".ws-inline-form button")
    column = Column.objects.get(group=group)
    note = Note.objects.filter(group=group, author=first, text=NOTES[0]).get()
    lead.select_option(f"#move-{note.pk}", str(column.pk))
    lead.click(f"#note-{note.pk} .ws-move button")
    expect(two.locator(f"#column-{column.pk}")).to_contain_text(NOTES[0], timeout=SEEN)

    # WS-4: a dispute settled by vote, with the reason behind a member's view kept and shown to all once closed.
    lead.click(".ws-vote-open summary")
    lead.fill("#vote-question", "先谈哪一类?")
    lead.fill("#vote-options", "客户\n市场")
    lead.click(".ws-vote-open button[type=submit]")
    expect(one.locator(".ws-vote")).to_contain_text("先谈哪一类?", timeout=SEEN)
    one.locator(".ws-vote input[type=number]").first.fill("2")
    one.fill("#vote-reason", "客户流失是最大的问题")
    one.click(".ws-vote button.primary")
    expect(lead.locator(".ws-vote")).to_contain_text("客户流失是最大的问题", timeout=SEEN)
    lead.click("form[action$='/vote_close/'] button")
    expect(two.locator(".ws-closed")).to_contain_text("客户流失是最大的问题", timeout=SEEN)

    # WS-5: every note sorted, the leader distils the column; the objective shows on the member's phone.
    for other in Note.objects.filter(group=group, column__isnull=True):
        services.note_move(actor=leader, note=other, column=column)
    services.group_phase_set(actor=leader, group=group, phase=GroupPhase.DISTIL)
    lead.reload()
    lead.fill(f"#objective-{column.pk}", "让老客户离不开我们")
    lead.click(f"#column-{column.pk} form[action$='/objective/'] button")
    expect(two.locator(f"#column-{column.pk}")).to_contain_text("让老客户离不开我们", timeout=SEEN)

    # WS-6: ranked and presented (one column: its rank is 1), seen on the CEO's screen.
    services.group_phase_set(actor=leader, group=group, phase=GroupPhase.RANK)
    lead.reload()
    lead.click("form[action$='/phase/'] button.primary")
    expect(ceo.locator(".ws-steps [aria-current=step]")).to_have_text("已呈现成果", timeout=SEEN)

    # WS-7: the other group presents too; the moderator starts the plenary from the overview.
    group.refresh_from_db()
    if setup.group(2).phase == GroupPhase.TOPIC:
        _to_presented(setup, 2)
    moderator.goto(f"{live_server.url}/workshops/{setup.workshop.pk}/")
    moderator.click("form[action$='/plenary/'] button")
    plenary = Group.objects.get(workshop=setup.workshop, is_plenary=True)
    plenary_column = services.column_create(actor=setup.company.erin, group=plenary, title="年度目标")
    for item in Note.objects.filter(group=plenary):
        services.note_move(actor=setup.company.erin, note=item, column=plenary_column)
    services.group_phase_set(actor=setup.company.erin, group=plenary, phase=GroupPhase.DISTIL)
    services.column_objective_set(actor=setup.company.erin, column=plenary_column, objective="成为客户首选的伙伴")
    ceo.goto(f"{live_server.url}/workshops/{setup.workshop.pk}/groups/{plenary.pk}/")
    one.goto(f"{live_server.url}/workshops/{setup.workshop.pk}/groups/{plenary.pk}/")
    expect(one.locator(".ws-decision")).to_be_visible()
    expect(one.locator(".ws-decision form")).to_have_count(0)  # only the CEO decides

    # The CEO speaks last and decides; the member's screen shows the company's objective for the year.
    ceo.fill("#statement", "今年就聚焦客户")
    ceo.click(".ws-decision button.primary")
    expect(one.locator(".ws-decision a")).to_have_text("成为客户首选的伙伴", timeout=SEEN)
    made = Objective.objects.get(title="成为客户首选的伙伴")
    assert (made.level, made.cycle) == (Level.COMPANY, setup.year)
    one.click(".ws-decision a")
    expect(one.locator("h1")).to_contain_text("成为客户首选的伙伴")
