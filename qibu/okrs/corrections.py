"""Reads on corrective actions (EXE-11, PLAY-SALES step 5): an objective's corrections for its page and the API, the
corrections of a week for the weekly meetings' agenda (`corrections_between`), and what a correction changed, in
words. The writes are `qibu.okrs.services.corrections`.

Each list is one query whatever the size of the company (the objective, key result and people come with the rows).
Which objectives a reader may see is the caller's to decide: the objective page reads its own; a meeting passes the
objectives it discusses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.core.numbers import NumberFormat
from qibu.okrs.models import Commitment, Correction, CorrectionApproval, CorrectionKind, Priority

# The corrections an objective's page lists, newest first.
OBJECTIVE_CORRECTIONS_LIMIT = 50
# The corrections of a week's agenda, at most (the agenda is read in one query).
BETWEEN_LIMIT = 500
# What a changed description shows of its text, before and after.
_DESCRIPTION_SHOWN = 80


@dataclass(frozen=True)
class CorrectionRow:
    """A correction as a page, the API and the weekly meeting's agenda show it: what, why, what changed (each change
    "before → after" in the reader's language), who made it and who agreed it."""

    id: int
    objective_id: int
    objective: str
    key_result_id: int | None
    key_result: str  # "" when the correction is about the objective itself
    kind: str
    kind_label: str
    reason: str
    changes: list[str]
    actor_id: int | None
    actor: str
    approval: str
    approval_label: str
    approver_id: int | None
    approver: str  # "" while nobody has agreed it
    agreed_at: dt.datetime | None
    at: dt.datetime
    url: str
    progress_before: Decimal | None = None
    progress_after: Decimal | None = None
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    @property
    def change(self) -> str:
        """Every change in one line ("target 100 → 80; dates …")."""
        return "; ".join(self.changes)

    @property
    def pending(self) -> bool:
        return self.approval == CorrectionApproval.PENDING


def _date(value: Any) -> str:
    if not value:
        return "—"
    try:
        return str(date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT"))
    except ValueError:
        return str(value)


def _short(value: Any) -> str:
    text = str(value or "").strip()
    return text if len(text) <= _DESCRIPTION_SHOWN else text[: _DESCRIPTION_SHOWN - 1] + "…"


def _number(value: Any, numbers: NumberFormat, suffix: str) -> str:
    return f"{numbers.number(value)}{suffix}" if value not in (None, "") else "—"


def _label(choices: list[tuple[Any, Any]], value: Any) -> str:
    return str(dict(choices).get(value, "—"))


def _objective_words(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    words = []
    if "title" in after:
        words.append(_("title “%(before)s” → “%(after)s”") % {"before": before.get("title"), "after": after["title"]})
    if "description" in after:
        words.append(
            _("description “%(before)s” → “%(after)s”")
            % {"before": _short(before.get("description")) or "—", "after": _short(after["description"]) or "—"}
        )
    if "priority" in after:
        words.append(
            _("priority %(before)s → %(after)s")
            % {
                "before": _label(Priority.choices, before.get("priority")),
                "after": _label(Priority.choices, after["priority"]),
            }
        )
    if "commitment" in after:
        words.append(
            _("commitment %(before)s → %(after)s")
            % {
                "before": _label(Commitment.choices, before.get("commitment")),
                "after": _label(Commitment.choices, after["commitment"]),
            }
        )
    return words


def _measure_words(before: dict[str, Any], after: dict[str, Any], unit: str) -> list[str]:
    numbers = NumberFormat()
    suffix = f" {unit}" if unit else ""
    words = []
    if "target_value" in after:
        words.append(
            _("target %(before)s → %(after)s")
            % {
                "before": _number(before.get("target_value"), numbers, suffix),
                "after": _number(after["target_value"], numbers, suffix),
            }
        )
    if "band_low" in after or "band_high" in after:
        band = "%s – %s"
        words.append(
            _("band %(before)s → %(after)s")
            % {
                "before": band
                % (_number(before.get("band_low"), numbers, suffix), _number(before.get("band_high"), numbers, suffix)),
                "after": band
                % (_number(after.get("band_low"), numbers, suffix), _number(after.get("band_high"), numbers, suffix)),
            }
        )
    if "start_date" in after or "end_date" in after:
        words.append(
            _("dates %(before)s → %(after)s")
            % {
                "before": f"{_date(before.get('start_date'))} – {_date(before.get('end_date'))}",
                "after": f"{_date(after.get('start_date'))} – {_date(after.get('end_date'))}",
            }
        )
    return words


def change_words(kind: str, before: dict[str, Any], after: dict[str, Any], *, unit: str = "") -> list[str]:
    """What a correction changed, one "before → after" in words for each thing changed, in the current language."""
    words = _objective_words(before, after) + _measure_words(before, after, unit)
    if "strategy" in after:
        words.append(
            _("strategy or resources “%(before)s” → “%(after)s”")
            % {"before": _short(before.get("strategy")) or "—", "after": _short(after["strategy"])}
        )
    if not words and kind == CorrectionKind.RE_EVALUATE:
        words.append(_("re-evaluated, kept as it is"))
    return words


def _rows(corrections: Iterable[Correction]) -> list[CorrectionRow]:
    kinds = dict(CorrectionKind.choices)
    states = dict(CorrectionApproval.choices)
    rows = []
    for c in corrections:
        kr = c.key_result
        rows.append(
            CorrectionRow(
                id=c.pk,
                objective_id=c.objective_id,
                objective=c.objective.title,
                key_result_id=c.key_result_id,
                key_result=kr.title if kr is not None else "",
                kind=c.kind,
                kind_label=str(kinds.get(c.kind, c.kind)),
                reason=c.reason,
                changes=change_words(c.kind, c.before, c.after, unit=kr.unit if kr is not None else ""),
                actor_id=c.actor_id,
                actor=str(c.actor) if c.actor is not None else "—",
                approval=c.approval,
                approval_label=str(states.get(c.approval, c.approval)),
                approver_id=c.approver_id,
                approver=str(c.approver) if c.approver is not None else "",
                agreed_at=c.agreed_at,
                at=c.created_at,
                url=reverse("okrs:objective", args=[c.objective_id]) + f"#correction-{c.pk}",
                progress_before=c.progress_before,
                progress_after=c.progress_after,
                before=c.before,
                after=c.after,
            )
        )
    return rows


def _queryset() -> QuerySet[Correction]:
    return Correction.objects.select_related("objective", "key_result", "actor", "approver")


def objective_corrections(objective_id: int, *, limit: int = OBJECTIVE_CORRECTIONS_LIMIT) -> list[CorrectionRow]:
    """The corrections of one objective, newest first (one query)."""
    return _rows(_queryset().filter(objective_id=objective_id).order_by("-created_at", "-id")[:limit])


def _moment(value: dt.datetime | dt.date) -> dt.datetime:
    """A date as the start of that day in the current time zone; a moment as it is."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def corrections_between(
    *, objective_ids: Sequence[int] | Iterable[int], start: dt.datetime | dt.date, end: dt.datetime | dt.date
) -> list[CorrectionRow]:
    """The corrections of the objectives given made from `start` (included) to `end` (excluded; a date means the
    start of that day), oldest first: what the weekly meeting's agenda lists (EXE-11). One query, at most
    `BETWEEN_LIMIT` rows."""
    ids = list(objective_ids)
    if not ids:
        return []
    return _rows(
        _queryset()
        .filter(objective_id__in=ids, created_at__gte=_moment(start), created_at__lt=_moment(end))
        .order_by("created_at", "id")[:BETWEEN_LIMIT]
    )
