"""The department weekly meeting at phone size with two facilitators in separate browsers (EXE-3 … EXE-5): what one
does, the other sees; a fall of confidence without its reason is refused next to the field (EXE-4); two saves of
the minutes at once lose nothing; the timer counts the current part down."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from qibu.meetings.models import Commitment, ConfidenceChange, Meeting
from qibu.meetings.services import meeting_create, meeting_start
from qibu.okrs.services import checkin_record
from qibu.org.models import Person
from tests.conftest import PASSWORD, Company, Okrs

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
OVERFLOWING = """() => [...document.querySelectorAll('.card, .card *:not(.sr-only)')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName}.${e.className} ${(e.textContent || '').trim().slice(0, 30)}`)"""


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _signed_in(browser: Browser, args: dict[str, Any], base: str, person: Person) -> tuple[BrowserContext, Page]:
    context = browser.new_context(**{**args, "viewport": PHONE})
    page = context.new_page()
    page.goto(base + "/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login/" not in u)
    return context, page


@pytest.fixture
def meeting(transactional_db: None, company: Company, okrs: Okrs) -> Meeting:
    now = timezone.now()
    kr = okrs["department_kr"]
    checkin_record(actor=company.hank, key_result=kr, value=1, confidence=80, at=now - dt.timedelta(days=20))
    checkin_record(actor=company.hank, key_result=kr, value=2, confidence=50, confidence_reason="两家客户推迟")
    made = meeting_create(actor=company.hank, kind="department", department=company.sales, date=timezone.localdate())
    return meeting_start(actor=company.hank, meeting=made)


def test_two_facilitators_run_the_weekly_meeting_on_phones_EXE_3_EXE_4_EXE_5(
    live_server: LiveServer,
    browser: Browser,
    browser_context_args: dict[str, Any],
    company: Company,
    okrs: Okrs,
    meeting: Meeting,
) -> None:
    base = live_server.url
    url = f"{base}/meetings/{meeting.pk}/"
    hank_context, hank = _signed_in(browser, browser_context_args, base, company.hank)
    erin_context, erin = _signed_in(browser, browser_context_args, base, company.erin)
    try:
        hank.goto(url)
        erin.goto(url)
        # EXE-5: the progress part counts down (mm:ss) on both screens.
        for page in (hank, erin):
            expect(page.locator("#timer time.clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
            assert page.evaluate(OVERFLOWING) == []
            assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

        # What hank marks reached, erin sees reached.
        first = hank.locator("#agenda .agenda-item").first
        first.get_by_role("button", name=_zh("Mark reached")).click()
        expect(first.get_by_role("button", name=_zh("Reached ✓"))).to_be_visible()
        expect(erin.locator("#agenda .agenda-item").first.get_by_role("button", name=_zh("Reached ✓"))).to_be_visible()

        # EXE-4: a fall without why and what changed is refused next to the fields, nothing written.
        kr = okrs["department_kr"]
        box = hank.locator(f"#confidence #kr-{kr.pk}")
        box.locator("input[name=confidence]").fill("10")
        box.get_by_role("button", name=_zh("Set confidence")).click()
        expect(hank.locator(f"#kr-{kr.pk} .field.has-error")).to_have_count(2)
        assert not ConfidenceChange.objects.exists()
        box = hank.locator(f"#confidence #kr-{kr.pk}")
        box.locator("textarea[name=reason]").fill("大客户流失")
        box.locator("textarea[name=what_changed]").fill("预算冻结到下季度")
        box.get_by_role("button", name=_zh("Set confidence")).click()
        expect(erin.locator("#changes")).to_contain_text("50% → 10%")
        expect(erin.locator("#changes")).to_contain_text("大客户流失")

        # Erin adds a commitment; hank sees it.
        erin.fill("#c-text", "周五前拜访三家客户")
        erin.select_option("#c-owner", str(company.mia.pk))
        erin.fill("#c-due", (timezone.localdate() + dt.timedelta(days=3)).isoformat())
        erin.get_by_role("button", name=_zh("Add")).click()
        expect(hank.locator("#commitment-list")).to_contain_text("周五前拜访三家客户")
        assert Commitment.objects.get().owner_id == company.mia.pk

        # Both write the minutes from the same version: the second save shows both texts, nothing is lost.
        hank.fill("#notes-text", "韩：大客户要跟进")
        erin.fill("#notes-text", "Erin：预算下周定")
        hank.get_by_role("button", name=_zh("Save the minutes")).click()
        expect(hank.locator("#notes .saved")).to_be_visible()
        erin.get_by_role("button", name=_zh("Save the minutes")).click()
        expect(erin.locator("#notes-theirs")).to_have_text("韩：大客户要跟进")
        expect(erin.locator("#notes-ours")).to_have_text("Erin：预算下周定")
        assert Meeting.objects.get(pk=meeting.pk).notes == "韩：大客户要跟进"
        erin.get_by_role("button", name=_zh("Save the minutes")).click()
        expect(erin.locator("#notes .saved")).to_be_visible()
        assert "Erin：预算下周定" in Meeting.objects.get(pk=meeting.pk).notes

        # Ending early is fine: the minutes say so.
        hank.get_by_role("button", name=_zh("Close and send the minutes")).click()
        hank.wait_for_url(re.compile(r"/minutes/$"))
        expect(hank.locator(".minutes")).to_contain_text(_zh("ended early"))
        expect(hank.locator(".minutes")).to_contain_text("周五前拜访三家客户")
    finally:
        hank_context.close()
        erin_context.close()
