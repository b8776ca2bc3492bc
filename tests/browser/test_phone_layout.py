"""The report and people pages at desktop and phone width: the person page's header lines up, and no table
makes a card scroll sideways on a phone (390 px) (issue 6, item 2).

With `QIBU_SCREENSHOTS=<folder>` the test also saves a screenshot of each page at each width there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize

from qibu.demo.generator import DemoSummary, generate_company
from qibu.org.models import Person, Role

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# Every element inside a card that is wider than its box, by its tag, class and the start of its text.
OVERFLOWING = """() => [...document.querySelectorAll('.card, .card *:not(.sr-only)')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth} ${(e.textContent || '').trim().slice(0, 30)}`)"""


@pytest.fixture
def demo(transactional_db: None) -> tuple[DemoSummary, Person, Person]:
    summary = generate_company(people=60, seed=7, finished_quarter=False)
    admin = Person.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    member = (
        Person.objects.filter(role=Role.MEMBER, manager__isnull=False, department__isnull=False).order_by("pk").first()
    )
    assert admin is not None and member is not None
    return summary, admin, member


def _sign_in(page: Page, url: str, person: Person, password: str) -> None:
    page.goto(url + "/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login/" not in u)


def _shoot(page: Page, name: str) -> None:
    folder = os.environ.get("QIBU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_it_fits_the_report_and_people_tables_on_a_phone(
    live_server: object, page: Page, demo: tuple[DemoSummary, Person, Person]
) -> None:
    summary, admin, member = demo
    base = str(getattr(live_server, "url", ""))
    _sign_in(page, base, admin, summary.password or "demo")
    pages = {
        "company": "/company/",
        "department": f"/departments/{member.department_id}/",
        "person": f"/people/{member.pk}/",
        "people": "/settings/people/",
    }
    found: dict[str, list[str]] = {}
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        for name, path in pages.items():
            page.goto(base + path)
            _shoot(page, f"{name}-{width_name}")
            if width_name == "phone":
                found[name] = page.evaluate(OVERFLOWING)
                found[name] += page.evaluate(
                    "() => document.documentElement.scrollWidth > window.innerWidth ? ['the page itself'] : []"
                )
    assert found == {name: [] for name in pages}


def test_it_lines_up_the_person_header_at_desktop_and_phone_width(
    live_server: object, page: Page, demo: tuple[DemoSummary, Person, Person]
) -> None:
    """Name, department, manager and role in one header; each label sits right above its value."""
    summary, admin, member = demo
    base = str(getattr(live_server, "url", ""))
    _sign_in(page, base, admin, summary.password or "demo")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(base + f"/people/{member.pk}/")
        header = page.locator(".person-head")
        assert header.locator("h1").inner_text().startswith(member.full_name or member.username)
        pairs = header.locator(".facts > div")
        assert pairs.count() >= 4
        for index in range(pairs.count()):
            term = pairs.nth(index).locator("dt").bounding_box()
            value = pairs.nth(index).locator("dd").bounding_box()
            assert term is not None and value is not None
            assert abs(term["x"] - value["x"]) < 1, pairs.nth(index).inner_text()  # one left edge
            assert value["y"] >= term["y"] + term["height"] - 1  # the value under its label
        labels = header.locator("dt").all_inner_texts()
        assert {"部门", "直属上级", "角色"} <= set(labels), labels
