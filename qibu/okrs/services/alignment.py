"""SET-6: what an objective aligns to. A child aligns to parent objectives or to key results of them (several
allowed, one link per parent objective); loops are refused."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.core.validation import FieldErrors
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import Alignment, KeyResult, Objective
from qibu.okrs.rollup import lock_upwards, refresh_objectives
from qibu.org.models import Person

# Each parent objective, and the key result of it the link goes to (None: to the objective itself).
_Targets = dict[int, tuple[Objective | None, KeyResult | None]]


def _ancestor_ids(objective_ids: set[int]) -> set[int]:
    """Every objective reachable upwards from these through alignment."""
    seen: set[int] = set()
    frontier = set(objective_ids)
    while frontier:
        seen |= frontier
        frontier = (
            set(Alignment.objects.filter(child_id__in=frontier).values_list("rollup_parent_id", flat=True)) - seen
        )
    return seen


def describe(alignment: Alignment) -> str:
    """A link as history keeps it: "objective:12" or "kr:5"."""
    if alignment.parent_key_result_id:
        return f"kr:{alignment.parent_key_result_id}"
    return f"objective:{alignment.parent_objective_id}"


def _hidden_links(actor: Person, current: dict[int, Alignment]) -> tuple[set[int], set[int]]:
    """The links the actor cannot see, which stay as they are: (parent objective ids, parent key result ids)."""
    if not current:
        return set(), set()
    visible = set(Objective.objects.filter(visible_objectives_q(actor), pk__in=current).values_list("pk", flat=True))
    hidden = [link for parent_id, link in current.items() if parent_id not in visible]
    return (
        {link.rollup_parent_id for link in hidden if not link.parent_key_result_id},
        {link.parent_key_result_id for link in hidden if link.parent_key_result_id},
    )


def _visible_parents(
    errors: FieldErrors, actor: Person, objective_ids: set[int], key_result_ids: set[int]
) -> tuple[dict[int, Objective], dict[int, KeyResult]]:
    """The parents asked for that exist for the actor; any other is refused as unknown, so that the answer tells
    nothing about objectives they may not see."""
    visible = Objective.objects.filter(visible_objectives_q(actor))
    objectives = {o.pk: o for o in visible.filter(pk__in=objective_ids).select_related("cycle")}
    key_results = {
        k.pk: k
        for k in KeyResult.objects.filter(pk__in=key_result_ids, objective__in=visible).select_related(
            "objective__cycle"
        )
    }
    for missing in sorted(objective_ids - objectives.keys()):
        errors.add("parent_objective_ids", _("There is no objective #%(id)s.") % {"id": missing})
    for missing in sorted(key_result_ids - key_results.keys()):
        errors.add("parent_key_result_ids", _("There is no key result #%(id)s.") % {"id": missing})
    return objectives, key_results


def _targets(
    errors: FieldErrors, actor: Person, objective: Objective, current: dict[int, Alignment],
    objective_ids: set[int], key_result_ids: set[int],
) -> _Targets:  # fmt: skip
    """The parents asked for, checked (each exists for the actor, one link per parent objective, no loop), with
    the links the actor cannot see kept."""
    hidden_objectives, hidden_key_results = _hidden_links(actor, current)
    objectives, key_results = _visible_parents(
        errors, actor, objective_ids - hidden_objectives, key_result_ids - hidden_key_results
    )
    objectives.update(Objective.objects.in_bulk(hidden_objectives))
    key_results.update(KeyResult.objects.select_related("objective").in_bulk(hidden_key_results))
    targets: _Targets = {pk: (parent, None) for pk, parent in objectives.items()}
    for kr in sorted(key_results.values(), key=lambda k: k.pk):
        if kr.objective_id in targets:
            errors.add(
                "parent_key_result_ids",
                _("“%(title)s” already aligns to “%(parent)s” or another of its key results.")
                % {"title": objective.title, "parent": kr.objective.title},
            )
        targets[kr.objective_id] = (None, kr)
    if objective.pk in targets or objective.pk in _ancestor_ids(set(targets)):
        errors.add(
            "parent_objective_ids",
            _("This alignment would make a loop: “%(title)s” would sit above itself.") % {"title": objective.title},
        )
    _refuse_closed_cycles(errors, current, targets)
    return targets


def _kept(link: Alignment | None, to_objective: Objective | None, to_key_result: KeyResult | None) -> bool:
    """Whether the link asked for is one the objective has already."""
    if link is None:
        return False
    if to_key_result is not None:
        return link.parent_key_result_id == to_key_result.pk
    return not link.parent_key_result_id


def _refuse_closed_cycles(errors: FieldErrors, current: dict[int, Alignment], targets: _Targets) -> None:
    """A new link goes to an objective of an open cycle: a closed cycle's objectives are final, their roll-up
    would move after the cycle was closed (links made before it closed stay)."""
    for parent_id, (to_objective, to_key_result) in targets.items():
        if _kept(current.get(parent_id), to_objective, to_key_result):
            continue
        parent = to_objective if to_objective is not None else to_key_result.objective if to_key_result else None
        if parent is None or not parent.cycle.is_closed:
            continue
        field = "parent_objective_ids" if to_objective is not None else "parent_key_result_ids"
        errors.add(
            field,
            _("“%(parent)s” belongs to the closed cycle “%(cycle)s”: align to an objective of an open cycle.")
            % {"parent": parent.title, "cycle": parent.cycle.name},
        )


@transaction.atomic
def alignment_set(
    *,
    actor: Person,
    objective: Objective,
    parent_objective_ids: Iterable[int] = (),
    parent_key_result_ids: Iterable[int] = (),
) -> list[Alignment]:
    """Replace the objective's parents.

    A parent the actor cannot see does not exist for them: asking for one is refused as for an unknown id, and a
    link to one stays as it is (they could not have chosen to remove what they cannot see)."""
    errors = FieldErrors()
    wanted_objectives = {int(i) for i in parent_objective_ids}
    wanted_key_results = {int(i) for i in parent_key_result_ids}
    # The objective, the parents it leaves and those it joins, and all above them, are refreshed below.
    lock_upwards(
        [
            objective.pk,
            *wanted_objectives,
            *KeyResult.objects.filter(pk__in=wanted_key_results).values_list("objective_id", flat=True),
        ]
    )
    current = {a.rollup_parent_id: a for a in Alignment.objects.filter(child=objective)}
    targets = _targets(
        errors,
        actor,
        objective,
        current,
        {int(i) for i in parent_objective_ids},
        {int(i) for i in parent_key_result_ids},
    )
    errors.raise_if_any()
    before = sorted(describe(a) for a in current.values())
    kept: list[Alignment] = []
    touched: set[int] = set()
    for parent_id, alignment in current.items():
        target = targets.get(parent_id)
        same = target is not None and (
            (target[0] is not None and alignment.parent_objective_id == parent_id)
            or (target[1] is not None and alignment.parent_key_result_id == target[1].pk)
        )
        if same:
            kept.append(alignment)
        else:
            alignment.delete()
            touched.add(parent_id)
    kept_parents = {a.rollup_parent_id for a in kept}
    for parent_id, (to_objective, to_key_result) in targets.items():
        if parent_id in kept_parents:
            continue
        kept.append(
            Alignment.objects.create(
                child=objective,
                parent_objective=to_objective,
                parent_key_result=to_key_result,
                rollup_parent_id=parent_id,
            )
        )
        touched.add(parent_id)
    after = sorted(describe(a) for a in kept)
    if before != after:
        history_record(
            actor=actor, action="alignment.set", subject=objective, before={"parents": before}, after={"parents": after}
        )
        refresh_objectives(touched)
    return kept


def record_lost_alignments(actor: Person, lost: QuerySet[Alignment]) -> None:
    """Objectives aligned to something about to be deleted lose that link: their history says so."""
    lost_ids = set(lost.values_list("pk", flat=True))
    if not lost_ids:
        return
    links: dict[int, list[Alignment]] = {}
    for alignment in Alignment.objects.filter(child_id__in=lost.values("child_id")).order_by("pk"):
        links.setdefault(alignment.child_id, []).append(alignment)
    for child_id, alignments in links.items():
        history_record(
            actor=actor,
            action="alignment.set",
            subject=("okrs.objective", child_id),
            before={"parents": sorted(describe(a) for a in alignments)},
            after={"parents": sorted(describe(a) for a in alignments if a.pk not in lost_ids)},
        )
