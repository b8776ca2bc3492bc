"""How the rhythm's history reads (registered at start-up by `RhythmConfig.ready`). Kinds and recurrences read
by their choices' labels, as the model gives them; weekdays by name."""

from __future__ import annotations

from typing import Any

from django.utils import dates
from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import Names, Ref, ValueFormat, register_action, register_format

SCHEDULE = "rhythm.schedule"


def _nothing_else(before: dict[str, Any], after: dict[str, Any]) -> Ref | None:
    return None


def _weekdays(value: Any, names: Names) -> str:
    if not isinstance(value, list):
        return str(value)
    return ", ".join(str(dates.WEEKDAYS.get(day, day)) for day in value)


def register() -> None:
    register_action("schedule.create", _("set a schedule"))
    register_action("schedule.update", _("changed a schedule"))
    register_action("schedule.delete", _("deleted a schedule"))
    register_action("calendar_token.make", _("made a calendar address"), about=_nothing_else)
    register_action("calendar_token.revoke", _("revoked the calendar address"), about=_nothing_else)
    register_action("holiday.create", _("set a holiday"))
    register_action("holiday.delete", _("removed a holiday"))
    register_action("absence.create", _("recorded an absence"), about=_nothing_else)
    register_action("absence.delete", _("removed an absence"), about=_nothing_else)
    register_format(SCHEDULE, "weekdays", ValueFormat(show=_weekdays))
