"""The sign-in throttle as a person meets it in a browser, in Chinese: locked after five wrong passwords, told how
long to wait, able to sign in once an administrator unlocks the account."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from qibu.org.services import sign_in_unlock
from tests.conftest import PASSWORD, Company

pytestmark = pytest.mark.browser


def _sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_it_locks_an_account_says_how_long_and_lets_it_in_once_unlocked(
    live_server: LiveServer, page: Page, company: Company
) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(page, live_server.url, "mia", f"wrong {attempt}")
    expect(page.get_by_role("alert")).to_contain_text("15 分钟")

    _sign_in(page, live_server.url, "mia", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("请管理员解锁")
    expect(page.locator("h1")).to_have_text("登录")

    sign_in_unlock(actor=company.alice, account="mia")
    _sign_in(page, live_server.url, "mia", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("form[action='/logout/']")).to_be_visible()
