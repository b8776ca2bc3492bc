"""The end-to-end path of a demo employee, in Chinese, in a real Chromium (EXE-3, EXE-4, MEAS-1)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from qibu.cycles.models import Cycle
from qibu.demo.generator import DemoSummary, generate_company
from qibu.okrs.models import KeyResult, KeyResultKind
from qibu.org.models import Person, Role

pytestmark = pytest.mark.browser


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def demo(transactional_db: None) -> tuple[DemoSummary, Person, KeyResult]:
    summary = generate_company(people=60, seed=7, finished_quarter=False)
    member = Person.objects.filter(role=Role.MEMBER, department__name="销售部").order_by("pk").first()
    assert member is not None
    kr = (
        KeyResult.objects.filter(owner=member, kind=KeyResultKind.INCREASE, objective__owner=member, confidence__gte=50)
        .select_related("objective")
        .order_by("objective__priority", "pk")
        .first()
    )
    assert kr is not None, "the demo member needs an increasing key result with confidence to fall"
    return summary, member, kr


def test_it_lets_a_demo_employee_check_in_with_a_confidence_fall_and_its_reason_EXE_4(
    live_server: LiveServer, page: Page, demo: tuple[DemoSummary, Person, KeyResult]
) -> None:
    """EXE-4."""
    summary, member, kr = demo
    objective = kr.objective
    page.goto(live_server.url + "/login/")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("#id_username", member.username)
    page.fill("#id_password", summary.password or "demo")
    page.click("button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    numbers = page.locator(f"#objective-{objective.pk}-numbers")
    expect(numbers).to_be_visible()
    progress_before = numbers.locator("strong").first.inner_text()

    # No form until one is asked for: the control opens it in the card, with the cursor in it.
    box = page.locator(f"#kr-{kr.pk}")
    expect(box.locator("input[name=confidence]")).to_have_count(0)
    control = box.get_by_role("button", name=_zh("Check in"))
    expect(control).to_have_attribute("aria-expanded", "false")
    control.click()
    value = box.locator(f"#kr-{kr.pk}-value")
    expect(value).to_be_focused()
    expect(box.get_by_role("button", name=_zh("Check in"))).to_have_attribute("aria-expanded", "true")
    expect(box.get_by_label(re.compile(_zh("New value")))).to_be_visible()

    # A value that moves the key result well forward, and confidence that falls by 40 points.
    step = (kr.target_value - kr.start_value) / 2
    new_value = kr.current_value + step if kr.current_value + step <= kr.target_value else kr.target_value
    falling_to = kr.confidence - 40
    value.fill(str(new_value.normalize()))
    box.locator(f"#kr-{kr.pk}-confidence").fill(str(falling_to))
    box.get_by_role("button", name=_zh("Save the check-in")).click()

    # Refused: the reason is asked for, in Chinese, with the cursor in its box, and nothing was recorded.
    reason = page.locator(f"#kr-{kr.pk}-confidence_reason")
    expect(reason).to_be_visible()
    expect(reason).to_be_focused()
    expect(page.get_by_text(re.compile("信心指数"))).not_to_have_count(0)
    assert KeyResult.objects.get(pk=kr.pk).confidence == kr.confidence

    reason.fill("大客户的采购预算被冻结,签约推迟到下季度;已把资源转向两家备选客户。")
    page.locator(f"#kr-{kr.pk}").get_by_role("button", name=_zh("Save the check-in")).click()

    # Recorded: the form closes, the card and the objective's numbers above it show the new figures.
    expect(page.locator(f"#kr-{kr.pk}").get_by_role("status")).to_have_text(_zh("Checked in."))
    expect(page.locator(f"#kr-{kr.pk}-confidence_reason")).to_have_count(0)
    expect(page.locator(f"#kr-{kr.pk} .kr-confidence")).to_have_text(f"{falling_to}%")
    expect(numbers.locator("strong").first).not_to_have_text(progress_before)
    control = page.locator(f"#kr-{kr.pk}").get_by_role("button", name=_zh("Check in"))
    expect(control).to_have_attribute("aria-expanded", "false")
    expect(control).to_be_focused()
    saved = KeyResult.objects.get(pk=kr.pk)
    assert saved.confidence == falling_to
    assert saved.current_value == Decimal(new_value)
    latest = saved.check_ins.order_by("-created_at", "-id").first()
    assert latest is not None and latest.confidence_reason.startswith("大客户")


def test_it_opens_and_closes_the_check_in_form_from_the_keyboard(
    live_server: LiveServer, page: Page, demo: tuple[DemoSummary, Person, KeyResult]
) -> None:
    summary, member, kr = demo
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", member.username)
    page.fill("#id_password", summary.password or "demo")
    page.click("button[type=submit]")
    page.goto(live_server.url + f"/objectives/{kr.objective_id}/")
    control = page.locator(f"#kr-{kr.pk}").get_by_role("button", name=_zh("Check in"))
    control.focus()
    page.keyboard.press("Enter")
    value = page.locator(f"#kr-{kr.pk}-value")
    expect(value).to_be_focused()
    # Escape closes it and gives the focus back to the control; the control opens it again without asking.
    page.keyboard.press("Escape")
    expect(page.locator(f"#kr-{kr.pk}-checkin")).to_be_hidden()
    expect(control).to_be_focused()
    expect(control).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Space")
    expect(page.locator(f"#kr-{kr.pk}-checkin")).to_be_visible()
    expect(value).to_be_focused()
    expect(control).to_have_attribute("aria-expanded", "true")


def test_it_picks_a_cycle_and_a_language_without_inline_handlers(
    live_server: LiveServer, page: Page, demo: tuple[DemoSummary, Person, KeyResult]
) -> None:
    summary, member, _kr = demo
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", member.username)
    page.fill("#id_password", summary.password or "demo")
    page.click("button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert page.locator("[onchange], [onclick], [onsubmit], [oninput]").count() == 0
    picker = page.locator("#cycle-select")
    cycle = picker.locator("option:not([selected])").first.get_attribute("value")
    assert cycle is not None
    picker.select_option(cycle)
    expect(page).to_have_url(re.compile(rf"\?cycle={cycle}$"))
    expect(page.locator("h1")).to_contain_text(Cycle.objects.get(pk=cycle).name)
    page.select_option("#lang-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("My OKRs")
