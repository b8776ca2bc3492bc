"""Corrective actions (EXE-11, PLAY-SALES step 5): a correction applies its change through the services, records its
reason, what changed and its approver, goes through the approval the policy asks, and is refused (nothing written)
for whoever may not change the objective or without a reason. Progress stored at check-ins stays as it was.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.notify.models import Notification, NotificationKind
from qibu.okrs.corrections import corrections_between, objective_corrections
from qibu.okrs.models import (
    Approval,
    CheckIn,
    Correction,
    CorrectionApproval,
    CorrectionKind,
    KeyResult,
    KeyResultKind,
    Level,
)
from qibu.okrs.services import (
    checkin_record,
    correction_make,
    key_result_create,
    objective_approve,
    objective_create,
    objective_return,
)
from qibu.org.models import Organisation
from tests.conftest import Company, Okrs


def _counts() -> tuple[int, int, int, int]:
    return (
        Correction.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
        CheckIn.objects.count(),
    )


def _approving_changes(company: Company) -> None:
    Organisation.objects.filter(pk=company.org.pk).update(approval_required=True, approval_on_change=True)
    company.org.refresh_from_db()


def test_exe11_revised_target_by_an_approver_is_agreed_by_making_it(company: Company, okrs: Okrs) -> None:
    """EXE-11: hank (mia's manager, an approver of her objective) revises her key result's target: applied, recorded
    with its reason and hank as its approver; mia is told."""
    kr = okrs["my_kr"]
    checkin_record(actor=company.mia, key_result=kr, value=2, confidence=70)
    correction = correction_make(
        actor=company.hank,
        objective=okrs["mine"],
        key_result=kr,
        kind=CorrectionKind.TARGET,
        reason="苏州市场比预期小",
        changes={"target_value": "3"},
    )
    kr.refresh_from_db()
    assert kr.target_value == Decimal(3)
    assert correction.approval == CorrectionApproval.AGREED
    assert correction.approver == company.hank
    assert correction.agreed_at is not None
    assert correction.before == {"target_value": "4.0000"}
    assert correction.after == {"target_value": "3.0000"}
    assert correction.progress_before == Decimal("0.5")
    assert correction.progress_after == Decimal("0.6667")
    told = Notification.objects.get(kind=NotificationKind.CORRECTION)
    assert told.recipient == company.mia
    assert "苏州市场比预期小" in told.text
    # EXE-11: the history of the objective shows the correction with its reason.
    entry = AuditEntry.objects.get(action="correction.create")
    assert (entry.after or {})["reason"] == "苏州市场比预期小"
    # The check-in's stored progress is not recomputed against the new target.
    assert CheckIn.objects.get(key_result=kr).progress == Decimal("0.5")


def test_exe11_correction_by_someone_who_may_not_edit_is_refused_nothing_written(company: Company, okrs: Okrs) -> None:
    """EXE-11, bad input: oscar (another department) may not correct mia's objective: refused, nothing written."""
    before = _counts()
    with pytest.raises(PermissionDenied, match="may not correct"):
        correction_make(
            actor=company.oscar,
            objective=okrs["mine"],
            key_result=okrs["my_kr"],
            kind=CorrectionKind.TARGET,
            reason="想改",
            changes={"target_value": "1"},
        )
    assert _counts() == before
    assert KeyResult.objects.get(pk=okrs["my_kr"].pk).target_value == Decimal(4)


def test_exe11_correction_without_reason_refused_with_every_problem_nothing_written(
    company: Company, okrs: Okrs
) -> None:
    """EXE-11: a correction needs its reason; every problem is named by field, and nothing is written."""
    before = _counts()
    with pytest.raises(ValidationError) as raised:
        correction_make(
            actor=company.mia,
            objective=okrs["mine"],
            key_result=okrs["my_kr"],
            kind=CorrectionKind.TARGET,
            reason="  ",
            changes={"target_value": "-5"},
        )
    problems = raised.value.message_dict
    assert "reason" in problems
    assert "target_value" in problems  # below the start of an increasing key result
    assert _counts() == before
    assert KeyResult.objects.get(pk=okrs["my_kr"].pk).target_value == Decimal(4)


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("unknown", {}, "kind"),
        (CorrectionKind.TARGET, {"target_value": "4"}, "target_value"),
        (CorrectionKind.TARGET, {"title": "x", "target_value": "5"}, "title"),
        (CorrectionKind.DATES, {"end_date": "soon"}, "end_date"),
        (CorrectionKind.DATES, {"start_date": "2026-12-31", "end_date": "2026-11-01"}, "end_date"),
        (CorrectionKind.STRATEGY, {"strategy": ""}, "strategy"),
    ],
)
def test_exe11_bad_changes_refused_by_field(
    company: Company, okrs: Okrs, kind: str, changes: dict[str, str], field: str
) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as raised:
        correction_make(
            actor=company.mia,
            objective=okrs["mine"],
            key_result=okrs["my_kr"] if kind != CorrectionKind.STRATEGY else None,
            kind=kind,
            reason="原因",
            changes=changes,
        )
    assert field in raised.value.message_dict
    assert _counts() == before


def test_exe11_key_result_of_another_objective_refused(company: Company, okrs: Okrs) -> None:
    with pytest.raises(ValidationError) as raised:
        correction_make(
            actor=company.hank,
            objective=okrs["mine"],
            key_result=okrs["department_kr"],
            kind=CorrectionKind.TARGET,
            reason="原因",
            changes={"target_value": "8"},
        )
    assert "key_result" in raised.value.message_dict
    assert not Correction.objects.exists()


def test_exe11_correction_by_a_non_approver_waits_for_the_approver(company: Company, okrs: Okrs) -> None:
    """EXE-11: mia corrects her own objective's dates; the policy asks approval of changes, so it waits for hank, who
    is told (CORRECTION); when hank approves the objective he is recorded as the correction's approver and mia is
    told."""
    _approving_changes(company)
    mine = okrs["mine"]
    correction = correction_make(
        actor=company.mia,
        objective=mine,
        key_result=okrs["my_kr"],
        kind=CorrectionKind.DATES,
        reason="客户签约推迟到十二月",
        changes={"end_date": "2026-12-15"},
        organisation=company.org,
    )
    assert correction.approval == CorrectionApproval.PENDING
    assert correction.approver is None
    mine.refresh_from_db()
    assert mine.approval == Approval.SUBMITTED
    assert KeyResult.objects.get(pk=okrs["my_kr"].pk).end_date == dt.date(2026, 12, 15)
    asked = Notification.objects.filter(kind=NotificationKind.CORRECTION, recipient=company.hank).get()
    assert "waits for your approval" in asked.text
    # Only the correction's notice, not a second one of the approval.
    assert not Notification.objects.filter(kind=NotificationKind.APPROVAL, recipient=company.hank).exists()

    objective_approve(actor=company.hank, objective=mine, organisation=company.org)
    correction.refresh_from_db()
    assert correction.approval == CorrectionApproval.AGREED
    assert correction.approver == company.hank
    assert correction.agreed_at is not None
    told = Notification.objects.filter(kind=NotificationKind.CORRECTION, recipient=company.mia).get()
    assert "approved your correction" in told.text
    assert AuditEntry.objects.filter(action="correction.agree").count() == 1


def test_exe11_returned_correction_is_returned_then_agreed_on_approval(company: Company, okrs: Okrs) -> None:
    _approving_changes(company)
    mine = okrs["mine"]
    correction = correction_make(
        actor=company.mia,
        objective=mine,
        kind=CorrectionKind.STRATEGY,
        reason="渠道效果差",
        changes={"strategy": "改为通过代理商拓展"},
        organisation=company.org,
    )
    objective_return(actor=company.hank, objective=mine, comment="先和我谈谈", organisation=company.org)
    correction.refresh_from_db()
    assert correction.approval == CorrectionApproval.RETURNED
    assert correction.approver is None


def test_exe11_no_approval_asked_when_the_policy_asks_none(company: Company, okrs: Okrs) -> None:
    correction = correction_make(
        actor=company.mia,
        objective=okrs["mine"],
        kind=CorrectionKind.RE_EVALUATE,
        reason="重新评估",
        changes={"title": "打开苏州与无锡市场"},
    )
    assert correction.approval == CorrectionApproval.NOT_ASKED
    okrs["mine"].refresh_from_db()
    assert okrs["mine"].title == "打开苏州与无锡市场"
    assert AuditEntry.objects.filter(action="objective.update").exists()


def test_exe11_strategy_change_keeps_the_previous_strategy_as_before(company: Company, okrs: Okrs) -> None:
    first = correction_make(
        actor=company.hank,
        objective=okrs["department"],
        kind=CorrectionKind.STRATEGY,
        reason="大客户周期长",
        changes={"strategy": "聚焦中型客户"},
    )
    second = correction_make(
        actor=company.hank,
        objective=okrs["department"],
        kind=CorrectionKind.STRATEGY,
        reason="中型客户预算不足",
        changes={"strategy": "增派两名售前支持大客户"},
    )
    assert first.before == {"strategy": ""}
    assert second.before == {"strategy": "聚焦中型客户"}
    rows = objective_corrections(okrs["department"].pk)
    assert [r.id for r in rows] == [second.pk, first.pk]
    assert rows[0].change == "strategy or resources “聚焦中型客户” → “增派两名售前支持大客户”"


def test_exe11_milestone_key_result_has_no_target_to_revise(company: Company, okrs: Okrs) -> None:
    kr = key_result_create(
        actor=company.mia,
        objective=okrs["mine"],
        title="上线三个里程碑",
        kind=KeyResultKind.MILESTONES,
        milestones=["一", "二"],
    )
    with pytest.raises(ValidationError) as raised:
        correction_make(
            actor=company.mia,
            objective=okrs["mine"],
            key_result=kr,
            kind=CorrectionKind.TARGET,
            reason="原因",
            changes={"target_value": "3"},
        )
    assert "target_value" in raised.value.message_dict


def test_exe11_draft_objective_takes_no_correction(company: Company) -> None:
    Organisation.objects.filter(pk=company.org.pk).update(approval_required=True)
    company.org.refresh_from_db()
    draft = objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="草稿"
    )
    with pytest.raises(ValidationError):
        correction_make(
            actor=company.mia, objective=draft, kind=CorrectionKind.STRATEGY, reason="r", changes={"strategy": "s"}
        )
    assert not Correction.objects.exists()


def _make_many(company: Company, okrs: Okrs, n: int) -> None:
    for i in range(n):
        correction_make(
            actor=company.hank if i % 2 else company.erin,
            objective=okrs["mine"] if i % 2 else okrs["department"],
            key_result=okrs["my_kr"] if i % 2 else okrs["department_kr"],
            kind=CorrectionKind.TARGET,
            reason=f"原因 {i}",
            changes={"target_value": str(20 + i)},
        )


@pytest.mark.parametrize("n", [2, 8])
def test_exe11_corrections_between_one_query_at_two_sizes(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries, n: int
) -> None:
    """EXE-11: the weekly meeting's agenda reads the week's corrections in one query, however many."""
    _make_many(company, okrs, n)
    ids = [okrs["mine"].pk, okrs["department"].pk]
    now = timezone.now()
    with django_assert_num_queries(1):
        rows = corrections_between(objective_ids=ids, start=now - dt.timedelta(days=7), end=now + dt.timedelta(1))
    assert len(rows) == n
    first = rows[0]
    assert first.kind_label == "revise a key result's target"
    assert first.reason == "原因 0"
    assert first.changes == ["target 10 家 → 20 家"]
    assert first.approver == str(company.erin)
    assert rows[1].approver == str(company.hank)
    assert first.url.endswith(f"#correction-{first.id}")
    # A date is the start of that day; the end is excluded.
    assert corrections_between(objective_ids=ids, start=now.date() + dt.timedelta(1), end=now.date()) == []
    assert corrections_between(objective_ids=[], start=now, end=now) == []
