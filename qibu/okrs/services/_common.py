"""What the OKR services share: the fields history keeps, row locks, and the checks of more than one noun."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from qibu.core.validation import FieldErrors, clean_date_range
from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult, Objective
from qibu.okrs.rollup import lock_upwards

OBJECTIVE_FIELDS = (
    "title",
    "description",
    "cycle",
    "level",
    "owner",
    "department",
    "team",
    "priority",
    "weight",
    "commitment",
    "visibility",
    "status",
    "rollup_mode",
    "start_date",
    "end_date",
    "strategic_goal",
)
KEY_RESULT_FIELDS = (
    "title",
    "kind",
    "start_value",
    "target_value",
    "current_value",
    "unit",
    "band_low",
    "band_high",
    "weight",
    "owner",
    "start_date",
    "end_date",
    "confidence",
    "position",
)

# The stored state of a row, re-read under a row lock at the start of a write: the caller's instance may
# be stale (another request checked in meanwhile), and numbers derived from it must not overwrite newer ones.
_OBJECTIVE_STATE = (
    "title",
    "description",
    "priority",
    "weight",
    "commitment",
    "visibility",
    "status",
    "rollup_mode",
    "start_date",
    "end_date",
    "progress",
    "confidence",
    "score",
    "strategic_goal",
)
_KEY_RESULT_STATE = (
    "title",
    "kind",
    "start_value",
    "target_value",
    "current_value",
    "unit",
    "band_low",
    "band_high",
    "weight",
    "start_date",
    "end_date",
    "confidence",
    "progress_raw",
    "progress",
    "score",
    "last_checkin_at",
    "position",
)


def lock_objective(objective: Objective, *also: int) -> None:
    """Lock the objective and every objective above it (and above `also`: parents it will align to), then read
    its state as stored; for a write that changes it and refreshes the roll-ups above."""
    lock_upwards([objective.pk, *also])
    objective.refresh_from_db(fields=_OBJECTIVE_STATE)


def lock_key_result(key_result: KeyResult) -> None:
    """Lock the key result, then its objective and every objective above (key results before objectives: the one
    order every write takes), and read its state as stored."""
    key_result.refresh_from_db(fields=_KEY_RESULT_STATE, from_queryset=KeyResult.objects.select_for_update())
    lock_upwards([key_result.objective_id])


def require_open_cycle(errors: FieldErrors, cycle: Cycle) -> None:
    if cycle.is_closed:
        errors.add("cycle", _("The cycle “%(cycle)s” is closed: it takes no more changes.") % {"cycle": cycle.name})


def dates_within(
    errors: FieldErrors, start: dt.date | None, end: dt.date | None, cycle: Cycle
) -> tuple[dt.date, dt.date]:
    """SET-8: explicit dates, the cycle's where none are given, the end not before the start."""
    return clean_date_range(errors, start or cycle.start, end or cycle.end)


def fall_message(fall: int, old: int, new: int) -> str:
    """EXE-4: what a refused fall of confidence asks for."""
    return _("Confidence fell by %(fall)d points (from %(old)d%% to %(new)d%%). Say why, and what changed.") % {
        "fall": fall,
        "old": old,
        "new": new,
    }
