"""Blockers on a phone (EXE-2): the list, a blocker's page and the form to raise one fit 390 px, and raising and
resolving one works by keyboard and touch alike (the demo's company, in Chinese).

With `QIBU_SCREENSHOTS=<folder>` the test also saves a screenshot of each page there."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from qibu.blockers.models import Blocker, BlockerStatus, Tier
from qibu.demo.generator import DemoSummary, generate_company
from qibu.org.models import Person
from tests.browser.test_phone_layout import OVERFLOWING, PHONE, _shoot, _sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None) -> tuple[DemoSummary, Person]:
    summary = generate_company(people=60, seed=7, finished_quarter=False)
    escalated = Blocker.objects.select_related("owner").get(tier=Tier.MANAGEMENT, status=BlockerStatus.OPEN)
    return summary, escalated.owner


def test_it_raises_and_resolves_a_blocker_on_a_phone_EXE_2(
    live_server: object, page: Page, demo: tuple[DemoSummary, Person]
) -> None:
    summary, owner = demo
    base = str(getattr(live_server, "url", ""))
    page.set_viewport_size(PHONE)
    _sign_in(page, base, owner, summary.password or "demo")
    escalated = Blocker.objects.get(tier=Tier.MANAGEMENT, status=BlockerStatus.OPEN)
    overflow: dict[str, list[str]] = {}
    for name, path in (
        ("list", "/blockers/?status=all"),
        ("blocker", f"/blockers/{escalated.pk}/"),
        ("new", "/blockers/new/"),
    ):
        page.goto(base + path)
        _shoot(page, f"blockers-{name}-phone")
        overflow[name] = page.evaluate(OVERFLOWING) + page.evaluate(
            "() => document.documentElement.scrollWidth > window.innerWidth ? ['the page itself'] : []"
        )
    assert overflow == {"list": [], "blocker": [], "new": []}

    page.goto(base + "/blockers/new/")
    page.fill("#id_title", "门店网络不稳定")
    page.fill("#id_concerned", "")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "/blockers/new/" not in u)
    raised = Blocker.objects.get(title="门店网络不稳定")
    assert raised.owner == owner and raised.is_open
    page.fill("#id_resolution", "换了路由器")
    page.get_by_role("button", name="解决这个障碍").click()
    expect(page.get_by_text("障碍已解决。")).to_be_visible()
    raised.refresh_from_db()
    assert raised.status == BlockerStatus.RESOLVED
