"""Action steps under key results (EXE-8; PLAY-MKT steps 3–5): owner, responsibility and authority, resources,
timetable, status and priority; changed, given to others, moved, split, deleted, each change kept in history; bad
input refused by field with nothing written, a late deadline warned of."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qibu.audit.models import AuditEntry
from qibu.cycles.models import Cycle
from qibu.notify.models import Notification, NotificationKind
from qibu.okrs.models import Level, Priority, Visibility
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Person
from qibu.plans import gantt, services
from qibu.plans.models import ActionStep, StepStatus
from tests.conftest import Company, Okrs
from tests.plans.helpers import END, make_step


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_it_plans_a_step_with_owner_responsibility_authority_resources_and_timetable_EXE_8(
    company: Company, okrs: Okrs
) -> None:
    """EXE-8, PLAY-MKT steps 3–5: who does it, who answers for it and who decides, people, budget and a note,
    start and deadline; kept in the step's history, and each person told what it asks of them."""
    c = company
    result = services.step_create(
        actor=c.hank,
        key_result=okrs["department_kr"],
        title="华东巡回路演",
        description="五个城市",
        owner=c.mia,
        responsible=c.hank,
        decider=c.erin,
        resource_people=[c.oscar, c.mia, c.oscar],
        budget="12000.5",
        currency="cny",
        resources_note="展台、宣传册",
        start=dt.date(2026, 10, 10),
        deadline=dt.date(2026, 11, 20),
        priority=Priority.P0,
    )
    step = result.step
    assert result.warnings == []
    assert (step.owner, step.responsible, step.decider) == (c.mia, c.hank, c.erin)
    assert sorted(p.username for p in step.resource_people.all()) == ["mia", "oscar"]
    assert (step.budget, step.currency, step.resources_note) == (Decimal("12000.50"), "CNY", "展台、宣传册")
    assert (step.start, step.deadline, step.status, step.priority) == (
        dt.date(2026, 10, 10), dt.date(2026, 11, 20), StepStatus.TODO, Priority.P0,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="action_step.create")
    assert (entry.subject_type, entry.subject_id) == ("plans.actionstep", step.pk)
    assert entry.after is not None and entry.after["resource_people"] == sorted([c.mia.pk, c.oscar.pk])
    told = {n.recipient.username: n.text for n in Notification.objects.filter(kind=NotificationKind.STEP_ASSIGNED)}
    assert set(told) == {"mia", "erin"}, "the actor (hank, responsible) is not told of what he did himself"
    assert "gave you the action step “华东巡回路演”" in told["mia"]
    assert "decides" in told["erin"]


def test_it_gives_a_step_sensible_defaults_EXE_8(company: Company, okrs: Okrs) -> None:
    """The key result's owner does it and answers for it, the objective's owner decides; it runs from today (within
    the key result's period) to the key result's end, P2, to do."""
    step = services.step_create(actor=company.hank, key_result=okrs["my_kr"], title="整理客户名单").step
    kr = okrs["my_kr"]
    assert (step.owner, step.responsible, step.decider) == (company.mia, company.mia, company.mia)
    assert kr.start_date <= step.start <= kr.end_date and step.deadline == kr.end_date
    assert (step.priority, step.status, step.budget, step.currency) == (int(Priority.P2), "todo", Decimal(0), "CNY")


def test_it_warns_but_saves_a_step_due_after_its_key_result_ends_EXE_8(company: Company, okrs: Okrs) -> None:
    """EXE-8: a deadline after the key result's end is the planner's choice: saved, with a warning."""
    result = services.step_create(
        actor=company.mia, key_result=okrs["my_kr"], title="年后回访", deadline=END + dt.timedelta(days=10)
    )
    assert ActionStep.objects.filter(pk=result.step.pk).exists()
    (warning,) = result.warnings
    assert warning.rule == "EXE-8" and "after its key result ends on" in warning.text
    changed = services.step_update(actor=company.mia, step=result.step, data={"deadline": END})
    assert changed.warnings == []


@pytest.mark.parametrize("who", ["owner", "responsible", "decider", "resource_people"])
def test_it_refuses_someone_who_left_the_company_naming_the_field_and_writes_nothing_EXE_8(
    company: Company, okrs: Okrs, who: str
) -> None:
    """EXE-8 bad input: a person no longer active in the company is refused, by field, with nothing written."""
    left = Person.objects.create(username="left", full_name="离职员工", is_active=False)
    people = {who: [left] if who == "resource_people" else left}
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.step_create(actor=company.mia, key_result=okrs["my_kr"], title="交接", **people)  # type: ignore[arg-type]
    assert _errors(exc)[who] == ["离职员工 is no longer active in the company: choose someone who is."]
    assert not ActionStep.objects.exists() and AuditEntry.objects.count() == before
    assert not Notification.objects.exists()


def test_it_refuses_a_person_who_cannot_see_the_objective(company: Company, okrs: Okrs) -> None:
    """Whoever is named on a step can read it: oscar cannot see mia's private objective."""
    private = objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="私事",
        visibility=Visibility.PRIVATE,
    )  # fmt: skip
    kr = key_result_create(actor=company.mia, objective=private, title="读书", start_value=0, target_value=3)
    with pytest.raises(ValidationError) as exc:
        services.step_create(actor=company.mia, key_result=kr, title="买书", owner=company.oscar)
    assert "欧斯卡 cannot see this objective" in _errors(exc)["owner"][0]
    assert not ActionStep.objects.exists()


def test_it_refuses_every_bad_field_at_once_and_writes_nothing(company: Company, okrs: Okrs) -> None:
    with pytest.raises(ValidationError) as exc:
        services.step_create(
            actor=company.mia,
            key_result=okrs["my_kr"],
            title=" ",
            budget="-5",
            currency="人民币",
            start=dt.date(2026, 11, 2),
            deadline=dt.date(2026, 11, 1),
            priority=9,
            status="later",
        )
    errors = _errors(exc)
    assert errors["title"] == ["Give it a title."]
    assert errors["budget"] == ["A budget cannot be negative."]
    assert errors["currency"] == ["Write the currency as its three-letter code, such as CNY or USD."]
    assert errors["deadline"] == ["The deadline is before the start."]
    assert set(errors) >= {"priority", "status"}
    assert not ActionStep.objects.exists()


def test_it_changes_a_step_and_keeps_what_changed_in_its_history_EXE_8(company: Company, okrs: Okrs) -> None:
    step = make_step(company.mia, okrs["my_kr"], resource_people=[company.hank])
    services.step_update(
        actor=company.mia,
        step=step,
        data={"title": "拜访重点客户", "budget": "800", "resource_people": [company.oscar], "priority": 1},
    )
    step.refresh_from_db()
    assert (step.title, step.budget, step.priority) == ("拜访重点客户", Decimal("800.00"), 1)
    assert [p.username for p in step.resource_people.all()] == ["oscar"]
    entry = AuditEntry.objects.get(action="action_step.update")
    assert entry.before == {"title": "拜访客户", "budget": "0", "priority": 2, "resource_people": [company.hank.pk]}
    assert entry.after == {
        "title": "拜访重点客户",
        "budget": "800",
        "priority": 1,
        "resource_people": [company.oscar.pk],
    }
    with pytest.raises(ValidationError) as exc:
        services.step_update(actor=company.mia, step=step, data={"owner": company.hank, "status": "done"})
    assert set(_errors(exc)) == {"owner", "status"}, "people and status change by their own services"


def test_it_gives_a_step_to_other_people_and_tells_them_EXE_8(company: Company, okrs: Okrs) -> None:
    c = company
    step = make_step(c.mia, okrs["my_kr"])
    Notification.objects.all().delete()
    services.step_reassign(actor=c.hank, step=step, owner=c.oscar, decider=c.hank, clear=["responsible"])
    step.refresh_from_db()
    assert (step.owner, step.responsible, step.decider) == (c.oscar, None, c.hank)
    entry = AuditEntry.objects.get(action="action_step.reassign")
    assert entry.before == {"owner": c.mia.pk, "responsible": c.mia.pk, "decider": c.mia.pk}
    assert entry.after == {"owner": c.oscar.pk, "responsible": None, "decider": c.hank.pk}
    told = list(Notification.objects.values_list("recipient__username", flat=True))
    assert told == ["oscar"], "hank gave himself the decision: no one tells him"
    with pytest.raises(ValidationError) as exc:
        services.step_reassign(actor=c.hank, step=step, clear=["owner"])
    assert _errors(exc)["owner"] == ["Name the person who does this step."]


def test_it_moves_a_step_to_another_key_result_and_renumbers_both_plans(company: Company, okrs: Okrs) -> None:
    c = company
    first, second, third = (make_step(c.hank, okrs["department_kr"], f"第{i}步") for i in range(3))
    other = key_result_create(actor=c.hank, objective=okrs["department"], title="回款", start_value=0, target_value=5)
    target = make_step(c.hank, other, "已有")
    result = services.step_move(actor=c.hank, step=second, key_result=other, position=0)
    assert result.step.key_result_id == other.pk
    assert list(ActionStep.objects.filter(key_result=other).values_list("title", flat=True)) == ["第1步", "已有"]
    remaining = ActionStep.objects.filter(key_result=okrs["department_kr"]).order_by("position")
    assert [(s.pk, s.position) for s in remaining] == [(first.pk, 0), (third.pk, 1)]
    entry = AuditEntry.objects.get(action="action_step.move")
    assert entry.before == {"key_result": okrs["department_kr"].pk, "position": 1}
    assert entry.after == {"key_result": other.pk, "position": 0}
    services.step_move(actor=c.hank, step=target, key_result=other, position=0)
    assert list(ActionStep.objects.filter(key_result=other).values_list("title", flat=True)) == ["已有", "第1步"]


def test_it_refuses_to_move_a_step_where_its_people_cannot_see(company: Company, okrs: Okrs) -> None:
    c = company
    step = make_step(c.hank, okrs["department_kr"], owner=c.oscar)
    limited = objective_create(
        actor=c.hank, cycle=c.quarter, level=Level.DEPARTMENT, department=c.sales, owner=c.hank, title="内部",
        visibility=Visibility.DEPARTMENT,
    )  # fmt: skip
    kr = key_result_create(actor=c.hank, objective=limited, title="内部指标", start_value=0, target_value=1)
    with pytest.raises(ValidationError) as exc:
        services.step_move(actor=c.hank, step=step, key_result=kr)
    assert "欧斯卡, named on this step, cannot see that objective" in _errors(exc)["key_result"][0]
    assert ActionStep.objects.get(pk=step.pk).key_result_id == okrs["department_kr"].pk


def test_it_splits_a_step_in_two_dividing_its_days_each_part_keeping_history_EXE_8(
    company: Company, okrs: Okrs
) -> None:
    """EXE-8: a step too big is cut in two; the first keeps its start and history, the new one follows it with the
    same people, linked `split_from`, and says so in its own history."""
    c = company
    step = make_step(c.mia, okrs["my_kr"], start=dt.date(2026, 10, 1), deadline=dt.date(2026, 10, 10),
                     resource_people=[c.hank], budget="100")  # fmt: skip
    after = make_step(c.mia, okrs["my_kr"], "后一步")
    result = services.step_split(actor=c.mia, step=step)
    first, second = result.step, result.other
    assert (first.start, first.deadline) == (dt.date(2026, 10, 1), dt.date(2026, 10, 5))
    assert (second.start, second.deadline) == (dt.date(2026, 10, 6), dt.date(2026, 10, 10))
    assert (second.title, second.split_from_id, second.owner_id) == ("拜访客户 (part 2)", first.pk, c.mia.pk)
    assert [p.pk for p in second.resource_people.all()] == [c.hank.pk]
    assert (first.budget, second.budget) == (Decimal(100), Decimal(0))
    order = list(ActionStep.objects.filter(key_result=okrs["my_kr"]).order_by("position").values_list("pk", flat=True))
    assert order == [first.pk, second.pk, after.pk]
    split = AuditEntry.objects.get(action="action_step.split")
    assert (split.subject_id, split.before, split.after) == (
        first.pk, {"deadline": "2026-10-10"}, {"deadline": "2026-10-05", "split_into": second.pk},
    )  # fmt: skip
    split_off = AuditEntry.objects.get(action="action_step.split_off")
    assert split_off.subject_id == second.pk and split_off.after is not None
    assert split_off.after["split_from"] == first.pk


def test_it_splits_with_the_dates_and_budget_given(company: Company, okrs: Okrs) -> None:
    step = make_step(company.mia, okrs["my_kr"], budget="1000", status="done")
    result = services.step_split(
        actor=company.mia, step=step, title="第二轮拜访", first_deadline=dt.date(2026, 10, 12),
        second_start=dt.date(2026, 10, 20), second_deadline=dt.date(2026, 11, 5), second_budget="400",
    )  # fmt: skip
    assert (result.step.deadline, result.step.budget) == (dt.date(2026, 10, 12), Decimal(600))
    other = result.other
    assert (other.title, other.start, other.deadline, other.budget) == (
        "第二轮拜访", dt.date(2026, 10, 20), dt.date(2026, 11, 5), Decimal(400),
    )  # fmt: skip
    assert other.status == StepStatus.TODO, "the part of a step done that is split off is still to do"
    with pytest.raises(ValidationError) as exc:
        services.step_split(actor=company.mia, step=result.step, second_budget="601")
    assert _errors(exc)["second_budget"] == ["The new part cannot take more than the step's budget."]
    assert ActionStep.objects.count() == 2


def test_it_sets_the_status_and_notes_when_a_step_is_done(company: Company, okrs: Okrs) -> None:
    step = make_step(company.mia, okrs["my_kr"])
    services.step_set_status(actor=company.mia, step=step, status="done")
    step.refresh_from_db()
    assert step.status == StepStatus.DONE and step.done_at is not None
    services.step_set_status(actor=company.mia, step=step, status="doing")
    step.refresh_from_db()
    assert step.done_at is None
    assert AuditEntry.objects.filter(action="action_step.status").count() == 2
    with pytest.raises(ValidationError):
        services.step_set_status(actor=company.mia, step=step, status="finished")


def test_it_deletes_a_step_into_its_objectives_history(company: Company, okrs: Okrs) -> None:
    step = make_step(company.mia, okrs["my_kr"])
    part = services.step_split(actor=company.mia, step=step).other
    services.step_delete(actor=company.mia, step=step)
    entry = AuditEntry.objects.get(action="action_step.delete")
    assert (entry.subject_type, entry.subject_id) == ("okrs.objective", okrs["mine"].pk)
    part.refresh_from_db()
    assert part.split_from_id is None, "the part keeps its history and loses the link"


def test_it_keeps_a_closed_objectives_plan_as_it_was(company: Company, okrs: Okrs) -> None:
    step = make_step(company.mia, okrs["my_kr"])
    Cycle.objects.filter(pk=company.quarter.pk).update(is_closed=True)
    okrs["mine"].cycle.refresh_from_db()
    step.key_result.objective = okrs["mine"]
    attempts: list[Callable[[], object]] = [
        lambda: services.step_set_status(actor=company.mia, step=step, status="done"),
        lambda: services.step_update(actor=company.mia, step=step, data={"title": "改"}),
        lambda: services.step_create(actor=company.mia, key_result=okrs["my_kr"], title="新"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "This objective is closed" in str(exc.value)
    assert ActionStep.objects.get().status == StepStatus.TODO


# --- the Gantt chart's geometry ----------------------------------------------------------------------------------


def test_it_places_and_clips_the_bars_of_the_timetable() -> None:
    period = gantt.Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period.x(period.start) == gantt.LEFT
    assert period.x(period.end + dt.timedelta(days=1)) == gantt.RIGHT
    whole = gantt.span(period, dt.date(2026, 9, 1), dt.date(2027, 2, 1))
    assert (whole.x, whole.width, whole.cut_before, whole.cut_after) == (
        gantt.LEFT,
        gantt.RIGHT - gantt.LEFT,
        True,
        True,
    )
    one_day = gantt.span(period, dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert one_day.width >= gantt.MIN_BAR and not one_day.cut_before


def test_it_ticks_weeks_for_a_quarter_and_months_for_a_year() -> None:
    quarter = gantt.ticks(gantt.Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31)))
    assert quarter[0] == dt.date(2026, 10, 1) and all(d.weekday() == 0 for d in quarter[1:])
    year = gantt.ticks(gantt.Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert year == [dt.date(2026, m, 1) for m in (1, 3, 5, 7, 9, 11)], "every second month: a month is too narrow"
    xs = [gantt.Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31)).x(d) for d in quarter]
    assert all(b - a >= gantt.MIN_TICK_GAP for a, b in itertools.pairwise(xs))


def test_it_divides_a_steps_days_in_the_middle() -> None:
    assert services.halves(dt.date(2026, 10, 1), dt.date(2026, 10, 1)) == (dt.date(2026, 10, 1),) * 2
    assert services.halves(dt.date(2026, 10, 1), dt.date(2026, 10, 2)) == (dt.date(2026, 10, 1), dt.date(2026, 10, 2))
    assert services.halves(dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == (
        dt.date(2026, 10, 15), dt.date(2026, 10, 16),
    )  # fmt: skip
