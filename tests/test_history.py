"""History: every change to an objective, key result, check-in, alignment and the organisation's policy
records who made it, when, and the values before and after (EXE-11: each correction is kept)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qibu.audit.models import AuditEntry
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
from qibu.org.models import Organisation
from qibu.org.services import organisation_update


def _only_entry(**filters) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, [(e.action, e.target_type, e.target_id) for e in entries]
    entry = entries[0]
    assert entry.at is not None
    assert abs(timezone.now() - entry.at) < dt.timedelta(minutes=1)
    return entry


@pytest.fixture
def since(db):
    """Only entries written by the test itself, not by the fixtures."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_it_records_the_creation_of_an_objective_EXE_11(company):
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
    assert entry.after["title"] == "打开苏州市场"
    assert entry.after["owner"] == company.mia.pk
    assert entry.after["start_date"] == "2026-10-01"
    assert entry.after["weight"] == "1"


def test_it_records_what_changed_in_an_objective_EXE_11(company, okrs, since):
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


def test_it_records_nothing_when_nothing_changed_EXE_11(company, okrs):
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


def test_it_records_nothing_for_a_refused_change_EXE_11(company, okrs, since):
    """EXE-11."""
    with pytest.raises(ValidationError):
        objective_update(actor=company.mia, objective=okrs["mine"], data={"title": "", "status": Status.DRAFT})
    with pytest.raises(ValidationError):
        checkin_record(actor=company.mia, key_result=okrs["my_kr"], confidence=10)
    assert not AuditEntry.objects.filter(id__gt=since).exists()


def test_it_records_a_status_change_EXE_11(company, okrs, since):
    """EXE-11."""
    objective_update(actor=company.mia, objective=okrs["mine"], data={"status": Status.CLOSED})
    entry = _only_entry(action="objective.update", id__gt=since)
    assert (entry.before, entry.after) == ({"status": "active"}, {"status": "closed"})


def test_it_records_the_deletion_of_an_objective_EXE_11(company, okrs, since):
    """EXE-11."""
    pk = okrs["mine"].pk
    objective_delete(actor=company.hank, objective=okrs["mine"])
    entry = _only_entry(action="objective.delete", id__gt=since)
    assert entry.actor == company.hank
    assert (entry.target_id, entry.subject_id) == (pk, pk)
    assert entry.before["title"] == "打开苏州市场"
    assert entry.after is None


def test_it_records_key_result_creation_change_and_deletion_EXE_11(company, okrs, since):
    """EXE-11."""
    kr = key_result_create(
        actor=company.mia, objective=okrs["mine"], title="拜访 20 家客户", start_value=0, target_value=20, unit="家"
    )
    created = _only_entry(action="key_result.create", id__gt=since)
    assert (created.actor, created.target_type, created.subject_id) == (company.mia, "okrs.keyresult", okrs["mine"].pk)
    assert created.before is None
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
    assert deleted.before["target_value"] == "1000"
    assert deleted.after is None


def test_it_records_a_checkin_with_the_values_before_and_after_EXE_3_EXE_11(company, okrs, since):
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
    assert entry.before["confidence"] == 80
    assert entry.after["confidence"] == 40
    assert entry.after["previous_confidence"] == 80
    assert entry.after["confidence_reason"] == "两家客户推迟签约"
    assert entry.after["note"] == "见了三家"
    assert entry.after["key_result"] == okrs["my_kr"].pk
    assert float(entry.before["value"]) == 0
    assert float(entry.after["value"]) == 2.5


def test_it_records_alignment_changes_EXE_11_SET_6(company, okrs, since):
    """EXE-11, SET-6."""
    mine = okrs["mine"]
    alignment_set(actor=company.hank, objective=mine, parent_key_result_ids=[okrs["department_kr"].pk])
    entry = _only_entry(action="alignment.set", id__gt=since)
    assert entry.actor == company.hank
    assert entry.subject_id == mine.pk
    assert entry.before == {"parents": [f"objective:{okrs['department'].pk}"]}
    assert entry.after == {"parents": [f"kr:{okrs['department_kr'].pk}"]}


def test_it_records_the_links_lost_when_a_parent_key_result_is_deleted_SET_6(company, okrs, since):
    """SET-6: The department objective aligns to the revenue KR; deleting the KR takes the link away."""
    revenue_id = okrs["revenue"].pk
    key_result_delete(actor=company.erin, key_result=okrs["revenue"])
    entry = _only_entry(action="alignment.set", id__gt=since)
    assert entry.actor == company.erin
    assert entry.subject_id == okrs["department"].pk
    assert entry.before == {"parents": [f"kr:{revenue_id}"]}
    assert entry.after == {"parents": []}


def test_it_records_the_links_lost_when_a_parent_objective_is_deleted_SET_6(company, okrs, since):
    """SET-6."""
    other = objective_create(actor=company.hank, cycle=company.quarter, level=Level.DEPARTMENT,
                             department=company.sales, title="另一个部门目标")  # fmt: skip
    alignment_set(actor=company.mia, objective=okrs["mine"], parent_objective_ids=[okrs["department"].pk, other.pk])
    objective_delete(actor=company.hank, objective=Objective.objects.get(pk=okrs["department"].pk))
    entries = {e.subject_id: e for e in AuditEntry.objects.filter(action="alignment.set", id__gt=since)}
    last = AuditEntry.objects.filter(action="alignment.set", subject_id=okrs["mine"].pk).first()
    assert last.actor == company.hank
    assert last.before == {"parents": sorted([f"objective:{okrs['department'].pk}", f"objective:{other.pk}"])}
    assert last.after == {"parents": [f"objective:{other.pk}"]}
    assert set(entries) == {okrs["mine"].pk}


def test_it_records_a_policy_change_EXE_11(company, since):
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


def test_it_refuses_a_bad_policy_and_records_nothing(company, since):
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
