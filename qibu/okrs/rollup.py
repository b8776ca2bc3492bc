"""Keeping the stored roll-ups right (MEAS-1 … MEAS-5).

After any change that moves a number — a check-in, a new weight, a re-alignment, a deletion — the
service that made it first locks what it will refresh (`lock_upwards`, at the start of its transaction) and
then calls `refresh_objectives` with the objectives it touched. Their progress and
confidence are recomputed from their key results and aligned children in SQL aggregates, then the
same is done for the objectives they align to, level by level up to the company. The number of queries
depends on the depth of the alignment tree, never on the number of people.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

from qibu.okrs import progress as meas
from qibu.okrs.models import Alignment, Approval, KeyResult, Objective, RollupMode

# A chain longer than this means corrupt data; alignment loops are refused at input.
_MAX_DEPTH = 50


def key_result_compute(kr: KeyResult, milestones: Iterable[tuple[Decimal, bool]] | None = None) -> None:
    """Set `kr.progress_raw` and `kr.progress` from its own values (not saved)."""
    if milestones is None and kr.kind == "milestones":
        milestones = [(m.weight, m.done) for m in kr.milestones.all()]
    result = meas.key_result_progress(
        kind=kr.kind,
        start=kr.start_value,
        target=kr.target_value,
        current=kr.current_value,
        band_low=kr.band_low,
        band_high=kr.band_high,
        milestones=milestones or (),
    )
    kr.progress_raw = result.raw
    kr.progress = result.clamped


def _combine(
    mode: str, krs: tuple[Decimal, Decimal, Decimal] | None, children: tuple[Decimal, ...] | None
) -> tuple[Decimal, Decimal | None]:
    """MEAS-4/5 for one objective from the two aggregates, by its roll-up mode."""
    weight = Decimal(0)
    weighted_progress = Decimal(0)
    conf_weight = Decimal(0)
    weighted_conf = Decimal(0)
    if mode in (RollupMode.KEY_RESULTS, RollupMode.KEY_RESULTS_AND_CHILDREN) and krs:
        weight += krs[0]
        weighted_progress += krs[1]
        conf_weight += krs[0]
        weighted_conf += krs[2]
    if mode in (RollupMode.CHILDREN, RollupMode.KEY_RESULTS_AND_CHILDREN) and children:
        weight += children[0]
        weighted_progress += children[1]
        conf_weight += children[3]
        weighted_conf += children[2]
    progress = meas.clamp(weighted_progress / weight) if weight > 0 else Decimal(0)
    confidence = weighted_conf / conf_weight if conf_weight > 0 else None
    q = Decimal("0.0001")
    return progress.quantize(q), (confidence.quantize(q) if confidence is not None else None)


# One statement per level of the walk: each objective's own row, the weighted sums over its key results
# and over the agreed objectives aligned under it (`Objective.is_agreed`: approved now or once before; a draft
# counts once approved), through the indexes on key result → objective and alignment → rollup parent, and the
# objectives it rolls up into. Plain SQL because compiling the same as three ORM aggregates per level cost far
# more than running them; it is portable (SQLite, PostgreSQL).
_LEVEL_SQL = """\
SELECT o.id, o.rollup_mode, o.progress, o.confidence,
       k.w, k.wp, k.wc, c.w, c.wp, c.wc, c.wcw, up.rollup_parent_id
FROM {objective} o
LEFT JOIN (
    SELECT objective_id AS oid, SUM(weight) AS w, SUM(weight * progress) AS wp, SUM(weight * confidence) AS wc
    FROM {key_result} WHERE objective_id IN ({ids}) GROUP BY objective_id
) k ON k.oid = o.id
LEFT JOIN (
    SELECT al.rollup_parent_id AS oid, SUM(ch.weight) AS w, SUM(ch.weight * ch.progress) AS wp,
           SUM(ch.weight * ch.confidence) AS wc,
           SUM(CASE WHEN ch.confidence IS NOT NULL THEN ch.weight END) AS wcw
    FROM {alignment} al INNER JOIN {objective} ch ON ch.id = al.child_id
    WHERE al.rollup_parent_id IN ({ids}) AND (ch.approval = %s OR ch.approved_at IS NOT NULL)
    GROUP BY al.rollup_parent_id
) c ON c.oid = o.id
LEFT JOIN {alignment} up ON up.child_id = o.id
WHERE o.id IN ({ids})
"""
# SQLite answers sums as floats: keep 15 significant digits, as Django's own decimal converter does.
_FROM_FLOAT = decimal.Context(prec=15).create_decimal_from_float
# Three lists of ids in one statement: stay under SQLite's oldest limit of 999 parameters.
_LEVEL_CHUNK = 300


def _dec(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return _FROM_FLOAT(value)


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


@dataclass
class _LevelRow:
    mode: str
    progress: Decimal
    confidence: Decimal | None
    key_results: tuple[Decimal, Decimal, Decimal] | None
    children: tuple[Decimal, Decimal, Decimal, Decimal] | None
    parents: set[int] = field(default_factory=set)


def _read_level(ids: list[int]) -> dict[int, _LevelRow]:
    """Every objective of `ids` with both aggregates and the objectives it rolls up into."""
    qn = connection.ops.quote_name
    sql = _LEVEL_SQL.format(
        objective=qn(Objective._meta.db_table),
        key_result=qn(KeyResult._meta.db_table),
        alignment=qn(Alignment._meta.db_table),
        ids=", ".join(["%s"] * len(ids)),
    )
    rows: dict[int, _LevelRow] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *ids, Approval.APPROVED.value, *ids])
        for pk, mode, progress, confidence, kw, kwp, kwc, cw, cwp, cwc, cwcw, parent in cursor.fetchall():
            row = rows.get(pk)
            if row is None:
                row = rows[pk] = _LevelRow(
                    mode=mode,
                    progress=_dec(progress),
                    confidence=_opt_dec(confidence),
                    key_results=None if kw is None else (_dec(kw), _dec(kwp), _dec(kwc)),
                    children=None if cw is None else (_dec(cw), _dec(cwp), _dec(cwc), _dec(cwcw)),
                )
            if parent is not None:
                row.parents.add(parent)
    return rows


def _save(values: dict[int, tuple[Decimal, Decimal | None]]) -> None:
    if len(values) == 1:
        ((pk, (progress, confidence)),) = values.items()
        Objective.objects.filter(pk=pk).update(progress=progress, confidence=confidence)
    elif values:
        Objective.objects.bulk_update(
            [Objective(pk=pk, progress=p, confidence=c) for pk, (p, c) in values.items()],
            ["progress", "confidence"],
            batch_size=500,
        )


# Every objective from these up through alignment, locked in one order (by id) in one statement, so that writers
# walking overlapping parts of the tree wait for each other instead of crossing (a deadlock) or losing an update.
_LOCK_UPWARDS_SQL = """\
WITH RECURSIVE up(id) AS (
    SELECT id FROM {objective} WHERE id IN ({ids})
    UNION
    SELECT al.rollup_parent_id FROM {alignment} al INNER JOIN up ON al.child_id = up.id
)
SELECT o.id FROM {objective} o WHERE o.id IN (SELECT id FROM up) ORDER BY o.id FOR UPDATE OF o
"""


def lock_upwards(ids: Iterable[int]) -> None:
    """Lock these objectives and every objective they roll up into, before a write that will refresh them.

    Two writers that read the same objective's totals (two check-ins on key results of one objective, or of two
    objectives aligned under one parent) must not both compute it from totals read before the other committed:
    the second waits here until the first commits, then reads its totals. Locks are taken in one order (key
    results first, by the service; then objectives, by id) so that waiting never goes round in a circle. On
    SQLite, whose write transactions run one at a time (IMMEDIATE), there is nothing to lock."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted or not connection.features.has_select_for_update:
        return
    qn = connection.ops.quote_name
    sql = _LOCK_UPWARDS_SQL.format(
        objective=qn(Objective._meta.db_table),
        alignment=qn(Alignment._meta.db_table),
        ids=", ".join(["%s"] * len(wanted)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, wanted)
        cursor.fetchall()


def refresh_objectives(ids: Iterable[int]) -> dict[int, tuple[Decimal, Decimal | None]]:
    """Recompute the roll-ups of these objectives and of every objective above them.

    Answers the (progress, confidence) now stored for each of the objectives asked for, so that a caller
    showing them need not read them back."""
    frontier = {i for i in ids if i is not None}
    asked = set(frontier)
    answer: dict[int, tuple[Decimal, Decimal | None]] = {}
    depth = 0
    while frontier and depth < _MAX_DEPTH:
        depth += 1
        following: set[int] = set()
        for chunk in _chunks(sorted(frontier), _LEVEL_CHUNK):
            changed: dict[int, tuple[Decimal, Decimal | None]] = {}
            for pk, row in _read_level(chunk).items():
                progress, confidence = _combine(row.mode, row.key_results, row.children)
                if depth == 1 and pk in asked:
                    answer[pk] = (progress, confidence)
                if progress != row.progress or confidence != row.confidence:
                    changed[pk] = (progress, confidence)
                    # Unchanged children cannot move a parent, so the walk stops early where nothing moved.
                    following |= row.parents
            _save(changed)
        frontier = following
    return answer


def computed_rollups(ids: Iterable[int]) -> dict[int, tuple[Decimal, Decimal | None]]:
    """(progress, confidence) of these objectives as their key results and aligned objectives give them now,
    without storing anything: what `refresh_objectives` would store, to check the stored roll-ups against."""
    computed: dict[int, tuple[Decimal, Decimal | None]] = {}
    for chunk in _chunks(sorted(set(ids)), _LEVEL_CHUNK):
        for pk, row in _read_level(chunk).items():
            computed[pk] = _combine(row.mode, row.key_results, row.children)
    return computed


def refresh_all(*, key_results: bool = True) -> None:
    """Recompute every key result (unless `key_results` is false: they are known to be right) and every
    objective, e.g. after a bulk load. Objectives bottom-up by alignment depth."""
    if key_results:
        krs = list(KeyResult.objects.prefetch_related("milestones"))
        for kr in krs:
            key_result_compute(kr)
        KeyResult.objects.bulk_update(krs, ["progress", "progress_raw"], batch_size=2000)
    # Leaves first: objectives with nothing aligned under them, then upwards.
    all_ids = set(Objective.objects.values_list("id", flat=True))
    parents_of: dict[int, list[int]] = {}
    pending: dict[int, int] = dict.fromkeys(all_ids, 0)
    for child_id, parent_id in Alignment.objects.values_list("child_id", "rollup_parent_id"):
        parents_of.setdefault(child_id, []).append(parent_id)
        pending[parent_id] += 1
    # Kahn's order: an objective is computed once all the objectives aligned under it are.
    level = {i for i, n in pending.items() if n == 0}
    while level:
        _refresh_level(level)
        following: set[int] = set()
        for child_id in level:
            for parent_id in parents_of.get(child_id, ()):
                pending[parent_id] -= 1
                if pending[parent_id] == 0:
                    following.add(parent_id)
        level = following


def _refresh_level(ids: set[int]) -> None:
    for chunk in _chunks(sorted(ids), _LEVEL_CHUNK):
        values = {pk: _combine(row.mode, row.key_results, row.children) for pk, row in _read_level(chunk).items()}
        if values:
            Objective.objects.bulk_update(
                [Objective(pk=pk, progress=p, confidence=c) for pk, (p, c) in values.items()],
                ["progress", "confidence"],
                batch_size=500,
            )


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
