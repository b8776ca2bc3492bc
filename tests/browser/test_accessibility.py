"""Every page and opened fragment passes axe-core's WCAG 2.1 A/AA rules with no serious or critical violation,
in English and in Chinese, for the administrator, the executive, a department head, a member and someone not
signed in; and the main flow works by keyboard alone.

axe-core comes from the npm registry (package.json, `make assets` runs `npm ci`) and is put into the page by the
test only (`add_script_tag`): the product never serves it. The contexts bypass the Content-Security-Policy for
that one injected script; the pages' own scripts are what they are in production.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

from qibu.notify.inbox import notify
from qibu.notify.models import MailStatus, NotificationKind, OutboxMail
from qibu.notify.services import mail_queue
from qibu.okrs.models import KeyResultKind, Level
from qibu.okrs.services import checkin_record, key_result_create, objective_create
from qibu.org.models import Organisation, Person
from qibu.org.passwords import link_for
from qibu.org.services import api_token_create, department_create, strategic_goal_create
from tests.conftest import PASSWORD, Company

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
# English and Chinese at desktop size, and Chinese on a phone (what scrolls and wraps differs with the width).
SCREENS = [("en", 1280, 900), ("zh-hans", 1280, 900), ("zh-hans", 390, 844)]
PHONE_WIDTH = 640
# On the phone, the pages whose layout changes with the width (the rest are the same blocks, one under another).
ON_THE_PHONE = {
    ("mia", "my OKRs"),
    ("mia", "objective page"),
    ("mia", "objective editor"),
    ("mia", "company"),
    ("mia", "alignment tree"),
    ("hank", "department"),
    ("alice", "settings"),
    ("alice", "people"),
    ("alice", "mail outbox"),
}

# The violations of one page, as a list of plain dicts (rule, impact, summary, targets).
_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.split('\\n').slice(1).join(' ').trim() : '')),
  }));
}"""


@dataclass
class Audit:
    """What axe found, page by page: every violation counted, the blocking ones kept for the failure message."""

    language: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def check(self, page: Page, name: str) -> None:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # the context's init script puts it there
            page.add_script_tag(path=str(AXE))
        found: list[dict[str, Any]] = page.evaluate(_RUN_AXE, TAGS)
        blocking = [v for v in found if v["impact"] in BLOCKING]
        self.counts[name] = sum(len(v["targets"]) for v in blocking)
        for v in blocking:
            for target in v["targets"][:4]:
                self.problems.append(f"[{self.language}] {name}: {v['id']} ({v['impact']}) {v['help']}: {target}")
            if len(v["targets"]) > 4:
                self.problems.append(f"[{self.language}] {name}: {v['id']} … and {len(v['targets']) - 4} more")


@pytest.fixture
def world(company: Company, okrs: dict[str, Any]) -> dict[str, Any]:
    """The fixture company with something on every page: key results of every kind, check-ins, a
    sub-department, a strategic goal, a failed mail, a token."""
    c = company
    mine = okrs["mine"]
    milestones = key_result_create(
        actor=c.mia,
        objective=mine,
        title="完成三场客户沙龙",
        kind=KeyResultKind.MILESTONES,
        milestones=["上海站", "杭州站", "苏州站"],
    )
    done = key_result_create(actor=c.mia, objective=mine, title="上线客户案例库", kind=KeyResultKind.BOOLEAN)
    checkin_record(actor=c.mia, key_result=okrs["my_kr"], value=1, confidence=70, note="签下第一家")
    checkin_record(actor=c.hank, key_result=okrs["department_kr"], value=3, confidence=60)
    annual = objective_create(actor=c.erin, cycle=c.year, level=Level.COMPANY, title="全年收入翻番", owner=c.erin)
    key_result_create(actor=c.erin, objective=annual, title="全年收入 4000 万元", start_value=0, target_value=4000)
    objective_create(actor=c.oscar, cycle=c.quarter, level=Level.PERSON, owner=c.oscar, title="做一次品牌升级")
    department_create(actor=None, name="华东区", parent=c.sales)
    strategic_goal_create(actor=c.alice, title="出海", description="三年内海外收入过半")
    mail = mail_queue(key="a11y:1", kind="test", to_address="mia@yunzhou.example", subject="通知", text="你好")
    OutboxMail.objects.filter(pk=mail.pk).update(status=MailStatus.FAILED, last_error="550 mailbox unavailable")
    api_token_create(actor=c.mia, person=c.mia, name="脚本")
    # A vision long enough that the editor's side column scrolls on its own.
    Organisation.objects.filter(pk=c.org.pk).update(
        vision="\n".join(["让每个团队都看清方向,每周都知道离目标还有多远。"] * 40)
    )
    # Something in mia's inbox: a fall in confidence on a key result she follows.
    notify(kind=NotificationKind.CONFIDENCE_FALL, recipients=[c.mia], text=lambda p: "信心从 80% 降到 40%", key="a11y")
    return {**okrs, "milestones": milestones, "done": done, "annual": annual, "mail": mail}


def _context(browser: Browser, base_url: str, screen: tuple[str, int, int]) -> BrowserContext:
    language, width, height = screen
    context = browser.new_context(
        base_url=base_url, bypass_csp=True, locale="zh-CN", viewport={"width": width, "height": height}
    )
    host = base_url.split("//", 1)[1].split(":", 1)[0]
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}])
    context.add_init_script(path=str(AXE))
    return context


def _sign_in(page: Page, person: Person) -> None:
    page.goto("/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def _open_every_check_in(page: Page) -> None:
    """The check-in form opened on every key-result card (each kind: a number, milestones, done or not)."""
    ids = page.locator(".kr:has(.checkin-open)").evaluate_all("nodes => nodes.map(n => n.id)")
    assert len(ids) >= 3
    for kr_id in ids:
        page.locator(f"#{kr_id} .checkin-open button").click()
        expect(page.locator(f"#{kr_id}-checkin")).to_be_visible()


def _expand_tree(page: Page) -> None:
    """Every node of the alignment tree opened, level by level, and the objectives that align to nothing."""
    closed = page.locator(".tree details:not([open]) > summary")
    for _level in range(6):
        _htmx_settled(page)
        for summary in closed.element_handles():
            summary.click()
        expect(page.locator(".tree details[open] > .children > li:not(.node):not(.muted)")).to_have_count(0)
    expect(closed).to_have_count(0)
    expect(page.locator(".unaligned .gaps > p > a")).to_have_count(0)


def _htmx_settled(page: Page) -> None:
    """htmx has swapped what it fetched and listens on the new elements (it marks those it has processed)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[hx-get], [hx-post]')].every(el => 'htmx-internal-data' in el)"
        " && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def _expand_rows(page: Page) -> None:
    links = page.locator("a.expand")
    expect(links).not_to_have_count(0)
    links.first.click()
    expect(links).to_have_count(0)


Visit = tuple[str, Callable[[dict[str, Any], Company], str], Callable[[Page], None] | None]


def _pages() -> dict[str, list[Visit]]:
    """Persona → the pages they are audited on, with what is opened on the page before a second audit."""
    member: list[Visit] = [
        ("my OKRs", lambda w, c: "/", None),
        ("objective page", lambda w, c: f"/objectives/{w['mine'].pk}/", _open_every_check_in),
        ("check-in page", lambda w, c: f"/key-results/{w['my_kr'].pk}/check-in/", None),
        ("check-in page, milestones", lambda w, c: f"/key-results/{w['milestones'].pk}/check-in/", None),
        ("objective editor", lambda w, c: f"/objectives/{w['mine'].pk}/edit/", None),
        ("new objective", lambda w, c: "/objectives/new/", None),
        ("key-result form", lambda w, c: f"/key-results/{w['my_kr'].pk}/edit/", None),
        ("new key result", lambda w, c: f"/objectives/{w['mine'].pk}/key-results/new/", None),
        ("delete objective", lambda w, c: f"/objectives/{w['mine'].pk}/delete/", None),
        ("company", lambda w, c: "/company/", None),
        ("department", lambda w, c: f"/departments/{c.sales.pk}/", None),
        ("person", lambda w, c: f"/people/{c.mia.pk}/", None),
        ("alignment tree", lambda w, c: "/alignment/", _expand_tree),
        ("tree children page", lambda w, c: f"/alignment/{w['company'].pk}/children/", None),
        ("unaligned page", lambda w, c: "/alignment/unaligned/", None),
        ("profile", lambda w, c: "/settings/profile/", None),
        ("tokens", lambda w, c: "/settings/tokens/", None),
        ("inbox", lambda w, c: "/inbox/", None),
        ("notification settings", lambda w, c: "/settings/profile/notifications/", None),
        ("search", lambda w, c: "/search/?q=suzhou", None),
    ]
    head: list[Visit] = [
        ("my OKRs", lambda w, c: "/", None),
        ("department objective", lambda w, c: f"/objectives/{w['department'].pk}/", None),
        ("department objective editor", lambda w, c: f"/objectives/{w['department'].pk}/edit/", None),
        ("department", lambda w, c: f"/departments/{c.sales.pk}/", None),
        ("company", lambda w, c: "/company/", _expand_rows),
        ("person", lambda w, c: f"/people/{c.hank.pk}/", None),
        ("company, filtered", lambda w, c: "/company/?health=at_risk&owner=han&stale=1&level=bogus", None),
        ("department, filtered", lambda w, c: f"/departments/{c.sales.pk}/?health=at_risk&level=team", None),
    ]
    executive: list[Visit] = [
        ("my OKRs (annual)", lambda w, c: "/", None),
        ("company objective", lambda w, c: f"/objectives/{w['company'].pk}/", None),
        ("company objective editor", lambda w, c: f"/objectives/{w['company'].pk}/edit/", None),
    ]
    admin: list[Visit] = [
        ("my OKRs", lambda w, c: "/", None),
        ("settings", lambda w, c: "/settings/", None),
        ("strategy", lambda w, c: "/strategy/", None),
        ("key results first", lambda w, c: "/okrs/key-results-first/", None),
        ("cycles", lambda w, c: "/settings/cycles/", None),
        ("departments", lambda w, c: "/settings/departments/", None),
        ("people", lambda w, c: "/settings/people/", None),
        ("person settings", lambda w, c: f"/settings/people/{c.mia.pk}/", None),
        ("import", lambda w, c: "/settings/import/", None),
        ("export", lambda w, c: "/settings/export/", None),
        ("mail outbox", lambda w, c: "/settings/mail/", None),
        ("a mail", lambda w, c: f"/settings/mail/{w['mail'].pk}/", None),
        ("sign-in locks", lambda w, c: "/settings/sign-in-locks/", None),
        ("organisation history", lambda w, c: "/settings/history/", None),
        ("department history", lambda w, c: f"/settings/departments/{c.sales.pk}/history/", None),
        ("team history", lambda w, c: f"/settings/teams/{c.sales_team.pk}/history/", None),
        ("cycle history", lambda w, c: f"/settings/cycles/{c.quarter.pk}/history/", None),
        ("person history", lambda w, c: f"/settings/people/{c.mia.pk}/history/", None),
        ("alignment tree", lambda w, c: "/alignment/", _expand_tree),
    ]
    return {"mia": member, "hank": head, "erin": executive, "alice": admin}


@pytest.fixture
def audit_contexts(browser: Browser, live_server: Any) -> Iterator[Callable[[tuple[str, int, int]], BrowserContext]]:
    made: list[BrowserContext] = []

    def make(screen: tuple[str, int, int]) -> BrowserContext:
        context = _context(browser, live_server.url, screen)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}-{s[1]}px")
def test_it_passes_axe_on_every_page_and_fragment(
    screen: tuple[str, int, int],
    world: dict[str, Any],
    company: Company,
    audit_contexts: Callable[[tuple[str, int, int]], BrowserContext],
) -> None:
    audit = Audit(f"{screen[0]}, {screen[1]}px")
    # Someone not signed in: the sign-in page, its refusal, the set-password link.
    page = audit_contexts(screen).new_page()
    page.goto("/login/")
    audit.check(page, "sign-in")
    page.fill("#id_username", "mia")
    page.fill("#id_password", "not the password")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "sign-in refused")
    page.goto(link_for(Person.objects.get(pk=company.mia.pk)).path)
    audit.check(page, "set password")
    page.goto("/password-reset/")
    audit.check(page, "forgotten password")
    page.goto("/objectives/999999/")
    audit.check(page, "not found")
    for username, visits in _pages().items():
        person = getattr(company, username)
        page = audit_contexts(screen).new_page()
        _sign_in(page, person)
        for name, url, opened in visits:
            if screen[1] <= PHONE_WIDTH and (username, name) not in ON_THE_PHONE:
                continue
            page.goto(url(world, company))
            if opened is None:
                audit.check(page, f"{username} · {name}")
            else:
                audit.check(page, f"{username} · {name}")
                opened(page)
                audit.check(page, f"{username} · {name}, opened")
    print(f"\naxe, {audit.language}: " + (", ".join(f"{n}={k}" for n, k in audit.counts.items() if k) or "none"))
    assert not audit.problems, "\n".join(audit.problems)


def test_it_audits_with_the_pinned_axe_core_that_qibu_does_not_serve() -> None:
    """The audit uses the npm package, which `make assets` installs; Qibu itself never serves it."""
    package = json.loads((Path(settings.BASE_DIR) / "package.json").read_text())
    assert re.fullmatch(r"4\.\d+\.\d+", package["dependencies"]["axe-core"]), "axe-core 4.x, an exact version"
    assert AXE.is_file(), "run `make assets` (npm ci) to install axe-core"
    assert not (Path(settings.BASE_DIR) / "static" / "vendor" / "axe.min.js").exists()


# --- The keyboard alone: Tab, Shift+Tab, Enter and Space to move and act, typing only into fields.

_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href') || '', text: (el.innerText || '').trim(),
    classes: el.className || '', visible: el.matches(':focus-visible'),
    card: el.closest('.kr') ? el.closest('.kr').id : '',
    opens: el.tagName === 'SUMMARY' && el.parentElement.getAttribute('hx-get') || '',
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def _tab_to(page: Page, wanted: Callable[[dict[str, Any]], bool], what: str, limit: int = 60) -> dict[str, Any]:
    """Press Tab until the focused element is `wanted`; every element passed on the way shows its focus."""
    for _press in range(limit):
        focused: dict[str, Any] | None = page.evaluate(_FOCUS)
        if focused is not None:
            assert focused["visible"] and focused["outline"], f"no visible focus on {focused}"
            if wanted(focused):
                return focused
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {what}")


def test_it_checks_in_and_opens_the_alignment_tree_by_keyboard_alone(
    live_server: Any, page: Page, world: dict[str, Any], company: Company
) -> None:
    kr = world["my_kr"]
    page.goto(live_server.url + "/login/")
    _tab_to(page, lambda f: f["id"] == "id_username", "the username")
    page.keyboard.type(company.mia.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(f"#kr-{kr.pk}")).to_be_visible()

    # My OKRs: the key result's "Check in" control opens its form with the cursor in the new value.
    control = page.locator(f"#kr-{kr.pk} .checkin-open button")
    _tab_to(page, lambda f: f["tag"] == "button" and f["card"] == f"kr-{kr.pk}", "the Check in control")
    page.keyboard.press("Enter")
    value = page.locator(f"#kr-{kr.pk}-value")
    expect(value).to_be_focused()
    page.keyboard.type("3")
    _tab_to(page, lambda f: f["tag"] == "button" and f["classes"] == "primary", "Save the check-in")
    _htmx_settled(page)  # the form htmx swapped in is processed (hx-post bound), as a person's pause would allow
    page.keyboard.press("Enter")
    expect(page.locator(f"#kr-{kr.pk}").get_by_role("status")).to_be_visible()
    expect(control).to_be_focused()
    kr.refresh_from_db()
    assert kr.current_value == 3

    # The alignment tree: reach it from the menu, open the company objective, then the department's under it.
    _tab_to(page, lambda f: f["href"] == "/alignment/", "the Alignment menu item")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_be_visible()
    top = page.locator(f".tree details[hx-get^='/alignment/{world['company'].pk}/']")
    children = f"/alignment/{world['company'].pk}/children/"
    _tab_to(page, lambda f: f["opens"].startswith(children), "the company objective's node")
    _htmx_settled(page)
    page.keyboard.press("Enter")
    expect(top).to_have_attribute("open", "")
    department_link = top.locator(f"a.open-link[href='/objectives/{world['department'].pk}/']")
    expect(department_link).to_be_visible()
    _tab_to(page, lambda f: f["href"] == f"/objectives/{world['department'].pk}/", "the department objective's link")
    page.keyboard.press("Tab")
    _htmx_settled(page)
    page.keyboard.press("Space")
    mine = top.locator(f"a[href='/objectives/{world['mine'].pk}/']")
    expect(mine).to_be_visible()
    _tab_to(page, lambda f: f["href"] == f"/objectives/{world['mine'].pk}/", "the member's objective")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/objectives/{world['mine'].pk}/")
