"""Compiling a publication's snapshot (PUB-1) and what changed since the previous one of its cycle.

A handful of queries whatever the size of the company: the objectives of a cycle with their owners, departments
and teams (one query), their key results with owners (one), their alignment parents (one); rows are written with
`bulk_create` in batches. Only approved objectives are copied (`selectors.approved_q`: until approval exists,
"approved" means "not a draft"), and never a private one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Q

from qibu.cycles.models import Cycle
from qibu.okrs.models import Alignment, KeyResult, Level, Objective, Visibility
from qibu.publish.models import Entry, Part, Publication
from qibu.publish.selectors import approved_q

WRITE_BATCH = 1000
# The levels each part copies from its cycle.
CURRENT_PARTS: dict[str, Part] = {
    Level.COMPANY: Part.COMPANY,
    Level.DEPARTMENT: Part.DEPARTMENT,
    Level.TEAM: Part.DEPARTMENT,
    Level.PERSON: Part.PERSON,
}
# The keys of a key result's target: a change of any of them is "target changed".
TARGET_KEYS = ("kind", "start", "target", "unit", "low", "high")
# The keys `access.can_read` decides by, carried by every change.
ACCESS_KEYS = ("visibility", "owner_id", "author_id", "owner_manager_id", "department_path")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else ("0" if value == 0 else format(value.normalize(), "f"))


def _published(cycle: Cycle, levels: Iterable[str]) -> Q:
    return Q(cycle=cycle, level__in=list(levels)) & approved_q() & ~Q(visibility=Visibility.PRIVATE)


def _key_results(objectives: Q) -> dict[int, list[dict[str, Any]]]:
    rows = (
        KeyResult.objects.filter(objective__in=Objective.objects.filter(objectives).values("pk"))
        .select_related("owner")
        .order_by("objective_id", "position", "id")
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for kr in rows.iterator(2000):
        found[kr.objective_id].append(
            {
                "id": kr.pk,
                "title": kr.title,
                "kind": kr.kind,
                "start": _text(kr.start_value),
                "target": _text(kr.target_value),
                "current": _text(kr.current_value),
                "unit": kr.unit,
                "low": _text(kr.band_low),
                "high": _text(kr.band_high),
                "owner": str(kr.owner) if kr.owner else "",
                "progress": _text(kr.progress),
                "progress_raw": _text(kr.progress_raw),
                "confidence": kr.confidence,
                "score": _text(kr.score),
            }
        )
    return found


def _parents(objectives: Q) -> dict[int, list[str]]:
    """Titles of the parents everyone may see (a parent limited to a department or private is not named)."""
    rows = (
        Alignment.objects.filter(child__in=Objective.objects.filter(objectives).values("pk"))
        .filter(rollup_parent__visibility=Visibility.COMPANY)
        .values_list("child_id", "parent_objective__title", "parent_key_result__title", "rollup_parent__title")
        .order_by("child_id", "id")
    )
    found: dict[int, list[str]] = defaultdict(list)
    for child_id, objective_title, kr_title, rollup_title in rows.iterator(2000):
        found[child_id].append(objective_title or f"{rollup_title} · {kr_title}")
    return found


def _entries(publication: Publication, cycle: Cycle, parts: dict[str, Part]) -> Iterator[Entry]:
    objectives = _published(cycle, parts)
    key_results = _key_results(objectives)
    parents = _parents(objectives)
    rows = (
        Objective.objects.filter(objectives)
        .select_related("owner", "department", "team")
        .order_by("department__path", "owner__full_name", "owner_id", "priority", "id")
    )
    for position, objective in enumerate(rows.iterator(2000)):
        owner, department = objective.owner, objective.department
        yield Entry(
            publication=publication,
            part=parts[objective.level],
            position=position,
            objective_id=objective.pk,
            level=objective.level,
            title=objective.title,
            owner_id=objective.owner_id,
            owner_name=str(owner) if owner else "",
            department_id=objective.department_id,
            department_name=department.name if department else "",
            team_name=objective.team.name if objective.team else "",
            visibility=objective.visibility,
            author_id=objective.author_id,
            owner_manager_id=owner.manager_id if owner else None,
            department_path=department.path if department else "",
            progress=objective.progress,
            confidence=objective.confidence,
            score=objective.score,
            parents=parents.get(objective.pk, []),
            key_results=key_results.get(objective.pk, []),
        )


def _write(entries: Iterable[Entry]) -> int:
    batch: list[Entry] = []
    written = 0
    for entry in entries:
        batch.append(entry)
        if len(batch) >= WRITE_BATCH:
            Entry.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    Entry.objects.bulk_create(batch)
    return written + len(batch)


def snapshot_write(publication: Publication) -> int:
    """Copy the cycle's OKRs into the publication: the year's company OKRs, the quarter's company, department (and
    team) and personal OKRs, and every objective of the previous quarter as its summary. Answers how many."""
    cycle = publication.cycle
    written = _write(_entries(publication, cycle, CURRENT_PARTS))
    if cycle.parent is not None:
        written += _write(_entries(publication, cycle.parent, {Level.COMPANY: Part.ANNUAL}))
    if publication.previous_cycle is not None:
        previous_parts = dict.fromkeys(CURRENT_PARTS, Part.PREVIOUS)
        written += _write(_entries(publication, publication.previous_cycle, previous_parts))
    return written


# --- what changed since the previous publication -----------------------------------------------------------

_DIFF_FIELDS = ("objective_id", "part", "title", "key_results", *ACCESS_KEYS)


def _compared(publication: Publication) -> dict[int, dict[str, Any]]:
    rows = Entry.objects.filter(publication=publication).exclude(part=Part.PREVIOUS).values(*_DIFF_FIELDS)
    return {row["objective_id"]: row for row in rows.iterator(2000)}


def _change(kind: str, what: str, entry: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {"change": kind, "what": what, "part": entry["part"], **values} | {key: entry[key] for key in ACCESS_KEYS}


def _key_result_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[dict[str, Any]]:
    before = {kr["id"]: kr for kr in old["key_results"]}
    after = {kr["id"]: kr for kr in new["key_results"]}
    objective = new["title"]
    for pk, kr in after.items():
        was = before.get(pk)
        if was is None:
            yield _change("added", "key_result", new, title=kr["title"], objective=objective, after=kr)
            continue
        if was["title"] != kr["title"]:
            yield _change("retitled", "key_result", new, title=kr["title"], objective=objective, before=was["title"])
        if any(was.get(key) != kr.get(key) for key in TARGET_KEYS):
            yield _change("target", "key_result", new, title=kr["title"], objective=objective, before=was, after=kr)
    for pk, was in before.items():
        if pk not in after:
            yield _change("removed", "key_result", new, title=was["title"], objective=objective)


def changes_since(previous: Publication | None, publication: Publication) -> list[dict[str, Any]]:
    """Objectives and key results added, removed, retitled, and key results whose target changed, since the
    previous publication of the cycle (none for the first). Each change keeps the access keys of its objective."""
    if previous is None:
        return []
    old, new = _compared(previous), _compared(publication)
    changes: list[dict[str, Any]] = []
    for pk, entry in new.items():
        was = old.get(pk)
        if was is None:
            changes.append(_change("added", "objective", entry, title=entry["title"]))
            continue
        if was["title"] != entry["title"]:
            changes.append(_change("retitled", "objective", entry, title=entry["title"], before=was["title"]))
        changes.extend(_key_result_changes(was, entry))
    changes.extend(_change("removed", "objective", was, title=was["title"]) for pk, was in old.items() if pk not in new)
    return changes
