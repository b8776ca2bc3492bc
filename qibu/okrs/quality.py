"""The quality coach: warnings shown while an objective is drafted, and what to push first today.

Pure functions on plain values and page data (no queries), so the editor can call them on every keystroke
and the tests can exercise each rule by its ID. Every warning is an `Advice`: its rule's ID (SET-3 …) and a
sentence that explains it in words with the policy number it applies; when the organisation's policy departs from
the method's default, the sentence says so. Pages show the sentence, the ID only as a small label after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


@dataclass(frozen=True)
class Advice:
    """One warning of the coach: the rule it applies (an ID such as "SET-4", for pages to show as a small label
    and for clients to key on) and a sentence that says it in words, standing alone."""

    rule: str
    text: str

    def __str__(self) -> str:
        return self.text


def _too_many_objectives(organisation: Organisation, count: int, *, saved: bool) -> Advice | None:
    """SET-3: `count` objectives for the owner in the cycle, counting the one being written (or just saved)."""
    most = organisation.max_objectives_per_owner
    if count <= most:
        return None
    values = {"n": count, "have": count - 1, "max": most}
    if saved:
        text = _(
            "The owner now has %(n)d objectives in this cycle. The method keeps at most %(max)d per owner, the "
            "most important ones, so that each gets real effort: consider merging two or moving one to a later cycle."
        )
    else:
        text = ngettext(
            "The owner already has %(have)d objective in this cycle; this one would make %(n)d. The method keeps at "
            "most %(max)d per owner, the most important ones, so that each gets real effort: consider merging two "
            "or moving one to a later cycle.",
            "The owner already has %(have)d objectives in this cycle; this one would make %(n)d. The method keeps at "
            "most %(max)d per owner, the most important ones, so that each gets real effort: consider merging two "
            "or moving one to a later cycle.",
            count - 1,
        )
    return Advice("SET-3", text % values + _departure(organisation, "max_objectives_per_owner"))


def _key_result_count(organisation: Organisation, count: int, *, saved: bool | None) -> Advice | None:
    """SET-4: `count` key results on the objective. `saved` None: the objective being drafted with its rows;
    False: a key result about to be added, counted; True: one just added, counted."""
    fewest, limit = organisation.min_key_results, organisation.max_key_results
    if fewest <= count <= limit:
        return None
    departure = _departure(organisation, "min_key_results") or _departure(organisation, "max_key_results")
    values = {"n": count, "have": count - 1, "min": fewest, "max": limit}
    if count < fewest:
        text = ngettext(
            "This objective has %(n)d key result; the method asks for %(min)d to %(max)d, so that its success "
            "can be measured.",
            "This objective has %(n)d key results; the method asks for %(min)d to %(max)d, so that its success "
            "can be measured.",
            count,
        )
    elif saved is None:
        text = _(
            "This objective has %(n)d key results. The method keeps %(min)d to %(max)d per objective so that each "
            "one gets attention: consider merging two or moving one to another objective."
        )
    elif saved:
        text = _(
            "This objective now has %(n)d key results. The method keeps %(min)d to %(max)d per objective so that "
            "each one gets attention: consider merging two or moving one to another objective."
        )
    else:
        text = ngettext(
            "This objective already has %(have)d key result; this one would make %(n)d. The method keeps %(min)d "
            "to %(max)d per objective so that each one gets attention: consider merging two or moving one to "
            "another objective.",
            "This objective already has %(have)d key results; this one would make %(n)d. The method keeps %(min)d "
            "to %(max)d per objective so that each one gets attention: consider merging two or moving one to "
            "another objective.",
            count - 1,
        )
    return Advice("SET-4", text % values + departure)


def addition_warnings(
    *,
    organisation: Organisation,
    owner_objective_count: int | None = None,
    key_result_count: int | None = None,
    saved: bool,
) -> list[Advice]:
    """SET-3, SET-4 when something is added: the owner's objectives in the cycle and the objective's key
    results, each counting what is being added (`saved` False: on the form, before saving) or was just added
    (`saved` True: the message after saving, the API's answer). Warnings, never refusals: the method advises
    and the owner decides. Pages and the API call this one function, so they say the same."""
    found: list[Advice | None] = []
    if owner_objective_count is not None:
        found.append(_too_many_objectives(organisation, owner_objective_count, saved=saved))
    # Adding only makes "too few" better: that one is the editor's to say, not the addition's.
    if key_result_count is not None and key_result_count > organisation.max_key_results:
        found.append(_key_result_count(organisation, key_result_count, saved=saved))
    return [a for a in found if a is not None]


def objective_warnings(
    *,
    organisation: Organisation,
    owner_objective_count: int,
    key_results: Sequence[Mapping[str, Any]],
    has_alignment: bool,
    level: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
) -> list[Advice]:
    """The method's advice on an objective being drafted.

    `owner_objective_count` counts the owner's objectives in the cycle including this one;
    `key_results` are dicts with "title", "kind", "start_value" and "target_value" (raw strings or
    Decimals); rows without a title are drafts not yet begun and are not counted.
    """
    warnings: list[Advice | None] = [_too_many_objectives(organisation, owner_objective_count, saved=False)]
    rows = [kr for kr in key_results if str(kr.get("title") or "").strip()]
    warnings.append(_key_result_count(organisation, len(rows), saved=None))

    for position, kr in enumerate(rows, start=1):
        kind = kr.get("kind") or KeyResultKind.INCREASE
        if kind not in NUMERIC_KINDS:
            continue
        title = str(kr.get("title")).strip()
        target = _number(kr.get("target_value"))
        start = _number(kr.get("start_value")) or Decimal(0)
        if target is None:
            text = _(
                "Key result %(n)d “%(title)s” has no target number. Say how much, by when, so that progress "
                "can be measured."
            )
        elif target == start:
            text = _("Key result %(n)d “%(title)s” has its target equal to its start: there is nothing to measure.")
        else:
            continue
        warnings.append(Advice("SET-5", text % {"n": position, "title": title}))

    if level != Level.COMPANY and not has_alignment:
        warnings.append(
            Advice(
                "SET-6",
                _(
                    "This objective is not aligned. Link it to a parent objective or key result so that everyone "
                    "sees which company goal it serves."
                ),
            )
        )

    if start_date is None or end_date is None:
        warnings.append(Advice("SET-8", _("No start and end dates are set; the cycle's dates will be used.")))
    return [w for w in warnings if w is not None]


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
    finished key results, closed objectives and those not approved yet are left out."""
    candidates: list[tuple[tuple[Any, ...], FocusItem]] = []
    for card in cards:
        objective = card.objective
        if objective.status != Status.ACTIVE or objective.cycle.is_closed or not objective.is_agreed:
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
