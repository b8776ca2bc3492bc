"""How the history of cycles reads (registered at start-up by `CyclesConfig.ready`): kinds by their label,
dates in the reader's format and a parent cycle by its name, all from the model's fields."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_namer
from qibu.cycles.models import Cycle

CYCLE = "cycles.cycle"


def _cycles(ids: set[int], viewer: Any) -> dict[int, str]:
    return dict(Cycle.objects.filter(pk__in=ids).values_list("pk", "name"))


def register() -> None:
    register_action("cycle.create", _("created the cycle"))
    register_action("cycle.update", _("changed the cycle"))
    register_action("cycle.close", _("closed the cycle"))
    register_action("cycle.reopen", _("reopened the cycle"))
    register_namer(CYCLE, _cycles)
