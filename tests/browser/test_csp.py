"""The Content-Security-Policy holds in a real Chromium (issue 6, item 9): signing in, checking in on a key result
through htmx, opening and typing in the editor, opening the alignment tree and the company page report no
violation (no inline script, no inline style, no eval by htmx)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import ConsoleMessage, Page, expect

from qibu.demo.generator import generate_company
from qibu.okrs.models import KeyResult, KeyResultKind
from qibu.org.models import Person, Role

pytestmark = pytest.mark.browser

# Every violation the page reports, kept where the test can read it (an init script is not subject to the policy).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def demo(transactional_db: Any) -> tuple[Any, Person, KeyResult]:
    summary = generate_company(people=60, seed=7, finished_quarter=False)
    member = Person.objects.filter(role=Role.MEMBER, department__name="销售部").order_by("pk").first()
    assert member is not None
    kr = (
        KeyResult.objects.filter(owner=member, kind=KeyResultKind.INCREASE, objective__owner=member)
        .select_related("objective")
        .order_by("objective__priority", "pk")
        .first()
    )
    assert kr is not None
    return summary, member, kr


class Violations:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"script error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        # Chromium says "Refused to …  because it violates the following Content Security Policy directive".
        if message.type == "error" and ("Content Security Policy" in message.text or "Refused" in message.text):
            self.console.append(message.text)

    def check(self, where: str) -> None:
        reported = self.page.evaluate("window.__violations || []")
        assert not reported, f"{where}: {reported}"
        assert not self.console, f"{where}: {self.console}"


def test_it_signs_in_checks_in_and_edits_under_the_policy_without_a_violation(
    live_server: Any, page: Page, demo: tuple[Any, Person, KeyResult]
) -> None:
    summary, member, kr = demo
    seen = Violations(page)
    page.goto(live_server.url + "/login/")
    seen.check("sign-in page")
    page.fill("#id_username", member.username)
    page.fill("#id_password", summary.password or "demo")
    page.click("button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    seen.check("my OKRs")

    # A check-in through htmx: the form comes into the card, the card comes back in place.
    page.goto(live_server.url + f"/objectives/{kr.objective_id}/")
    box = page.locator(f"#kr-{kr.pk}")
    box.get_by_role("button", name=_zh("Check in")).click()
    value = box.locator(f"#kr-{kr.pk}-value")
    expect(value).to_be_focused()
    value.fill(str((kr.current_value + (kr.target_value - kr.current_value) / 2).normalize()))
    box.locator(f"#kr-{kr.pk}-confidence").fill(str(min(100, kr.confidence + 5)))
    box.get_by_role("button", name=_zh("Save the check-in")).click()
    expect(page.locator(f"#kr-{kr.pk}").get_by_role("status")).to_have_text(_zh("Checked in."))
    seen.check("check-in")

    # The editor: typing asks htmx for the coach's warnings.
    page.goto(live_server.url + f"/objectives/{kr.objective_id}/edit/")
    with page.expect_response(lambda r: "/editor/warnings/" in r.url):
        page.locator("#objective-form [name=title]").fill("让苏州市场的签约客户翻一番")
    seen.check("editor")

    # The alignment tree opens a node through htmx; the company page draws its bars.
    page.goto(live_server.url + "/alignment/")
    node = page.locator("details[hx-get]").first
    with page.expect_response(lambda r: "/children/" in r.url):
        node.locator("summary").first.click()
    seen.check("alignment tree")
    page.goto(live_server.url + "/company/")
    seen.check("company page")


def test_it_reports_a_violation_when_there_is_one(live_server: Any, page: Page, transactional_db: Any) -> None:
    """The listener is not blind: an inline style attribute and an inline script are reported."""
    seen = Violations(page)
    page.goto(live_server.url + "/login/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<span style=\"color:red\">x</span>');"
        "var s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s);"
    )
    page.wait_for_timeout(200)
    reported = page.evaluate("window.__violations")
    assert any(v.startswith("style-src") for v in reported), reported
    assert any(v.startswith("script-src") for v in reported), reported
    assert page.evaluate("window.ran") is None
    assert seen.console, "Chromium also says so on the console"
