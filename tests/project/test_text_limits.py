"""Limits on every text (issue 6, item 10): each text a person writes has a length limit, kept in one place
(`qibu.core.validation`) and checked by the service that stores it, so page, API, import and commands refuse alike,
naming the field, with nothing written; forms give the browser the same limit as `maxlength`. A 1 MB vision made
every member's home page 1 MB."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from qibu.audit.models import AuditEntry
from qibu.core import validation as limits
from qibu.cycles.models import Cycle
from qibu.cycles.services import cycle_create
from qibu.okrs.models import CheckIn, KeyResult, KeyResultKind, Milestone, Objective
from qibu.okrs.services import checkin_record, key_result_create, key_result_update, objective_create, objective_update
from qibu.org.forms import OrganisationForm
from qibu.org.models import ApiToken, Department, Organisation, Person, StrategicGoal, Team
from qibu.org.services import (
    api_token_create,
    department_create,
    organisation_update,
    person_create,
    person_update,
    strategic_goal_create,
    team_create,
)
from tests.conftest import Company

MEGABYTE = 1024 * 1024
Attempt = Callable[[Company, dict[str, Any], str], object]


# (what, the field named in the refusal, its limit, how to store a text there)
CASES: list[tuple[str, str, int, Attempt]] = [
    (
        "organisation name",
        "name",
        limits.NAME_MAX,
        lambda c, o, t: organisation_update(actor=c.alice, organisation=Organisation.objects.get(), data={"name": t}),
    ),
    (
        "vision",
        "vision",
        limits.STATEMENT_MAX,
        lambda c, o, t: organisation_update(actor=c.alice, organisation=Organisation.objects.get(), data={"vision": t}),
    ),
    (
        "mission",
        "mission",
        limits.STATEMENT_MAX,
        lambda c, o, t: organisation_update(
            actor=c.alice, organisation=Organisation.objects.get(), data={"mission": t}
        ),
    ),
    (
        "strategic goal title",
        "title",
        limits.TITLE_MAX,
        lambda c, o, t: strategic_goal_create(actor=c.alice, title=t),
    ),
    (
        "strategic goal description",
        "description",
        limits.TEXT_MAX,
        lambda c, o, t: strategic_goal_create(actor=c.alice, title="增长", description=t),
    ),
    ("department name", "name", limits.NAME_MAX, lambda c, o, t: department_create(actor=c.alice, name=t)),
    (
        "team name",
        "name",
        limits.NAME_MAX,
        lambda c, o, t: team_create(actor=c.alice, name=t, department=c.sales),
    ),
    (
        "new person's full name",
        "full_name",
        limits.NAME_MAX,
        lambda c, o, t: person_create(actor=c.alice, username="newbie", full_name=t),
    ),
    (
        "new person's job title",
        "job_title",
        limits.NAME_MAX,
        lambda c, o, t: person_create(actor=c.alice, username="newbie", full_name="新人", job_title=t),
    ),
    (
        "full name",
        "full_name",
        limits.NAME_MAX,
        lambda c, o, t: person_update(actor=c.alice, person=c.mia, data={"full_name": t}),
    ),
    (
        "job title",
        "job_title",
        limits.NAME_MAX,
        lambda c, o, t: person_update(actor=c.alice, person=c.mia, data={"job_title": t}),
    ),
    (
        "API token name",
        "name",
        limits.SHORT_NAME_MAX,
        lambda c, o, t: api_token_create(actor=c.mia, person=c.mia, name=t),
    ),
    (
        "cycle name",
        "name",
        limits.SHORT_NAME_MAX,
        lambda c, o, t: cycle_create(actor=c.alice, name=t, start=dt.date(2027, 1, 1), end=dt.date(2027, 3, 31)),
    ),
    (
        "objective title",
        "title",
        limits.TITLE_MAX,
        lambda c, o, t: objective_create(actor=c.mia, cycle=c.quarter, level="person", owner=c.mia, title=t),
    ),
    (
        "objective description",
        "description",
        limits.TEXT_MAX,
        lambda c, o, t: objective_create(
            actor=c.mia, cycle=c.quarter, level="person", owner=c.mia, title="开拓无锡", description=t
        ),
    ),
    (
        "changed objective title",
        "title",
        limits.TITLE_MAX,
        lambda c, o, t: objective_update(actor=c.mia, objective=o["mine"], data={"title": t}),
    ),
    (
        "changed objective description",
        "description",
        limits.TEXT_MAX,
        lambda c, o, t: objective_update(actor=c.mia, objective=o["mine"], data={"description": t}),
    ),
    (
        "key result title",
        "title",
        limits.TITLE_MAX,
        lambda c, o, t: key_result_create(actor=c.mia, objective=o["mine"], title=t, target_value=1),
    ),
    (
        "key result unit",
        "unit",
        limits.UNIT_MAX,
        lambda c, o, t: key_result_create(actor=c.mia, objective=o["mine"], title="签约", target_value=1, unit=t),
    ),
    (
        "milestone title",
        "milestones",
        limits.TITLE_MAX,
        lambda c, o, t: key_result_create(
            actor=c.mia, objective=o["mine"], title="上线", kind=KeyResultKind.MILESTONES, milestones=[t]
        ),
    ),
    (
        "changed key result title",
        "title",
        limits.TITLE_MAX,
        lambda c, o, t: key_result_update(actor=c.mia, key_result=o["my_kr"], data={"title": t}),
    ),
    (
        "reason on a key result's change of confidence",
        "confidence_reason",
        limits.NOTE_MAX,
        lambda c, o, t: key_result_update(
            actor=c.mia, key_result=o["my_kr"], data={"confidence": 10, "confidence_reason": t}
        ),
    ),
    (
        "check-in note",
        "note",
        limits.NOTE_MAX,
        lambda c, o, t: checkin_record(actor=c.mia, key_result=o["my_kr"], value=1, confidence=80, note=t),
    ),
    (
        "check-in reason",
        "confidence_reason",
        limits.NOTE_MAX,
        lambda c, o, t: checkin_record(actor=c.mia, key_result=o["my_kr"], value=1, confidence=10, confidence_reason=t),
    ),
]


def _everything() -> dict[str, Any]:
    """Every row a text could be written to, to prove a refusal wrote nothing."""
    return {
        "organisation": list(Organisation.objects.values_list("name", "vision", "mission")),
        "goals": list(StrategicGoal.objects.values_list("title", "description")),
        "departments": list(Department.objects.order_by("pk").values_list("name")),
        "teams": list(Team.objects.order_by("pk").values_list("name")),
        "people": list(Person.objects.order_by("pk").values_list("full_name", "job_title")),
        "tokens": ApiToken.objects.count(),
        "cycles": Cycle.objects.count(),
        "objectives": list(Objective.objects.order_by("pk").values_list("title", "description")),
        "key_results": list(KeyResult.objects.order_by("pk").values_list("title", "unit", "confidence")),
        "milestones": Milestone.objects.count(),
        "check_ins": CheckIn.objects.count(),
        "history": AuditEntry.objects.count(),
    }


@pytest.mark.parametrize(("what", "field", "limit", "attempt"), CASES, ids=[case[0] for case in CASES])
def test_it_refuses_a_text_over_its_limit_naming_the_field_and_writes_nothing(
    company: Company, okrs: dict[str, Any], what: str, field: str, limit: int, attempt: Attempt
) -> None:
    before = _everything()
    with pytest.raises(ValidationError) as refused:
        attempt(company, okrs, "长" * (limit + 1))
    assert field in refused.value.message_dict, refused.value.message_dict
    assert str(limit) in " ".join(refused.value.message_dict[field])
    assert _everything() == before


@pytest.mark.parametrize(("what", "field", "limit", "attempt"), CASES, ids=[case[0] for case in CASES])
def test_it_accepts_a_text_of_exactly_its_limit(
    company: Company, okrs: dict[str, Any], what: str, field: str, limit: int, attempt: Attempt
) -> None:
    attempt(company, okrs, "长" * limit)


def test_it_states_the_limits_in_the_architecture_document() -> None:
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "ARCHITECTURE.md").read_text()
    for limit in (limits.TITLE_MAX, limits.NAME_MAX, limits.SHORT_NAME_MAX, limits.STATEMENT_MAX, limits.NOTE_MAX):
        assert f"{limit:,}" in text or str(limit) in text


# --- a 1 MB vision through the page, a 1 MB text through the API ----------------------------------------------


def test_it_refuses_a_megabyte_vision_on_the_settings_page_naming_the_field(company: Company) -> None:
    before = _everything()
    client = Client()
    client.force_login(company.alice)
    data = {k: ("" if v is None else v) for k, v in OrganisationForm.initial_from(Organisation.objects.get()).items()}
    data["vision"] = "v" * MEGABYTE  # one megabyte, as sent (Chinese would be three)
    response = client.post("/settings/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert f"At most {limits.STATEMENT_MAX} characters" in page
    assert 'aria-invalid="true"' in page[page.index('name="vision"') - 300 : page.index('name="vision"') + 300]
    assert _everything() == before


def test_it_gives_the_browser_the_limit_of_every_settings_field(company: Company) -> None:
    client = Client()
    client.force_login(company.alice)
    page = client.get("/settings/").content.decode()
    assert f'maxlength="{limits.STATEMENT_MAX}"' in page
    assert f'maxlength="{limits.NAME_MAX}"' in page


def test_it_gives_the_browser_the_limits_of_the_editor_and_the_check_in(company: Company, okrs: dict[str, Any]) -> None:
    client = Client()
    client.force_login(company.mia)
    editor = client.get(f"/objectives/{okrs['mine'].pk}/edit/").content.decode()
    assert f'maxlength="{limits.TITLE_MAX}"' in editor and f'maxlength="{limits.TEXT_MAX}"' in editor
    checkin = client.get(f"/key-results/{okrs['my_kr'].pk}/check-in/").content.decode()
    assert f'maxlength="{limits.NOTE_MAX}"' in checkin


@pytest.mark.parametrize(("language", "says"), [("en", "At most"), ("zh-hans", "最多")])
def test_it_refuses_a_megabyte_text_through_the_api_naming_the_field(
    company: Company, okrs: dict[str, Any], language: str, says: str
) -> None:
    """The API has no address for the vision; a check-in note and an objective's description stand for it."""
    token = api_token_create(actor=None, person=company.mia, name="tests")[1]
    before = _everything()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
    note = {"key_result": okrs["my_kr"].pk, "value": "1", "confidence": 80, "note": "n" * MEGABYTE}
    response = Client().post("/api/v1/check-ins", json.dumps(note), content_type="application/json", headers=headers)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "note" and says in problem["message"]
    change = {"description": "d" * MEGABYTE}
    response = Client().patch(
        f"/api/v1/objectives/{okrs['mine'].pk}", json.dumps(change), content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["description"]
    assert _everything() == before


def test_it_refuses_a_check_in_note_over_its_limit_through_the_api(company: Company, okrs: dict[str, Any]) -> None:
    """The API's document states the service's limit, so the schema refuses first, naming the same field."""
    token = api_token_create(actor=None, person=company.mia, name="tests")[1]
    before = _everything()
    note = {"key_result": okrs["my_kr"].pk, "value": "1", "confidence": 80, "note": "记" * (limits.NOTE_MAX + 1)}
    response = Client().post(
        "/api/v1/check-ins",
        json.dumps(note),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["field"] == "note" and str(limits.NOTE_MAX) in problem["message"]
    assert _everything() == before
