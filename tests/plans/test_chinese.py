"""The action plan pages in Chinese (EXE-8): every page and fragment of the plans' permission table shows no English
that did not pass through the catalogue, and no rule ID without its explanation; the warnings and refusals are
Chinese too (the checks of tests/project/test_untranslated.py and test_rule_ids.py, on these pages)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from qibu.plans.models import ActionStep
from qibu.plans.services import step_split
from tests.conftest import Company
from tests.plans.helpers import END, make_step
from tests.plans.test_permissions import ROWS, plans_world  # noqa: F401  (the fixture, used by name)
from tests.project.test_permissions_matrix import Row, World, world  # noqa: F401  (the fixture, used by name)
from tests.project.test_rule_ids import bare_rule_ids
from tests.project.test_untranslated import (
    PRODUCT_WORDS,
    _chinese_client,
    _user_data,
    english_words,
    visible_text,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# A budget's currency is its ISO 4217 code, as in Chinese accounting.
CURRENCY_CODES = {"CNY", "USD"}


def _assert_chinese(response: Response, what: str, company: Company) -> None:
    assert response["Content-Type"].startswith("text/html"), what
    leaked = english_words(
        visible_text(response.content.decode()), PRODUCT_WORDS | CURRENCY_CODES | _user_data(company)
    )
    assert not leaked, f"{what}: English on a Chinese page:\n" + "\n".join(leaked)


PAGES = [row for row in ROWS if row.method == "get" and not row.api]


@pytest.fixture
def lived_in(plans_world: World, company: Company) -> World:  # noqa: F811  (the imported fixture)
    """Steps in every state a page can show: overdue, due after its key result, split, with helpers and a budget."""
    c = company
    deadline = timezone.localdate() - dt.timedelta(days=3)
    make_step(c.mia, plans_world["my_kr"], "逾期的一步", start=deadline - dt.timedelta(days=4), deadline=deadline)
    make_step(c.mia, plans_world["my_kr"], "年后回访", start=END, deadline=END + dt.timedelta(days=9), budget="3000")
    step = ActionStep.objects.get(title="拜访客户")
    step.key_result.objective = plans_world["mine"]
    with translation.override("zh-hans"):  # as a page in Chinese would split it
        step_split(actor=c.mia, step=step)
    return plans_world


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_it_shows_the_plans_pages_in_chinese_without_bare_rule_ids(row: Row, lived_in: World, company: Company) -> None:
    persona = next(p for p in ("alice", "erin", "hank", "mia", "oscar") if row.expect.get(p) == "ok")
    response = _chinese_client(getattr(company, persona)).get(row.url(lived_in, company), headers=row.headers or {})
    assert response.status_code == 200, response.status_code
    _assert_chinese(response, row.name, company)
    bare, _labels = bare_rule_ids(response.content.decode())
    assert not bare, f"{row.name}: a rule ID without its explanation:\n" + "\n".join(bare)


@pytest.mark.parametrize("page", ["objective", "home", "status fragment", "late warning", "refusal"])
def test_it_shows_the_plans_on_other_pages_and_its_answers_in_chinese_EXE_8(
    page: str, lived_in: World, company: Company
) -> None:
    client = _chinese_client(company.hank if page != "home" else company.mia)
    kr = lived_in["my_kr"]
    if page == "objective":
        response = client.get(reverse("okrs:objective", args=[lived_in["mine"].pk]))
        assert "行动计划" in response.content.decode() and "逾期" in response.content.decode()
    elif page == "home":
        response = client.get("/")
        assert "我的行动步骤" in response.content.decode()
    elif page == "status fragment":
        step = ActionStep.objects.get(title="逾期的一步")
        response = client.post(reverse("plans:step_status", args=[step.pk]), {"status": "doing"},
                               headers={"HX-Request": "true"})  # fmt: skip
    else:
        form = {"title": "新的一步", "owner": "mia" if page == "late warning" else "无此人", "start": "2026-10-05",
                "deadline": "2027-01-20", "priority": "2", "currency": "CNY"}  # fmt: skip
        response = client.post(reverse("plans:step_new", args=[kr.pk]), form, follow=True)
        text = response.content.decode()
        assert ("晚于关键结果的结束日期" in text) if page == "late warning" else ("公司里没有用户名为" in text)
    assert response.status_code in (200, 400)
    _assert_chinese(response, page, company)
    assert not bare_rule_ids(response.content.decode())[0]
