"""The strategy page and the editor in a browser (VIS-1, VIS-2): an executive drags a strategic goal to its place;
the editor's strategy sidebar is open beside the form on a wide screen and folded on a phone; the strategic goal
field follows the level chosen; nothing on the strategy page or the key-results-first page makes a card scroll
sideways on a phone. With `QIBU_SCREENSHOTS=<folder>`, screenshots of each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from qibu.demo.generator import DemoSummary, generate_company
from qibu.org.models import Person, StrategicGoal
from tests.browser.test_phone_layout import DESKTOP, OVERFLOWING, PHONE, _shoot, _sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def ceo(transactional_db: None) -> tuple[DemoSummary, Person]:
    summary = generate_company(people=30, seed=7, finished_quarter=False)
    return summary, Person.objects.get(job_title="首席执行官")


def _titles() -> list[str]:
    return list(StrategicGoal.objects.order_by("position", "id").values_list("title", flat=True))


def test_it_drags_a_goal_to_its_place_and_folds_the_editors_strategy_on_a_phone_VIS_1_VIS_2(
    live_server: object, page: Page, ceo: tuple[DemoSummary, Person]
) -> None:
    summary, person = ceo
    base = str(getattr(live_server, "url", ""))
    _sign_in(page, base, person, summary.password or "demo")
    first, second, third = _titles()
    page.set_viewport_size(DESKTOP)
    page.goto(base + "/strategy/")
    _shoot(page, "strategy-desktop")
    goals = page.locator("[data-goal-list] > li")
    goals.nth(2).drag_to(goals.nth(0))
    expect(page.locator("[data-goal-list] > li h3").first).to_have_text(third)
    assert _titles() == [third, first, second]

    page.goto(base + "/objectives/new/?level=company")
    _shoot(page, "editor-desktop")
    expect(page.locator("details.strategy-aside")).to_have_attribute("open", "")
    goal_field = page.locator('[data-levels="company"]')
    expect(goal_field).to_be_visible()
    page.select_option("#id_level", "person")
    expect(goal_field).to_be_hidden()
    page.select_option("#id_level", "company")
    expect(goal_field).to_be_visible()

    page.set_viewport_size(PHONE)
    page.goto(base + "/objectives/new/?level=company")
    aside = page.locator("details.strategy-aside")
    expect(aside).not_to_have_attribute("open", "")
    aside.locator("summary").click()
    expect(aside.locator("ol li").first).to_have_text(third)
    for name, url in (("strategy", "/strategy/"), ("key-results-first", "/okrs/key-results-first/")):
        page.goto(base + url)
        _shoot(page, f"{name}-phone")
        assert page.evaluate(OVERFLOWING) == [], name
    page.set_viewport_size(DESKTOP)
    page.goto(base + "/okrs/key-results-first/")
    _shoot(page, "key-results-first-desktop")
