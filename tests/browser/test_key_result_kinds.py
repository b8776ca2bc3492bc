"""The key-result form shows the fields of the kind chosen (qibu.js, data-kinds), in a real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.conftest import PASSWORD, Company, Okrs

pytestmark = pytest.mark.browser


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_it_shows_only_the_fields_of_the_kind_chosen(
    transactional_db: None, live_server: LiveServer, page: Page, company: Company, okrs: Okrs
) -> None:
    _sign_in(page, live_server.url, company.mia.username)
    page.goto(f"{live_server.url}/objectives/{okrs['mine'].pk}/key-results/new/")
    start, band, milestones, unit = (
        page.locator("#id_start_value"), page.locator("#id_band_low"), page.locator("#id_milestones"),
        page.locator("#id_unit"),
    )  # fmt: skip
    expect(start).to_be_visible()
    expect(unit).to_be_visible()
    expect(band).to_be_hidden()
    expect(milestones).to_be_hidden()
    page.select_option("#id_kind", "milestones")
    expect(milestones).to_be_visible()
    expect(start).to_be_hidden()
    expect(band).to_be_hidden()
    expect(unit).to_be_hidden()
    page.select_option("#id_kind", "band")
    expect(band).to_be_visible()
    expect(unit).to_be_visible()
    expect(start).to_be_hidden()
    page.select_option("#id_kind", "boolean")
    for field in (start, band, milestones, unit):
        expect(field).to_be_hidden()


def test_it_shows_the_fields_of_each_quick_row_by_its_own_kind(
    transactional_db: None, live_server: LiveServer, page: Page, company: Company, okrs: Okrs
) -> None:
    _sign_in(page, live_server.url, company.mia.username)
    page.goto(f"{live_server.url}/objectives/new/?cycle={company.quarter.pk}")
    page.select_option("#id_kr0-kind", "milestones")
    expect(page.locator("#id_kr0-milestones")).to_be_visible()
    expect(page.locator("#id_kr0-target_value")).to_be_hidden()
    expect(page.locator("#id_kr1-target_value")).to_be_visible()
    expect(page.locator("#id_kr1-milestones")).to_be_hidden()
