"""The measurement rules MEAS-1 … MEAS-8 as pure functions on Decimals.

Nothing here touches the database: services feed rows in and store what comes out, and the
property-based tests exercise these functions directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_QUANT = Decimal("0.0001")
# The raw progress is kept for display up to ±999,999.99 % (it is stored with 4 decimals in 12 digits);
# a value a million times past a tiny target is still shown as over-achieved, and still storable.
RAW_LIMIT = Decimal("9999.9999")


def _q(value: Decimal) -> Decimal:
    return value.quantize(_QUANT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal) -> Decimal:
    return min(ONE, max(ZERO, value))


def linear_progress(*, start: Decimal, target: Decimal, current: Decimal) -> Decimal:
    """MEAS-1, raw: (current − start) / (target − start).

    The same formula serves increasing and decreasing key results: for a decreasing one
    (target < start) it equals (start − current) / (start − target). Values past the target give more
    than 1 (over-achieved); values on the wrong side of the start give less than 0.
    """
    if target == start:
        # Refused at input; if it slips through, the target is reached as soon as it is met.
        return ONE if current == target else ZERO
    return _q((current - start) / (target - start))


def band_progress(*, low: Decimal, high: Decimal, current: Decimal) -> Decimal:
    """MEAS-2: 1 while inside [low, high], else 0."""
    return ONE if low <= current <= high else ZERO


def milestone_progress(milestones: Iterable[tuple[Decimal, bool]]) -> Decimal:
    """MEAS-3: weight of milestones done ÷ total weight (0 when there are none)."""
    total = ZERO
    done = ZERO
    for weight, is_done in milestones:
        total += weight
        if is_done:
            done += weight
    return _q(done / total) if total > 0 else ZERO


def boolean_progress(current: Decimal) -> Decimal:
    """MEAS-3: a yes/no key result is 0 or 1."""
    return ONE if current >= ONE else ZERO


def weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """MEAS-4/5/7: Σ wᵢ·pᵢ ÷ Σ wᵢ, or None with no (positive) weights."""
    total_weight = ZERO
    total = ZERO
    for weight, value in pairs:
        if weight <= 0:
            continue
        total_weight += weight
        total += weight * value
    if total_weight == 0:
        return None
    return _q(total / total_weight)


class Health(StrEnum):
    """MEAS-6: where a key result or objective stands, by its confidence."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


def health_for(confidence: Decimal | int | None, *, on_track: int = 70, at_risk: int = 40) -> Health:
    """MEAS-6: on track ≥ 70 % confidence, at risk 40–69 %, off track below 40 %."""
    if confidence is None:
        return Health.NO_DATA
    if Decimal(confidence) >= on_track:
        return Health.ON_TRACK
    if Decimal(confidence) >= at_risk:
        return Health.AT_RISK
    return Health.OFF_TRACK


def behind_pace(*, progress: Decimal, elapsed_share: float, points: int = 20) -> bool:
    """MEAS-6: progress more than `points` percentage points below the share of the cycle elapsed."""
    return (Decimal(str(elapsed_share)) - progress) * HUNDRED > points


def is_stale(
    *, last_checkin_at: dt.datetime | None, created_at: dt.datetime, now: dt.datetime, cadence_days: int
) -> bool:
    """MEAS-8: no check-in within the cadence (counted from creation before the first check-in)."""
    since = last_checkin_at or created_at
    return now - since > dt.timedelta(days=cadence_days)


@dataclass(frozen=True)
class KeyResultProgress:
    raw: Decimal
    clamped: Decimal


def key_result_progress(
    *,
    kind: str,
    start: Decimal,
    target: Decimal,
    current: Decimal,
    band_low: Decimal | None = None,
    band_high: Decimal | None = None,
    milestones: Iterable[tuple[Decimal, bool]] = (),
) -> KeyResultProgress:
    """The progress of one key result by its kind: raw (shown) and clamped to [0, 1] (rolled up)."""
    if kind in ("increase", "decrease"):
        raw = linear_progress(start=start, target=target, current=current)
    elif kind == "band":
        if band_low is None or band_high is None:
            raw = ZERO
        else:
            raw = band_progress(low=band_low, high=band_high, current=current)
    elif kind == "milestones":
        raw = milestone_progress(milestones)
    elif kind == "boolean":
        raw = boolean_progress(current)
    else:
        raise ValueError(f"unknown key result kind {kind!r}")
    raw = min(RAW_LIMIT, max(-RAW_LIMIT, raw))
    return KeyResultProgress(raw=raw, clamped=clamp(raw))


def default_score(progress: Decimal) -> Decimal:
    """MEAS-7: the end score defaults to the clamped progress, to two decimals."""
    return clamp(progress).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
