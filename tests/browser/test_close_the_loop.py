"""The close of the loop in a real Chromium, in Chinese: a person's self-assessment of the quarter that just ended
(SELF-1, SELF-3), the department's reflection with its numbers and a measure (REF-2, REF-4), the update in its order
(UPD-2), recognition for a key result (CEL-4) and the quarter's calendar of the seven phases (PLAY-EXEC).

The quarter ended two days ago (tests/updates/conftest.py's world), so its self-assessment, reflection, update and
celebration are all due; its reflection's window of one day is over, so the update may begin."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from qibu.assess.services import assessment_submit
from qibu.cycles.models import Cycle
from qibu.cycles.phases import Phase
from qibu.okrs.models import KeyResult
from qibu.org.models import Person
from qibu.reflect.models import Measure, Reflection
from qibu.reflect.services import reflection_open
from tests.conftest import PASSWORD, Company
from tests.project.test_untranslated import PRODUCT_WORDS, english_words, visible_text
from tests.updates.conftest import World, make_world

pytestmark = pytest.mark.browser


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def loop(company: Company) -> World:
    """The quarter that ended two days ago and the one running now, everyone speaking Chinese, mia's key result
    half done and hank's not at all."""
    Person.objects.update(language="zh-hans")
    world = make_world(company)
    # Only the ended quarter and the one running now, so that "the current and the last period" are these two.
    Cycle.objects.exclude(pk__in=[world.ending.pk, world.next.pk]).delete()
    KeyResult.objects.filter(pk=world.my_kr.pk).update(progress=Decimal("0.5"))
    return world


def _sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


@pytest.fixture
def other(browser: Browser) -> Iterator[BrowserContext]:
    """A second person's browser, beside the test's own page."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def _submit(world: World, person: Person, cause: str) -> None:
    from qibu.assess.selectors import assessment_page

    rows = assessment_page(person=person, cycle=world.ending).rows
    assessment_submit(
        actor=person, person=person, cycle=world.ending, entries={r.key_result_id: {"root_cause": cause} for r in rows}
    )


def test_a_person_submits_their_self_assessment_and_their_head_sees_it_presented_SELF_1_SELF_3(
    live_server: LiveServer, page: Page, other: BrowserContext, loop: World
) -> None:
    """SELF-1, SELF-3."""
    c, kr = loop.c, loop.my_kr
    _sign_in(page, live_server, "mia")
    page.goto(live_server.url + f"/self-assessment/{loop.ending.pk}/")
    expect(page.locator("h1")).to_contain_text(loop.ending.name)
    expect(page.get_by_role("note")).to_contain_text(_zh("This is not a performance appraisal."))
    score = page.locator(f"#score_{kr.pk}")
    expect(score).to_have_value("0.50")  # the score starts at the progress
    page.fill(f"#worked_{kr.pk}", "工业园区的客户转介绍效果好")
    page.fill(f"#root_cause_{kr.pk}", "线索太少，拜访不够")
    page.fill(f"#change_{kr.pk}", "每周固定两天上门拜访")
    page.get_by_role("button", name=_zh("Submit"), exact=True).click()

    # Submitted: read-only, with what was written and a way to reopen it.
    expect(page.get_by_text(_zh("submitted"), exact=True)).to_be_visible()
    expect(page.locator(f"#score_{kr.pk}")).to_have_count(0)
    expect(page.get_by_role("button", name=_zh("Reopen to change it"))).to_be_visible()
    section = page.locator("section", has=page.locator(f"#kr-{kr.pk}"))
    expect(section).to_contain_text("线索太少，拜访不够")
    expect(section).to_contain_text("工业园区的客户转介绍效果好")
    assert KeyResult.objects.get(pk=kr.pk).score == Decimal("0.50")

    # The head sees it in the department's presentation, with the title of a page and not of markup.
    head = other.new_page()
    _sign_in(head, live_server, "hank")
    head.goto(live_server.url + f"/self-assessment/{loop.ending.pk}/departments/{c.sales.pk}/")
    card = head.locator(f"section[aria-labelledby=person-{c.mia.pk}]")
    expect(card).to_contain_text(c.mia.full_name)
    row = card.locator("tr", has_text=kr.title)
    expect(row).to_contain_text("0.50")
    expect(row).to_contain_text("线索太少，拜访不够")
    expect(row).to_contain_text("每周固定两天上门拜访")
    missing = head.locator("section[aria-labelledby=missing-title]")
    expect(missing).to_contain_text(c.hank.full_name)  # hank has not submitted his own
    expect(missing).not_to_contain_text(c.mia.full_name)
    assert "<" not in head.title(), head.title()


def test_the_head_reflects_adds_a_measure_and_closes_and_the_owner_finds_it_REF_2_REF_4(
    live_server: LiveServer, page: Page, other: BrowserContext, loop: World
) -> None:
    """REF-2, REF-4."""
    c = loop.c
    _submit(loop, c.mia, "线索太少")
    _submit(loop, c.hank, "线索太少，标杆客户预算冻结")
    reflection = reflection_open(actor=None, cycle=loop.ending, department=c.sales)

    _sign_in(page, live_server, "hank")
    page.goto(live_server.url + "/reflections/")
    page.locator(f"a[href='/reflections/{reflection.pk}/']").first.click()
    expect(page.locator("h1")).to_contain_text(c.sales.name)
    numbers = page.locator("section[aria-labelledby=numbers-title]")
    expect(numbers).to_contain_text(
        _zh("%(people)s of %(expected)s people submitted their self-assessment; %(scored)s key results scored.")
        % {"people": 2, "expected": 2, "scored": 2}
    )
    expect(numbers).to_contain_text(_zh("Average score"))
    expect(numbers.locator("strong.numbers").first).to_have_text("0.25")  # (0.5 + 0.0) / 2
    bands = numbers.locator("table").first.locator("tbody tr")
    expect(bands).not_to_have_count(0)
    expect(numbers).to_contain_text("线索")  # the shared root cause, by its words

    # A measure with an owner and a due date in the next quarter.
    due_day = timezone.localdate() + dt.timedelta(days=14)
    due = due_day.isoformat()
    page.fill("#m-title", "每周复盘线索来源")
    page.select_option("#m-owner", str(c.mia.pk))
    page.fill("#m-due", due)
    page.get_by_role("button", name=_zh("Record the measure")).click()
    measures = page.locator("section[aria-labelledby=measures-title]")
    item = measures.locator("li", has_text="每周复盘线索来源")
    expect(item).to_contain_text(c.mia.full_name)
    expect(item).to_contain_text(f"{due_day.year}年{due_day.month}月{due_day.day}日")  # in the reader's format

    page.fill("#summary", "线索不足是共同原因：下季度先补线索。")
    page.get_by_role("button", name=_zh("Close the reflection")).click()
    expect(page.get_by_role("button", name=_zh("Reopen to change it"))).to_be_visible()
    expect(page.locator("section[aria-labelledby=summary-title]")).to_contain_text("线索不足是共同原因")
    expect(page.locator("#m-title")).to_have_count(0)
    assert Reflection.objects.get(pk=reflection.pk).is_closed

    # The owner finds it in their focus, follows it and marks it done on the page (htmx).
    owner = other.new_page()
    _sign_in(owner, live_server, "mia")
    owner.goto(live_server.url + "/focus/")
    owner.get_by_role("link", name="每周复盘线索来源").click()
    expect(owner).to_have_url(re.compile(rf"/reflections/{reflection.pk}/#measure-\d+$"))
    measure = owner.locator(f"#measure-{Measure.objects.get(title='每周复盘线索来源').pk}")
    measure.get_by_role("button", name=_zh("Mark done")).click()
    expect(measure).to_contain_text(_zh("done"))
    expect(measure.get_by_role("button")).to_have_text(_zh("Mark not done"))
    owner.goto(live_server.url + "/focus/")
    expect(owner.get_by_role("link", name="每周复盘线索来源")).to_have_count(0)


def test_the_update_goes_company_first_then_the_department_UPD_2(
    live_server: LiveServer, page: Page, other: BrowserContext, loop: World
) -> None:
    """UPD-2."""
    url = live_server.url + f"/updates/{loop.ending.pk}/"
    _sign_in(page, live_server, "hank")
    page.goto(url)
    department = page.locator(f"#objective-{loop.dept_obj.pk}")
    expect(department).to_contain_text(_zh("Decided %(when)s.") % {"when": _zh("after the company's update")})
    expect(department.locator("form")).to_have_count(0)
    # A decision sent anyway (a page left open, another tab) is refused and says why.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    assert token is not None
    refused = page.request.post(
        live_server.url + f"/updates/objectives/{loop.dept_obj.pk}/decide/",
        form={"csrfmiddlewaretoken": token, "outcome": "achieved", "action": "keep"},
        headers={"Referer": url},
    )
    assert refused.status == 400
    shown = " ".join(visible_text(refused.text()))
    assert _zh("The company's update is not done yet: departments and people decide after it (UPD-2).") in shown

    # The executive decides the company's objective and closes the company's stage.
    executive = other.new_page()
    _sign_in(executive, live_server, "erin")
    executive.goto(url)
    company = executive.locator(f"#objective-{loop.company_obj.pk}")
    # Abandoning a company objective without a justification is refused in its card, by field (UPD-3).
    company.get_by_label(_zh("abandon")).check()
    company.get_by_role("button", name=_zh("Record the decision")).click()
    expect(executive.locator(f"#objective-{loop.company_obj.pk} .error")).to_contain_text(_zh("Justification"))
    company = executive.locator(f"#objective-{loop.company_obj.pk}")
    company.get_by_label(_zh("keep")).check()
    company.get_by_role("button", name=_zh("Record the decision")).click()
    # Decided once its form is gone (the form's own radio reads "keep" too).
    expect(executive.locator(f"#objective-{loop.company_obj.pk} form")).to_have_count(0)
    expect(executive.locator(f"#objective-{loop.company_obj.pk}")).to_contain_text(_zh("keep"))
    executive.get_by_role("button", name=_zh("Close the company's update")).click()
    expect(executive.get_by_role("button", name=_zh("Close the company's update"))).to_have_count(0)

    # Now the head decides keep on the department's objective; the board shows it.
    page.goto(url)
    department = page.locator(f"#objective-{loop.dept_obj.pk}")
    department.get_by_label(_zh("keep")).check()
    department.get_by_role("button", name=_zh("Record the decision")).click()
    decided = page.locator(f"#objective-{loop.dept_obj.pk}")
    expect(decided.locator("form")).to_have_count(0)
    expect(decided).to_contain_text(_zh("keep"))
    expect(decided.get_by_role("link", name=_zh("the carried objective"))).to_be_visible()
    page.get_by_role("link", name=_zh("Where everyone stands")).click()
    row = page.locator("tbody tr", has=page.get_by_role("rowheader", name=loop.c.sales.name, exact=True))
    expect(row.locator("td").nth(1)).to_have_text("1")  # decided
    company_row = page.locator("tbody tr").first
    expect(company_row).to_contain_text(_zh("done"))


PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def test_recognition_for_a_key_result_shows_its_message_as_text_on_the_receivers_page_CEL_4(
    live_server: LiveServer, page: Page, loop: World
) -> None:
    """CEL-4."""
    c, kr = loop.c, loop.my_kr
    _sign_in(page, live_server, "hank")
    page.goto(live_server.url + f"/people/{c.mia.pk}/")
    page.locator("section[aria-labelledby=recognitions-title]").get_by_role(
        "link", name=_zh("Give recognition")
    ).click()
    expect(page.locator("#receiver")).to_have_value(str(c.mia.pk))
    page.select_option("#key_result", str(kr.pk))
    page.fill("#message", "苏州开局漂亮！" + PAYLOAD)
    page.get_by_role("button", name=_zh("Give recognition")).click()
    expect(page.get_by_text(_zh("Recognition given."))).to_be_visible()

    page.goto(live_server.url + f"/people/{c.mia.pk}/")
    panel = page.locator("section[aria-labelledby=recognitions-title]")
    expect(panel).to_contain_text("苏州开局漂亮！<script>window.__xss=1</script>")
    expect(panel).to_contain_text(kr.title)
    expect(panel).to_contain_text(c.hank.full_name)
    assert page.evaluate("window.__xss") is None
    assert page.locator("body img[src='x']").count() == 0


def test_the_quarter_calendar_shows_the_seven_phases_in_chinese_and_my_phases_lead_to_the_self_assessment_PLAY_EXEC(
    live_server: LiveServer, page: Page, loop: World
) -> None:
    """PLAY-EXEC."""
    c = loop.c
    _sign_in(page, live_server, "mia")
    page.goto(live_server.url + f"/quarter/{loop.ending.pk}/")
    expect(page.locator("h1")).to_contain_text(loop.ending.name)
    phases = page.locator("table.phase-counts tbody th")
    expect(phases).to_have_text([_zh(str(p.label)) for p in Phase])
    allowed = PRODUCT_WORDS | {w for p in (c.alice, c.erin, c.hank, c.mia, c.oscar) for w in (p.username, p.full_name)}
    allowed |= {"Alice", "Erin"}
    assert english_words(visible_text(page.content()), allowed) == []

    page.get_by_role("link", name=_zh("My phases")).click()
    expect(page.locator("h1")).to_contain_text(loop.ending.name)
    assert english_words(visible_text(page.content()), allowed) == []
    mine = page.locator("ol.my-phases li", has_text=_zh(str(Phase.SELF_ASSESS.label)))
    mine.get_by_role("link", name=_zh("Do it here")).click()
    expect(page).to_have_url(re.compile(rf"/self-assessment/{loop.ending.pk}/$"))
    expect(page.locator(f"#score_{loop.my_kr.pk}")).to_have_value("0.50")
