"""The filters of the company and department pages: health, owner, level and staleness, from the query string.

A filter is read from GET parameters (`health`, `owner`, `level`, `stale`), so a filtered page is a link that can
be shared and works without JavaScript. Each filter becomes a condition in SQL over the stored roll-ups, never a
loop over rows: health is a range of the stored confidence against the organisation's thresholds (MEAS-6, as
`progress.health_for` decides it), staleness an EXISTS over key results without a check-in within the cadence
(MEAS-8, as `progress.is_stale` decides it), the owner a match on the stored search key of their name (characters,
pinyin or its initials, as the search box matches). A value that is not one of the choices is left out and named
as not applied; it never fails the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from qibu.core.pinyin import search_terms
from qibu.okrs import progress as meas
from qibu.okrs.models import KeyResult, Level, Objective, Status, agreed_q
from qibu.org.models import Organisation

OWNER_MAX = 100
HEALTH_CHOICES: list[tuple[str, str | Promise]] = [
    (meas.Health.ON_TRACK, _("On track")),
    (meas.Health.AT_RISK, _("At risk")),
    (meas.Health.OFF_TRACK, _("Off track")),
]
PARAMS = ("health", "owner", "level", "stale")
_LABELS: dict[str, str | Promise] = {
    "health": _("Health"),
    "owner": _("Owner"),
    "level": _("Level"),
    "stale": _("Stale key results"),
}


@dataclass(frozen=True)
class Shown:
    """A filter as the page names it: its label and its value in words."""

    label: str | Promise
    value: str | Promise


@dataclass(frozen=True)
class Filters:
    """The filters a page applies (empty: not applied) and those given but not understood (`ignored`)."""

    health: str = ""
    owner: str = ""
    level: str = ""
    stale: bool = False
    levels: tuple[str, ...] = ()  # the levels this page lists, offered as choices
    default_level: str = ""  # the level listed without a level filter ("": every one of `levels`)
    ignored: tuple[Shown, ...] = ()
    params: dict[str, str] = field(default_factory=dict)  # the applied ones, as query parameters

    @property
    def active(self) -> bool:
        return bool(self.params)

    @property
    def health_choices(self) -> list[tuple[str, str | Promise]]:
        return HEALTH_CHOICES

    @property
    def level_choices(self) -> list[tuple[str, str | Promise]]:
        return [(v, label) for v, label in Level.choices if v in self.levels and v != self.default_level]

    @property
    def level_label(self) -> str | Promise:
        return Level(self.level).label if self.level else ""

    @property
    def default_level_label(self) -> str | Promise:
        return Level(self.default_level).label if self.default_level else _("any level")

    @property
    def shown(self) -> list[Shown]:
        """The applied filters in words, in the form's order."""
        out = []
        if self.health:
            out.append(Shown(_LABELS["health"], dict(HEALTH_CHOICES)[self.health]))
        if self.owner:
            out.append(Shown(_LABELS["owner"], self.owner))
        if self.level:
            out.append(Shown(_LABELS["level"], Level(self.level).label))
        if self.stale:
            out.append(Shown(_LABELS["stale"], _("only with stale key results")))
        return out

    def query(self, extra: Mapping[str, int | str | None] | None = None) -> str:
        """The query string of these filters (and `extra`, such as the cycle), "" without any."""
        items: dict[str, int | str] = {k: v for k, v in (extra or {}).items() if v is not None and v != ""}
        items.update(self.params)
        return urlencode(items)

    def objectives_q(self, organisation: Organisation, now: dt.datetime) -> Q:
        """Objectives that pass every applied filter (owner, health, level, staleness)."""
        condition = Q()
        if self.level:
            condition &= Q(level=self.level)
        if self.health:
            condition &= health_q(organisation, self.health)
        if self.owner:
            condition &= owner_q(self.owner, "owner__")
        if self.stale:
            stale = stale_key_results(organisation, now).filter(objective_id=OuterRef("pk"))
            condition &= Q(Exists(stale), status=Status.ACTIVE) & agreed_q()
        return condition

    def people_q(self, organisation: Organisation, now: dt.datetime, objectives: QuerySet[Objective]) -> Q:
        """People that pass the filters as the people table shows them: by name (the owner filter), by the worst
        health of their `objectives` (the table's "worst health"), by having a stale key result in an active one.
        The level does not apply to people."""
        condition = Q()
        if self.owner:
            condition &= owner_q(self.owner)
        theirs = objectives.filter(owner_id=OuterRef("pk"))
        if self.health:
            condition &= worst_health_q(organisation, self.health, theirs)
        if self.stale:
            stale = stale_key_results(organisation, now).filter(objective_id=OuterRef("pk"))
            condition &= Q(Exists(theirs.filter(agreed_q(), Exists(stale), status=Status.ACTIVE)))
        return condition


def stale_key_results(organisation: Organisation, now: dt.datetime) -> QuerySet[KeyResult]:
    """MEAS-8 in SQL, as `progress.is_stale`: key results without a check-in within the cadence (counted from
    creation before the first). Callers keep to active objectives: drafts and closed ones await no check-in."""
    cutoff = now - dt.timedelta(days=organisation.checkin_cadence_days)
    late = Q(last_checkin_at__lt=cutoff) | Q(last_checkin_at__isnull=True, created_at__lt=cutoff)
    return KeyResult.objects.filter(late)


def health_q(organisation: Organisation, health: str, prefix: str = "") -> Q:
    """MEAS-6 as a range of the stored confidence, as `progress.health_for` decides it (none: no health)."""
    on_track, at_risk = organisation.on_track_confidence, organisation.at_risk_confidence
    key = f"{prefix}confidence"
    if health == meas.Health.ON_TRACK:
        return Q(**{f"{key}__gte": on_track})
    if health == meas.Health.AT_RISK:
        return Q(**{f"{key}__gte": at_risk, f"{key}__lt": on_track})
    return Q(**{f"{key}__lt": at_risk})


def worst_health_q(organisation: Organisation, health: str, theirs: QuerySet[Objective]) -> Q:
    """Someone whose lowest confidence among `theirs` has this health: one of theirs has it, none is worse."""
    has = Q(Exists(theirs.filter(health_q(organisation, health))))
    if health == meas.Health.OFF_TRACK:
        return has
    worse = Q(confidence__lt=organisation.at_risk_confidence)
    if health == meas.Health.ON_TRACK:
        worse = Q(confidence__lt=organisation.on_track_confidence)
    return has & ~Q(Exists(theirs.filter(worse)))


def owner_q(text: str, prefix: str = "") -> Q:
    """A person whose name or username contains the text, in characters, pinyin or its initials."""
    return reduce(or_, (Q(**{f"{prefix}search_key__contains": term}) for term in search_terms(text)))


def filters_from(params: Mapping[str, str], *, levels: Sequence[str], default_level: str = "") -> Filters:
    """The filters of the query string; a value that is not a choice is ignored and named in `ignored`."""
    applied: dict[str, str] = {}
    ignored: list[Shown] = []
    health = params.get("health", "").strip()
    if health:
        if health in dict(HEALTH_CHOICES):
            applied["health"] = health
        else:
            ignored.append(Shown(_LABELS["health"], health[:OWNER_MAX]))
    owner = " ".join(params.get("owner", "").split())
    if owner:
        if len(owner) <= OWNER_MAX and search_terms(owner):
            applied["owner"] = owner
        else:
            ignored.append(Shown(_LABELS["owner"], owner[:OWNER_MAX] + "…"))  # only ever too long
    level = params.get("level", "").strip()
    if level:
        if level in levels:
            applied["level"] = level
        else:
            ignored.append(Shown(_LABELS["level"], level[:OWNER_MAX]))
    stale = params.get("stale", "").strip()
    if stale:
        if stale in ("1", "on", "true"):
            applied["stale"] = "1"
        else:
            ignored.append(Shown(_LABELS["stale"], stale[:OWNER_MAX]))
    return Filters(
        health=applied.get("health", ""),
        owner=applied.get("owner", ""),
        level=applied.get("level", ""),
        stale="stale" in applied,
        levels=tuple(levels),
        default_level=default_level,
        ignored=tuple(ignored),
        params=applied,
    )
