"""The coach's rows of the permission table (tests/project/test_permissions_matrix.py): its pages, fragments and API
calls for every persona, refusals changing nothing (the organisation's blocking rules included); and its pages in
Chinese with no bare rule ID."""

from __future__ import annotations

import json

import pytest

from qibu.org.models import Organisation
from tests.conftest import Company
from tests.project.test_permissions_matrix import (
    ADMIN_ONLY,
    ALL_OK,
    EDIT_MINE,
    EDIT_PRIVATE,
    PERSONAS,
    SEE_PRIVATE,
    Row,
    World,
    _call,
    _state,
    world,  # noqa: F401  (the fixture, used by name)
)
from tests.project.test_rule_ids import bare_rule_ids
from tests.project.test_untranslated import _assert_chinese, _chinese_client

API_ALL_OK = ALL_OK


def _kr_typed(w: World, c: Company) -> dict[str, object]:
    return {"objective": w["mine"].pk, "title": "召开 3 次客户答谢会", "kind": "increase", "target_value": "3"}


ROWS = [
    Row("the coach's settings", "get", lambda w, c: "/settings/coach/", ADMIN_ONLY),
    Row(
        "choose the coach's blocking rules",
        "post",
        lambda w, c: "/settings/coach/",
        ADMIN_ONLY,
        data=lambda w, c: {"blocking": ["SET-4", "COACH-2"]},
    ),
    Row("the quality report", "get", lambda w, c: f"/quality/?cycle={c.quarter.pk}", ALL_OK),
    Row(
        "the quality report of sales",
        "get",
        lambda w, c: f"/quality/?cycle={c.quarter.pk}&department={c.sales.pk}",
        ALL_OK,
    ),
    Row("the key result form's advice", "post", lambda w, c: "/editor/key-result-warnings/", EDIT_MINE, data=_kr_typed),
    Row(
        "the key result form's advice on a private key result",
        "post",
        lambda w, c: "/editor/key-result-warnings/",
        EDIT_PRIVATE,
        data=lambda w, c: {"key_result": w["private_kr"].pk, "title": "完成读书"},
    ),
    Row("the API's advice on mia's objective", "get", lambda w, c: f"/api/v1/objectives/{w['mine'].pk}/advice", API_ALL_OK, api=True),
    Row(
        "the API's advice on a private objective",
        "get",
        lambda w, c: f"/api/v1/objectives/{w['private'].pk}/advice",
        SEE_PRIVATE,
        api=True,
    ),
    Row("the API's coach rules", "get", lambda w, c: "/api/v1/organisation/coach", API_ALL_OK, api=True),
    Row(
        "the API choosing the coach's rules",
        "put",
        lambda w, c: "/api/v1/organisation/coach",
        ADMIN_ONLY,
        data=lambda w, c: {"coach_blocking_rules": ["SET-5"]},
        api=True,
    ),
]  # fmt: skip
WRITES = {"post", "put", "patch", "delete"}
# Rows that answer without writing although they are POSTs: the advice as one types.
READS_BY_POST = {"the key result form's advice", "the key result form's advice on a private key result"}
CASES = [pytest.param(row, persona, id=f"{row.name}-{persona}") for row in ROWS for persona in PERSONAS]


def _coach_state() -> str:
    """The table's state, with the organisation's blocking rules (which `_state` does not hold)."""
    return _state() + json.dumps(list(Organisation.objects.values_list("coach_blocking_rules", flat=True)))


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_it_answers_each_persona_as_the_table_says_PUB_2(
    row: Row,
    persona: str,
    world: World,  # noqa: F811
    company: Company,
) -> None:
    """PUB-2."""
    expected = row.expect[persona]
    before = _coach_state()
    response = _call(row, persona, world, company)
    status = response.status_code
    if expected == "ok":
        assert status < 400, f"{row.name} as {persona}: {status}"
        if row.method in WRITES and row.name not in READS_BY_POST:
            assert _coach_state() != before, f"an allowed {row.name} as {persona} wrote nothing"
        else:
            assert _coach_state() == before, f"reading {row.name} as {persona} changed data"
        return
    if expected == "login":
        assert status == (401 if row.api else 302)
    else:
        assert status == expected, f"{row.name} as {persona}: {status}"
    assert _coach_state() == before, f"a refused {row.name} as {persona} changed data"


PAGES = [row for row in ROWS if row.method == "get" and not row.api]


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_it_shows_the_coachs_pages_in_chinese_with_no_bare_rule_id(row: Row, world: World, company: Company) -> None:  # noqa: F811
    persona = next(p for p in ("alice", "erin", "hank", "mia", "oscar") if row.expect.get(p) == "ok")
    response = _chinese_client(getattr(company, persona)).get(row.url(world, company))
    assert response.status_code == 200
    _assert_chinese(response, row.name, company)
    bare, labels = bare_rule_ids(response.content.decode())
    assert bare == [] and labels
