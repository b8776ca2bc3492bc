"""Alignment (SET-6): several parents, no loops, no double counting, history kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qibu.audit.models import AuditEntry
from qibu.okrs.models import Alignment, Level, Objective
from qibu.okrs.services import alignment_set, key_result_create, objective_create
from tests.conftest import Company


def _objective(c: Company, title: str, **kwargs: Any) -> Objective:
    return objective_create(actor=c.erin, cycle=c.quarter, level=Level.COMPANY, owner=c.erin, title=title, **kwargs)


def _links(objective: Objective) -> set[str]:
    return {
        f"kr:{a.parent_key_result_id}" if a.parent_key_result_id else f"objective:{a.parent_objective_id}"
        for a in Alignment.objects.filter(child=objective)
    }


def _refused_loop(c: Company, objective: Objective, **kwargs: Any) -> None:
    links_before = set(Alignment.objects.values_list("child_id", "rollup_parent_id"))
    entries_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        alignment_set(actor=c.erin, objective=objective, **kwargs)
    messages = exc.value.message_dict["parent_objective_ids"]
    assert any("loop" in m for m in messages), messages
    assert set(Alignment.objects.values_list("child_id", "rollup_parent_id")) == links_before
    assert AuditEntry.objects.count() == entries_before


def test_it_aligns_to_several_parents_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    first, second = _objective(c, "P1"), _objective(c, "P2")
    kr = key_result_create(actor=c.erin, objective=_objective(c, "P3"), title="k", start_value=0, target_value=1)
    child = _objective(c, "C", parent_objective_ids=[first.pk, second.pk], parent_key_result_ids=[kr.pk])
    assert _links(child) == {f"objective:{first.pk}", f"objective:{second.pk}", f"kr:{kr.pk}"}


def test_it_replaces_the_parents_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    first, second = _objective(c, "P1"), _objective(c, "P2")
    child = _objective(c, "C", parent_objective_ids=[first.pk])
    alignment_set(actor=c.erin, objective=child, parent_objective_ids=[second.pk])
    assert _links(child) == {f"objective:{second.pk}"}
    alignment_set(actor=c.erin, objective=child)
    assert _links(child) == set()


def test_it_refuses_aligning_to_itself_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    objective = _objective(c, "O")
    _refused_loop(c, objective, parent_objective_ids=[objective.pk])


def test_it_refuses_aligning_to_its_own_key_result_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    objective = _objective(c, "O")
    kr = key_result_create(actor=c.erin, objective=objective, title="k", start_value=0, target_value=1)
    _refused_loop(c, objective, parent_key_result_ids=[kr.pk])


def test_it_refuses_a_direct_loop_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    parent = _objective(c, "P")
    child = _objective(c, "C", parent_objective_ids=[parent.pk])
    _refused_loop(c, parent, parent_objective_ids=[child.pk])


def test_it_refuses_a_loop_through_a_key_result_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    parent = _objective(c, "P")
    parent_kr = key_result_create(actor=c.erin, objective=parent, title="k", start_value=0, target_value=1)
    child = _objective(c, "C", parent_key_result_ids=[parent_kr.pk])
    child_kr = key_result_create(actor=c.erin, objective=child, title="k", start_value=0, target_value=1)
    _refused_loop(c, parent, parent_key_result_ids=[child_kr.pk])
    _refused_loop(c, parent, parent_objective_ids=[child.pk])


def test_it_refuses_a_loop_through_a_longer_chain_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    chain = [_objective(c, "O0")]
    for i in range(1, 6):
        chain.append(_objective(c, f"O{i}", parent_objective_ids=[chain[-1].pk]))
    middle_kr = key_result_create(actor=c.erin, objective=chain[3], title="k", start_value=0, target_value=1)
    chain.append(_objective(c, "leaf", parent_key_result_ids=[middle_kr.pk]))
    _refused_loop(c, chain[0], parent_objective_ids=[chain[-1].pk])
    _refused_loop(c, chain[1], parent_objective_ids=[chain[4].pk])
    # Keeping a good parent does not excuse a bad one.
    unrelated = _objective(c, "unrelated")
    _refused_loop(c, chain[2], parent_objective_ids=[unrelated.pk, chain[5].pk])


def test_it_allows_a_diamond_SET_6(company: Company) -> None:
    """SET-6: Two paths to the same ancestor are not a loop."""
    c = company
    top = _objective(c, "top")
    left = _objective(c, "left", parent_objective_ids=[top.pk])
    right = _objective(c, "right", parent_objective_ids=[top.pk])
    bottom = _objective(c, "bottom", parent_objective_ids=[left.pk, right.pk])
    assert _links(bottom) == {f"objective:{left.pk}", f"objective:{right.pk}"}


def test_it_refuses_an_objective_and_one_of_its_key_results_together_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    parent = _objective(c, "P")
    kr = key_result_create(actor=c.erin, objective=parent, title="k", start_value=0, target_value=1)
    other_kr = key_result_create(actor=c.erin, objective=parent, title="k2", start_value=0, target_value=1)
    child = _objective(c, "C")
    with pytest.raises(ValidationError) as exc:
        alignment_set(actor=c.erin, objective=child, parent_objective_ids=[parent.pk], parent_key_result_ids=[kr.pk])
    assert "parent_key_result_ids" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        alignment_set(actor=c.erin, objective=child, parent_key_result_ids=[kr.pk, other_kr.pk])
    assert "parent_key_result_ids" in exc.value.message_dict
    assert _links(child) == set()


def test_it_refuses_unknown_parents_and_creates_nothing_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    with pytest.raises(ValidationError) as exc:
        _objective(c, "C", parent_objective_ids=[999999])
    assert "parent_objective_ids" in exc.value.message_dict
    # One transaction: the objective itself was not created either.
    assert not Objective.objects.filter(title="C").exists()
    with pytest.raises(ValidationError) as exc:
        _objective(c, "C", parent_key_result_ids=[999999])
    assert "parent_key_result_ids" in exc.value.message_dict


def test_it_switches_from_an_objective_to_one_of_its_key_results_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    parent = _objective(c, "P")
    kr = key_result_create(actor=c.erin, objective=parent, title="k", start_value=0, target_value=1)
    child = _objective(c, "C", parent_objective_ids=[parent.pk])
    alignment_set(actor=c.erin, objective=child, parent_key_result_ids=[kr.pk])
    assert _links(child) == {f"kr:{kr.pk}"}


def test_it_records_alignment_history_SET_6(company: Company) -> None:
    """SET-6."""
    c = company
    first, second = _objective(c, "P1"), _objective(c, "P2")
    child = _objective(c, "C", parent_objective_ids=[first.pk])
    alignment_set(actor=c.hank, objective=child, parent_objective_ids=[second.pk])
    entry = AuditEntry.objects.filter(
        action="alignment.set", subject_type="okrs.objective", subject_id=child.pk
    ).first()
    assert entry is not None
    assert entry.actor == c.hank
    assert entry.at is not None
    assert entry.before == {"parents": [f"objective:{first.pk}"]}
    assert entry.after == {"parents": [f"objective:{second.pk}"]}
    # Setting the same parents again is not a change.
    count = AuditEntry.objects.count()
    alignment_set(actor=c.hank, objective=child, parent_objective_ids=[second.pk])
    assert AuditEntry.objects.count() == count
