"""The demo company: deterministic, believable, and stored exactly as the services would store it.

The 60-person company is generated once for the module (outside the per-test transactions) and
wiped at the end; each test runs in its own transaction and may change or wipe it freely.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, QuerySet
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from qibu.cycles.models import Cycle, CycleKind
from qibu.demo import content
from qibu.demo.generator import DemoSummary, generate_company, minimum_people, wipe_company
from qibu.okrs import progress as meas
from qibu.okrs.coach import objectives_advice
from qibu.okrs.models import Alignment, CheckIn, Correction, KeyResult, Level, Objective
from qibu.okrs.rollup import key_result_compute, refresh_all
from qibu.okrs.services import checkin_record
from qibu.org.models import Department, Organisation, Person, Role, StrategicGoal
from tests.conftest import present

TODAY = timezone.localdate()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoSummary]:
    with django_db_blocker.unblock():
        summary = generate_company(people=60, seed=7, today=TODAY)
        yield summary
        wipe_company()
        Organisation.objects.all().delete()


@pytest.fixture
def empty(db: None) -> None:
    """No company, inside this test's transaction (the module's company comes back afterwards)."""
    wipe_company()


def _fingerprint() -> dict[str, Any]:
    """What a user would see of the company, without database ids or clock times."""
    return {
        "people": sorted(
            Person.objects.values_list(
                "username", "full_name", "job_title", "role", "department__name", "manager__username"
            )
        ),
        "objectives": sorted(
            Objective.objects.values_list(
                "title", "level", "owner__username", "author__username", "progress", "confidence"
            )
        ),
        "key_results": sorted(
            KeyResult.objects.values_list(
                "objective__owner__username", "title", "current_value", "confidence", "progress_raw"
            )
        ),
        "check_ins": sorted(
            CheckIn.objects.values_list(
                "key_result__objective__owner__username", "key_result__title", "value", "confidence", "note"
            )
        ),
    }


def test_it_builds_the_same_company_from_the_same_seed(demo: DemoSummary, db: None) -> None:
    first = _fingerprint()
    wipe_company()
    again = generate_company(people=60, seed=7, today=TODAY)
    assert _fingerprint() == first
    assert [s.username for s in again.sign_ins] == [s.username for s in demo.sign_ins]
    wipe_company()
    generate_company(people=60, seed=8, today=TODAY)
    assert _fingerprint()["people"] != first["people"]


def test_it_builds_a_believable_company_of_about_60_people_VIS_1(demo: DemoSummary, db: None) -> None:
    """VIS-1."""
    org = Organisation.objects.get(pk=1)
    assert org.name == content.COMPANY["name"]
    assert org.vision and org.mission
    assert (org.fiscal_year_start_month, org.time_zone, org.default_language) == (1, "Asia/Shanghai", "zh-hans")
    # VIS-2: strategic goals sit between the vision and the objectives.
    assert list(StrategicGoal.objects.values_list("title", flat=True)) == content.COMPANY["strategic_goals"]

    assert demo.people == 60
    assert Person.objects.exclude(username="admin").count() == 60
    names = set(Department.objects.values_list("name", flat=True))
    assert len(names) >= 5
    assert {"销售部", "市场部"} <= names
    for dept in Department.objects.select_related("parent", "head"):
        assert dept.path == (dept.parent.path if dept.parent else "/") + f"{dept.pk}/"
        assert dept.head is not None and dept.head.role == Role.DEPARTMENT_HEAD
        assert dept.head.department_id == dept.pk

    assert Person.objects.get(username="admin").role == Role.ADMIN
    ceo = Person.objects.get(job_title="首席执行官")
    assert ceo.role == Role.EXECUTIVE and ceo.manager is None
    # Everybody but the CEO and the administrator has a manager; members report to a head or a team lead.
    assert set(Person.objects.filter(manager__isnull=True).values_list("username", flat=True)) == {
        "admin",
        ceo.username,
    }
    for member in Person.objects.filter(role=Role.MEMBER).select_related("manager", "team"):
        assert member.department_id is not None and member.team is not None
        assert member.manager == member.team.lead or present(member.manager).headed_departments.exists()
    usernames = list(Person.objects.values_list("username", flat=True))
    assert len(usernames) == len(set(usernames))
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+\d*|admin", u) for u in usernames)
    assert all(p.job_title for p in Person.objects.all())

    roles = [s.role for s in demo.sign_ins]
    assert roles == [Role.ADMIN, Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.MEMBER]
    head = Person.objects.get(username=demo.sign_ins[2].username)
    member = Person.objects.get(username=demo.sign_ins[3].username)
    assert head.headed_departments.get().name == "销售部"
    assert present(member.department).path.startswith(head.headed_departments.get().path)
    assert all(Person.objects.get(username=s.username).check_password("demo") for s in demo.sign_ins)


def test_it_sets_okrs_at_every_level_and_aligns_them_SET_1_SET_6(demo: DemoSummary, db: None) -> None:
    """SET-1, SET-6."""
    quarter = Cycle.objects.get(kind=CycleKind.QUARTER, start__lte=TODAY, end__gte=TODAY)
    year = Cycle.objects.get(kind=CycleKind.ANNUAL, start__year=TODAY.year)
    annual = Objective.objects.filter(cycle=year, level=Level.COMPANY)
    assert annual.count() == len(content.COMPANY_ANNUAL_OKRS)
    assert {present(o.owner).job_title for o in annual} == {"首席执行官"}
    levels = Counter(Objective.objects.filter(cycle=quarter).values_list("level", flat=True))
    assert levels[Level.COMPANY] == len(content.COMPANY_QUARTERLY_OKRS)
    assert levels[Level.DEPARTMENT] >= 2 * 8
    assert levels[Level.TEAM] >= 1
    assert levels[Level.PERSON] >= 48

    # SET-6: everything but the annual company objectives aligns upwards, one level at a time.
    expected_parent: dict[str, set[Level]] = {
        Level.COMPANY: {Level.COMPANY},
        Level.DEPARTMENT: {Level.COMPANY, Level.DEPARTMENT},
        Level.TEAM: {Level.DEPARTMENT},
        Level.PERSON: {Level.DEPARTMENT},
    }
    for objective in Objective.objects.filter(cycle=quarter):
        parents = list(Alignment.objects.filter(child=objective).select_related("rollup_parent"))
        assert len(parents) == 1, objective.title
        assert parents[0].rollup_parent.level in expected_parent[objective.level]
    assert Alignment.objects.filter(parent_key_result__isnull=False).exists()
    # Personal objectives align to their own department's objectives.
    for alignment in Alignment.objects.filter(child__level=Level.PERSON).select_related("child", "rollup_parent"):
        assert alignment.child.owner is not None
        assert alignment.rollup_parent.department_id == alignment.child.owner.department_id

    # SET-3, SET-4, SET-8: at most 3 objectives per owner and cycle, 1–3 key results, explicit dates.
    per_owner = Counter(Objective.objects.values_list("owner_id", "cycle_id"))
    assert max(per_owner.values()) <= 3
    for objective in Objective.objects.prefetch_related("key_results").select_related("cycle"):
        assert 1 <= len(objective.key_results.all()) <= 3
        assert (objective.start_date, objective.end_date) == (objective.cycle.start, objective.cycle.end)
        for kr in objective.key_results.all():
            assert (kr.start_date, kr.end_date) == (objective.start_date, objective.end_date)


def _weekly_check_ins() -> QuerySet[CheckIn]:
    """The demo's weekly check-ins: not those the latest weekly meeting of each department recorded as it set
    confidence (EXE-3; the earlier meetings record the week's own check-ins)."""
    from qibu.meetings.models import ConfidenceChange, Meeting

    latest: dict[int | None, int] = {}
    for meeting in Meeting.objects.filter(confidence_changes__isnull=False).distinct().order_by("date", "pk"):
        latest[meeting.department_id] = meeting.pk
    made = ConfidenceChange.objects.filter(meeting_id__in=latest.values()).values("check_in_id")
    return CheckIn.objects.exclude(pk__in=made)


def test_it_records_eight_weeks_of_rising_checkins_EXE_3(demo: DemoSummary, db: None) -> None:
    """EXE-3."""
    counts = Counter(_weekly_check_ins().values_list("key_result_id", flat=True))
    assert max(counts.values()) == 8
    # Every key result of the cycles under way; the next quarter's, still in planning, has none yet.
    assert KeyResult.objects.filter(objective__cycle__start__lte=TODAY).count() == len(counts)
    now = timezone.now()
    assert CheckIn.objects.filter(created_at__gt=now).count() == 0
    assert CheckIn.objects.filter(created_at__gte=now - dt.timedelta(days=7)).exists()
    assert CheckIn.objects.exclude(note="").count() > CheckIn.objects.count() / 2
    for kr in KeyResult.objects.filter(kind="increase").prefetch_related("check_ins")[:40]:
        rows = sorted(kr.check_ins.all(), key=lambda c: c.created_at)
        values = [present(c.value) for c in rows]
        assert values == sorted(values), kr.title
        # Each check-in remembers the confidence it replaced.
        for before, after in itertools.pairwise(rows):
            assert after.previous_confidence == before.confidence
        assert (kr.current_value, kr.confidence, kr.last_checkin_at) == (
            rows[-1].value,
            rows[-1].confidence,
            rows[-1].created_at,
        )


def test_it_explains_every_fall_in_confidence_EXE_4(demo: DemoSummary, db: None) -> None:
    """EXE-4."""
    threshold = Organisation.objects.get(pk=1).confidence_fall_threshold
    falls = [c for c in CheckIn.objects.all() if c.confidence_fall >= threshold]
    assert falls
    # The weekly check-ins give one of the demo's reasons; the weekly meeting's its own why and what changed.
    from qibu.meetings.models import ConfidenceChange

    in_meetings = set(ConfidenceChange.objects.exclude(reason="").values_list("check_in_id", flat=True))
    assert all(c.confidence_reason in content.CONFIDENCE_FALL_REASONS or c.pk in in_meetings for c in falls)
    assert all(c.confidence_reason for c in falls)
    # The demo member shown at sign-in has one to explain.
    member = demo.sign_ins[3].username
    assert any(present(c.key_result.owner).username == member for c in falls)


def test_it_leaves_a_few_key_results_stale_MEAS_8(demo: DemoSummary, db: None) -> None:
    """MEAS-8."""
    cadence = Organisation.objects.get(pk=1).checkin_cadence_days
    now = timezone.now()
    quarter = Cycle.objects.get(kind=CycleKind.QUARTER, start__lte=TODAY, end__gte=TODAY)
    if (TODAY - quarter.start).days <= cadence + 2:
        pytest.skip("Nothing can be stale yet in the first days of a quarter.")
    # The finished quarter's key results are not stale: their quarter is over (its last check-ins on its last day).
    krs = list(KeyResult.objects.filter(objective__cycle__end__gte=TODAY))
    stale = [
        kr
        for kr in krs
        if meas.is_stale(last_checkin_at=kr.last_checkin_at, created_at=kr.created_at, now=now, cadence_days=cadence)
    ]
    assert 1 <= len(stale) <= len(krs) * 0.15


def test_it_has_employees_write_most_of_the_okrs_SET_7(demo: DemoSummary, db: None) -> None:
    """SET-7."""
    quarter = Cycle.objects.get(kind=CycleKind.QUARTER, start__lte=TODAY, end__gte=TODAY)
    objectives = Objective.objects.filter(cycle=quarter)
    by_employees = objectives.filter(author__role=Role.MEMBER).count()
    assert by_employees / objectives.count() >= 0.6
    personal = objectives.filter(level=Level.PERSON)
    assert personal.filter(author_id=F("owner_id")).count() / personal.count() >= 0.75


def test_it_stores_the_rollups_the_services_would_MEAS_1_MEAS_4(demo: DemoSummary, db: None) -> None:
    """MEAS-1, MEAS-4."""
    objectives = dict(Objective.objects.values_list("id", "progress"))
    confidences = dict(Objective.objects.values_list("id", "confidence"))
    key_results = {kr.pk: (kr.progress, kr.progress_raw) for kr in KeyResult.objects.all()}
    for kr in KeyResult.objects.prefetch_related("milestones"):
        stored = (kr.progress, kr.progress_raw)
        key_result_compute(kr)
        assert (kr.progress, kr.progress_raw) == stored, kr.title
    latest = {}
    for c in CheckIn.objects.order_by("created_at", "id"):
        latest[c.key_result_id] = (c.progress, c.progress_raw)
    # EXE-11: a revised target moved its key result's progress after its last check-in (qibu/demo/corrections.py).
    corrected = dict(
        Correction.objects.filter(progress_after__isnull=False).values_list("key_result_id", "progress_after")
    )
    for pk, progress in corrected.items():
        assert key_results[pk][0] == progress
        latest.pop(pk)
    # The next quarter's key results, in planning, have no check-in yet and stand at their start.
    assert latest == {pk: stored for pk, stored in key_results.items() if pk in latest}
    assert all(
        stored == (Decimal(0), Decimal(0))
        for pk, stored in key_results.items()
        if pk not in latest and pk not in corrected
    )

    refresh_all()
    assert dict(Objective.objects.values_list("id", "progress")) == objectives
    assert dict(Objective.objects.values_list("id", "confidence")) == confidences
    assert {kr.pk: (kr.progress, kr.progress_raw) for kr in KeyResult.objects.all()} == key_results


def test_it_takes_a_checkin_through_the_services_like_any_other_data(demo: DemoSummary, db: None) -> None:
    member = Person.objects.get(username=demo.sign_ins[3].username)
    kr = KeyResult.objects.filter(owner=member, kind="increase").select_related("objective__cycle").first()
    assert kr is not None
    value = kr.start_value + (kr.target_value - kr.start_value) * Decimal("0.9")
    checkin_record(actor=member, key_result=kr, value=value, confidence=kr.confidence, note="本周签下两家")
    stored = Objective.objects.get(pk=kr.objective_id).progress
    refresh_all()
    assert Objective.objects.get(pk=kr.objective_id).progress == stored


def test_it_splits_big_departments_into_sub_departments(empty: None) -> None:
    summary = generate_company(people=240, seed=3, today=TODAY, checkin_weeks=1, finished_quarter=False)
    assert summary.people == 240
    sales = Department.objects.get(name="销售部")
    splits = Department.objects.filter(parent=sales)
    assert splits.count() >= 2
    for dept in splits:
        assert dept.path == f"{sales.path}{dept.pk}/"
        assert dept.name.startswith("销售") and present(dept.head).manager == sales.head
        assert 0 < dept.members.count() <= 41
        # Their objectives align to the department's.
        assert all(
            a.rollup_parent.department_id == sales.pk
            for a in Alignment.objects.filter(child__department=dept, child__level=Level.DEPARTMENT)
        )
    assert max(Counter(_weekly_check_ins().values_list("key_result_id", flat=True)).values()) == 1


def test_it_does_nothing_with_if_empty_once_people_exist(demo: DemoSummary, db: None) -> None:
    before = (Person.objects.count(), Objective.objects.count(), CheckIn.objects.count())
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert (Person.objects.count(), Objective.objects.count(), CheckIn.objects.count()) == before
    assert "not loaded" in out.getvalue()


def test_it_refuses_a_database_with_people_without_force(demo: DemoSummary, db: None) -> None:
    before = (Person.objects.count(), Objective.objects.count())
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())
    assert (Person.objects.count(), Objective.objects.count()) == before


def test_it_replaces_the_company_with_force_and_prints_the_sign_ins(demo: DemoSummary, db: None) -> None:
    out = StringIO()
    call_command("load_demo", "--force", "--people", "25", "--seed", "11", "--checkin-weeks", "2", stdout=out)
    assert Person.objects.exclude(username="admin").count() == 25
    assert Department.objects.filter(name="销售部").count() == 1
    text = out.getvalue()
    assert "admin" in text and "demo" in text
    for username in Person.objects.filter(role=Role.DEPARTMENT_HEAD, department__name="销售部").values_list(
        "username", flat=True
    ):
        assert username in text


def test_it_refuses_too_few_people(empty: None) -> None:
    with pytest.raises(CommandError, match="--people"):
        call_command("load_demo", "--people", "3", stdout=StringIO())
    assert not Person.objects.exists()


def test_it_agrees_its_okrs_and_has_two_changes_under_way_SET_1_SET_2(demo: DemoSummary, db: None) -> None:
    """SET-1, SET-2: every objective was submitted by its author and approved by one who may approve it; a key
    result reworded by the sales member waits for approval, a department's change was returned with comments."""
    from qibu.notify.models import Notification, NotificationKind
    from qibu.okrs.access import can_approve, objective_queryset
    from qibu.okrs.models import Approval, ApprovalDecision

    org = Organisation.objects.get(pk=1)
    assert org.approval_required and org.ceo is not None and org.ceo.job_title == "首席执行官"
    # The cycles under way; the next quarter is in planning (tests/planning/test_board.py).
    objectives = list(objective_queryset().filter(cycle__start__lte=TODAY).select_related("approved_by__department"))
    assert all(o.is_agreed and o.approved_by is not None for o in objectives)
    for objective in objectives[:: max(1, len(objectives) // 40)]:
        assert can_approve(present(objective.approved_by), objective, ceo_id=org.ceo_id), objective.title
    states = Counter(o.approval for o in objectives)
    assert (states[Approval.SUBMITTED], states[Approval.RETURNED]) == (1, 1)
    approvals = ApprovalDecision.objects.filter(action="approve", objective__cycle__start__lte=TODAY)
    # Each once, and once more for a correction its approver agreed (EXE-11, qibu/demo/corrections.py).
    agreed_later = Correction.objects.exclude(approver_id=F("actor_id")).filter(approver__isnull=False).count()
    assert approvals.count() == len(objectives) + agreed_later
    returned = ApprovalDecision.objects.get(action="return", objective__cycle__start__lte=TODAY)
    assert returned.actor == org.ceo and returned.comment
    sales_member = Person.objects.get(username=next(s for s in demo.sign_ins if s.role == Role.MEMBER).username)
    asked = Notification.objects.filter(kind=NotificationKind.APPROVAL, text__startswith=sales_member.full_name)
    assert sales_member.manager_id in set(asked.values_list("recipient_id", flat=True))


def test_it_makes_the_count_rules_block_submission_and_keeps_them_SET_3_SET_4(demo: DemoSummary, db: None) -> None:
    """SET-3, SET-4: the demo company blocks on them, and no demo objective breaks them."""
    organisation = Organisation.objects.get()
    assert organisation.coach_blocking_rules == ["SET-3", "SET-4"]
    objectives = list(Objective.objects.all())
    advice = objectives_advice(organisation=organisation, objectives=objectives, within=Objective.objects.all())
    assert not {a.rule for found in advice.values() for a in found} & {"SET-3", "SET-4"}


# --- the finished quarter (PLAY-EXEC: set, publish, execute and self-assess done; qibu/demo/assessments.py) -------


def _finished_quarter() -> Cycle:
    current = Cycle.objects.get(kind=CycleKind.QUARTER, start__lte=TODAY, end__gte=TODAY)
    return (
        Cycle.objects.filter(kind=CycleKind.QUARTER, end__lt=current.start)
        .order_by("-start")
        .get(end=current.start - dt.timedelta(days=1))
    )


def _theme(title: str) -> str:
    return re.sub("[一二三四]季度", "", title)


def test_it_holds_a_finished_quarter_with_okrs_at_every_level_PLAY_EXEC(demo: DemoSummary, db: None) -> None:
    """PLAY-EXEC, SET-1, SET-6: the quarter before the current one, left open for its update, has company,
    department, team and personal objectives, agreed, aligned upwards, on the current quarter's themes."""
    past = _finished_quarter()
    assert past.end < TODAY and past.is_closed  # locked by its update (UPD-5)
    objectives = Objective.objects.filter(cycle=past)
    levels = Counter(objectives.values_list("level", flat=True))
    assert levels[Level.COMPANY] == len(content.COMPANY_QUARTERLY_OKRS)
    assert levels[Level.DEPARTMENT] >= 2 * 8 and levels[Level.TEAM] >= 1 and levels[Level.PERSON] >= 48
    assert all(o.is_agreed for o in objectives)
    for objective in objectives.exclude(level=Level.COMPANY):
        parent = Alignment.objects.select_related("rollup_parent__cycle").get(child=objective).rollup_parent
        assert parent.cycle == past, objective.title
    company = Alignment.objects.filter(child__cycle=past, child__level=Level.COMPANY).select_related("rollup_parent")
    assert {a.rollup_parent.cycle_id for a in company} == {present(past.parent).pk}
    # The same themes as the current quarter's: what the update carries on.
    current = _finished_quarter_current_titles()
    assert {_theme(o.title) for o in objectives.filter(level__in=[Level.COMPANY, Level.DEPARTMENT])} == current
    # Everyone who owns objectives now owned some then.
    now_owners = set(
        Objective.objects.filter(
            cycle__start__lte=TODAY, cycle__end__gte=TODAY, cycle__kind=CycleKind.QUARTER
        ).values_list("owner_id", flat=True)
    )
    assert now_owners == set(objectives.values_list("owner_id", flat=True))


def _finished_quarter_current_titles() -> set[str]:
    current = Cycle.objects.get(kind=CycleKind.QUARTER, start__lte=TODAY, end__gte=TODAY)
    return {
        _theme(o.title) for o in Objective.objects.filter(cycle=current, level__in=[Level.COMPANY, Level.DEPARTMENT])
    }


def test_it_checks_the_finished_quarter_in_every_second_week_to_its_end_EXE_3(demo: DemoSummary, db: None) -> None:
    """EXE-3: every key result of the finished quarter was checked in across the whole quarter, fortnightly, the
    last time on its last day; its progress is that of its last check-in."""
    past = _finished_quarter()
    zone = Organisation.objects.get(pk=1).zone
    key_results = list(KeyResult.objects.filter(objective__cycle=past).prefetch_related("check_ins"))
    assert key_results
    for kr in key_results:
        rows = sorted(kr.check_ins.all(), key=lambda c: c.created_at)
        days = [timezone.localtime(c.created_at, zone).date() for c in rows]
        assert len(rows) >= 6, kr.title
        assert days[0] <= past.start + dt.timedelta(days=14) and days[-1] == past.end, kr.title
        assert all(12 <= (b - a).days <= 16 for a, b in itertools.pairwise(days)), kr.title
        assert (kr.current_value, kr.progress) == (rows[-1].value, rows[-1].progress)


def test_it_has_everyone_submit_their_self_assessment_of_it_SELF_1_SELF_2_MEAS_7(demo: DemoSummary, db: None) -> None:
    """SELF-1, SELF-2, MEAS-7: everyone who owns a key result of the finished quarter submitted their
    self-assessment through the services: every key result scored (its progress, a few adjusted with the reason),
    what worked, and below 1.0 the root cause in Chinese and what to change; the objectives have their scores."""
    from qibu.assess.models import AssessmentState, KeyResultScore, SelfAssessment
    from qibu.audit.models import AuditEntry

    past = _finished_quarter()
    owners = set(KeyResult.objects.filter(objective__cycle=past).values_list("owner_id", flat=True))
    assessments = SelfAssessment.objects.filter(cycle=past)
    assert set(assessments.values_list("person_id", flat=True)) == owners
    assert demo.self_assessments == len(owners)
    assert all(a.state == AssessmentState.SUBMITTED and a.submitted_at is not None for a in assessments)
    zone = Organisation.objects.get(pk=1).zone
    assert {timezone.localtime(present(a.submitted_at), zone).date() for a in assessments} == {past.end}
    assert AuditEntry.objects.filter(action="self_assessment.submit").count() == len(owners)

    assert not KeyResult.objects.filter(objective__cycle=past, score__isnull=True).exists()
    assert not Objective.objects.filter(cycle=past, score__isnull=True).exists()
    scores = list(KeyResultScore.objects.filter(assessment__cycle=past).select_related("key_result"))
    assert len(scores) == KeyResult.objects.filter(objective__cycle=past).count()
    for s in scores:
        assert s.key_result.score == s.score and s.worked
        assert (s.score == s.progress) != bool(s.score_reason), s.key_result.title
        if s.score < 1:
            assert re.search(r"[\u4e00-\u9fff]", s.root_cause) and s.change, s.key_result.title
    adjusted = [s for s in scores if s.score != s.progress]
    assert 1 <= len(adjusted) <= len(scores) * 0.25
    assert any(s.score < 1 for s in scores) and any(s.score == 1 for s in scores)


def test_it_leaves_the_current_quarter_to_run(demo: DemoSummary, db: None) -> None:
    """The current quarter has no scores and no self-assessment yet; the stand-ups talk of its key results only."""
    from qibu.assess.models import SelfAssessment
    from qibu.standups.models import EntryItem

    past = _finished_quarter()
    running = KeyResult.objects.filter(objective__cycle__end__gte=TODAY)
    assert running.exists() and not running.filter(score__isnull=False).exists()
    assert not SelfAssessment.objects.exclude(cycle=past).exists()
    assert not EntryItem.objects.filter(key_result__objective__cycle=past).exists()
    assert EntryItem.objects.filter(key_result__isnull=False).exists()


def test_it_closes_the_finished_quarter_with_reflections_an_update_and_celebrations_PLAY_EXEC(
    demo: DemoSummary, db: None
) -> None:
    """REF-1 … REF-3, UPD-1 … UPD-5, CEL-1 … CEL-5: a new user finds the whole loop of the finished quarter — every
    reflection closed with its measures and the managers' accounts, every objective decided and the kept ones continued
    as the current quarter's drafts, the quarter locked, its celebrations held with the tier their results earn."""
    from qibu.celebrate.models import Celebration, CelebrationState, Recognition
    from qibu.reflect.models import ManagerAccount, Measure, Reflection, ReflectionKind, ReflectionState
    from qibu.updates.models import Decision, UpdateAction

    past = _finished_quarter()
    assert past.is_closed  # UPD-5: locked by the update
    reflections = Reflection.objects.filter(cycle=past)
    assert reflections.filter(kind=ReflectionKind.MANAGEMENT).count() == 1
    assert reflections.filter(kind=ReflectionKind.DEPARTMENT).count() >= 4
    assert not reflections.exclude(state=ReflectionState.CLOSED).exists()
    assert Measure.objects.filter(reflection__cycle=past, due_date__gt=past.end).count() >= 4  # REF-2
    assert ManagerAccount.objects.filter(reflection__cycle=past).count() >= 5  # REF-3

    objectives = Objective.objects.filter(cycle=past)
    decided = Decision.objects.filter(cycle=past).exclude(action=UpdateAction.NEW)
    assert decided.count() == objectives.count()  # every closing objective decided
    carried = Objective.objects.filter(carried_from__cycle=past)
    assert carried.exists() and not carried.exclude(cycle__start__lte=TODAY, cycle__end__gte=TODAY).exists()
    # The carried objectives continue as the current quarter's drafts: their check-ins are this quarter's only.
    assert not CheckIn.objects.filter(key_result__objective__in=carried, created_at__date__lte=past.end).exists()
    changes = Decision.objects.filter(cycle=past, level=Level.COMPANY).exclude(action=UpdateAction.KEEP)
    assert not changes.filter(approved_by__isnull=True).exists()  # UPD-3: justified and approved
    assert not changes.filter(justification="").exists()

    held = Celebration.objects.filter(cycle=past, state=CelebrationState.HELD)
    assert held.count() >= 4 and {c.tier for c in held} <= {"rich", "standard", "simple"}
    assert Recognition.objects.count() >= 10


def test_it_wipes_the_self_assessments_with_the_company(demo: DemoSummary, db: None) -> None:
    from qibu.assess.models import KeyResultScore, SelfAssessment

    assert SelfAssessment.objects.exists()
    wipe_company()
    assert not SelfAssessment.objects.exists() and not KeyResultScore.objects.exists()
    assert not Cycle.objects.exists() and not Person.objects.exists()


def test_it_takes_the_last_quarter_of_the_year_before_in_a_first_quarter(empty: None) -> None:
    """In a first quarter the finished quarter is the year before's fourth: that year's cycles and annual
    objectives are generated too, and its company objectives align to them."""
    february = dt.date(TODAY.year, 2, 10)
    generate_company(people=minimum_people(), seed=5, today=february, checkin_weeks=2)
    past = Cycle.objects.get(kind=CycleKind.QUARTER, start=dt.date(TODAY.year - 1, 10, 1))
    last_year = Cycle.objects.get(kind=CycleKind.ANNUAL, start=dt.date(TODAY.year - 1, 1, 1))
    assert past.parent == last_year
    assert Objective.objects.filter(cycle=last_year, level=Level.COMPANY).count() == len(content.COMPANY_ANNUAL_OKRS)
    company = Alignment.objects.filter(child__cycle=past, child__level=Level.COMPANY).select_related("rollup_parent")
    assert company and all(a.rollup_parent.cycle_id == last_year.pk for a in company)
    assert all("四季度" not in o.title or o.cycle_id == past.pk for o in Objective.objects.all())
    # Two check-ins asked for: the finished quarter's are two too, its last on its last day.
    assert (
        max(
            Counter(
                CheckIn.objects.filter(key_result__objective__cycle=past).values_list("key_result", flat=True)
            ).values()
        )
        == 2
    )
    assert not KeyResult.objects.filter(objective__cycle=past, score__isnull=True).exists()
