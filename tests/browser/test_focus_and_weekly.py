"""The daily focus (EXE-7) opens the home page on a phone, and the department's week-by-week chart (EXE-12) and its
table fit a phone's width (390 px), in the demo company.

With `QIBU_SCREENSHOTS=<folder>` the test also saves a screenshot of each page there.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from qibu.demo.generator import DemoSummary
from qibu.org.models import Person
from tests.browser.test_phone_layout import OVERFLOWING, PHONE, _shoot, _sign_in
from tests.browser.test_phone_layout import demo as demo  # the fixture

pytestmark = pytest.mark.browser


def test_the_focus_opens_the_home_page_and_the_weekly_chart_fits_a_phone_EXE_7_EXE_12(
    live_server: object, page: Page, demo: tuple[DemoSummary, Person, Person]
) -> None:
    summary, _admin, member = demo
    base = str(getattr(live_server, "url", ""))
    page.set_viewport_size(PHONE)
    _sign_in(page, base, member, summary.password or "demo")
    page.goto(base + "/")
    _shoot(page, "focus-phone")
    focus = page.locator("#focus")
    assert focus.is_visible()
    first_card = page.locator(".okr-main > .card, .okr-main > section").first
    assert first_card.get_attribute("id") == "focus"
    assert page.evaluate(OVERFLOWING) == []
    page.goto(base + f"/departments/{member.department_id}/")
    page.locator(".weekly-table summary").click()  # by keyboard as well: it is a <details>
    _shoot(page, "weekly-phone")
    assert page.locator(".weekly svg").is_visible()
    assert page.locator(".weekly-table tbody tr").count() > 1
    assert page.evaluate(OVERFLOWING) == []
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
