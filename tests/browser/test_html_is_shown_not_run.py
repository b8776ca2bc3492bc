"""HTML and script typed into any text field are shown as text on every page, never run."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.services import checkin_record, key_result_create, objective_create
from qibu.org.models import Department, Person, StrategicGoal
from qibu.org.services import organisation_update
from tests.conftest import Company, Okrs, present

pytestmark = pytest.mark.browser

PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture
def poisoned(company: Company, okrs: Okrs) -> Objective:
    c = company
    organisation_update(actor=c.alice, organisation=c.org, data={"vision": "愿景" + PAYLOAD, "mission": PAYLOAD})
    StrategicGoal.objects.create(title="战略" + PAYLOAD)
    Department.objects.filter(pk=c.sales.pk).update(name="销售部" + PAYLOAD)
    Person.objects.filter(pk=c.mia.pk).update(full_name="米娅" + PAYLOAD, job_title=PAYLOAD)
    objective = objective_create(
        actor=c.mia,
        cycle=c.quarter,
        level=Level.PERSON,
        owner=c.mia,
        title="目标" + PAYLOAD[:150],
        description=PAYLOAD,
        parent_objective_ids=[okrs["department"].pk],
    )
    kr = key_result_create(
        actor=c.mia, objective=objective, title="关键结果" + PAYLOAD[:150], start_value=0, target_value=10, unit="<b>"
    )
    checkin_record(actor=c.mia, key_result=kr, value=3, confidence=10, confidence_reason=PAYLOAD, note=PAYLOAD)
    return objective


def test_it_shows_html_as_text_on_every_page(
    live_server: LiveServer, page: Page, company: Company, poisoned: Objective
) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "mia")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    pages = [
        "/",
        f"/objectives/{poisoned.pk}/",
        f"/objectives/{poisoned.pk}/edit/",
        "/company/",
        f"/departments/{company.sales.pk}/",
        f"/people/{company.mia.pk}/",
        "/alignment/",
        f"/alignment/{present(poisoned.alignments_up.first()).rollup_parent_id}/children/",
        f"/key-results/{KeyResult.objects.get(objective=poisoned).pk}/check-in/",  # the form's page, without JS
    ]
    for path in pages:
        page.goto(live_server.url + path)
        expect(page.locator("body")).to_contain_text("<script>window.__xss=2</script>")
        assert page.evaluate("window.__xss") is None, f"script ran on {path}"
        assert page.locator("body img[src='x']").count() == 0, f"an <img> was injected on {path}"


def test_it_shows_html_as_text_in_the_check_in_form_opened_on_the_page(
    live_server: LiveServer, page: Page, company: Company, poisoned: Objective
) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "mia")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.goto(live_server.url + f"/objectives/{poisoned.pk}/")
    card = page.locator(f"#kr-{KeyResult.objects.get(objective=poisoned).pk}")
    card.get_by_role("button", name="更新进展").click()
    expect(card.locator("form.checkin")).to_be_visible()
    expect(card.locator("form.checkin")).to_have_attribute("aria-label", re.compile(re.escape("<script>")))
    expect(card.get_by_label(re.compile(re.escape("(<b>)")))).to_be_visible()
    # htmx focuses the value (the form's autofocus) just after the swap: typing before then can land there.
    expect(card.locator("input[name=value]")).to_be_focused()
    card.locator("textarea[name=note]").fill(PAYLOAD)
    card.get_by_role("button", name="保存这次进展").click()
    expect(card.get_by_role("status")).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("body img[src='x']").count() == 0
