"""Cycles (SET-8): the annual plan with quarters and months, the current cycle, custom cycles."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.selectors import cycle_current
from qibu.cycles.services import cycle_create, cycles_generate_year
from tests.conftest import present

D = dt.date


def _spans(kind: str) -> list[tuple[dt.date, dt.date]]:
    return list(Cycle.objects.filter(kind=kind).order_by("start").values_list("start", "end"))


def _assert_tiles(parent: Cycle, children: list[Cycle]) -> None:
    """The children cover the parent exactly, one after another with no gap or overlap."""
    assert children[0].start == parent.start
    assert children[-1].end == parent.end
    for before, after in itertools.pairwise(children):
        assert after.start == before.end + dt.timedelta(days=1)
    assert all(child.parent_id == parent.pk for child in children)


@pytest.mark.django_db
def test_it_generates_a_calendar_year_SET_8() -> None:
    """SET-8."""
    annual = cycles_generate_year(actor=None, fiscal_year=2026)
    assert (annual.name, annual.kind, annual.start, annual.end) == (
        "2026",
        CycleKind.ANNUAL,
        D(2026, 1, 1),
        D(2026, 12, 31),
    )
    assert _spans(CycleKind.QUARTER) == [
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
    ]
    quarters = list(annual.children.order_by("start"))
    assert [q.name for q in quarters] == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    _assert_tiles(annual, quarters)
    for quarter in quarters:
        _assert_tiles(quarter, list(quarter.children.order_by("start")))
    months = _spans(CycleKind.MONTH)
    assert len(months) == 12
    assert months[1] == (D(2026, 2, 1), D(2026, 2, 28))
    assert Cycle.objects.get(kind=CycleKind.MONTH, start=D(2026, 12, 1)).name == "2026-12"


@pytest.mark.django_db
def test_it_generates_a_fiscal_year_starting_in_april_SET_8() -> None:
    """SET-8."""
    annual = cycles_generate_year(actor=None, fiscal_year=2027, start_month=4)
    assert (annual.name, annual.start, annual.end) == ("FY2027", D(2027, 4, 1), D(2028, 3, 31))
    assert _spans(CycleKind.QUARTER) == [
        (D(2027, 4, 1), D(2027, 6, 30)),
        (D(2027, 7, 1), D(2027, 9, 30)),
        (D(2027, 10, 1), D(2027, 12, 31)),
        (D(2028, 1, 1), D(2028, 3, 31)),
    ]
    quarters = list(annual.children.order_by("start"))
    assert [q.name for q in quarters] == ["FY2027 Q1", "FY2027 Q2", "FY2027 Q3", "FY2027 Q4"]
    _assert_tiles(annual, quarters)
    last = quarters[-1]
    assert [m.name for m in last.children.order_by("start")] == ["2028-01", "2028-02", "2028-03"]
    # 2028 is a leap year.
    assert Cycle.objects.get(kind=CycleKind.MONTH, start=D(2028, 2, 1)).end == D(2028, 2, 29)


@pytest.mark.parametrize("start_month", [1, 4])
@pytest.mark.django_db
def test_it_generates_a_year_once_however_often_asked_SET_8(start_month: int) -> None:
    """SET-8."""
    first = cycles_generate_year(actor=None, fiscal_year=2026, start_month=start_month)
    again = cycles_generate_year(actor=None, fiscal_year=2026, start_month=start_month)
    assert first.pk == again.pk
    assert Cycle.objects.filter(kind=CycleKind.ANNUAL).count() == 1
    assert Cycle.objects.filter(kind=CycleKind.QUARTER).count() == 4
    assert Cycle.objects.filter(kind=CycleKind.MONTH).count() == 12


@pytest.mark.django_db
def test_it_generates_consecutive_years_SET_8() -> None:
    """SET-8."""
    cycles_generate_year(actor=None, fiscal_year=2026)
    cycles_generate_year(actor=None, fiscal_year=2027)
    quarters = _spans(CycleKind.QUARTER)
    assert len(quarters) == 8
    for (_s1, end), (start, _e2) in itertools.pairwise(quarters):
        assert start == end + dt.timedelta(days=1)


@pytest.mark.parametrize("start_month", [0, 13, -1])
@pytest.mark.django_db
def test_it_refuses_a_month_that_does_not_exist_SET_8(start_month: int) -> None:
    """SET-8."""
    with pytest.raises(ValidationError) as exc:
        cycles_generate_year(actor=None, fiscal_year=2026, start_month=start_month)
    assert "start_month" in exc.value.message_dict
    assert not Cycle.objects.exists()


@pytest.mark.django_db
def test_it_finds_the_current_cycle_SET_8() -> None:
    """SET-8."""
    cycles_generate_year(actor=None, fiscal_year=2026)
    assert present(cycle_current(today=D(2026, 5, 17))).name == "2026 Q2"
    assert present(cycle_current(today=D(2026, 3, 31))).name == "2026 Q1"
    assert present(cycle_current(today=D(2026, 4, 1))).name == "2026 Q2"
    assert present(cycle_current(kind=CycleKind.ANNUAL, today=D(2026, 5, 17))).name == "2026"
    assert present(cycle_current(kind=CycleKind.MONTH, today=D(2026, 5, 17))).name == "2026-05"
    # After the last cycle: the latest one that started. Before the first: the next one.
    assert present(cycle_current(today=D(2027, 2, 1))).name == "2026 Q4"
    assert present(cycle_current(today=D(2025, 6, 1))).name == "2026 Q1"


@pytest.mark.django_db
def test_it_has_no_current_cycle_without_cycles_SET_8() -> None:
    """SET-8."""
    assert cycle_current(today=D(2026, 5, 17)) is None


@pytest.mark.django_db
def test_it_prefers_the_latest_started_of_overlapping_cycles_SET_8() -> None:
    """SET-8."""
    cycle_create(actor=None, name="Stage 1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    cycle_create(actor=None, name="Stage 2", start=D(2026, 3, 1), end=D(2026, 9, 30))
    assert present(cycle_current(kind=CycleKind.CUSTOM, today=D(2026, 4, 1))).name == "Stage 2"


@pytest.mark.django_db
def test_it_creates_a_custom_cycle_SET_8() -> None:
    """SET-8."""
    cycle = cycle_create(
        actor=None,
        name="  新品上市项目 阶段一 ",
        start=D(2026, 2, 10),
        end=D(2026, 2, 10),
        kind=CycleKind.PROJECT_STAGE,
    )
    assert (cycle.name, cycle.days) == ("新品上市项目 阶段一", 1)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"name": "", "start": D(2026, 1, 1), "end": D(2026, 2, 1)}, "name"),
        ({"name": "   ", "start": D(2026, 1, 1), "end": D(2026, 2, 1)}, "name"),
        ({"name": "x" * 101, "start": D(2026, 1, 1), "end": D(2026, 2, 1)}, "name"),
        ({"name": "x", "start": D(2026, 2, 1), "end": D(2026, 1, 31)}, "end"),
        ({"name": "x", "start": D(2026, 1, 1), "end": D(2026, 2, 1), "kind": "decade"}, "kind"),
    ],
)
@pytest.mark.django_db
def test_it_refuses_a_bad_cycle_SET_8(fields: dict[str, Any], error_field: str) -> None:
    """SET-8."""
    with pytest.raises(ValidationError) as exc:
        cycle_create(actor=None, **fields)
    assert error_field in exc.value.message_dict
    assert not Cycle.objects.exists()


def test_it_measures_the_share_of_a_cycle_elapsed_MEAS_6() -> None:
    """MEAS-6."""
    quarter = Cycle(start=D(2026, 10, 1), end=D(2026, 12, 31))
    assert quarter.days == 92
    assert quarter.elapsed_share(D(2026, 9, 30)) == 0.0
    assert quarter.elapsed_share(D(2026, 10, 1)) == pytest.approx(1 / 92)
    assert quarter.elapsed_share(D(2026, 11, 15)) == pytest.approx(46 / 92)
    assert quarter.elapsed_share(D(2026, 12, 31)) == 1.0
    assert quarter.contains(D(2026, 12, 31)) and not quarter.contains(D(2027, 1, 1))


@pytest.mark.django_db
def test_it_gives_a_fiscal_year_all_its_quarters_after_the_start_month_changed_SET_8() -> None:
    """SET-8."""
    calendar = cycles_generate_year(actor=None, fiscal_year=2026)
    fiscal = cycles_generate_year(actor=None, fiscal_year=2026, start_month=4)
    assert [q.name for q in fiscal.children.order_by("start")] == ["FY2026 Q1", "FY2026 Q2", "FY2026 Q3", "FY2026 Q4"]
    for quarter in fiscal.children.all():
        assert quarter.children.count() == 3
    # The calendar year keeps its own.
    assert [q.name for q in calendar.children.order_by("start")] == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
