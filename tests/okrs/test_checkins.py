"""Check-ins: confidence per check-in (EXE-3, MEAS-5), explained falls (EXE-4), kinds (MEAS-2, MEAS-3),
closed cycles and objectives, the history kept, staleness (MEAS-8) and numbers only (EXE-12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qibu.cycles.services import cycle_close
from qibu.okrs.models import CheckIn, KeyResult, KeyResultKind, Level, Objective, Status
from qibu.okrs.selectors import key_result_status
from qibu.okrs.services import checkin_record, key_result_create, objective_create, objective_update
from qibu.org.services import organisation_update
from tests.conftest import Company, Okrs

D = Decimal


def _kr(okrs: Okrs) -> KeyResult:
    """mia's key result: 0 → 4 customers, confidence 80."""
    return KeyResult.objects.select_related("objective__cycle").get(pk=okrs["my_kr"].pk)


def _state(kr: KeyResult) -> tuple[object, ...]:
    kr = KeyResult.objects.get(pk=kr.pk)
    return (
        CheckIn.objects.filter(key_result=kr).count(),
        kr.current_value,
        kr.confidence,
        kr.progress,
        kr.last_checkin_at,
        Objective.objects.get(pk=kr.objective_id).progress,
    )


def _refused(field: str, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        checkin_record(**kwargs)
    assert field in exc.value.message_dict, exc.value.message_dict
    return exc.value


# --- EXE-4: a fall in confidence must be explained ---------------------------------------------------


def test_it_refuses_a_fall_of_the_threshold_without_a_reason_and_writes_nothing_EXE_4(
    company: Company, okrs: Okrs
) -> None:
    """EXE-4."""
    kr = _kr(okrs)
    before = _state(kr)
    error = _refused("confidence_reason", actor=company.mia, key_result=kr, value=3, confidence=50)
    assert "30" in error.message_dict["confidence_reason"][0]  # says by how much it fell
    assert _state(kr) == before


def test_it_refuses_a_blank_reason_for_a_big_fall_EXE_4(company: Company, okrs: Okrs) -> None:
    """EXE-4."""
    kr = _kr(okrs)
    before = _state(kr)
    _refused("confidence_reason", actor=company.mia, key_result=kr, value=3, confidence=20, confidence_reason="   ")
    assert _state(kr) == before


def test_it_accepts_a_big_fall_with_a_reason_EXE_4(company: Company, okrs: Okrs) -> None:
    """EXE-4."""
    kr = _kr(okrs)
    checkin = checkin_record(
        actor=company.mia, key_result=kr, value=1, confidence=20, confidence_reason="客户预算冻结到明年"
    )
    assert checkin.confidence == 20
    assert checkin.previous_confidence == 80
    assert checkin.confidence_fall == 60
    assert checkin.confidence_reason == "客户预算冻结到明年"
    assert KeyResult.objects.get(pk=kr.pk).confidence == 20


def test_it_needs_no_reason_for_a_fall_just_below_the_threshold_EXE_4(company: Company, okrs: Okrs) -> None:
    """EXE-4: 80 % → 51 % falls 29 points, under the 30 of the policy: stored without a reason."""
    kr = _kr(okrs)
    checkin = checkin_record(actor=company.mia, key_result=kr, value=1, confidence=51)
    stored = CheckIn.objects.get(pk=checkin.pk)
    assert (stored.confidence_fall, stored.confidence_reason) == (29, "")
    assert KeyResult.objects.get(pk=kr.pk).confidence == 51


def test_it_needs_no_reason_when_confidence_rises_EXE_4(company: Company, okrs: Okrs) -> None:
    """EXE-4: a rise (80 % → 100 %) is stored as given, with no reason asked for or kept."""
    kr = _kr(okrs)
    checkin = checkin_record(actor=company.mia, key_result=kr, value=1, confidence=100)
    stored = CheckIn.objects.get(pk=checkin.pk)
    assert (stored.previous_confidence, stored.confidence, stored.confidence_reason) == (80, 100, "")
    assert KeyResult.objects.get(pk=kr.pk).confidence == 100


def test_it_follows_a_changed_threshold_EXE_4(company: Company, okrs: Okrs) -> None:
    """EXE-4."""
    organisation_update(actor=company.alice, organisation=company.org, data={"confidence_fall_threshold": 10})
    kr = _kr(okrs)
    before = _state(kr)
    _refused("confidence_reason", actor=company.mia, key_result=kr, value=1, confidence=70)
    assert _state(kr) == before
    assert checkin_record(actor=company.mia, key_result=kr, value=1, confidence=71).confidence == 71


def test_it_follows_a_looser_threshold_passed_in_EXE_4(company: Company, okrs: Okrs) -> None:
    """EXE-4."""
    company.org.confidence_fall_threshold = 70
    checkin = checkin_record(actor=company.mia, key_result=_kr(okrs), confidence=11, organisation=company.org)
    assert checkin.confidence_fall == 69


def test_it_measures_the_fall_from_the_stored_confidence_not_a_stale_copy_EXE_4(company: Company, okrs: Okrs) -> None:
    """EXE-4."""
    stale = _kr(okrs)  # read at 80
    checkin_record(actor=company.mia, key_result=_kr(okrs), confidence=60)
    # Another request still holds the 80: the next fall is from 60, so 35 is 25 points and needs no reason.
    checkin = checkin_record(actor=company.mia, key_result=stale, confidence=35)
    assert checkin.previous_confidence == 60


# --- EXE-3 / MEAS-5: confidence recorded per check-in ------------------------------------------------


def test_it_records_confidence_and_the_previous_one_at_each_checkin_EXE_3_MEAS_5(company: Company, okrs: Okrs) -> None:
    """EXE-3, MEAS-5."""
    kr = _kr(okrs)
    first = checkin_record(actor=company.mia, key_result=kr, value=1, confidence=70, note="first")
    second = checkin_record(actor=company.mia, key_result=kr, value=2, confidence=75, note="second")
    assert (first.previous_confidence, first.confidence) == (80, 70)
    assert (second.previous_confidence, second.confidence) == (70, 75)
    assert second.author == company.mia
    assert second.value == D(2)
    assert second.progress == D("0.5")
    stored = KeyResult.objects.get(pk=kr.pk)
    assert (stored.current_value, stored.confidence, stored.progress) == (D(2), 75, D("0.5"))
    assert Objective.objects.get(pk=okrs["mine"].pk).confidence == D(75)


@pytest.mark.parametrize("confidence", [-1, 101, "", "high", None, "50.5"])
def test_it_refuses_confidence_outside_0_to_100_MEAS_5(company: Company, okrs: Okrs, confidence: object) -> None:
    """MEAS-5."""
    kr = _kr(okrs)
    before = _state(kr)
    error = _refused("confidence", actor=company.mia, key_result=kr, value=1, confidence=confidence)
    # One clear message: an unreadable confidence is not also taken for a fall to 0 % (EXE-4).
    assert "confidence_reason" not in error.message_dict
    assert _state(kr) == before


@pytest.mark.parametrize("confidence", [0, 100, "90"])
def test_it_accepts_confidence_at_the_limits_MEAS_5(company: Company, okrs: Okrs, confidence: int | str) -> None:
    """MEAS-5."""
    checkin = checkin_record(actor=company.mia, key_result=_kr(okrs), confidence=confidence, confidence_reason="r")
    assert checkin.confidence == int(confidence)


def test_it_keeps_the_whole_history_in_order_EXE_3(company: Company, okrs: Okrs) -> None:
    """EXE-3."""
    kr = _kr(okrs)
    start = timezone.now() - dt.timedelta(days=30)
    for week, value in enumerate([1, 1, 2, 3], start=1):
        checkin_record(
            actor=company.mia, key_result=kr, value=value, confidence=80, at=start + dt.timedelta(weeks=week)
        )
    history = list(CheckIn.objects.filter(key_result=kr))
    assert [c.value for c in history] == [D(3), D(2), D(1), D(1)]  # newest first
    assert [c.progress for c in history] == [D("0.75"), D("0.5"), D("0.25"), D("0.25")]
    assert history[0].created_at == start + dt.timedelta(weeks=4)


# --- MEAS-2 / MEAS-3: kinds --------------------------------------------------------------------------


def _objective(company: Company) -> Objective:
    return objective_create(actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="O")


def test_it_checks_milestones_in_by_weight_MEAS_3(company: Company) -> None:
    """MEAS-3."""
    objective = _objective(company)
    kr = key_result_create(
        actor=company.mia,
        objective=objective,
        title="上线新官网",
        kind=KeyResultKind.MILESTONES,
        milestones=[{"title": "设计", "weight": 1}, {"title": "开发", "weight": 2}, {"title": "上线", "weight": 1}],
    )
    design, build, launch = kr.milestones.all()
    checkin = checkin_record(actor=company.mia, key_result=kr, milestones_done=[design.pk, build.pk], confidence=60)
    assert checkin.progress == D("0.75")
    assert checkin.milestones_done == [design.pk, build.pk]
    assert KeyResult.objects.get(pk=kr.pk).progress == D("0.75")
    assert Objective.objects.get(pk=objective.pk).progress == D("0.75")
    # Un-ticking a milestone lowers the progress; a check-in without milestones leaves them as they are.
    checkin_record(actor=company.mia, key_result=kr, milestones_done=[build.pk], confidence=60)
    assert KeyResult.objects.get(pk=kr.pk).progress == D("0.5")
    checkin_record(actor=company.mia, key_result=kr, confidence=65)
    assert KeyResult.objects.get(pk=kr.pk).progress == D("0.5")
    assert launch.done is False


def test_it_refuses_milestones_of_another_key_result_MEAS_3(company: Company) -> None:
    """MEAS-3."""
    objective = _objective(company)
    kr = key_result_create(actor=company.mia, objective=objective, title="a", kind="milestones", milestones=["x"])
    other = key_result_create(actor=company.mia, objective=objective, title="b", kind="milestones", milestones=["y"])
    foreign = other.milestones.get().pk
    _refused("milestones_done", actor=company.mia, key_result=kr, milestones_done=[foreign], confidence=50)
    _refused("milestones_done", actor=company.mia, key_result=kr, milestones_done=["x"], confidence=50)
    assert not other.milestones.get().done


def test_it_checks_a_band_in_MEAS_2(company: Company) -> None:
    """MEAS-2."""
    objective = _objective(company)
    kr = key_result_create(
        actor=company.mia,
        objective=objective,
        title="可用性保持 99.5–100",
        kind="band",
        band_low=D("99.5"),
        band_high=100,
    )
    assert checkin_record(actor=company.mia, key_result=kr, value="99.9", confidence=90).progress == D(1)
    assert checkin_record(actor=company.mia, key_result=kr, value="99.2", confidence=90).progress == D(0)
    assert checkin_record(actor=company.mia, key_result=kr, value="99.5", confidence=90).progress == D(1)


def test_it_checks_a_yes_no_key_result_in_MEAS_3(company: Company) -> None:
    """MEAS-3."""
    objective = _objective(company)
    kr = key_result_create(actor=company.mia, objective=objective, title="通过 ISO 认证", kind="boolean")
    assert KeyResult.objects.get(pk=kr.pk).progress == D(0)
    assert checkin_record(actor=company.mia, key_result=kr, value=1, confidence=90).progress == D(1)
    assert checkin_record(actor=company.mia, key_result=kr, value=0, confidence=90).progress == D(0)
    _refused("value", actor=company.mia, key_result=kr, value="0.5", confidence=90)


# --- closed cycles and objectives --------------------------------------------------------------------


def test_it_refuses_a_checkin_on_a_closed_cycle(company: Company, okrs: Okrs) -> None:
    cycle_close(actor=None, cycle=company.quarter)
    kr = _kr(okrs)
    before = _state(kr)
    _refused("cycle", actor=company.mia, key_result=kr, value=2, confidence=80)
    assert _state(kr) == before


def test_it_refuses_a_checkin_on_a_closed_objective(company: Company, okrs: Okrs) -> None:
    objective_update(actor=company.mia, objective=okrs["mine"], data={"status": Status.CLOSED})
    kr = _kr(okrs)
    before = _state(kr)
    _refused("key_result", actor=company.mia, key_result=kr, value=2, confidence=80)
    assert _state(kr) == before


# --- MEAS-8: staleness ---------------------------------------------------------------------------


def test_it_marks_a_key_result_stale_after_the_cadence_MEAS_8(company: Company, okrs: Okrs) -> None:
    """MEAS-8."""
    kr = _kr(okrs)
    checkin_record(actor=company.mia, key_result=kr, value=1, confidence=80)
    kr = KeyResult.objects.get(pk=kr.pk)
    now = kr.last_checkin_at
    assert now is not None
    assert key_result_status(kr, company.org, now=now + dt.timedelta(days=7)).stale is False
    assert key_result_status(kr, company.org, now=now + dt.timedelta(days=7, minutes=1)).stale is True
    organisation_update(actor=company.alice, organisation=company.org, data={"checkin_cadence_days": 14})
    assert key_result_status(kr, company.org, now=now + dt.timedelta(days=8)).stale is False
    # A new check-in makes it fresh again.
    checkin_record(actor=company.mia, key_result=kr, value=2, confidence=80, at=now + dt.timedelta(days=20))
    kr = KeyResult.objects.get(pk=kr.pk)
    assert key_result_status(kr, company.org, now=now + dt.timedelta(days=21)).stale is False


def test_it_marks_a_key_result_never_checked_in_stale_after_the_cadence_MEAS_8(company: Company, okrs: Okrs) -> None:
    """MEAS-8."""
    kr = KeyResult.objects.get(pk=okrs["my_kr"].pk)
    assert key_result_status(kr, company.org, now=kr.created_at + dt.timedelta(days=6)).stale is False
    assert key_result_status(kr, company.org, now=kr.created_at + dt.timedelta(days=8)).stale is True


# --- EXE-12: progress is data ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "about 3", "NaN", "Infinity", "1e20", [1]])
def test_it_refuses_a_value_that_is_not_a_number_EXE_12(company: Company, okrs: Okrs, value: object) -> None:
    """EXE-12."""
    kr = _kr(okrs)
    before = _state(kr)
    _refused("value", actor=company.mia, key_result=kr, value=value, confidence=80)
    assert _state(kr) == before


@pytest.mark.parametrize(("typed", "stored"), [("3", D(3)), (" 2.5 ", D("2.5")), ("1,000", D(1000)), (2, D(2))])
def test_it_reads_numbers_as_typed_EXE_12(company: Company, okrs: Okrs, typed: object, stored: Decimal) -> None:
    """EXE-12."""
    # Confirmed: 1,000 is far past this key result's range (0 → 4), which is not what this test is about.
    checkin = checkin_record(actor=company.mia, key_result=_kr(okrs), value=typed, confidence=80, confirm=True)
    checkin.refresh_from_db()
    assert checkin.value == stored
    assert KeyResult.objects.get(pk=okrs["my_kr"].pk).current_value == stored


def test_it_computes_progress_from_the_value_as_stored_EXE_12(company: Company) -> None:
    """EXE-12: A value with more decimals than kept is rounded once, and the progress shown is the progress of
    the stored value (so a later recomputation gives the same number)."""
    objective = _objective(company)
    kr = key_result_create(actor=company.mia, objective=objective, title="t", start_value=0, target_value="0.5")
    checkin = checkin_record(actor=company.mia, key_result=kr, value="0.12345", confidence=50)
    stored = KeyResult.objects.get(pk=kr.pk)
    assert stored.current_value == D("0.1235")
    assert stored.progress_raw == D("0.247")
    assert checkin.progress_raw == D("0.247")


def test_it_keeps_a_huge_over_achievement_storable_MEAS_1(company: Company) -> None:
    """MEAS-1: A value far past a tiny target gives a raw progress of millions of per cent: it is kept (capped)
    rather than failing the database write."""
    objective = _objective(company)
    kr = key_result_create(actor=company.mia, objective=objective, title="t", start_value=0, target_value="0.0001")
    checkin_record(actor=company.mia, key_result=kr, value="99999999999", confidence=50, confirm=True)
    stored = KeyResult.objects.get(pk=kr.pk)
    assert stored.progress == D(1)
    assert stored.progress_raw > D(1000)


def test_it_refuses_a_confidence_fall_by_correction_without_reason_EXE_4(okrs: Okrs, company: Company) -> None:
    """EXE-4: A key-result correction may not lower confidence past the threshold silently either."""
    from qibu.okrs.services import key_result_update

    kr = okrs["my_kr"]
    with pytest.raises(ValidationError) as refused:
        key_result_update(actor=company.mia, key_result=kr, data={"confidence": 30})
    assert "confidence_reason" in refused.value.message_dict
    kr.refresh_from_db()
    assert kr.confidence == 80
    key_result_update(
        actor=company.mia, key_result=kr, data={"confidence": 30, "confidence_reason": "客户预算冻结,改投备选客户"}
    )
    kr.refresh_from_db()
    assert kr.confidence == 30


def test_it_leaves_the_new_roll_up_on_the_objective_in_hand_MEAS_4_MEAS_5(company: Company, okrs: Okrs) -> None:
    """MEAS-4, MEAS-5."""
    kr = _kr(okrs)
    checkin_record(actor=company.mia, key_result=kr, value=2, confidence=60, confidence_reason="慢了")
    stored = Objective.objects.get(pk=kr.objective_id)
    assert (kr.objective.progress, kr.objective.confidence) == (stored.progress, stored.confidence)
    assert stored.progress == D("0.5") and stored.confidence == D(60)
