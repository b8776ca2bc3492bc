"""The live stand-up at phone size with two participants in separate browsers (EXE-1): mia posts her entry from
her phone, hank starts the live mode and moves to the next speaker, and mia's screen follows within a poll; both
see the group's countdown tick; only the facilitator has the buttons; ending it closes the stand-up on both."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from qibu.rhythm.services import ScheduleInput, schedule_create
from tests.browser.test_key_result_kinds import _sign_in
from tests.conftest import Company

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
CLOCK = re.compile(r"^−?\d+:\d\d$")


def _phone(browser: Browser, base: str, username: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    _sign_in(page, base, username)
    return page


def test_the_facilitator_advances_and_the_other_screen_follows_EXE_1(
    transactional_db: None, live_server: LiveServer, browser: Browser, company: Company
) -> None:
    # Every day of the week, so that today has a stand-up whenever the test runs.
    schedule_create(
        actor=None,
        data=ScheduleInput(kind="stand_up", team_id=company.sales_team.pk, recurrence="weekly",
                           weekdays=list(range(7)), time="09:30", duration_minutes=15),
    )  # fmt: skip
    base = live_server.url
    mia = _phone(browser, base, "mia")
    hank = _phone(browser, base, "hank")
    violations: list[str] = []
    for page in (mia, hank):
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    # mia posts from her phone.
    mia.goto(f"{base}/standups/")
    mia.locator("a[href$='/entry/']").click()
    mia.fill("#id_yesterday-0-text", "拜访了苏州两家客户")
    mia.fill("#id_today-0-text", "准备报价")
    mia.fill("#id_blocker-0-text", "报价审批卡在财务")
    mia.locator("form.standup-form button[type=submit]").click()
    expect(mia.locator(".standup-entry h3")).to_contain_text(["米娅"])
    live_url = mia.locator("a[href$='/live/']").get_attribute("href")
    assert live_url

    # hank starts the live mode; mia, who posted first, speaks first.
    hank.goto(base + live_url)
    hank.locator("button[name=action][value=start]").click()
    expect(hank.locator(".speaker")).to_contain_text("米娅")
    mia.goto(base + live_url)
    expect(mia.locator(".speaker")).to_contain_text("米娅")
    expect(mia.locator(".standup-live")).to_contain_text("报价审批卡在财务")
    assert mia.locator("button[name=action]").count() == 0, "only the facilitator has the buttons"

    # The countdowns tick between polls, from the server's timestamps.
    group = mia.locator("[data-countdown=group]")
    expect(group).to_have_text(CLOCK)
    first = group.inner_text()
    expect(group).not_to_have_text(first, timeout=4000)
    expect(mia.locator("[data-countdown=speaker]")).to_have_text(CLOCK)

    # hank moves on: mia's screen follows within a poll or two.
    hank.locator("button[name=action][value=next]").click()
    expect(hank.locator(".speaker")).to_contain_text("韩销售")
    expect(mia.locator(".speaker")).to_contain_text("韩销售", timeout=8000)

    # The layout fits the phone: nothing wider than the screen.
    width = mia.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width

    # hank ends it: the stand-up is closed on both screens.
    hank.locator("button[name=action][value=end]").click()
    expect(mia.locator(".standup-live")).to_contain_text("站会已结束", timeout=8000)
    assert violations == []
