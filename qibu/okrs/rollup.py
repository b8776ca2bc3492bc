"""Keeping the stored roll-ups right (MEAS-1 … MEAS-5).

After any change that moves a number — a check-in, a new weight, a re-alignment, a deletion — the
service that made it calls `refresh_objectives` with the objectives it touched. Their progress and
confidence are recomputed from their key results and aligned children in SQL aggregates, then the
same is done for the objectives they align to, level by level up to the company. The number of queries
depends on the depth of the alignment tree, never on the number of people.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum

from qibu.okrs import progress as meas
from qibu.okrs.models import Alignment, KeyResult, Objective, RollupMode, Status

_DEC = DecimalField(max_digits=30, decimal_places=8)
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


def _weighted(field: str, weight: str) -> Sum:
    return Sum(ExpressionWrapper(F(weight) * F(field), output_field=_DEC), output_field=_DEC)


def _aggregate_key_results(ids: set[int]) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    rows = (
        KeyResult.objects.filter(objective_id__in=ids)
        .values("objective_id")
        .annotate(w=Sum("weight"), wp=_weighted("progress", "weight"), wc=_weighted("confidence", "weight"))
    )
    return {r["objective_id"]: (Decimal(r["w"] or 0), Decimal(r["wp"] or 0), Decimal(r["wc"] or 0)) for r in rows}


def _aggregate_children(ids: set[int]) -> dict[int, tuple[Decimal, Decimal, Decimal, Decimal]]:
    rows = (
        Alignment.objects.filter(rollup_parent_id__in=ids)
        .exclude(child__status=Status.DRAFT)
        .values("rollup_parent_id")
        .annotate(
            w=Sum("child__weight"),
            wp=_weighted("child__progress", "child__weight"),
            wc=_weighted("child__confidence", "child__weight"),
            wcw=Sum("child__weight", filter=Q(child__confidence__isnull=False)),
        )
    )
    return {
        r["rollup_parent_id"]: (
            Decimal(r["w"] or 0),
            Decimal(r["wp"] or 0),
            Decimal(r["wc"] or 0),
            Decimal(r["wcw"] or 0),
        )
        for r in rows
    }


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


def refresh_objectives(ids: Iterable[int]) -> None:
    """Recompute the roll-ups of these objectives and of every objective above them."""
    frontier = {i for i in ids if i is not None}
    depth = 0
    while frontier and depth < _MAX_DEPTH:
        depth += 1
        objectives = list(Objective.objects.filter(pk__in=frontier).only("id", "rollup_mode", "progress", "confidence"))
        kr_aggs = _aggregate_key_results(frontier)
        child_aggs = _aggregate_children(frontier)
        changed = []
        for obj in objectives:
            progress, confidence = _combine(obj.rollup_mode, kr_aggs.get(obj.pk), child_aggs.get(obj.pk))
            if progress != obj.progress or confidence != obj.confidence:
                obj.progress, obj.confidence = progress, confidence
                changed.append(obj)
        if changed:
            Objective.objects.bulk_update(changed, ["progress", "confidence"])
        # Parents are recomputed even when this level did not change only if they were asked for;
        # unchanged children cannot move a parent, so the walk stops early where nothing moved.
        frontier = set(
            Alignment.objects.filter(child_id__in=[o.pk for o in changed]).values_list("rollup_parent_id", flat=True)
        )


def refresh_all() -> None:
    """Recompute every key result and objective, e.g. after a bulk load. Bottom-up by alignment depth."""
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
    for chunk in _chunks(sorted(ids), 500):
        chunk_set = set(chunk)
        objectives = list(Objective.objects.filter(pk__in=chunk_set).only("id", "rollup_mode"))
        kr_aggs = _aggregate_key_results(chunk_set)
        child_aggs = _aggregate_children(chunk_set)
        for obj in objectives:
            obj.progress, obj.confidence = _combine(obj.rollup_mode, kr_aggs.get(obj.pk), child_aggs.get(obj.pk))
        Objective.objects.bulk_update(objectives, ["progress", "confidence"], batch_size=500)


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
