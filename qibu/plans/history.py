"""How the history of action steps reads (registered at start-up by `PlansConfig.ready`). A step's entries are listed
under the step itself (its page shows them), but for its deletion, listed under its objective. Steps are named only
for viewers who may see their objective."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import (
    Names,
    Ref,
    ValueFormat,
    register_action,
    register_format,
    register_labels,
    register_namer,
)
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import Objective

STEP = "plans.actionstep"
PERSON = "org.person"


def _people_refs(value: Any) -> list[Ref]:
    return [(PERSON, pk) for pk in value or [] if isinstance(pk, int)]


def _show_people(value: Any, names: Names) -> str:
    return ", ".join(names.get(r, f"#{r[1]}") for r in _people_refs(value)) or "—"


def _step_ref(value: Any) -> list[Ref]:
    return [(STEP, value)] if isinstance(value, int) else []


def _show_step(value: Any, names: Names) -> str:
    return names.get((STEP, value), f"#{value}") if isinstance(value, int) else "—"


def _visible_step_titles(ids: set[int], viewer: Any) -> dict[int, str]:
    from qibu.plans.models import ActionStep

    visible = Objective.objects.filter(visible_objectives_q(viewer))
    return dict(ActionStep.objects.filter(pk__in=ids, key_result__objective__in=visible).values_list("pk", "title"))


def register() -> None:
    register_action("action_step.create", _("planned an action step"))
    register_action("action_step.update", _("changed an action step"))
    register_action("action_step.reassign", _("gave an action step to other people"))
    register_action("action_step.move", _("moved an action step"))
    register_action("action_step.split", _("split an action step in two"))
    register_action("action_step.split_off", _("made an action step from part of another"))
    register_action("action_step.status", _("changed the status of an action step"))
    register_action("action_step.delete", _("deleted an action step"))
    register_labels(
        {
            "resource_people": _("people"),
            "split_into": _("split into"),
            "split_from": _("split from"),
        }
    )
    people = ValueFormat(show=_show_people, refs=_people_refs)
    register_format(STEP, "resource_people", people)
    step = ValueFormat(show=_show_step, refs=_step_ref)
    register_format(STEP, "split_into", step)
    register_format(STEP, "split_from", step)
    register_namer(STEP, _visible_step_titles)
