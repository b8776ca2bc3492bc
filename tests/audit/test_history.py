"""History: every change to an objective, key result, check-in, alignment and the organisation's policy
records who made it, when, and the values before and after (EXE-11: each correction is kept)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qibu.audit.models import AuditEntry
from qibu.cycles.models import Cycle
from qibu.cycles.services import cycle_close, cycle_create, cycles_generate_year
from qibu.okrs.models import KeyResult, Level, Objective, Status
from qibu.okrs.services import (
    alignment_set,
    checkin_record,
    key_result_create,
    key_result_delete,
    key_result_update,
    objective_create,
    objective_delete,
    objective_update,
)
from qibu.org.models import Department, Organisation, Person, StrategicGoal, Team
from qibu.org.services import (
    api_token_create,
    api_token_revoke,
    department_create,
    department_move,
    department_set_head,
    organisation_update,
    person_create,
    person_set_language,
    strategic_goal_create,
    strategic_goal_delete,
    team_create,
)
from tests.conftest import Company, Okrs


def _only_entry(**filters: Any) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, [(e.action, e.target_type, e.target_id) for e in entries]
    entry = entries[0]
    assert entry.at is not None
    assert abs(timezone.now() - entry.at) < dt.timedelta(minutes=1)
    return entry


@pytest.fixture
def since(db: None) -> int:
    """Only entries written by the test itself, not by the fixtures."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_it_records_the_creation_of_an_objective_EXE_11(company: Company) -> None:
    """EXE-11."""
    objective = objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="打开苏州市场"
    )
    entry = _only_entry(action="objective.create", target_id=objective.pk)
    assert entry.actor == company.mia
    assert (entry.target_type, entry.subject_type, entry.subject_id) == (
        "okrs.objective",
        "okrs.objective",
        objective.pk,
    )
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["title"] == "打开苏州市场"
    assert entry.after["owner"] == company.mia.pk
    assert entry.after["start_date"] == "2026-10-01"
    assert entry.after["weight"] == "1"


def test_it_records_what_changed_in_an_objective_EXE_11(company: Company, okrs: Okrs, since: int) -> None:
    """EXE-11."""
    objective_update(
        actor=company.hank,
        objective=okrs["mine"],
        data={"title": "打开苏州和无锡市场", "weight": "2.5", "priority": 0, "description": ""},
    )
    entry = _only_entry(action="objective.update", id__gt=since)
    assert entry.actor == company.hank
    assert entry.subject_id == okrs["mine"].pk
    # Only what changed; the empty description was already empty.
    assert entry.before == {"title": "打开苏州市场", "weight": "1", "priority": 1}
    assert entry.after == {"title": "打开苏州和无锡市场", "weight": "2.5", "priority": 0}
    # (PostgreSQL's jsonb does not keep key order, so the order of the fields is not asserted.)
    assert sorted(entry.changes()) == [
        ("priority", 1, 0),
        ("title", "打开苏州市场", "打开苏州和无锡市场"),
        ("weight", "1", "2.5"),
    ]


def test_it_records_nothing_when_nothing_changed_EXE_11(company: Company, okrs: Okrs) -> None:
    """EXE-11."""
    kr = key_result_create(actor=company.mia, objective=okrs["mine"], title="t", start_value="0.5", target_value="2.5")
    since = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    mine = Objective.objects.get(pk=okrs["mine"].pk)
    objective_update(actor=company.mia, objective=mine, data={"title": mine.title, "weight": "1.00"})
    key_result_update(
        actor=company.mia, key_result=KeyResult.objects.get(pk=kr.pk), data={"target_value": "2.50", "weight": 1}
    )
    key_result_update(actor=company.mia, key_result=kr, data={"start_value": ".5"})
    assert not AuditEntry.objects.filter(id__gt=since).exists()


def test_it_records_nothing_for_a_refused_change_EXE_11(company: Company, okrs: Okrs, since: int) -> None:
    """EXE-11."""
    with pytest.raises(ValidationError):
        objective_update(actor=company.mia, objective=okrs["mine"], data={"title": "", "status": "draft"})
    with pytest.raises(ValidationError):
        checkin_record(actor=company.mia, key_result=okrs["my_kr"], confidence=10)
    assert not AuditEntry.objects.filter(id__gt=since).exists()


def test_it_records_a_status_change_EXE_11(company: Company, okrs: Okrs, since: int) -> None:
    """EXE-11."""
    objective_update(actor=company.mia, objective=okrs["mine"], data={"status": Status.CLOSED})
    entry = _only_entry(action="objective.update", id__gt=since)
    assert (entry.before, entry.after) == ({"status": "active"}, {"status": "closed"})


def test_it_records_the_deletion_of_an_objective_EXE_11(company: Company, okrs: Okrs, since: int) -> None:
    """EXE-11."""
    pk = okrs["mine"].pk
    objective_delete(actor=company.hank, objective=okrs["mine"])
    entry = _only_entry(action="objective.delete", id__gt=since)
    assert entry.actor == company.hank
    assert (entry.target_id, entry.subject_id) == (pk, pk)
    assert entry.before is not None
    assert entry.before["title"] == "打开苏州市场"
    assert entry.after is None


def test_it_records_key_result_creation_change_and_deletion_EXE_11(company: Company, okrs: Okrs, since: int) -> None:
    """EXE-11."""
    kr = key_result_create(
        actor=company.mia, objective=okrs["mine"], title="拜访 20 家客户", start_value=0, target_value=20, unit="家"
    )
    created = _only_entry(action="key_result.create", id__gt=since)
    assert (created.actor, created.target_type, created.subject_id) == (company.mia, "okrs.keyresult", okrs["mine"].pk)
    assert created.before is None
    assert created.after is not None
    assert created.after["target_value"] == "20"
    assert created.after["title"] == "拜访 20 家客户"

    key_result_update(actor=company.hank, key_result=kr, data={"target_value": "1000", "weight": 3})
    updated = _only_entry(action="key_result.update", id__gt=since)
    assert updated.actor == company.hank
    assert updated.before == {"target_value": "20", "weight": "1"}
    assert updated.after == {"target_value": "1000", "weight": "3"}

    kr_id = kr.pk
    key_result_delete(actor=company.alice, key_result=kr)
    deleted = _only_entry(action="key_result.delete", id__gt=since)
    assert deleted.actor == company.alice
    assert (deleted.target_id, deleted.subject_id) == (kr_id, okrs["mine"].pk)
    assert deleted.before is not None
    assert deleted.before["target_value"] == "1000"
    assert deleted.after is None


def test_it_records_a_checkin_with_the_values_before_and_after_EXE_3_EXE_11(
    company: Company, okrs: Okrs, since: int
) -> None:
    """EXE-3, EXE-11."""
    checkin = checkin_record(
        actor=company.mia,
        key_result=okrs["my_kr"],
        value="2.5",
        confidence=40,
        confidence_reason="两家客户推迟签约",
        note="见了三家",
    )
    entry = _only_entry(action="check_in.create", id__gt=since)
    assert entry.actor == company.mia
    assert (entry.target_type, entry.target_id, entry.subject_id) == ("okrs.checkin", checkin.pk, okrs["mine"].pk)
    assert entry.before is not None
    assert entry.before["confidence"] == 80
    assert entry.after is not None
    assert entry.after["confidence"] == 40
    assert entry.after["previous_confidence"] == 80
    assert entry.after["confidence_reason"] == "两家客户推迟签约"
    assert entry.after["note"] == "见了三家"
    assert entry.after["key_result"] == okrs["my_kr"].pk
    assert float(entry.before["value"]) == 0
    assert float(entry.after["value"]) == 2.5


def test_it_records_alignment_changes_EXE_11_SET_6(company: Company, okrs: Okrs, since: int) -> None:
    """EXE-11, SET-6."""
    mine = okrs["mine"]
    alignment_set(actor=company.hank, objective=mine, parent_key_result_ids=[okrs["department_kr"].pk])
    entry = _only_entry(action="alignment.set", id__gt=since)
    assert entry.actor == company.hank
    assert entry.subject_id == mine.pk
    assert entry.before == {"parents": [f"objective:{okrs['department'].pk}"]}
    assert entry.after == {"parents": [f"kr:{okrs['department_kr'].pk}"]}


def test_it_records_the_links_lost_when_a_parent_key_result_is_deleted_SET_6(
    company: Company, okrs: Okrs, since: int
) -> None:
    """SET-6: The department objective aligns to the revenue KR; deleting the KR takes the link away."""
    revenue_id = okrs["revenue"].pk
    key_result_delete(actor=company.erin, key_result=okrs["revenue"])
    entry = _only_entry(action="alignment.set", id__gt=since)
    assert entry.actor == company.erin
    assert entry.subject_id == okrs["department"].pk
    assert entry.before == {"parents": [f"kr:{revenue_id}"]}
    assert entry.after == {"parents": []}


def test_it_records_the_links_lost_when_a_parent_objective_is_deleted_SET_6(
    company: Company, okrs: Okrs, since: int
) -> None:
    """SET-6."""
    other = objective_create(actor=company.hank, cycle=company.quarter, level=Level.DEPARTMENT,
                             department=company.sales, title="另一个部门目标")  # fmt: skip
    alignment_set(actor=company.mia, objective=okrs["mine"], parent_objective_ids=[okrs["department"].pk, other.pk])
    objective_delete(actor=company.hank, objective=Objective.objects.get(pk=okrs["department"].pk))
    entries = {e.subject_id: e for e in AuditEntry.objects.filter(action="alignment.set", id__gt=since)}
    last = AuditEntry.objects.filter(action="alignment.set", subject_id=okrs["mine"].pk).first()
    assert last is not None
    assert last.actor == company.hank
    assert last.before == {"parents": sorted([f"objective:{okrs['department'].pk}", f"objective:{other.pk}"])}
    assert last.after == {"parents": [f"objective:{other.pk}"]}
    assert set(entries) == {okrs["mine"].pk}


def test_it_records_a_policy_change_EXE_11(company: Company, since: int) -> None:
    """EXE-11."""
    organisation_update(
        actor=company.alice,
        organisation=company.org,
        data={"confidence_fall_threshold": 20, "checkin_cadence_days": 14, "name": "云舟科技"},
    )
    entry = _only_entry(action="organisation.update", id__gt=since)
    assert entry.actor == company.alice
    assert (entry.target_type, entry.target_id) == ("org.organisation", company.org.pk)
    assert entry.before == {"confidence_fall_threshold": 30, "checkin_cadence_days": 7}
    assert entry.after == {"confidence_fall_threshold": 20, "checkin_cadence_days": 14}
    assert company.org.departures_from_method() == ["confidence_fall_threshold", "checkin_cadence_days"]


def test_it_refuses_a_bad_policy_and_records_nothing(company: Company, since: int) -> None:
    with pytest.raises(ValidationError) as exc:
        organisation_update(
            actor=company.alice,
            organisation=company.org,
            data={"confidence_fall_threshold": 0, "at_risk_confidence": 90, "time_zone": "Mars/Olympus"},
        )
    assert {"confidence_fall_threshold", "at_risk_confidence", "time_zone"} <= exc.value.message_dict.keys()
    assert not AuditEntry.objects.filter(id__gt=since).exists()
    # Nothing half-set, in the database or on the policy in hand.
    company.org.refresh_from_db()
    assert company.org.confidence_fall_threshold == 30
    stale_copy = Organisation.objects.get(pk=company.org.pk)
    with pytest.raises(ValidationError):
        organisation_update(actor=company.alice, organisation=stale_copy, data={"at_risk_confidence": 90})
    assert stale_copy.at_risk_confidence == 40


# --- the organisation, its strategy, departments, teams, people and cycles: every write, with its actor


def test_it_records_a_strategic_goal_in_the_organisations_history_VIS_2(company: Company, since: int) -> None:
    """VIS-2."""
    goal = strategic_goal_create(actor=company.alice, title="出海", description="三年内进入东南亚")
    created = _only_entry(action="strategic_goal.create", id__gt=since)
    assert created.actor == company.alice
    assert (created.subject_type, created.subject_id) == ("org.organisation", company.org.pk)
    assert (created.target_type, created.target_id) == ("org.strategicgoal", goal.pk)
    assert created.after == {"title": "出海", "description": "三年内进入东南亚"}
    goal_id = goal.pk
    strategic_goal_delete(actor=company.erin, goal=goal)
    deleted = _only_entry(action="strategic_goal.delete", id__gt=since)
    assert (deleted.actor, deleted.subject_id, deleted.target_id) == (company.erin, company.org.pk, goal_id)
    assert deleted.before is not None
    assert (deleted.before["title"], deleted.after) == ("出海", None)


def test_it_records_a_department_created_moved_and_given_a_head(company: Company, since: int) -> None:
    east = department_create(actor=company.alice, name=" 华东销售 ", parent=company.sales, head=company.mia)
    created = _only_entry(action="department.create", id__gt=since)
    assert (created.actor, created.subject_type, created.subject_id) == (company.alice, "org.department", east.pk)
    assert created.after == {"name": "华东销售", "parent": company.sales.pk, "head": company.mia.pk}

    department_move(actor=company.erin, department=east, parent=company.marketing)
    moved = _only_entry(action="department.move", id__gt=since)
    assert (moved.actor, moved.subject_id) == (company.erin, east.pk)
    assert (moved.before, moved.after) == ({"parent": company.sales.pk}, {"parent": company.marketing.pk})

    department_set_head(actor=company.alice, department=east, head=company.oscar)
    headed = _only_entry(action="department.set_head", id__gt=since)
    assert (headed.before, headed.after) == ({"head": company.mia.pk}, {"head": company.oscar.pk})


def test_it_moves_every_sub_department_with_its_department(company: Company) -> None:
    east = department_create(actor=None, name="华东", parent=company.sales)
    suzhou = department_create(actor=None, name="苏州", parent=east)
    wuxi = department_create(actor=None, name="无锡", parent=suzhou)
    department_move(actor=company.alice, department=east, parent=company.marketing)
    paths = dict(Department.objects.filter(pk__in=[east.pk, suzhou.pk, wuxi.pk]).values_list("pk", "path"))
    base = f"/{company.marketing.pk}/{east.pk}/"
    assert paths == {east.pk: base, suzhou.pk: f"{base}{suzhou.pk}/", wuxi.pk: f"{base}{suzhou.pk}/{wuxi.pk}/"}


def test_it_records_nothing_when_a_department_stays_where_it_is(company: Company, since: int) -> None:
    department_move(actor=company.alice, department=company.sales, parent=None)
    department_set_head(actor=company.alice, department=company.sales, head=company.hank)
    assert not AuditEntry.objects.filter(id__gt=since).exists()


def test_it_records_a_team_in_its_own_history(company: Company, since: int) -> None:
    team = team_create(actor=company.alice, name="华南组", department=company.sales, lead=company.mia)
    entry = _only_entry(action="team.create", id__gt=since)
    assert (entry.actor, entry.subject_type, entry.subject_id) == (company.alice, "org.team", team.pk)
    assert entry.after == {"name": "华南组", "department": company.sales.pk, "lead": company.mia.pk}


def test_it_records_a_new_person_without_their_password(company: Company, since: int) -> None:
    nina = person_create(
        actor=company.alice,
        username="nina",
        full_name="妮娜",
        password="correct horse battery staple",
        department=company.sales,
    )
    entry = _only_entry(action="person.create", id__gt=since)
    assert (entry.actor, entry.subject_type, entry.subject_id) == (company.alice, "org.person", nina.pk)
    assert entry.after is not None
    assert entry.after["username"] == "nina" and entry.after["department"] == company.sales.pk
    assert entry.after["role"] == "member"
    assert "password" not in entry.after
    assert nina.password[:20] not in json.dumps(entry.after)


def test_it_records_a_change_of_language(company: Company, since: int) -> None:
    person_set_language(actor=company.mia, person=company.mia, language="zh-hans")
    entry = _only_entry(action="person.set_language", id__gt=since)
    assert (entry.actor, entry.subject_id) == (company.mia, company.mia.pk)
    assert (entry.before, entry.after) == ({"language": ""}, {"language": "zh-hans"})
    person_set_language(actor=company.mia, person=company.mia, language="zh-hans")
    assert AuditEntry.objects.filter(id__gt=since).count() == 1


def test_it_records_tokens_in_their_persons_history_without_the_secret(company: Company, since: int) -> None:
    token, secret = api_token_create(actor=company.mia, person=company.mia, name="脚本")
    created = _only_entry(action="api_token.create", id__gt=since)
    assert (created.actor, created.subject_type, created.subject_id) == (company.mia, "org.person", company.mia.pk)
    assert (created.target_type, created.target_id) == ("org.apitoken", token.pk)
    assert created.after == {"name": "脚本", "prefix": token.prefix}
    stored = json.dumps([created.before, created.after])
    assert secret not in stored and token.key_hash not in stored

    assert not api_token_revoke(actor=company.oscar, person=company.oscar, token_id=token.pk)
    assert AuditEntry.objects.filter(id__gt=since).count() == 1
    assert api_token_revoke(actor=company.mia, person=company.mia, token_id=token.pk)
    revoked = _only_entry(action="api_token.revoke", id__gt=since)
    assert revoked.before is not None
    assert (revoked.subject_id, revoked.target_id, revoked.before["name"]) == (company.mia.pk, token.pk, "脚本")


def test_it_records_each_cycle_of_a_generated_year_once_SET_8(company: Company, since: int) -> None:
    """SET-8."""
    annual = cycles_generate_year(actor=company.alice, fiscal_year=2030, start_month=4)
    entries = list(AuditEntry.objects.filter(id__gt=since))
    assert len(entries) == 1 + 4 + 12
    assert {e.action for e in entries} == {"cycle.create"}
    assert {e.actor for e in entries} == {company.alice}
    assert {e.subject_id for e in entries} == set(
        Cycle.objects.filter(start__gte=annual.start, end__lte=annual.end).values_list("pk", flat=True)
    )
    first = next(e for e in entries if e.subject_id == annual.pk)
    assert first.after == {
        "name": "FY2030",
        "kind": "annual",
        "start": "2030-04-01",
        "end": "2031-03-31",
        "parent": None,
    }
    cycles_generate_year(actor=company.alice, fiscal_year=2030, start_month=4)
    assert AuditEntry.objects.filter(id__gt=since).count() == 17


def test_it_records_a_custom_cycle_and_its_closing_and_reopening_SET_8(company: Company, since: int) -> None:
    """SET-8."""
    stage = cycle_create(
        actor=company.alice, name="新品上市", start=dt.date(2026, 3, 1), end=dt.date(2026, 5, 31), kind="project_stage"
    )
    created = _only_entry(action="cycle.create", id__gt=since)
    assert (created.actor, created.subject_type, created.subject_id) == (company.alice, "cycles.cycle", stage.pk)
    assert created.after is not None
    assert created.after["start"] == "2026-03-01" and created.after["kind"] == "project_stage"
    cycle_close(actor=company.erin, cycle=stage)
    closed = _only_entry(action="cycle.close", id__gt=since)
    assert (closed.actor, closed.before, closed.after) == (company.erin, {"is_closed": False}, {"is_closed": True})
    cycle_close(actor=company.erin, cycle=stage)
    cycle_close(actor=company.alice, cycle=stage, closed=False)
    reopened = _only_entry(action="cycle.reopen", id__gt=since)
    assert (reopened.actor, reopened.after) == (company.alice, {"is_closed": False})
    assert AuditEntry.objects.filter(id__gt=since).count() == 3


def _org_state() -> list[Any]:
    return [
        list(Department.objects.order_by("pk").values_list("name", "parent_id", "path", "head_id")),
        list(Team.objects.order_by("pk").values_list("name", "department_id")),
        list(Person.objects.order_by("pk").values_list("username", "language")),
        list(StrategicGoal.objects.values_list("title", flat=True)),
        list(Cycle.objects.order_by("pk").values_list("name", "start", "end", "is_closed")),
    ]


REFUSED_WRITES: list[tuple[str, Callable[[Company], object], str]] = [
    ("department without a name", lambda c: department_create(actor=c.alice, name="  "), "name"),
    ("department name too long", lambda c: department_create(actor=c.alice, name="部" * 201), "name"),
    ("department under itself", lambda c: department_move(actor=c.alice, department=c.sales, parent=c.sales), "parent"),
    ("team without a name", lambda c: team_create(actor=c.alice, name="", department=c.sales), "name"),
    ("team name taken", lambda c: team_create(actor=c.alice, name="华东大客户组", department=c.sales), "name"),
    ("person with a bad username", lambda c: person_create(actor=c.alice, username="米 娅", full_name="x"), "username"),
    ("person's username taken", lambda c: person_create(actor=c.alice, username="mia", full_name="x"), "username"),
    ("unknown language", lambda c: person_set_language(actor=c.mia, person=c.mia, language="fr"), "language"),
    ("goal without a title", lambda c: strategic_goal_create(actor=c.alice, title=" "), "title"),
    ("month 13", lambda c: cycles_generate_year(actor=c.alice, fiscal_year=2031, start_month=13), "start_month"),
    (
        "cycle ending before it starts",
        lambda c: cycle_create(actor=c.alice, name="反了", start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1)),
        "end",
    ),
    (
        "cycle of an unknown kind",
        lambda c: cycle_create(
            actor=c.alice, name="x", start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1), kind="decade"
        ),
        "kind",
    ),
]


@pytest.mark.parametrize(("write", "field"), [pytest.param(w, f, id=name) for name, w, f in REFUSED_WRITES])
def test_it_records_nothing_and_changes_nothing_for_a_refused_write(
    company: Company, since: int, write: Callable[[Company], object], field: str
) -> None:
    before = _org_state()
    with pytest.raises(ValidationError) as exc:
        write(company)
    assert field in exc.value.message_dict
    assert _org_state() == before
    assert not AuditEntry.objects.filter(id__gt=since).exists()


def test_it_refuses_with_the_messages_the_foundation_gave(company: Company) -> None:
    with pytest.raises(ValidationError) as exc:
        department_create(actor=None, name="")
    assert exc.value.message_dict == {"name": ["Give the department a name."]}
    with pytest.raises(ValidationError) as exc:
        department_move(actor=None, department=company.sales, parent=company.sales)
    assert exc.value.message_dict == {"parent": ["A department cannot sit under itself or its sub-departments."]}
    with pytest.raises(ValidationError) as exc:
        team_create(actor=None, name="华东大客户组", department=company.sales)
    assert exc.value.message_dict == {"name": ["This department already has a team called “华东大客户组”."]}
    with pytest.raises(ValidationError) as exc:
        cycle_create(actor=None, name="", start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1), kind="decade")
    assert exc.value.message_dict == {
        "name": ["Give the cycle a name."],
        "end": ["The end date is before the start date."],
        "kind": ["Unknown kind of cycle."],
    }
    with pytest.raises(ValidationError) as exc:
        person_set_language(actor=None, person=company.mia, language="fr")
    assert exc.value.message_dict == {"language": ["Choose Chinese (zh-hans), English (en) or the default."]}
