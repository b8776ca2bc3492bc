"""The update (UPD-1 … UPD-5): the window after self-assessment and reflection, the order company → departments →
people, the decisions and the carry-over (definition, key results, action plans, never check-ins), the company's
justification and approval, the key-result detail of the lower levels, the lock of a closed cycle and the late
updaters, the board, the phase's facts, the company page's continuity, the publication, the API."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.cycles.models import Cycle
from qibu.cycles.phases import Phase, phase_facts
from qibu.notify.models import Notification, NotificationKind
from qibu.okrs.models import CheckIn, KeyResult, Level, Objective
from qibu.okrs.services import checkin_record, key_result_create, objective_create
from qibu.org.models import Person
from qibu.org.services import api_token_create
from qibu.plans.models import ActionStep
from qibu.publish.carry import carry_over
from qibu.reflect.models import Reflection, ReflectionKind
from qibu.updates import selectors
from qibu.updates.models import Decision, Stage
from qibu.updates.services import (
    cycles_close_ended,
    decision_approve,
    decision_record,
    new_objective_justify,
    stage_close,
    update_close,
)
from qibu.updates.window import update_window
from tests.updates.conftest import World


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _api(person: Person, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return Client().generic(
        method,
        f"/api/v1{url}",
        json.dumps(body or {}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def _company_done(w: World) -> None:
    decision_record(actor=w.c.erin, objective=w.company_obj, outcome="achieved", action="keep")
    stage_close(actor=w.c.erin, cycle=w.ending)


def _written() -> tuple[int, int, int, int]:
    return (Decision.objects.count(), Objective.objects.count(), KeyResult.objects.count(), Stage.objects.count())


# --- UPD-1: the window ------------------------------------------------------------------------------------


def test_it_waits_for_self_assessments_and_reflections_and_says_what_is_missing_UPD_1(world: World) -> None:
    w = world
    w.c.org.reflection_days = 5
    w.c.org.save(update_fields=["reflection_days"])
    Reflection.objects.create(kind=ReflectionKind.MANAGEMENT, cycle=w.ending)
    window = update_window(w.ending, w.c.org, timezone.localdate())
    assert not window.is_open
    text = " ".join(window.missing)
    assert "3 people have not submitted their self-assessment" in text
    assert "1 reflections are still open" in text
    before = _written()
    with pytest.raises(ValidationError) as exc:
        decision_record(actor=w.c.erin, objective=w.company_obj, outcome="achieved", action="keep")
    assert "has not begun" in " ".join(_messages(exc)["__all__"])
    assert _written() == before
    page = _client(w.c.erin).get(f"/updates/{w.ending.pk}/").content.decode()
    assert "Still missing" in page and "self-assessment" in page


def test_it_opens_once_the_reflection_window_is_over_UPD_1(world: World) -> None:
    window = update_window(world.ending, world.c.org, timezone.localdate())
    assert window.is_open and window.next_cycle == world.next
    early = update_window(world.next, world.c.org, timezone.localdate())
    assert not early.is_open and "opens on" in early.missing[-1]


# --- UPD-2: the order -------------------------------------------------------------------------------------


def test_it_refuses_a_department_before_the_company_and_a_person_before_the_department_UPD_2(world: World) -> None:
    w = world
    before = _written()
    with pytest.raises(ValidationError) as exc:
        decision_record(actor=w.c.hank, objective=w.dept_obj, outcome="partly", action="keep")
    assert "company's update is not done" in _messages(exc)["__all__"][0]
    assert _written() == before
    _company_done(w)
    with pytest.raises(ValidationError) as exc:
        decision_record(actor=w.c.mia, objective=w.mine, outcome="missed", action="keep")
    assert "销售部" in _messages(exc)["__all__"][0]
    decision_record(actor=w.c.hank, objective=w.dept_obj, outcome="partly", action="keep")
    stage_close(actor=w.c.hank, cycle=w.ending, department=w.c.sales)
    decision = decision_record(actor=w.c.mia, objective=w.mine, outcome="missed", action="keep")
    assert decision.carried is not None


def test_a_decision_sent_before_the_company_s_says_why_on_the_page_UPD_2(world: World) -> None:
    """The refusal was written but not shown: the objective's card showed only its order, not the error."""
    w = world
    before = _written()
    response = _client(w.c.hank).post(
        f"/updates/objectives/{w.dept_obj.pk}/decide/", {"outcome": "partly", "action": "keep"}
    )
    assert response.status_code == 400
    card = response.content.decode().split(f'id="objective-{w.dept_obj.pk}"')[1].split("</section>")[0]
    assert 'role="alert"' in card and "company&#x27;s update is not done yet" in card
    assert _written() == before


def test_a_refused_decision_comes_back_to_htmx_as_its_card_with_the_problem_UPD_2_UPD_3(world: World) -> None:
    """htmx swaps no 400: the card's problems were never shown, only the status at the top of the page."""
    w = world
    before = _written()
    response = _client(w.c.erin).post(
        f"/updates/objectives/{w.company_obj.pk}/decide/",
        {"outcome": "missed", "action": "abandon"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    card = response.content.decode()
    assert card.startswith(f'<section class="card stack" id="objective-{w.company_obj.pk}"')
    assert 'role="alert"' in card and "Justification:" in card
    assert _written() == before


def test_it_tells_the_departments_then_the_people_UPD_2(world: World) -> None:
    w = world
    _company_done(w)
    assert Notification.objects.filter(recipient=w.c.hank, kind=NotificationKind.UPDATE).count() == 1
    decision_record(actor=w.c.hank, objective=w.dept_obj, outcome="partly", action="keep")
    stage_close(actor=w.c.hank, cycle=w.ending, department=w.c.sales)
    assert Notification.objects.filter(recipient=w.c.mia, kind=NotificationKind.UPDATE).count() == 1


def test_the_board_shows_where_each_level_stands_in_fixed_queries_UPD_2(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    w = world
    client = _client(w.c.hank)
    client.get(f"/updates/{w.ending.pk}/board/")
    _company_done(w)
    with django_assert_num_queries(BOARD_QUERIES):
        html = client.get(f"/updates/{w.ending.pk}/board/").content.decode()
    assert "done" in html and "not started" in html and "销售部" in html and "米娅" in html
    for i in range(4):
        objective_create(actor=w.c.oscar, cycle=w.ending, level=Level.PERSON, owner=w.c.oscar, title=f"目标{i}")
    with django_assert_num_queries(BOARD_QUERIES):
        assert client.get(f"/updates/{w.ending.pk}/board/").status_code == 200
    b = selectors.board(cycle=w.ending, organisation=w.c.org, today=timezone.localdate())
    assert b.company.standing == "done"
    assert {r.name: r.standing for r in b.departments} == {"销售部": "not_started"}


# session, person, organisation (middleware), the window's 3, organisation, objectives, stages, + base's
BOARD_QUERIES = 8
UPDATE_PAGE_QUERIES = 15


# --- carrying ---------------------------------------------------------------------------------------------


def test_it_carries_a_kept_objective_with_key_results_and_plans_but_no_check_ins_UPD_1(world: World) -> None:
    w = world
    checkin_record(actor=w.c.erin, key_result=w.revenue, value=Decimal(600), confidence=60)
    assert CheckIn.objects.filter(key_result=w.revenue).exists()
    _company_done(w)
    decision_record(actor=w.c.hank, objective=w.dept_obj, outcome="partly", action="keep")
    stage_close(actor=w.c.hank, cycle=w.ending, department=w.c.sales)
    decision = decision_record(actor=w.c.mia, objective=w.mine, outcome="missed", action="keep")
    copy = Objective.objects.get(carried_from=w.company_obj)
    assert copy.cycle == w.next and copy.title == w.company_obj.title and copy.owner == w.c.erin
    kr = KeyResult.objects.get(carried_from=w.revenue)
    assert kr.target_value == Decimal(1000) and kr.current_value == Decimal(0) and kr.unit == "万元"
    assert not CheckIn.objects.filter(key_result=kr).exists()
    # the department's copy aligns to the company's copy's key result; the person's to the department's copy
    dept_copy = Objective.objects.get(carried_from=w.dept_obj)
    assert dept_copy.alignments_up.get().parent_key_result == kr
    mine = decision.carried
    assert mine is not None and mine.alignments_up.get().parent_objective == dept_copy
    step = ActionStep.objects.get(key_result__objective=mine)
    shift = (w.next.start - w.ending.start).days
    assert step.title == w.step.title and step.start == w.step.start + dt.timedelta(days=shift)
    assert step.deadline == w.step.deadline + dt.timedelta(days=shift)


def test_the_key_result_page_reads_its_history_across_cycles_UPD_1(world: World) -> None:
    w = world
    _company_done(w)
    kr = KeyResult.objects.get(carried_from=w.revenue)
    lineage = selectors.key_result_lineage(kr)
    assert [line.cycle for line in lineage] == ["上季度"]
    html = _client(w.c.erin).get(f"/objectives/{kr.objective_id}/").content.decode()
    assert "上季度" in html


# --- UPD-3: the company's direction ------------------------------------------------------------------------


def test_a_company_change_needs_a_justification_and_an_executives_approval_UPD_3(world: World) -> None:
    w = world
    before = _written()
    with pytest.raises(ValidationError) as exc:
        decision_record(
            actor=w.c.erin,
            objective=w.company_obj,
            outcome="partly",
            action="modify",
            changes={"title": "成为长三角市场第一"},
        )
    assert "justification" in _messages(exc)
    assert _written() == before
    decision = decision_record(
        actor=w.c.erin,
        objective=w.company_obj,
        outcome="partly",
        action="modify",
        changes={"title": "成为长三角市场第一"},
        justification="华东已饱和；长三角有渠道，可行。",
    )
    assert decision.carried is not None and decision.carried.title == "成为长三角市场第一"
    with pytest.raises(ValidationError) as exc:
        stage_close(actor=w.c.erin, cycle=w.ending)
    assert "approval" in " ".join(_messages(exc)["__all__"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        decision_approve(actor=w.c.erin, decision=decision)  # not the one who made it
    decision_approve(actor=w.c.alice, decision=decision)
    stage_close(actor=w.c.erin, cycle=w.ending)
    lines = selectors.company_continuity(viewer=w.c.mia, cycle=w.next)
    assert [(line.change, line.before) for line in lines] == [("modify", "成为华东市场第一")]


def test_a_new_company_objective_is_justified_before_the_company_closes_UPD_3(world: World) -> None:
    w = world
    decision_record(
        actor=w.c.erin,
        objective=w.company_obj,
        outcome="missed",
        action="abandon",
        justification="市场变化，不再可行。",
    )
    new = objective_create(actor=w.c.erin, cycle=w.next, level=Level.COMPANY, title="打造行业标杆产品", owner=w.c.erin)
    with pytest.raises(ValidationError) as exc:
        stage_close(actor=w.c.erin, cycle=w.ending)
    assert "打造行业标杆产品" in " ".join(_messages(exc)["__all__"])
    with pytest.raises(ValidationError) as exc:
        new_objective_justify(actor=w.c.erin, objective=new, justification="")
    assert "justification" in _messages(exc)
    justified = new_objective_justify(actor=w.c.erin, objective=new, justification="客户需要；我们有团队。")
    for d in Decision.objects.filter(level=Level.COMPANY):
        decision_approve(actor=w.c.alice, decision=d)
    stage_close(actor=w.c.erin, cycle=w.ending)
    changes = {line.change for line in selectors.company_continuity(viewer=w.c.oscar, cycle=w.next)}
    assert changes == {"abandon", "new"}
    html = _client(w.c.oscar).get("/company/", {"cycle": w.next.pk}).content.decode()
    assert "Continuity of the company" in html and "打造行业标杆产品" in html
    justified.refresh_from_db()
    assert justified.is_approved and justified.approved_by == w.c.alice
    published = {line["change"] for line in carry_over(w.next)}
    assert published == {"dropped", "new"}


# --- UPD-4: key-result detail ------------------------------------------------------------------------------


def test_department_and_people_keep_modify_or_drop_key_results_and_edit_targets_UPD_4(world: World) -> None:
    w = world
    _company_done(w)
    extra = KeyResult.objects.create(
        objective=w.dept_obj,
        title="老客户续约 8 家",
        start_value=0,
        target_value=8,
        owner=w.c.hank,
        start_date=w.ending.start,
        end_date=w.ending.end,
        position=1,
    )
    before = _written()
    with pytest.raises(ValidationError) as exc:
        decision_record(
            actor=w.c.hank,
            objective=w.dept_obj,
            outcome="partly",
            action="keep",
            key_results={w.dept_kr.pk: {"action": "modify", "target_value": "lots"}},
        )
    assert f"kr_target_{w.dept_kr.pk}" in _messages(exc)
    assert _written() == before
    decision = decision_record(
        actor=w.c.hank,
        objective=w.dept_obj,
        outcome="partly",
        action="keep",
        key_results={w.dept_kr.pk: {"action": "modify", "target_value": "15"}, extra.pk: {"action": "drop"}},
    )
    assert decision.carried is not None
    carried = list(decision.carried.key_results.all())
    assert [(kr.title, kr.target_value) for kr in carried] == [("签约标杆客户 10 家", Decimal(15))]
    assert decision.key_results[str(extra.pk)]["action"] == "drop"


def test_it_refuses_unknown_outcomes_and_people_who_may_not_edit(world: World) -> None:
    w = world
    before = _written()
    with pytest.raises(ValidationError) as exc:
        decision_record(actor=w.c.erin, objective=w.company_obj, outcome="great", action="keep")
    assert "outcome" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        decision_record(actor=w.c.oscar, objective=w.company_obj, outcome="achieved", action="keep")
    assert "Only those who may change" in _messages(exc)["__all__"][0]
    assert _written() == before
    response = _client(w.c.oscar).post(
        f"/updates/objectives/{w.company_obj.pk}/decide/", {"outcome": "achieved", "action": "keep"}
    )
    assert response.status_code == 403
    response = _client(w.c.erin).post(
        f"/updates/objectives/{w.company_obj.pk}/decide/", {"outcome": "great", "action": "keep"}
    )
    assert response.status_code == 400 and "is not one of the choices" in response.content.decode()
    assert _written() == before


def test_it_refuses_to_carry_into_a_closed_cycle(world: World) -> None:
    w = world
    Cycle.objects.filter(pk=w.next.pk).update(is_closed=True)
    before = _written()
    with pytest.raises(ValidationError) as exc:
        decision_record(actor=w.c.erin, objective=w.company_obj, outcome="achieved", action="keep")
    assert "closed" in _messages(exc)["next_cycle"][0]
    assert _written() == before


# --- UPD-5: on time ----------------------------------------------------------------------------------------


def test_the_daily_job_closes_a_cycle_whose_window_is_over_and_late_updaters_are_flagged_UPD_5(
    world: World,
) -> None:
    w = world
    later = w.ending.end + dt.timedelta(days=w.c.org.update_days + 1)
    assert w.ending.pk not in cycles_close_ended(today=w.ending.end)
    closed = cycles_close_ended(today=later)
    assert w.ending.pk in closed and w.ending.pk not in cycles_close_ended(today=later)
    w.ending.refresh_from_db()
    assert w.ending.is_closed
    with pytest.raises(ValidationError) as exc:
        decision_record(actor=w.c.erin, objective=w.company_obj, outcome="achieved", action="keep")
    assert "only the people the policy names" in _messages(exc)["__all__"][0]
    w.c.org.late_updaters.add(w.c.erin)
    decision = decision_record(actor=w.c.erin, objective=w.company_obj, outcome="achieved", action="keep")
    assert decision.late
    b = selectors.board(cycle=w.ending, organisation=w.c.org, today=timezone.localdate())
    assert b.company.late


def test_an_executive_closing_the_update_locks_the_cycle_UPD_5(world: World) -> None:
    w = world
    update_close(actor=w.c.erin, cycle=w.ending)
    w.ending.refresh_from_db()
    assert w.ending.is_closed
    assert AuditEntry.objects.filter(action="update.close").exists()
    response = _client(w.c.hank).post(f"/updates/{w.ending.pk}/close/")
    assert response.status_code == 403


# --- the phase's facts -------------------------------------------------------------------------------------


def test_the_phase_facts_name_who_owes_the_update_in_two_queries(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    w = world
    with django_assert_num_queries(2):
        facts = phase_facts(w.ending, w.c.org, Phase.UPDATE)
    assert facts is not None and facts.company_expected and not facts.company_done
    assert facts.departments_expected == {w.c.sales.pk}
    assert facts.people_expected == {w.c.erin.pk, w.c.hank.pk, w.c.mia.pk}
    _company_done(w)
    for i in range(3):
        objective_create(actor=w.c.oscar, cycle=w.ending, level=Level.PERSON, owner=w.c.oscar, title=f"目标{i}")
    with django_assert_num_queries(2):
        facts = phase_facts(w.ending, w.c.org, Phase.UPDATE)
    assert facts is not None and facts.company_done and facts.people_done == {w.c.erin.pk}


# --- pages and API -----------------------------------------------------------------------------------------


def test_the_update_page_decides_in_fixed_queries(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    w = world
    client = _client(w.c.erin)
    client.get(f"/updates/{w.ending.pk}/")
    with django_assert_num_queries(UPDATE_PAGE_QUERIES):
        html = client.get(f"/updates/{w.ending.pk}/").content.decode()
    assert "成为华东市场第一" in html and "Record the decision" in html
    for i in range(3):
        objective_create(actor=w.c.erin, cycle=w.ending, level=Level.PERSON, owner=w.c.erin, title=f"目标{i}")
    with django_assert_num_queries(UPDATE_PAGE_QUERIES):
        assert client.get(f"/updates/{w.ending.pk}/").status_code == 200
    response = client.post(f"/updates/objectives/{w.company_obj.pk}/decide/", {"outcome": "achieved", "action": "keep"})
    assert response.status_code == 302
    assert Decision.objects.filter(objective=w.company_obj).exists()
    assert client.get("/updates/").status_code == 302


def test_the_api_records_decisions_and_reads_the_board(world: World) -> None:
    w = world
    response = _api(
        w.c.hank, "POST", f"/updates/objectives/{w.dept_obj.pk}/decision", {"outcome": "partly", "action": "keep"}
    )
    assert response.status_code == 422
    assert "company's update" in response.json()["detail"][0]["message"]
    response = _api(
        w.c.erin, "POST", f"/updates/objectives/{w.company_obj.pk}/decision", {"outcome": "achieved", "action": "keep"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["carried_id"] == Objective.objects.get(carried_from=w.company_obj).pk
    assert _api(w.c.erin, "POST", f"/updates/cycles/{w.ending.pk}/stages", {}).status_code == 201
    board = _api(w.c.mia, "GET", f"/updates/cycles/{w.ending.pk}/board").json()
    assert board["company"]["standing"] == "done"
    page = _api(w.c.mia, "GET", f"/updates/cycles/{w.ending.pk}").json()
    assert page["open"] is True and any(o["title"] == "打开苏州市场" for o in page["objectives"])


def test_administrators_name_the_late_updaters_on_the_settings_page_and_the_api_UPD_5(world: World) -> None:
    w = world
    response = _client(w.c.alice).post("/settings/late-updaters/", {"late_updaters": [w.c.hank.pk, w.c.mia.pk]})
    assert response.status_code == 302
    assert set(w.c.org.late_updaters.values_list("pk", flat=True)) == {w.c.hank.pk, w.c.mia.pk}
    response = _client(w.c.alice).post("/settings/late-updaters/", {"late_updaters": ["99999"]})
    assert response.status_code == 400 and "no active person #99999" in response.content.decode()
    assert _client(w.c.hank).post("/settings/late-updaters/", {"late_updaters": []}).status_code == 403
    assert w.c.org.late_updaters.count() == 2
    assert _api(w.c.alice, "GET", "/organisation/policy").json()["late_updaters"] == sorted([w.c.hank.pk, w.c.mia.pk])
    response = _api(w.c.alice, "PATCH", "/organisation/policy", {"late_updaters": [w.c.erin.pk]})
    assert response.status_code == 200 and response.json()["late_updaters"] == [w.c.erin.pk]
    assert "Who may update a closed cycle" in _client(w.c.alice).get("/settings/").content.decode()


def test_htmx_swaps_the_objectives_section_with_its_decision_or_its_problems(world: World) -> None:
    w = world
    client = _client(w.c.erin)
    url = f"/updates/objectives/{w.company_obj.pk}/decide/"
    refused = client.post(url, {"outcome": "achieved", "action": "modify"}, HTTP_HX_REQUEST="true")
    html = refused.content.decode()
    assert refused.status_code == 200 and "<html" not in html and f'id="objective-{w.company_obj.pk}"' in html
    assert "justification" in html.lower()
    done = client.post(url, {"outcome": "achieved", "action": "keep"}, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "the carried objective" in done.content.decode()


def test_the_next_cycles_publication_lists_what_the_update_carried_UPD_3(world: World) -> None:
    from qibu.publish.models import Publication
    from qibu.publish.services import publication_compile, publication_publish

    w = world
    decision_record(
        actor=w.c.erin, objective=w.company_obj, outcome="partly", action="modify",
        changes={"title": "成为长三角市场第一"}, justification="聚焦更可行。",
    )  # fmt: skip
    publication = publication_publish(actor=w.c.erin, cycle=w.next, message="新季度的方向", anyway=True)
    publication_compile(publication.pk)
    published = Publication.objects.get(pk=publication.pk)
    assert [(line["change"], line["title"], line["before"]) for line in published.carried] == [
        ("modified", "成为长三角市场第一", "成为华东市场第一")
    ]
    html = _client(w.c.oscar).get(f"/publications/{published.pk}/").content.decode()
    assert "What the update carried from the cycle before" in html and "成为长三角市场第一" in html


def test_a_kept_objective_continues_as_its_owners_draft_of_the_next_cycle_UPD_1(world: World) -> None:
    """The set phase begins before the cycle, so the next cycle is often drafted when the update comes: a kept
    objective may continue as its owner's draft instead of being copied; the draft and its key result of the same
    title are linked to where they came from. Another owner's draft is refused, nothing written."""
    w = world
    _company_done(w)
    decision_record(actor=w.c.hank, objective=w.dept_obj, outcome="partly", action="keep")
    stage_close(actor=w.c.hank, cycle=w.ending, department=w.c.sales)
    draft = objective_create(actor=w.c.mia, cycle=w.next, level=Level.PERSON, title="新季度的目标", owner=w.c.mia)
    draft_kr = key_result_create(actor=w.c.mia, objective=draft, title=w.my_kr.title, start_value=0, target_value=5)
    hanks = objective_create(actor=w.c.hank, cycle=w.next, level=Level.PERSON, title="韩的目标", owner=w.c.hank)
    with pytest.raises(ValidationError) as refused:
        decision_record(actor=w.c.mia, objective=w.mine, outcome="missed", action="keep", into=hanks.pk)
    assert "into" in refused.value.message_dict
    assert not Decision.objects.filter(objective=w.mine).exists()

    decision = decision_record(actor=w.c.mia, objective=w.mine, outcome="missed", action="keep", into=draft.pk)
    assert decision.carried_id == draft.pk
    assert Objective.objects.get(pk=draft.pk).carried_from_id == w.mine.pk
    assert KeyResult.objects.get(pk=draft_kr.pk).carried_from_id == w.my_kr.pk
    assert Objective.objects.filter(cycle=w.next, owner=w.c.mia).count() == 1  # nothing copied
