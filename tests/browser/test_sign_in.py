import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.conftest import Company

pytestmark = pytest.mark.browser


def test_it_shows_the_sign_in_page_in_chinese(live_server: LiveServer, page: Page, company: Company) -> None:
    page.goto(live_server.url + "/login/")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("#id_username", "mia")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_be_visible()
