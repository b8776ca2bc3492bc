"""One quarter of a small company through the services, step by step (PLAY-EXEC: 制定 set → 发布 publish → 执行
execute → 自评 self-assess → 反思 reflect → 更新 update → 庆祝 celebrate), each step asserting what its users see.

The company: the CEO and the COO (executives), 销售部 (its head, two members in one team) and 市场部 (its head, one
member). The quarter is 2025's fourth, over before the test runs, so every check-in, meeting and stand-up of it is
dated in the past, as they happened."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qibu.assess.models import AssessmentState, KeyResultScore
from qibu.assess.selectors import assessment_page, department_presentation
from qibu.assess.services import assessment_save, assessment_submit
from qibu.celebrate.models import CelebrationForm, CelebrationState, Recognition, RewardTier
from qibu.celebrate.selectors import gathered_recognitions, tier_suggestion
from qibu.celebrate.services import celebration_hold, celebration_plan, lesson_record, recognition_give
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.services import cycles_generate_year
from qibu.meetings.models import AgendaItem, AgendaKind
from qibu.meetings.services import meeting_close, meeting_create, meeting_start
from qibu.okrs.models import Approval, CheckIn, KeyResult, Level, Objective
from qibu.okrs.services import (
    checkin_record,
    key_result_create,
    objective_approve,
    objective_create,
    objective_submit,
)
from qibu.org.models import Department, Organisation, Person, Role, Team
from qibu.org.services import department_create, department_set_head, person_create, team_create
from qibu.publish import selectors as publish_selectors
from qibu.publish.models import Entry, Part, Publication, State
from qibu.publish.services import publication_compile, publication_publish
from qibu.reflect.models import Reflection, ReflectionState
from qibu.reflect.selectors import aggregates, open_measures_of
from qibu.reflect.services import account_save, measure_create, reflection_close, reflection_open
from qibu.rhythm.services import ScheduleInput, schedule_create
from qibu.standups.models import EntryItem
from qibu.standups.services import ItemInput, entry_post, stand_up_close, stand_up_get_or_make, summary_of
from qibu.updates.models import UpdateAction
from qibu.updates.selectors import suggested_outcome
from qibu.updates.services import decision_record, stage_close, update_close
from tests.conftest import present

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2025
MESSAGE = "这个季度我们只做两件事：收入和口碑。"
# The weekly check-ins: every Friday evening of the quarter from its second week to its last.
FRIDAYS = [dt.date(2025, 10, 10) + dt.timedelta(weeks=n) for n in range(12)]
# The sales department's weekly meeting and the sales team's stand-up, in the quarter's eighth week.
MEETING_DAY = dt.date(2025, 11, 25)
STAND_UP_DAY = dt.date(2025, 11, 24)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class _Company:
    org: Organisation
    quarter: Cycle
    ceo: Person
    coo: Person
    sales: Department
    marketing: Department
    sales_team: Team
    hank: Person  # head of sales
    mia: Person
    max: Person
    lin: Person  # head of marketing
    oscar: Person
    objectives: dict[str, Objective] = field(default_factory=dict)
    key_results: dict[str, KeyResult] = field(default_factory=dict)

    @property
    def people(self) -> list[Person]:
        return [self.ceo, self.coo, self.hank, self.mia, self.max, self.lin, self.oscar]


def _company() -> _Company:
    """The organisation with the method's approval (SET-1, SET-2) and its CEO named, built with the org services."""
    org = Organisation.objects.create(pk=1, name="云舟科技", default_language="en", time_zone="Asia/Shanghai")
    year = cycles_generate_year(actor=None, fiscal_year=YEAR)
    quarter = Cycle.objects.get(kind=CycleKind.QUARTER, parent=year, start=dt.date(YEAR, 10, 1))
    sales = department_create(actor=None, name="销售部")
    marketing = department_create(actor=None, name="市场部")

    def person(username: str, full_name: str, **fields: Any) -> Person:
        return person_create(actor=None, username=username, full_name=full_name, password=None, **fields)

    ceo = person("chen", "陈总", role=Role.EXECUTIVE)
    coo = person("erin", "Erin 运营", role=Role.EXECUTIVE, manager=ceo)
    hank = person("hank", "韩销售", role=Role.DEPARTMENT_HEAD, department=sales, manager=coo)
    lin = person("lin", "林市场", role=Role.DEPARTMENT_HEAD, department=marketing, manager=coo)
    department_set_head(actor=None, department=sales, head=hank)
    department_set_head(actor=None, department=marketing, head=lin)
    team = team_create(actor=None, name="华东大客户组", department=sales, lead=hank)
    mia = person("mia", "米娅", department=sales, team=team, manager=hank)
    max_ = person("max", "马克", department=sales, team=team, manager=hank)
    oscar = person("oscar", "欧斯卡", department=marketing, manager=lin)
    Organisation.objects.filter(pk=org.pk).update(ceo=ceo, approval_required=True)
    org.refresh_from_db()
    return _Company(org, quarter, ceo, coo, sales, marketing, team, hank, mia, max_, lin, oscar)


# --- 制定 set ----------------------------------------------------------------------------------------------------


def _objective(c: _Company, name: str, owner: Person, level: str, title: str, **fields: Any) -> Objective:
    objective = objective_create(actor=owner, cycle=c.quarter, level=level, owner=owner, title=title, **fields)
    c.objectives[name] = objective
    return objective


def _key_result(c: _Company, name: str, objective: Objective, title: str, target: int, unit: str) -> KeyResult:
    owner = present(objective.owner)
    kr = key_result_create(
        actor=owner, objective=objective, title=title, start_value=0, target_value=target, unit=unit, confidence=70
    )
    c.key_results[name] = kr
    return kr


def _agree(c: _Company, name: str, approver: Person) -> None:
    """Submitted by its author, approved by its approver (SET-1, SET-2)."""
    objective = Objective.objects.select_related("cycle").get(pk=c.objectives[name].pk)
    objective_submit(actor=present(objective.author), objective=objective)
    objective_approve(actor=approver, objective=Objective.objects.select_related("cycle").get(pk=objective.pk))


def _set(c: _Company) -> None:
    """SET-1 … SET-6: company → department → personal, each aligned upwards, each agreed top-down."""
    revenue = _objective(c, "revenue", c.ceo, Level.COMPANY, "成为华东连锁零售第一")
    _key_result(c, "revenue", revenue, "季度收入达到1200万元", 1200, "万元")
    loyalty = _objective(c, "loyalty", c.coo, Level.COMPANY, "让客户愿意转介绍")
    _key_result(c, "nps", loyalty, "客户净推荐值达到45分", 45, "分")
    sales = _objective(
        c,
        "sales",
        c.hank,
        Level.DEPARTMENT,
        "销售部拿下十家标杆客户",
        department=c.sales,
        parent_key_result_ids=[c.key_results["revenue"].pk],
    )
    _key_result(c, "flagships", sales, "签约标杆客户10家", 10, "家")
    marketing = _objective(
        c,
        "marketing",
        c.lin,
        Level.DEPARTMENT,
        "市场部让口碑带来线索",
        department=c.marketing,
        parent_objective_ids=[loyalty.pk],
    )
    _key_result(c, "referrals", marketing, "转介绍线索达到60条", 60, "条")
    for name, who, title, kr_title, target, unit, parent in (
        ("mia", c.mia, "打开苏州市场", "苏州新签客户4家", 4, "家", sales),
        ("max", c.max, "守住杭州老客户", "杭州老客户续约20家", 20, "家", sales),
        ("oscar", c.oscar, "办好客户沙龙", "沙龙带来转介绍线索30条", 30, "条", marketing),
    ):
        mine = _objective(c, name, who, Level.PERSON, title, parent_objective_ids=[parent.pk])
        _key_result(c, name, mine, kr_title, target, unit)
    # Drafts until agreed: nobody checks in, and the quarter is not ready to publish.
    assert all(o.approval == Approval.DRAFT for o in Objective.objects.filter(cycle=c.quarter))
    assert len(publish_selectors.readiness(c.quarter).missing) == len(c.people) + 2
    # The CEO's objective is approved by the other executive, the COO's by the CEO; the departments' by an
    # executive; each person's by their manager.
    _agree(c, "revenue", c.coo)
    _agree(c, "loyalty", c.ceo)
    _agree(c, "sales", c.coo)
    _agree(c, "marketing", c.coo)
    _agree(c, "mia", c.hank)
    _agree(c, "max", c.hank)
    _agree(c, "oscar", c.lin)
    objectives = Objective.objects.filter(cycle=c.quarter)
    assert {o.approval for o in objectives} == {Approval.APPROVED}
    assert all(o.approved_by is not None and o.approved_by_id != o.owner_id for o in objectives)


# --- 发布 publish ------------------------------------------------------------------------------------------------


def _publish(c: _Company) -> Publication:
    """PUB-1 … PUB-3: everyone and every department is ready; the CEO publishes with the leaders' message and the
    worker compiles it: the company's, the departments' and everyone's OKRs, each with its parents."""
    assert publish_selectors.readiness(c.quarter).missing == []
    publication = publication_publish(actor=c.ceo, cycle=c.quarter, message=MESSAGE)
    assert publication.state == State.COMPILING
    assert publication_compile(publication.pk) == State.PUBLISHED
    publication.refresh_from_db()
    assert (publication.number, publication.message, publication.missing) == (1, MESSAGE, [])

    def titles(part: str) -> set[str]:
        return set(Entry.objects.filter(publication=publication, part=part).values_list("title", flat=True))

    assert titles(Part.COMPANY) == {"成为华东连锁零售第一", "让客户愿意转介绍"}
    assert titles(Part.DEPARTMENT) == {"销售部拿下十家标杆客户", "市场部让口碑带来线索"}
    assert titles(Part.PERSON) == {"打开苏州市场", "守住杭州老客户", "办好客户沙龙"}
    mine = Entry.objects.get(publication=publication, title="打开苏州市场")
    assert mine.owner_name == str(c.mia) and mine.department_name == "销售部"
    assert mine.parents == ["销售部拿下十家标杆客户"]
    assert [(k["title"], k["target"], k["unit"]) for k in mine.key_results] == [("苏州新签客户4家", "4", "家")]
    sales = Entry.objects.get(publication=publication, title="销售部拿下十家标杆客户")
    assert sales.parents == ["成为华东连锁零售第一 · 季度收入达到1200万元"]
    return publication


# --- 执行 execute ------------------------------------------------------------------------------------------------

# Each key result's share of its target by the quarter's end, and the week its confidence falls (with the reason).
FINISH = {
    "revenue": Decimal("0.85"),
    "nps": Decimal("1"),
    "flagships": Decimal("0.7"),
    "referrals": Decimal("1"),
    "mia": Decimal("0.5"),
    "max": Decimal("1"),
    "oscar": Decimal("0.9"),
}
FALL_REASON = "两家标杆客户的采购推迟到明年"


def _execute(c: _Company) -> None:
    """EXE-3, EXE-4: every owner checks in every Friday, values rising to where the quarter ends; the sales head's
    confidence falls in the meeting's week, with the reason. EXE-1: the sales team's stand-up on that Monday.
    EXE-3, EXE-12: the sales department's weekly meeting puts the falling key result and its reason on the agenda."""
    for name, kr in c.key_results.items():
        owner = present(kr.owner)
        for week, friday in enumerate(FRIDAYS, start=1):
            share = FINISH[name] * week / len(FRIDAYS)
            fall = name == "flagships" and friday == MEETING_DAY - dt.timedelta(days=4)
            confidence = 40 if fall or (name == "flagships" and friday > MEETING_DAY) else 70
            checkin_record(
                actor=owner,
                key_result=KeyResult.objects.select_related("objective__cycle").get(pk=kr.pk),
                value=(kr.target_value * share).quantize(Decimal("0.1")),
                confidence=confidence,
                confidence_reason=FALL_REASON if fall else "",
                note=f"第{week}周",
                at=_at(friday, 18),
            )
    for name, kr in c.key_results.items():
        kr.refresh_from_db()
        assert kr.progress == FINISH[name].quantize(Decimal("0.0001")), name
        assert kr.check_ins.count() == len(FRIDAYS)
    assert Objective.objects.get(pk=c.objectives["sales"].pk).progress == Decimal("0.7")

    # The stand-up: the sales team's members say what they did and will do, one line linked to their key result.
    schedule_create(
        actor=None,
        data=ScheduleInput(
            kind="stand_up", team_id=c.sales_team.pk, recurrence="workdays", time="09:30", duration_minutes=15
        ),
    )
    stand_up = present(stand_up_get_or_make(team=c.sales_team, day=STAND_UP_DAY))
    mia_kr = c.key_results["mia"]
    entry_post(
        actor=c.mia,
        stand_up=stand_up,
        items=[
            ItemInput(section="yesterday", text="拜访了苏州两家客户", link=f"kr:{mia_kr.pk}"),
            ItemInput(section="today", text="准备报价"),
        ],
        now=_at(STAND_UP_DAY, 9, 0),
    )
    entry_post(
        actor=c.max,
        stand_up=stand_up,
        items=[ItemInput(section="yesterday", text="续约三家"), ItemInput(section="today", text="回访老客户")],
        now=_at(STAND_UP_DAY, 9, 5),
    )
    summary = stand_up_close(actor=c.hank, stand_up=stand_up, now=_at(STAND_UP_DAY, 9, 50))
    assert {p.pk for p in summary.posted} == {c.mia.pk, c.max.pk}
    assert [p.pk for p in summary_of(stand_up).missing] == [c.hank.pk]
    assert EntryItem.objects.get(entry__stand_up=stand_up, key_result=mia_kr).text == "拜访了苏州两家客户"

    # The weekly meeting of 销售部 reviews the department's key results: the falling one first, then its fall.
    meeting = meeting_create(actor=c.hank, kind="department", department=c.sales, date=MEETING_DAY)
    meeting_start(actor=c.hank, meeting=meeting, now=_at(MEETING_DAY, 10))
    agenda = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    assert [i.section for i in agenda][:2] == [AgendaKind.KEY_RESULT, AgendaKind.CONFIDENCE_FALL]
    at_risk, fallen = agenda[0], agenda[1]
    assert at_risk.key_result_id == c.key_results["flagships"].pk and at_risk.numbers["confidence"] == 40
    assert fallen.detail == FALL_REASON and (fallen.numbers["before"], fallen.numbers["after"]) == (70, 40)
    meeting_close(actor=c.hank, meeting=meeting, now=_at(MEETING_DAY, 11))


# --- 自评 self-assess --------------------------------------------------------------------------------------------

ACCOUNTS = {
    "revenue": ("老客户增购超出预期", "两个新区域的渠道伙伴签约晚了一个月", "下季度第一周就和渠道伙伴定下排期"),
    "flagships": ("标杆客户的方案一次通过", "大客户采购决策周期比预想长，推迟到明年", "季度初就锁定客户的决策时间"),
    "mia": ("苏州的转介绍有效", "季度初对苏州市场的客户数量估计过于乐观", "先做十家客户的调研再定目标"),
    "oscar": ("沙龙邀约名单准备充分", "第三场沙龙因场地问题取消", "提前一个月确认场地"),
}


def _self_assess(c: _Company) -> None:
    """SELF-1, SELF-2, MEAS-7: each person scores their own key results — the progress by default, one adjusted
    with the reason — saves a draft, then submits with the root cause of what was not done; the scores are then on
    the key results and objectives, and the department's presentation shows everyone submitted."""
    for person in c.people:
        rows = assessment_page(person=person, cycle=c.quarter).rows
        entries: dict[int, dict[str, object]] = {}
        for row in rows:
            name = next(n for n, kr in c.key_results.items() if kr.pk == row.key_result_id)
            assert row.score == FINISH[name].quantize(Decimal("0.01"))  # the default: its progress
            worked, root_cause, change = ACCOUNTS.get(name, ("每周检查，问题暴露得早", "", "保持节奏"))
            entries[row.key_result_id] = {"worked": worked, "root_cause": root_cause, "change": change}
        if person.pk == c.hank.pk:
            # Seven of ten signed, but two of them small: the head scores it lower, and says why (MEAS-7).
            entries[c.key_results["flagships"].pk] |= {"score": "0.6", "score_reason": "有两家签约规模很小"}
        if not entries:
            continue
        draft = assessment_save(actor=person, person=person, cycle=c.quarter, entries=entries)
        assert draft.state == AssessmentState.DRAFT
        assert KeyResult.objects.filter(owner=person, score__isnull=False).count() == 0  # a draft scores nothing
        submitted = assessment_submit(actor=person, person=person, cycle=c.quarter)
        assert submitted.state == AssessmentState.SUBMITTED
        assert assessment_page(person=person, cycle=c.quarter).is_submitted

    scores = {name: KeyResult.objects.get(pk=kr.pk).score for name, kr in c.key_results.items()}
    expected = {name: share.quantize(Decimal("0.01")) for name, share in FINISH.items()}
    assert scores == expected | {"flagships": Decimal("0.60")}
    objective_scores = dict(Objective.objects.filter(cycle=c.quarter).values_list("title", "score"))
    assert objective_scores["销售部拿下十家标杆客户"] == Decimal("0.60")
    assert objective_scores["打开苏州市场"] == Decimal("0.50")
    assert objective_scores["让客户愿意转介绍"] == Decimal("1.00")
    assert KeyResultScore.objects.get(key_result=c.key_results["mia"]).root_cause == ACCOUNTS["mia"][1]

    sales = department_presentation(department=c.sales, cycle=c.quarter)
    assert {p.person_id for p in sales.submitted} == {c.hank.pk, c.mia.pk, c.max.pk} and sales.missing == []
    hank = next(p for p in sales.submitted if p.person_id == c.hank.pk)
    assert [(s.title, s.score, s.progress) for s in hank.scores] == [
        ("签约标杆客户10家", Decimal("0.60"), Decimal("0.7000"))
    ]
    assert department_presentation(department=c.marketing, cycle=c.quarter).missing == []


# --- 反思 reflect ---------------------------------------------------------------------------------------------------

NEXT_QUARTER_START = dt.date(YEAR + 1, 1, 1)


def _reflect(c: _Company) -> Cycle:
    """REF-1 … REF-4: each department reflects on its numbers and ends with a measure for the next quarter, owned
    and dated, that its owner then sees until done; the management's has every manager's account."""
    cycles_generate_year(actor=None, fiscal_year=YEAR + 1)
    next_quarter = Cycle.objects.get(kind=CycleKind.QUARTER, start=NEXT_QUARTER_START)
    sales = reflection_open(actor=c.hank, cycle=c.quarter, department=c.sales)
    numbers = aggregates(cycle=c.quarter, organisation=c.org, department=c.sales, expected_people=3)
    assert (numbers.people, numbers.expected_people) == (3, 3)  # REF-4: everyone's self-assessment is in the numbers
    measure = measure_create(
        actor=c.hank, reflection=sales, title="每周两次标杆客户拜访", owner_id=c.mia.pk,
        due_date=NEXT_QUARTER_START + dt.timedelta(days=30),
    )  # fmt: skip
    reflection_close(actor=c.hank, reflection=sales, summary="拜访量决定签约：下季度把拜访排进每周计划")
    marketing = reflection_open(actor=c.lin, cycle=c.quarter, department=c.marketing)
    reflection_close(actor=c.lin, reflection=marketing, summary="苏州渠道起步晚，下季度提前一个月准备")
    management = reflection_open(actor=c.ceo, cycle=c.quarter)
    for manager in (c.ceo, c.coo, c.hank, c.lin):
        account_save(actor=manager, reflection=management, how_used="周会看信心变化", plan_next="更早发现风险")
    reflection_close(actor=c.ceo, reflection=management, summary="信心下降要当周讨论")
    assert set(Reflection.objects.filter(cycle=c.quarter).values_list("state", flat=True)) == {ReflectionState.CLOSED}
    assert [m.pk for m in open_measures_of(c.mia)] == [measure.pk]  # REF-2: in mia's focus until done
    return next_quarter


# --- 更新 update ----------------------------------------------------------------------------------------------------


def _update(c: _Company, next_quarter: Cycle) -> None:
    """UPD-1 … UPD-5: in the next quarter's first days the company decides first, then the departments, then the
    people; every objective kept is carried into the next quarter without its check-ins, and the quarter is locked."""
    today = NEXT_QUARTER_START + dt.timedelta(days=1)
    objectives = list(Objective.objects.filter(cycle=c.quarter).select_related("owner").order_by("pk"))

    def decide(objective: Objective) -> None:
        decision_record(
            actor=present(objective.owner), objective=objective, action=UpdateAction.KEEP,
            outcome=suggested_outcome(objective.score, objective.progress), today=today,
        )  # fmt: skip

    first_department = next(o for o in objectives if o.level == Level.DEPARTMENT)
    with pytest.raises(ValidationError):  # UPD-2: not before the company's update is done
        decide(first_department)
    for objective in (o for o in objectives if o.level == Level.COMPANY):
        decide(objective)
    stage_close(actor=c.ceo, cycle=c.quarter, today=today)
    for department, head in ((c.sales, c.hank), (c.marketing, c.lin)):
        for objective in objectives:
            if objective.level in (Level.DEPARTMENT, Level.TEAM) and objective.department_id == department.pk:
                decide(objective)
        stage_close(actor=head, cycle=c.quarter, department=department, today=today)
    for objective in (o for o in objectives if o.level == Level.PERSON):
        decide(objective)
    update_close(actor=c.ceo, cycle=c.quarter)

    c.quarter.refresh_from_db()
    assert c.quarter.is_closed  # UPD-5
    carried = Objective.objects.filter(cycle=next_quarter).select_related("carried_from")
    assert sorted(present(o.carried_from_id) for o in carried) == sorted(o.pk for o in objectives)
    assert {o.title for o in carried} == {o.title for o in objectives}
    new_key_results = KeyResult.objects.filter(objective__cycle=next_quarter).select_related("carried_from")
    assert new_key_results.count() == len(c.key_results)
    for kr in new_key_results:
        old = present(kr.carried_from)
        assert (kr.start_value, kr.target_value, kr.unit) == (old.start_value, old.target_value, old.unit)
    assert not CheckIn.objects.filter(key_result__objective__cycle=next_quarter).exists()  # not their check-ins


# --- 庆祝 celebrate -------------------------------------------------------------------------------------------------


def _celebrate(c: _Company) -> None:
    """CEL-1 … CEL-5: the sales department celebrates the tier its results earn, with the recognition given since,
    and records what it learned for the next quarter's drafting."""
    suggestion = tier_suggestion(organisation=c.org, level="department", cycle=c.quarter, department=c.sales, team=None)
    assert suggestion.tier == RewardTier.STANDARD  # CEL-3: 0.4 ≤ the average < 0.7
    given = recognition_give(
        actor=c.hank, receiver=c.mia, key_result=c.key_results["mia"], message="米娅带来了三家标杆"
    )
    # Given in the new quarter's first week, as it happened (the test runs later).
    Recognition.objects.filter(pk=given.pk).update(created_at=_at(dt.date(YEAR + 1, 1, 5), 10))
    celebration = celebration_plan(
        actor=c.hank, level="department", department=c.sales, cycle=c.quarter, at=_at(dt.date(YEAR + 1, 1, 9), 17),
        forms=[CelebrationForm.SNACKS, CelebrationForm.DRINKS],
    )  # fmt: skip
    assert [r.message for r in gathered_recognitions(viewer=c.hank, celebration=celebration)] == ["米娅带来了三家标杆"]
    held = celebration_hold(actor=c.hank, celebration=celebration, notes="茶点庆祝，米娅分享拜访经验")
    assert held.state == CelebrationState.HELD
    lesson_record(actor=c.hank, cycle=c.quarter, department=c.sales, text="标杆客户要在季度第一个月锁定")


def test_a_small_company_runs_one_quarter_through_the_seven_steps_PLAY_EXEC(db: None) -> None:
    """PLAY-EXEC: set, publish, execute, self-assess, reflect, update and celebrate one quarter through the
    services, checking at each step what its users see; the next quarter starts from the update."""
    c = _company()
    _set(c)
    _publish(c)
    _execute(c)
    _self_assess(c)
    next_quarter = _reflect(c)
    _update(c, next_quarter)
    _celebrate(c)
