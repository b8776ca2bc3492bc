"""Property tests of the measurement rules MEAS-1 … MEAS-8 (qibu/okrs/progress.py), on Decimals."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from qibu.okrs import progress as meas
from qibu.okrs.progress import Health

ZERO = Decimal(0)
ONE = Decimal(1)

# The values a key result can hold: four decimal places, below 10¹⁴ (as the services accept).
values = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False, places=4
)
weights = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("1000"), allow_nan=False, allow_infinity=False, places=2
)
shares = st.decimals(min_value=ZERO, max_value=ONE, allow_nan=False, allow_infinity=False, places=4)
confidences = st.integers(min_value=0, max_value=100)


def _increasing(start: Decimal, target: Decimal) -> tuple[Decimal, Decimal]:
    assume(start != target)
    return min(start, target), max(start, target)


# --- MEAS-1: linear key results -----------------------------------------------------------------


@given(start=values, target=values, current=values)
def test_it_keeps_the_clamped_progress_within_0_and_1_MEAS_1(start: Decimal, target: Decimal, current: Decimal) -> None:
    """MEAS-1."""
    assume(start != target)
    for kind in ("increase", "decrease"):
        result = meas.key_result_progress(kind=kind, start=start, target=target, current=current)
        assert ZERO <= result.clamped <= ONE
        assert result.clamped == meas.clamp(result.raw)


@given(start=values, target=values, current=values, step=values)
def test_it_moves_an_increasing_key_result_up_with_its_value_and_down_when_it_falls_MEAS_1(
    start: Decimal, target: Decimal, current: Decimal, step: Decimal
) -> None:
    """MEAS-1."""
    start, target = _increasing(start, target)
    step = abs(step)
    before = meas.linear_progress(start=start, target=target, current=current)
    higher = meas.linear_progress(start=start, target=target, current=current + step)
    lower = meas.linear_progress(start=start, target=target, current=current - step)
    assert lower <= before <= higher


@given(start=values, target=values, current=values, step=values)
def test_it_moves_a_decreasing_key_result_up_as_its_value_falls_MEAS_1(
    start: Decimal, target: Decimal, current: Decimal, step: Decimal
) -> None:
    """MEAS-1."""
    target, start = _increasing(start, target)  # target below start
    step = abs(step)
    before = meas.linear_progress(start=start, target=target, current=current)
    assert meas.linear_progress(start=start, target=target, current=current - step) >= before
    assert meas.linear_progress(start=start, target=target, current=current + step) <= before


@given(start=values, target=values, current=values)
def test_it_computes_a_decreasing_key_result_as_start_minus_current_over_start_minus_target_MEAS_1(
    start: Decimal, target: Decimal, current: Decimal
) -> None:
    """MEAS-1."""
    target, start = _increasing(start, target)
    expected = ((start - current) / (start - target)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    assert meas.linear_progress(start=start, target=target, current=current) == expected
    shown = meas.key_result_progress(kind="decrease", start=start, target=target, current=current).raw
    assert shown == min(meas.RAW_LIMIT, max(-meas.RAW_LIMIT, expected))


@given(start=values, target=values, current=values)
def test_it_keeps_the_raw_value_storable_however_far_past_the_target_MEAS_1(
    start: Decimal, target: Decimal, current: Decimal
) -> None:
    """MEAS-1: The raw progress is stored in 12 digits with 4 decimals: it is capped at ±999,999.99 %."""
    assume(start != target)
    raw = meas.key_result_progress(kind="increase", start=start, target=target, current=current).raw
    assert -meas.RAW_LIMIT <= raw <= meas.RAW_LIMIT
    assert raw == raw.quantize(Decimal("0.0001"))


@given(start=values, target=values, over=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e6"), places=2))
def test_it_keeps_the_raw_value_above_1_when_over_achieved_MEAS_1(
    start: Decimal, target: Decimal, over: Decimal
) -> None:
    """MEAS-1."""
    start, target = _increasing(start, target)
    current = target + over * (target - start)
    result = meas.key_result_progress(kind="increase", start=start, target=target, current=current)
    assert result.raw > ONE
    assert result.clamped == ONE


@given(start=values, target=values, under=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e6"), places=2))
def test_it_keeps_the_raw_value_below_0_when_below_the_start_MEAS_1(
    start: Decimal, target: Decimal, under: Decimal
) -> None:
    """MEAS-1."""
    start, target = _increasing(start, target)
    current = start - under * (target - start)
    result = meas.key_result_progress(kind="increase", start=start, target=target, current=current)
    assert result.raw < ZERO
    assert result.clamped == ZERO


def test_it_shows_worked_examples_MEAS_1() -> None:
    """MEAS-1."""
    assert meas.linear_progress(start=ZERO, target=Decimal(1000), current=Decimal(250)) == Decimal("0.25")
    # Decreasing: churn from 10 % to 4 %, now 7 % → half way.
    assert meas.linear_progress(start=Decimal(10), target=Decimal(4), current=Decimal(7)) == Decimal("0.5")
    # Over-achieved: 150 % shown, 100 % rolled up.
    kr = meas.key_result_progress(kind="increase", start=ZERO, target=Decimal(10), current=Decimal(15))
    assert (kr.raw, kr.clamped) == (Decimal("1.5"), ONE)


# --- MEAS-2, MEAS-3: band, milestones, yes/no -------------------------------------------------------


@given(low=values, high=values, current=values)
def test_it_scores_a_band_1_inside_and_0_outside_MEAS_2(low: Decimal, high: Decimal, current: Decimal) -> None:
    """MEAS-2."""
    low, high = min(low, high), max(low, high)
    result = meas.key_result_progress(
        kind="band", start=ZERO, target=ONE, current=current, band_low=low, band_high=high
    )
    assert result.raw == (ONE if low <= current <= high else ZERO)


def test_it_counts_the_band_limits_as_inside_MEAS_2() -> None:
    """MEAS-2."""
    for current in (Decimal(95), Decimal(99), Decimal(97)):
        assert meas.band_progress(low=Decimal(95), high=Decimal(99), current=current) == ONE
    assert meas.band_progress(low=Decimal(95), high=Decimal(99), current=Decimal("99.0001")) == ZERO


@given(st.lists(st.tuples(weights, st.booleans()), min_size=1, max_size=12))
def test_it_scores_milestones_by_the_weight_done_over_the_total_weight_MEAS_3(
    milestones: list[tuple[Decimal, bool]],
) -> None:
    """MEAS-3."""
    total = sum((w for w, _done in milestones), ZERO)
    done = sum((w for w, is_done in milestones if is_done), ZERO)
    got = meas.key_result_progress(kind="milestones", start=ZERO, target=ONE, current=ZERO, milestones=milestones)
    assert abs(got.raw - done / total) <= Decimal("0.00005")
    assert ZERO <= got.raw <= ONE
    if all(is_done for _w, is_done in milestones):
        assert got.raw == ONE
    if not any(is_done for _w, is_done in milestones):
        assert got.raw == ZERO


def test_it_scores_no_milestones_as_0_MEAS_3() -> None:
    """MEAS-3."""
    assert meas.milestone_progress([]) == ZERO


@given(current=values)
def test_it_scores_a_yes_no_key_result_0_or_1_MEAS_3(current: Decimal) -> None:
    """MEAS-3."""
    raw = meas.key_result_progress(kind="boolean", start=ZERO, target=ONE, current=current).raw
    assert raw in (ZERO, ONE)
    assert raw == (ONE if current >= 1 else ZERO)


def test_it_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError):
        meas.key_result_progress(kind="vibes", start=ZERO, target=ONE, current=ZERO)


# --- MEAS-4, MEAS-5, MEAS-7: weighted means ---------------------------------------------------------


@given(st.lists(st.tuples(weights, shares), min_size=1, max_size=12))
def test_it_puts_the_weighted_mean_between_the_smallest_and_largest_value_MEAS_4(
    pairs: list[tuple[Decimal, Decimal]],
) -> None:
    """MEAS-4."""
    mean = meas.weighted_mean(pairs)
    assert mean is not None
    lowest = min(v for _w, v in pairs)
    highest = max(v for _w, v in pairs)
    assert lowest <= mean <= highest


@given(
    st.lists(st.tuples(weights, shares), min_size=1, max_size=12),
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal("100"), places=1),
)
def test_it_gives_the_same_weighted_mean_when_every_weight_is_scaled_MEAS_4(
    pairs: list[tuple[Decimal, Decimal]], factor: Decimal
) -> None:
    """MEAS-4."""
    scaled = [(w * factor, v) for w, v in pairs]
    mean, scaled_mean = meas.weighted_mean(pairs), meas.weighted_mean(scaled)
    assert mean is not None and scaled_mean is not None
    assert abs(mean - scaled_mean) <= Decimal("0.0001")


@given(st.lists(shares, min_size=1, max_size=12))
def test_it_weighs_equally_by_default_MEAS_4(values_: list[Decimal]) -> None:
    """MEAS-4."""
    plain_mean = sum(values_, ZERO) / len(values_)
    mean = meas.weighted_mean([(ONE, v) for v in values_])
    assert mean is not None
    assert abs(mean - plain_mean) <= Decimal("0.00005")


def test_it_has_no_mean_without_positive_weights_MEAS_4() -> None:
    """MEAS-4."""
    assert meas.weighted_mean([]) is None
    assert meas.weighted_mean([(ZERO, ONE)]) is None


def test_it_weighs_worked_example_MEAS_4() -> None:
    # A KR of weight 3 at 100 % and one of weight 1 at 0 %: 75 %.
    """MEAS-4."""
    assert meas.weighted_mean([(Decimal(3), ONE), (ONE, ZERO)]) == Decimal("0.75")


@given(progress=st.decimals(min_value=Decimal("-5"), max_value=Decimal("5"), places=4))
def test_it_defaults_the_end_score_to_the_clamped_progress_MEAS_7(progress: Decimal) -> None:
    """MEAS-7."""
    score = meas.default_score(progress)
    assert ZERO <= score <= ONE
    assert abs(score - meas.clamp(progress)) <= Decimal("0.005")


# --- MEAS-6: health and pace ----------------------------------------------------------------------


@given(confidence=confidences)
def test_it_grades_health_at_70_and_40_by_default_MEAS_6(confidence: int) -> None:
    """MEAS-6."""
    health = meas.health_for(confidence)
    if confidence >= 70:
        assert health == Health.ON_TRACK
    elif confidence >= 40:
        assert health == Health.AT_RISK
    else:
        assert health == Health.OFF_TRACK


def test_it_grades_the_boundaries_MEAS_6() -> None:
    """MEAS-6."""
    assert meas.health_for(70) == Health.ON_TRACK
    assert meas.health_for(69) == Health.AT_RISK
    assert meas.health_for(40) == Health.AT_RISK
    assert meas.health_for(39) == Health.OFF_TRACK
    assert meas.health_for(None) == Health.NO_DATA
    assert meas.health_for(Decimal("69.9999")) == Health.AT_RISK


@given(
    confidence=confidences,
    on_track=st.integers(min_value=1, max_value=100),
    at_risk=st.integers(min_value=0, max_value=100),
)
def test_it_grades_health_by_a_changed_policy_MEAS_6(confidence: int, on_track: int, at_risk: int) -> None:
    """MEAS-6."""
    assume(at_risk <= on_track)
    health = meas.health_for(confidence, on_track=on_track, at_risk=at_risk)
    expected = (
        Health.ON_TRACK if confidence >= on_track else Health.AT_RISK if confidence >= at_risk else Health.OFF_TRACK
    )
    assert health == expected


def test_it_follows_a_stricter_policy_MEAS_6() -> None:
    """MEAS-6."""
    assert meas.health_for(75, on_track=80, at_risk=50) == Health.AT_RISK
    assert meas.health_for(45, on_track=80, at_risk=50) == Health.OFF_TRACK


@given(progress=shares, elapsed=shares, points=st.integers(min_value=0, max_value=100))
def test_it_flags_behind_pace_only_more_than_the_points_below_the_elapsed_share_MEAS_6(
    progress: Decimal, elapsed: Decimal, points: int
) -> None:
    """MEAS-6."""
    behind = meas.behind_pace(progress=progress, elapsed_share=float(elapsed), points=points)
    assert behind == ((elapsed - progress) * 100 > points)


def test_it_flags_behind_pace_on_worked_examples_MEAS_6() -> None:
    # Half the quarter gone: 30 % is exactly 20 points behind (fine), 29 % is behind pace.
    """MEAS-6."""
    assert not meas.behind_pace(progress=Decimal("0.30"), elapsed_share=0.5)
    assert meas.behind_pace(progress=Decimal("0.29"), elapsed_share=0.5)
    assert not meas.behind_pace(progress=Decimal("0.9"), elapsed_share=0.5)
    # A policy of 10 points is stricter.
    assert meas.behind_pace(progress=Decimal("0.35"), elapsed_share=0.5, points=10)


# --- MEAS-8: staleness ---------------------------------------------------------------------------


NOW = dt.datetime(2026, 11, 15, 9, 0, tzinfo=dt.UTC)


@given(hours=st.integers(min_value=0, max_value=24 * 60), cadence=st.integers(min_value=1, max_value=90))
def test_it_marks_a_key_result_stale_after_its_cadence_MEAS_8(hours: int, cadence: int) -> None:
    """MEAS-8."""
    last = NOW - dt.timedelta(hours=hours)
    stale = meas.is_stale(last_checkin_at=last, created_at=last - dt.timedelta(days=365), now=NOW, cadence_days=cadence)
    assert stale == (hours > cadence * 24)


def test_it_counts_from_creation_before_the_first_checkin_MEAS_8() -> None:
    """MEAS-8."""
    created = NOW - dt.timedelta(days=8)
    assert meas.is_stale(last_checkin_at=None, created_at=created, now=NOW, cadence_days=7)
    assert not meas.is_stale(last_checkin_at=None, created_at=created, now=NOW, cadence_days=14)
    assert not meas.is_stale(last_checkin_at=NOW - dt.timedelta(days=7), created_at=created, now=NOW, cadence_days=7)
    assert meas.is_stale(
        last_checkin_at=NOW - dt.timedelta(days=7, seconds=1), created_at=created, now=NOW, cadence_days=7
    )
