"""The quality coach: warnings shown while an objective is drafted, and what to push first today.

Pure functions on plain values and page data (no queries), so the editor can call them on every keystroke
and the tests can exercise each rule by its ID. Every warning names its rule (SET-3 …) and the policy number it
applies; when the organisation's policy departs from the method's default, the warning says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from qibu.okrs.models import KeyResult, KeyResultKind, Level, Objective, Status
from qibu.okrs.selectors import KeyResultStatus, ObjectiveCard
from qibu.org.models import Organisation

NUMERIC_KINDS = (KeyResultKind.INCREASE, KeyResultKind.DECREASE)


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _departure(organisation: Organisation, policy_field: str) -> str:
    """ " (the method's default is N)" when the organisation's policy departs from it, else ""."""
    default = Organisation.DEFAULTS[policy_field]
    if getattr(organisation, policy_field) == default:
        return ""
    return " " + _("(your organisation's policy; the method's default is %(default)d)") % {"default": default}


def objective_warnings(
    *,
    organisation: Organisation,
    owner_objective_count: int,
    key_results: Sequence[Mapping[str, Any]],
    has_alignment: bool,
    level: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
) -> list[str]:
    """The method's advice on an objective being drafted.

    `owner_objective_count` counts the owner's objectives in the cycle including this one;
    `key_results` are dicts with "title", "kind", "start_value" and "target_value" (raw strings or
    Decimals); rows without a title are drafts not yet begun and are not counted.
    """
    warnings: list[str] = []
    most = organisation.max_objectives_per_owner
    if owner_objective_count > most:
        warnings.append(
            _(
                "SET-3: the owner would have %(n)d objectives in this cycle; the policy is at most %(max)d. "
                "Keep only the most important."
            )
            % {"n": owner_objective_count, "max": most}
            + _departure(organisation, "max_objectives_per_owner")
        )

    rows = [kr for kr in key_results if str(kr.get("title") or "").strip()]
    fewest, limit = organisation.min_key_results, organisation.max_key_results
    if not fewest <= len(rows) <= limit:
        departure = _departure(organisation, "min_key_results") or _departure(organisation, "max_key_results")
        warnings.append(
            _("SET-4: %(n)d key results; the policy is %(min)d to %(max)d per objective.")
            % {"n": len(rows), "min": fewest, "max": limit}
            + departure
        )

    for position, kr in enumerate(rows, start=1):
        kind = kr.get("kind") or KeyResultKind.INCREASE
        if kind not in NUMERIC_KINDS:
            continue
        title = str(kr.get("title")).strip()
        target = _number(kr.get("target_value"))
        start = _number(kr.get("start_value")) or Decimal(0)
        if target is None:
            warnings.append(
                _("SET-5: key result %(n)d “%(title)s” has no target number: say how much, by when.")
                % {"n": position, "title": title}
            )
        elif target == start:
            warnings.append(
                _("SET-5: key result %(n)d “%(title)s” has its target equal to its start: nothing to measure.")
                % {"n": position, "title": title}
            )

    if level != Level.COMPANY and not has_alignment:
        warnings.append(
            _(
                "SET-6: not aligned. Link it to a parent objective or key result so everyone sees "
                "which company goal it serves."
            )
        )

    if start_date is None or end_date is None:
        warnings.append(_("SET-8: no explicit start and end dates; the cycle's dates will be used."))
    return warnings


def policy_departures(organisation: Organisation) -> list[str]:
    """One line per policy number the organisation set away from the method's default."""
    lines = []
    for name in organisation.departures_from_method():
        label = getattr(Organisation._meta.get_field(name), "verbose_name", name)
        lines.append(
            _("%(policy)s: %(value)d (the method's default: %(default)d)")
            % {"policy": label, "value": getattr(organisation, name), "default": Organisation.DEFAULTS[name]}
        )
    return lines


# --- EXE-7: what to push first today ------------------------------------------------------------

_HEALTH_RANK = {"off_track": 0, "at_risk": 1, "no_data": 2, "on_track": 3}


@dataclass
class FocusItem:
    """A key result to push today and why it was picked."""

    key_result: KeyResult
    objective: Objective
    reasons: list[str] = field(default_factory=list)


def focus_today(cards: Iterable[ObjectiveCard], limit: int = 3) -> list[FocusItem]:
    """EXE-7: the key results to push first: highest priority, then the least confident.

    Works on the cards of `selectors.objective_cards` (their status today: health, staleness, pace);
    finished key results and closed or draft objectives are left out."""
    candidates: list[tuple[tuple[Any, ...], FocusItem]] = []
    for card in cards:
        objective = card.objective
        if objective.status != Status.ACTIVE or objective.cycle.is_closed:
            continue
        for kr_card in card.key_results:
            kr, status = kr_card.key_result, kr_card.status
            if kr.progress_raw >= 1:
                continue
            key = (
                objective.priority,
                _HEALTH_RANK.get(status.health, 2),
                not status.stale,
                not status.behind_pace,
                kr.confidence,
                kr.pk,
            )
            candidates.append((key, FocusItem(kr, objective, _reasons(objective, kr, status))))
    candidates.sort(key=lambda pair: pair[0])
    return [item for _key, item in candidates[:limit]]


def _reasons(objective: Objective, kr: KeyResult, status: KeyResultStatus) -> list[str]:
    reasons = [str(objective.get_priority_display()), _("confidence %(n)d%%") % {"n": kr.confidence}]
    if status.stale:
        reasons.append(_("no recent check-in"))
    if status.behind_pace:
        reasons.append(_("behind pace"))
    return reasons
