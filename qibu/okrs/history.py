"""How the history of objectives, key results, check-ins and alignment reads (registered at start-up by
`OkrsConfig.ready`). Titles of objectives and key results are named only for viewers who may see them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import (
    Names,
    Ref,
    ValueFormat,
    register_action,
    register_format,
    register_hidden,
    register_labels,
    register_namer,
)
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import CorrectionApproval, CorrectionKind, KeyResult, Milestone, Objective

OBJECTIVE = "okrs.objective"
KEY_RESULT = "okrs.keyresult"
MILESTONE = "okrs.milestone"
DRAFT_KEY_RESULT = "okrs.draftkeyresult"


def _parent_refs(value: Any) -> list[Ref]:
    """The parents of an alignment as stored: "objective:12", "kr:5"."""
    refs: list[Ref] = []
    for item in value or []:
        kind, _sep, pk = str(item).partition(":")
        if pk.isdigit():
            refs.append((KEY_RESULT if kind == "kr" else OBJECTIVE, int(pk)))
    return refs


def _show_parents(value: Any, names: Names) -> str:
    return ", ".join(names.get(r, f"#{r[1]}") for r in _parent_refs(value)) or "—"


def _milestone_refs(value: Any) -> list[Ref]:
    return [(MILESTONE, int(pk)) for pk in value or [] if isinstance(pk, int)]


def _show_milestones(value: Any, names: Names) -> str:
    """The titles of the milestones done; one since deleted is said to be, not shown by its number."""
    deleted = str(_("a deleted milestone"))
    return ", ".join(names.get(r, deleted) for r in _milestone_refs(value)) or "—"


def _objective_refs(value: Any) -> list[Ref]:
    return [(OBJECTIVE, value)] if isinstance(value, int) else []


def _show_objective(value: Any, names: Names) -> str:
    return names.get((OBJECTIVE, value), f"#{value}") if isinstance(value, int) else "—"


def _people_refs(value: Any) -> list[Ref]:
    return [("org.person", pk) for pk in value or [] if isinstance(pk, int)]


def _show_people(value: Any, names: Names) -> str:
    return ", ".join(names.get(r, f"#{r[1]}") for r in _people_refs(value)) or "—"


def _show_correction_kind(value: Any, names: Names) -> str:
    return str(dict(CorrectionKind.choices).get(value, value))


def _show_correction_approval(value: Any, names: Names) -> str:
    return str(dict(CorrectionApproval.choices).get(value, value))


def _percent(value: Any, names: Names) -> str:
    return f"{value}%"


def _checkin_about(before: dict[str, Any], after: dict[str, Any]) -> Ref | None:
    key_result = after.get("key_result")
    return (KEY_RESULT, key_result) if isinstance(key_result, int) else None


def _visible_objective_titles(ids: set[int], viewer: Any) -> dict[int, str]:
    return dict(Objective.objects.filter(visible_objectives_q(viewer), pk__in=ids).values_list("pk", "title"))


def _visible_key_result_titles(ids: set[int], viewer: Any) -> dict[int, str]:
    visible = Objective.objects.filter(visible_objectives_q(viewer))
    return dict(KeyResult.objects.filter(pk__in=ids, objective__in=visible).values_list("pk", "title"))


def _visible_milestone_titles(ids: set[int], viewer: Any) -> dict[int, str]:
    visible = Objective.objects.filter(visible_objectives_q(viewer))
    return dict(Milestone.objects.filter(pk__in=ids, key_result__objective__in=visible).values_list("pk", "title"))


def register() -> None:
    register_action("objective.create", _("created the objective"))
    register_action("objective.update", _("changed the objective"))
    register_action("objective.delete", _("deleted the objective"))
    register_action("key_result.create", _("added a key result"))
    register_action("key_result.update", _("changed a key result"))
    register_action("key_result.delete", _("deleted a key result"))
    register_action(
        "check_in.create", _("checked in"), about=_checkin_about, hidden=("key_result", "previous_confidence")
    )
    register_action("alignment.set", _("changed the alignment"))
    # SET-1, SET-2: the steps of approval (qibu.okrs.services.approval).
    register_action("approval.submit", _("submitted the objective for approval"))
    register_action("approval.approve", _("approved the objective"))
    register_action("approval.return", _("returned the objective with comments"))
    register_action("approval.reopen", _("took the objective back to draft"))
    register_action("key_result.move_out", _("moved a key result to another objective"))
    register_action("key_result.move_in", _("moved a key result here from another objective"))
    # EXE-11: corrective actions (qibu.okrs.services.corrections).
    register_action("milestone.update", _("changed a milestone's due date"))
    register_action("correction.create", _("made a correction"))
    register_action("correction.agree", _("agreed a correction"))
    register_action("correction.return", _("returned a correction"))
    register_action("draft_key_result.create", _("drafted a key result"))
    register_action("draft_key_result.update", _("changed a drafted key result"))
    register_action("draft_key_result.delete", _("deleted a drafted key result"))
    register_action("draft_key_result.gather", _("gathered a drafted key result under an objective"))
    register_labels(
        {
            "parents": _("aligned to"),
            "milestones": _("milestones"),
            "milestones_done": _("milestones done"),
            "done": _("done"),
            "key_result": _("key result"),
            "confidence": _("confidence"),
            "previous_confidence": _("confidence before"),
            "confidence_reason": _("why confidence fell"),
            "comment": _("comment"),
            "contributors": _("carried by"),
            "reason": _("reason"),
            "due_date": _("due date"),
            "strategy": _("strategy or resources"),
            "correction": _("correction"),
            "correction_approval": _("approval"),
        }
    )
    register_hidden("position")
    percent = ValueFormat(show=_percent)
    for key in ("confidence", "previous_confidence"):
        register_format("*", key, percent)
    register_format("*", "parents", ValueFormat(show=_show_parents, refs=_parent_refs))
    register_format("*", "contributors", ValueFormat(show=_show_people, refs=_people_refs))
    register_format("*", "milestones_done", ValueFormat(show=_show_milestones, refs=_milestone_refs))
    register_format(DRAFT_KEY_RESULT, "objective", ValueFormat(show=_show_objective, refs=_objective_refs))
    register_format("*", "correction", ValueFormat(show=_show_correction_kind))
    register_format("*", "correction_approval", ValueFormat(show=_show_correction_approval))
    register_namer(OBJECTIVE, _visible_objective_titles)
    register_namer(KEY_RESULT, _visible_key_result_titles)
    register_namer(MILESTONE, _visible_milestone_titles)
