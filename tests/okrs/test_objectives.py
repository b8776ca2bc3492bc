"""Objectives and key results as written: dates (SET-8), priority (SET-10), key result kinds (SET-4,
SET-5), titles, and the department an objective belongs to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qibu.cycles.services import cycle_close
from qibu.okrs.models import KeyResult, KeyResultKind, Level, Objective, Priority
from qibu.okrs.services import key_result_create, key_result_update, objective_create, objective_update
from qibu.org.services import department_create, person_create, team_create
from tests.conftest import Company

D = Decimal


def _objective(c: Company, **kwargs: Any) -> Objective:
    fields: dict[str, Any] = {
        "actor": c.mia,
        "cycle": c.quarter,
        "level": Level.PERSON,
        "owner": c.mia,
        "title": "打开苏州市场",
    }
    fields.update(kwargs)
    return objective_create(**fields)


def _refused(call: Callable[..., object], field: str, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    assert field in exc.value.message_dict, exc.value.message_dict
    return exc.value.message_dict


# --- SET-8: dates ---------------------------------------------------------------------------------


def test_it_takes_the_dates_of_the_cycle_by_default_SET_8(company: Company) -> None:
    """SET-8."""
    objective = _objective(company)
    assert (objective.start_date, objective.end_date) == (company.quarter.start, company.quarter.end)
    kr = key_result_create(actor=company.mia, objective=objective, title="k", start_value=0, target_value=4)
    assert (kr.start_date, kr.end_date) == (company.quarter.start, company.quarter.end)


def test_it_keeps_explicit_dates_SET_8(company: Company) -> None:
    """SET-8."""
    objective = _objective(company, start_date=dt.date(2026, 10, 15), end_date=dt.date(2026, 11, 30))
    assert (objective.start_date, objective.end_date) == (dt.date(2026, 10, 15), dt.date(2026, 11, 30))
    # A key result defaults to its objective's dates.
    kr = key_result_create(actor=company.mia, objective=objective, title="k", start_value=0, target_value=4)
    assert (kr.start_date, kr.end_date) == (dt.date(2026, 10, 15), dt.date(2026, 11, 30))


def test_it_refuses_an_end_before_the_start_SET_8(company: Company) -> None:
    """SET-8."""
    c = company
    count = Objective.objects.count()
    _refused(
        objective_create,
        "end_date",
        actor=c.mia,
        cycle=c.quarter,
        level=Level.PERSON,
        owner=c.mia,
        title="t",
        start_date=dt.date(2026, 12, 1),
        end_date=dt.date(2026, 11, 1),
    )
    assert Objective.objects.count() == count
    objective = _objective(c)
    _refused(objective_update, "end_date", actor=c.mia, objective=objective, data={"end_date": dt.date(2026, 9, 1)})
    assert Objective.objects.get(pk=objective.pk).end_date == c.quarter.end
    _refused(
        key_result_create,
        "end_date",
        actor=c.mia,
        objective=objective,
        title="k",
        start_value=0,
        target_value=1,
        start_date=dt.date(2026, 11, 2),
        end_date=dt.date(2026, 11, 1),
    )


def test_it_refuses_new_objectives_in_a_closed_cycle_SET_8(company: Company) -> None:
    """SET-8."""
    cycle_close(actor=None, cycle=company.quarter)
    _refused(_objective, "cycle", c=company)


# --- SET-10: priority -----------------------------------------------------------------------------


def test_it_orders_by_priority_SET_10(company: Company) -> None:
    """SET-10."""
    c = company
    _objective(c, title="normal", priority=Priority.P2)
    _objective(c, title="must", priority=Priority.P0)
    _objective(c, title="default")
    assert list(Objective.objects.filter(owner=c.mia).values_list("title", flat=True)) == ["must", "default", "normal"]
    assert Objective.objects.get(title="default").priority == Priority.P1


def test_it_refuses_an_unknown_priority_SET_10(company: Company) -> None:
    """SET-10."""
    _refused(_objective, "priority", c=company, priority=9)
    _refused(_objective, "priority", c=company, priority="urgent")


def test_it_reads_a_priority_typed_as_text_SET_10(company: Company) -> None:
    """SET-10."""
    assert _objective(company, priority="0").priority == Priority.P0


def test_it_refuses_a_position_that_is_not_a_number(company: Company) -> None:
    objective = _objective(company)
    kr = key_result_create(actor=company.mia, objective=objective, title="k", start_value=0, target_value=4)
    _refused(key_result_update, "position", actor=company.mia, key_result=kr, data={"position": "first"})


def test_it_changes_the_priority_SET_10(company: Company) -> None:
    """SET-10."""
    objective = _objective(company)
    objective_update(actor=company.mia, objective=objective, data={"priority": Priority.P0})
    assert Objective.objects.get(pk=objective.pk).priority == Priority.P0


# --- SET-4 / SET-5: key result kinds ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": "increase", "start_value": 5, "target_value": 5}, "target_value"),
        ({"kind": "decrease", "start_value": 5, "target_value": 5}, "target_value"),
        ({"kind": "increase", "start_value": 10, "target_value": 5}, "target_value"),
        ({"kind": "decrease", "start_value": 5, "target_value": 10}, "target_value"),
        ({"kind": "increase", "start_value": 0, "target_value": None}, "target_value"),
        ({"kind": "increase", "start_value": 0, "target_value": "lots"}, "target_value"),
        ({"kind": "band", "band_low": 10, "band_high": 5}, "band_low"),
        ({"kind": "band", "band_high": 5}, "band_low"),
        ({"kind": "band", "band_low": 5}, "band_high"),
        ({"kind": "milestones", "milestones": []}, "milestones"),
        ({"kind": "milestones", "milestones": ["", "  "]}, "milestones"),
        ({"kind": "milestones", "milestones": [{"title": "a", "weight": 0}]}, "milestones"),
        ({"kind": "guess", "start_value": 0, "target_value": 1}, "kind"),
        ({"start_value": 0, "target_value": 1, "weight": 0}, "weight"),
        ({"start_value": 0, "target_value": 1, "confidence": 120}, "confidence"),
    ],
)
def test_it_refuses_a_key_result_that_cannot_be_measured_SET_4(
    company: Company, fields: dict[str, Any], error_field: str
) -> None:
    """SET-4."""
    objective = _objective(company)
    _refused(key_result_create, error_field, actor=company.mia, objective=objective, title="k", **fields)
    assert not KeyResult.objects.filter(objective=objective).exists()
    assert Objective.objects.get(pk=objective.pk).confidence is None


@pytest.mark.parametrize(
    ("fields", "progress"),
    [
        ({"kind": "increase", "start_value": 10, "target_value": 20, "current_value": 15}, D("0.5")),
        ({"kind": "decrease", "start_value": 20, "target_value": 10, "current_value": 12}, D("0.8")),
        ({"kind": "band", "band_low": 95, "band_high": 99}, D(1)),  # starts at the low limit
        ({"kind": "band", "band_low": 95, "band_high": 99, "current_value": 90}, D(0)),
        ({"kind": "milestones", "milestones": ["a", {"title": "b", "weight": 3}]}, D(0)),
        ({"kind": "boolean"}, D(0)),
    ],
)
def test_it_accepts_each_kind_of_key_result_SET_4_MEAS_1_MEAS_2_MEAS_3(
    company: Company, fields: dict[str, Any], progress: Decimal
) -> None:
    """SET-4, MEAS-1, MEAS-2, MEAS-3."""
    objective = _objective(company)
    kr = key_result_create(actor=company.mia, objective=objective, title="k", **fields)
    assert KeyResult.objects.get(pk=kr.pk).progress == progress
    assert Objective.objects.get(pk=objective.pk).progress == progress


def test_it_checks_the_numbers_again_when_a_key_result_changes_SET_4(company: Company) -> None:
    """SET-4."""
    objective = _objective(company)
    kr = key_result_create(actor=company.mia, objective=objective, title="k", start_value=0, target_value=10)
    _refused(key_result_update, "target_value", actor=company.mia, key_result=kr, data={"target_value": 0})
    _refused(key_result_update, "target_value", actor=company.mia, key_result=kr, data={"kind": "decrease"})
    stored = KeyResult.objects.get(pk=kr.pk)
    assert (stored.kind, stored.target_value) == (KeyResultKind.INCREASE, D(10))


# --- titles and text --------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["", "   ", None, "长" * 201])
def test_it_refuses_an_empty_or_too_long_title(company: Company, title: str | None) -> None:
    count = Objective.objects.count()
    _refused(_objective, "title", c=company, title=title)
    assert Objective.objects.count() == count


def test_it_accepts_a_title_of_200_characters(company: Company) -> None:
    assert len(_objective(company, title="长" * 200).title) == 200


def test_it_refuses_a_key_result_title_of_201_characters(company: Company) -> None:
    objective = _objective(company)
    _refused(key_result_create, "title", actor=company.mia, objective=objective, title="x" * 201, target_value=1)


def test_it_refuses_a_blank_title_on_update(company: Company) -> None:
    objective = _objective(company)
    _refused(objective_update, "title", actor=company.mia, objective=objective, data={"title": " "})
    assert Objective.objects.get(pk=objective.pk).title == "打开苏州市场"


def test_it_stores_html_verbatim(company: Company) -> None:
    """Escaping is the templates' job: the text is kept exactly as typed (trimmed)."""
    title = '<script>alert("x")</script> & <b>bold</b>'
    objective = _objective(company, title=title, description="<img src=x onerror=alert(1)>")
    stored = Objective.objects.get(pk=objective.pk)
    assert stored.title == title
    assert stored.description == "<img src=x onerror=alert(1)>"


# --- where an objective belongs -----------------------------------------------------------------------


def test_it_files_a_personal_objective_under_its_owners_department(company: Company) -> None:
    objective = _objective(company, department=company.marketing)
    assert objective.department == company.sales
    assert objective.team is None
    # Another owner moves it to the new owner's department.
    objective_update(actor=company.alice, objective=objective, data={"owner": company.oscar})
    stored = Objective.objects.get(pk=objective.pk)
    assert (stored.owner, stored.department) == (company.oscar, company.marketing)


def test_it_files_a_team_objective_under_its_teams_department(company: Company) -> None:
    c = company
    design = team_create(actor=None, name="设计组", department=c.marketing)
    objective = objective_create(
        actor=c.hank, cycle=c.quarter, level=Level.TEAM, team=c.sales_team, department=c.marketing, title="t"
    )
    assert (objective.team, objective.department) == (c.sales_team, c.sales)
    objective_update(actor=c.alice, objective=objective, data={"team": design})
    assert Objective.objects.get(pk=objective.pk).department == c.marketing


def test_it_needs_what_each_level_needs(company: Company) -> None:
    c = company
    _refused(objective_create, "owner", actor=c.mia, cycle=c.quarter, level=Level.PERSON, title="t")
    _refused(objective_create, "team", actor=c.mia, cycle=c.quarter, level=Level.TEAM, title="t")
    _refused(objective_create, "department", actor=c.mia, cycle=c.quarter, level=Level.DEPARTMENT, title="t")
    _refused(objective_create, "level", actor=c.mia, cycle=c.quarter, level="galaxy", title="t", owner=c.mia)
    top = objective_create(
        actor=c.erin, cycle=c.quarter, level=Level.COMPANY, title="t", department=c.sales, team=c.sales_team
    )
    assert (top.department, top.team) == (None, None)


def test_it_files_a_personal_objective_of_someone_without_department(company: Company) -> None:
    c = company
    loner = person_create(actor=None, username="lone", full_name="Lone")
    objective = _objective(c, owner=loner)
    assert objective.department is None
    sub = department_create(actor=None, name="华南", parent=c.sales)
    assert (
        objective_create(actor=c.hank, cycle=c.quarter, level=Level.DEPARTMENT, department=sub, title="t").department
        == sub
    )


def test_it_names_every_problem_at_once(company: Company) -> None:
    errors = _refused(
        objective_create,
        "title",
        actor=company.mia,
        cycle=company.quarter,
        level=Level.PERSON,
        title="",
        weight="heavy",
        visibility="secret",
    )
    assert {"title", "weight", "visibility", "owner"} <= errors.keys()
