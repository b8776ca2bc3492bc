"""After an htmx check-in on the objective page, its header (health, progress, confidence) and its pace show the
new numbers together, with no reload (MEAS-4, MEAS-5, MEAS-6), in a real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from qibu.okrs.models import KeyResult, Objective
from qibu.okrs.services import key_result_create
from tests.browser.test_key_result_kinds import _sign_in
from tests.conftest import Company, Okrs

pytestmark = pytest.mark.browser


def test_it_refreshes_the_header_and_the_pace_together_after_a_check_in_MEAS_6(
    transactional_db: None, live_server: LiveServer, page: Page, company: Company, okrs: Okrs
) -> None:
    """MEAS-6."""
    objective: Objective = okrs["mine"]
    kr: KeyResult = okrs["my_kr"]
    # A second key result at 50% confidence keeps the objective at risk until the check-in lifts it.
    second = key_result_create(
        actor=company.mia, objective=objective, title="拜访 10 家", start_value=0, target_value=10, confidence=20
    )
    _sign_in(page, live_server.url, company.mia.username)
    page.goto(f"{live_server.url}/objectives/{objective.pk}/")
    header = page.locator(f"#objective-{objective.pk}-header")
    numbers = page.locator(f"#objective-{objective.pk}-numbers")
    pace = page.locator(f"#objective-{objective.pk}-pace")
    expect(header).to_have_class("card objective at_risk")
    expect(pace).to_contain_text("0%")

    box = page.locator(f"#kr-{kr.pk}")
    box.get_by_role("button", name="更新进展").click()
    expect(box.locator(f"#kr-{kr.pk}-value")).to_be_focused()
    box.locator(f"#kr-{kr.pk}-value").fill("4")
    box.locator(f"#kr-{kr.pk}-confidence").fill("100")
    box.locator("button[type=submit].primary").click()
    expect(box.locator(".saved")).to_be_visible()

    # Progress (4/4 and 0/10: 50%), confidence (100 and 20: 60%) and the pace, all without a reload.
    expect(numbers.locator("strong").first).to_have_text("50%")
    expect(numbers.locator("strong").nth(1)).to_have_text("60%")
    expect(pace).to_contain_text("50%")
    expect(header).to_have_class("card objective at_risk")
    # And once the other key result is confident too, the header turns on track.
    # By its id: while htmx swaps a card, the page briefly holds the old and the new one side by side.
    other = page.locator(f"#kr-{second.pk}")
    other.get_by_role("button", name="更新进展").click()
    form = other.locator("form.checkin")
    # htmx focuses the form's autofocus field (the value) just after the swap: typing before then can land there.
    expect(form.locator("input[name=value]")).to_be_focused()
    form.locator("input[name=confidence]").fill("90")
    with page.expect_response(lambda r: r.request.method == "POST" and "check-in" in r.url) as answer:
        form.locator("button[type=submit].primary").click()
    assert answer.value.status == 200
    expect(other.locator(".saved")).to_be_visible()
    expect(header).to_have_class("card objective on_track")
    expect(numbers.locator("strong").nth(1)).to_have_text("95%")
    expect(pace).to_contain_text("50%")
