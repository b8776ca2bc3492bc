"""Nothing untranslated: every page and fragment of the permission table, rendered in Chinese, shows no interface
text that did not pass through the catalogue.

The check reads what a person sees — the text of the page and the attributes read aloud or shown (title,
aria-label, placeholder, alt, the label of a button) — and looks for words in Latin script. Chinese interface text
has none; what remains is user data (the fixture company's people have English first names and user names), product
and format names (Qibu, OKR, API, CSV …) and codes (P0, Q4, 2026). Anything else is English that reached a
Chinese page: a string outside gettext, or inside an f-string where makemessages cannot see it.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from qibu.okrs.models import KeyResult, KeyResultKind
from qibu.okrs.services import checkin_record, correction_make, key_result_create
from qibu.org.models import Person
from tests.conftest import Company
from tests.project.test_permissions_matrix import ROWS, Row, World, world  # noqa: F401  (the fixture, used by name)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# Names of the product, of formats and standards, and of things whose name is not translated.
PRODUCT_WORDS = {
    "Qibu",
    "OKR",
    "OKRs",
    "KR",
    "KRs",
    "API",
    "CSV",
    "csv",
    "xlsx",
    "Excel",
    "UTF",
    "GBK",
    "GB18030",
    "BOM",
    "SHA",
    "Bearer",
    "Authorization",
    "OpenAPI",
    "JSON",
    "URL",
    "ID",
    "FY",
    "English",
    "zip",
    "SQLite",
    "PostgreSQL",
    "htmx",
    "Swagger",
    "HTTP",
    # The playbooks write CEO in Chinese too (2020年OKR目标制定七步法: "CEO 最后发言").
    "CEO",
    "https",
    # Chat platforms and their word for an incoming robot address (Settings → Chat).
    "Lark",
    "Slack",
    "Webhook",
    "YYYY",
    "MM",
    "DD",
    # Pinyin, not English: the search page's example of finding 张三 by pinyin and its initials.
    "zhangsan",
    "zs",
}
# Codes: priorities, quarters, rule IDs (issue 6 explains them in words), time zones (Asia/Shanghai).
CODE = re.compile(r"^(P[0-3]|Q[1-4]|FY\d+|[A-Z]+-\d+|PLAY-[A-Z]+|[A-Z][a-z]+/[A-Za-z_]+)$")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’]*(?:[-/][A-Za-z0-9_]+)*")
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
HIDDEN_TAGS = {"script", "style", "template"}


class _VisibleText(HTMLParser):
    """The text a person sees or hears on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        # Elements marked translate="no" (HTML's own mark for commands and codes shown as they are).
        self.kept_as_is: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif values.get("translate") == "no":
            self.kept_as_is.append(tag)
            self.hidden += 1
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if (tag in HIDDEN_TAGS or (self.kept_as_is and tag == self.kept_as_is[-1])) and self.hidden:
            self.hidden -= 1
            if tag not in HIDDEN_TAGS:
                self.kept_as_is.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data)


def visible_text(page: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(page)
    return parser.parts


def _user_data(company: Company) -> set[str]:
    """Latin words that are the fixture company's own data: people's names, user names and e-mail addresses."""
    words: set[str] = set()
    for persona in ("alice", "erin", "hank", "mia", "oscar"):
        person = getattr(company, persona)
        for text in (person.username, person.full_name, person.email):
            words.update(LATIN_WORD.findall(text or ""))
    return words


# Not words of a language: e-mail addresses and message ids, and setting names such as EMAIL_HOST.
TECHNICAL = re.compile(r"<?[\w.+-]+@[\w.-]+>?|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")


def english_words(texts: list[str], allowed: set[str]) -> list[str]:
    """Latin words in the texts that are neither allowed nor codes, with the text they were found in."""
    found = []
    for text in texts:
        for word in LATIN_WORD.findall(TECHNICAL.sub(" ", text)):
            if word in allowed or CODE.match(word) or (len(word) == 1 and not text.strip().isascii()):
                continue
            found.append(f"{word!r} in {' '.join(text.split())[:80]!r}")
    return found


def _chinese_client(persona: Person) -> Client:
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.cookies["qibu_language"] = "zh-hans"
    client.force_login(persona)
    return client


@pytest.fixture
def lived_in(world: World, company: Company) -> World:  # noqa: F811  (the imported fixture)
    """The permission table's world after some weeks of use, so that pages show every state they can: check-ins
    with a big fall and its reason, a stale key result (MEAS-8), one behind pace, key results of every kind."""
    c, mine = company, world["mine"]
    checkin_record(actor=c.mia, key_result=world["my_kr"], value=1, confidence=40, confidence_reason="客户预算冻结")
    checkin_record(actor=c.mia, key_result=world["my_kr"], value=2, confidence=45, note="恢复中")
    long_ago = timezone.now() - dt.timedelta(days=30)
    stale = key_result_create(actor=c.mia, objective=mine, title="久未更新", start_value=0, target_value=9)
    KeyResult.objects.filter(pk__in=[stale.pk, world["department_kr"].pk]).update(created_at=long_ago)
    # EXE-9: a milestone overdue and one due later; EXE-11: a revised target, listed and marked on the chart.
    late = max(c.quarter.start, timezone.localdate() - dt.timedelta(days=2))
    key_result_create(
        actor=c.mia,
        objective=mine,
        title="门店开业",
        kind=KeyResultKind.MILESTONES,
        milestones=[{"title": "选址", "due_date": late}, {"title": "开业", "due_date": c.quarter.end}],
    )
    correction_make(actor=c.hank, objective=mine, key_result=world["my_kr"], kind="target", reason="市场比预期小",
                    changes={"target_value": "3"})  # fmt: skip
    key_result_create(actor=c.mia, objective=mine, title="拿到资质", kind=KeyResultKind.BOOLEAN)
    key_result_create(actor=c.mia, objective=mine, title="毛利率", kind=KeyResultKind.BAND, band_low=30, band_high=40)
    return world


# Every page and fragment a signed-in person reads (the table's GET rows that are not the API), as the persona
# who may see the most of it.
# Spreadsheet and calendar downloads, a set-password link, which moves to its form (its page is checked in test_passwords), and
# opening a notification, which moves to what it is about.
NOT_HTML = {
    "import template",
    "people export xlsx",
    "people export csv",
    "set-password link",
    "open a notification",
    # Calendars (.ics): their text is checked in tests/rhythm/test_calendars.py.
    "a schedule's invitation",
    "a calendar address",
    "a revoked calendar address",
    "publication xlsx",
    "quarter report xlsx",
    # The update's address moves to the update of the quarter that ended last (checked as "the update of a quarter").
    "the update",
    # The workshop's live channel answers JSON for polling screens; what it names is shown by the room's page.
    "the workshop's live channel",
}
PAGES = [row for row in ROWS if row.method == "get" and not row.api and row.name not in NOT_HTML]


def _assert_chinese(response: Response, what: str, company: Company) -> None:
    assert response["Content-Type"].startswith("text/html"), what
    allowed = PRODUCT_WORDS | _user_data(company)
    leaked = english_words(visible_text(response.content.decode()), allowed)
    assert not leaked, f"{what}: English on a Chinese page:\n" + "\n".join(leaked)


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_it_shows_no_english_on_a_chinese_page(row: Row, lived_in: World, company: Company) -> None:
    persona = next(p for p in ("alice", "erin", "hank", "mia", "oscar") if row.expect.get(p) == "ok")
    response = _chinese_client(getattr(company, persona)).get(row.url(lived_in, company), headers=row.headers or {})
    assert response.status_code == 200, response.status_code
    _assert_chinese(response, row.name, company)


CHECK_INS = {
    "recorded": ({"value": "3", "confidence": "50"}, 200),
    "a fall without its reason (EXE-4)": ({"value": "3", "confidence": "10"}, 200),
    "a value that is not a number": ({"value": "三", "confidence": "50"}, 200),
}


@pytest.mark.parametrize("case", CHECK_INS, ids=list(CHECK_INS))
@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_it_answers_a_check_in_in_chinese_EXE_4(case: str, htmx: bool, lived_in: World, company: Company) -> None:
    """EXE-4: the check-in answer — the updated key result, or the form asking why confidence fell, or the error
    — is Chinese, as a fragment for htmx and as a page without JavaScript."""
    data, status = CHECK_INS[case]
    client = _chinese_client(company.mia)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(f"/key-results/{lived_in['my_kr'].pk}/check-in/", data=data, headers=headers, follow=True)
    assert response.status_code in (status, 400), response.status_code
    _assert_chinese(response, case, company)


def test_it_finds_english_where_there_is_some() -> None:
    """The check itself: English words are found, Chinese, codes and allowed names are not."""
    texts = visible_text(
        '<p>检查 OKR 进度 P1 · 2026 Q4 · SET-7</p><button aria-label="Check in">签到</button>'
        '<script>var x = "ignored";</script><p>Alice 管理员 fell 30 points</p>'
    )
    assert english_words(texts, PRODUCT_WORDS | {"Alice"}) == [
        "'Check' in 'Check in'",
        "'in' in 'Check in'",
        "'fell' in 'Alice 管理员 fell 30 points'",
        "'points' in 'Alice 管理员 fell 30 points'",
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_names_each_language_in_itself_on_the_switcher(language: str, company: Company) -> None:
    """The switcher says 简体中文 / English in both languages, so anyone finds their own."""
    client = Client(headers={"Accept-Language": language})
    client.cookies["qibu_language"] = language
    client.force_login(company.mia)
    page = client.get("/").content.decode()
    switcher = page[page.index('id="lang-select"') : page.index("</select>")]
    options = re.findall(r"<option [^>]*>([^<]+)</option>", switcher)
    assert options == ["简体中文", "English"]
