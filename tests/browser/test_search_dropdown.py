"""The menu's search dropdown closes on Escape, the focus back in the field, and when the focus leaves the
search box (static/js/qibu.js), in a real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.test_key_result_kinds import _sign_in
from tests.conftest import Company, Okrs

pytestmark = pytest.mark.browser


def _open_dropdown(page: Page, base: str) -> None:
    page.goto(f"{base}/company/")
    page.locator("#search-q").fill("米娅")
    expect(page.locator("#search-dropdown")).to_be_visible()
    expect(page.locator("#search-dropdown a", has_text="米娅").first).to_be_visible()


def test_it_closes_the_search_dropdown_on_escape_and_keeps_the_focus_in_the_field(
    transactional_db: None, live_server: LiveServer, page: Page, company: Company, okrs: Okrs
) -> None:
    _sign_in(page, live_server.url, company.hank.username)
    _open_dropdown(page, live_server.url)
    dropdown, field = page.locator("#search-dropdown"), page.locator("#search-q")
    # Tab into the results, then Escape from there: closed, the focus back in the field, what was typed kept.
    page.keyboard.press("Tab")
    expect(dropdown.locator("a").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(dropdown).to_be_hidden()
    expect(field).to_be_focused()
    expect(field).to_have_value("米娅")
    # Typing opens it again; Escape in the field closes it.
    page.keyboard.type("x")
    expect(dropdown).to_be_visible()
    page.keyboard.press("Escape")
    expect(dropdown).to_be_hidden()
    expect(field).to_be_focused()


def test_it_closes_the_search_dropdown_when_the_focus_leaves_the_search_box(
    transactional_db: None, live_server: LiveServer, page: Page, company: Company, okrs: Okrs
) -> None:
    _sign_in(page, live_server.url, company.hank.username)
    _open_dropdown(page, live_server.url)
    dropdown = page.locator("#search-dropdown")
    page.locator("#lang-select").focus()
    expect(dropdown).to_be_hidden()
    # and a result can still be clicked: the click does not close the dropdown before it lands
    page.locator("#search-q").fill("米")
    expect(dropdown.locator("a", has_text="米娅").first).to_be_visible()
    dropdown.locator("a", has_text="米娅").first.click()
    expect(page).to_have_url(f"{live_server.url}/people/{company.mia.pk}/")
