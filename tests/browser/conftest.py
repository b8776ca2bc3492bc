"""Browser tests: Playwright drives Debian's Chromium (Playwright cannot download browsers here).

Every module here sets `pytestmark = pytest.mark.browser`, so `make test` runs them once, on SQLite.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("QIBU_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


# A machine busy with the rest of the suite can take longer than Playwright's 5 s to answer an htmx request; the
# assertions still wait only as long as it takes, never a fixed time.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On SQLite, the live server's test database is a file in WAL mode, as in production, not the in-memory one:
    shared-cache memory databases lock whole tables, so a page that follows a live channel (the workshop's, which
    looks for news several times a second from every open screen) would meet "database table is locked" where a
    file database lets readers and one writer proceed together."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("browser-db") / "test.sqlite3")
