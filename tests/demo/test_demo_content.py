"""The demo company's content holds together: names have pinyin, departments and OKRs are well-formed (the
checks the content module once ran on itself under __main__)."""

import re

from qibu.demo.content import (
    BLOCKER_NOTES,
    CHECKIN_NOTE_DEPARTMENTS,
    CHECKIN_NOTES,
    COMPANY,
    COMPANY_ANNUAL_OKRS,
    COMPANY_QUARTERLY_OKRS,
    CONFIDENCE_FALL_REASON_DEPARTMENTS,
    CONFIDENCE_FALL_REASONS,
    DEPARTMENT_OKRS,
    DEPARTMENTS,
    EXECUTIVES,
    GIVEN_NAMES,
    PERSONAL_OKRS,
    PINYIN,
    SURNAMES,
    Objective,
)


def test_it_gives_every_name_its_pinyin() -> None:

    chars = {ch for name in SURNAMES + GIVEN_NAMES for ch in name}
    missing = sorted(ch for ch in chars if ch not in PINYIN)
    assert not missing, f"PINYIN 缺少: {missing}"
    assert all(re.fullmatch(r"[a-z]+", py) for py in PINYIN.values())
    assert len(SURNAMES) >= 80 and len(set(SURNAMES)) == len(SURNAMES)
    assert len(GIVEN_NAMES) >= 150 and len(set(GIVEN_NAMES)) == len(GIVEN_NAMES)
    assert all(1 <= len(n) <= 2 for n in GIVEN_NAMES)


def test_it_arranges_departments_as_a_tree() -> None:
    keys = [d["key"] for d in DEPARTMENTS]
    assert len(keys) >= 6 and len(set(keys)) == len(keys)
    assert {"sales", "marketing"} <= set(keys)
    assert all(d["parent"] in (None, *keys) for d in DEPARTMENTS)
    assert all(1 <= len(d["teams"]) <= 3 for d in DEPARTMENTS)
    assert len(EXECUTIVES) == 4 and EXECUTIVES[0]["department"] is None
    assert all(e["department"] in (None, *keys) for e in EXECUTIVES)
    assert len(COMPANY["strategic_goals"]) == 3


def _check_objective(o: Objective) -> None:
    """One to three key results, each measurable by its kind (MEAS-1 … MEAS-3)."""
    assert len(o["title"]) <= 30, o["title"]
    assert o["commitment"] in ("committed", "aspirational")
    assert 1 <= len(o["krs"]) <= 3, o["title"]
    for kr in o["krs"]:
        kind = kr["kind"]
        if kind == "increase":
            assert kr["target"] > kr["start"], kr["title"]
        elif kind == "decrease":
            assert kr["target"] < kr["start"], kr["title"]
        elif kind == "band":
            assert kr["low"] <= kr["start"] <= kr["high"], kr["title"]
            assert kr["low"] <= kr["target"] <= kr["high"], kr["title"]
        elif kind == "milestones":
            assert 3 <= len(kr["milestones"]) <= 5, kr["title"]
            assert (kr["start"], kr["target"], kr["unit"]) == (0, 1, "")
        elif kind == "boolean":
            assert (kr["start"], kr["target"], kr["unit"]) == (0, 1, "")
        else:
            raise AssertionError(f"未知类型 {kind}")


def test_it_writes_measurable_objectives_at_every_level() -> None:
    keys = [d["key"] for d in DEPARTMENTS]
    assert len(COMPANY_ANNUAL_OKRS) == 3 and len(COMPANY_QUARTERLY_OKRS) == 3
    for o in COMPANY_ANNUAL_OKRS:
        _check_objective(o)
    for o in COMPANY_QUARTERLY_OKRS:
        _check_objective(o)
        assert 0 <= o["parent"] < len(COMPANY_ANNUAL_OKRS)
    assert set(DEPARTMENT_OKRS) == set(keys) == set(PERSONAL_OKRS)
    for key, objs in DEPARTMENT_OKRS.items():
        assert 2 <= len(objs) <= 3, key
        for o in objs:
            _check_objective(o)
            assert 0 <= o["parent"] < len(COMPANY_QUARTERLY_OKRS)
    for key, objs in PERSONAL_OKRS.items():
        assert len(objs) >= 4, key
        for o in objs:
            _check_objective(o)
            assert 0 <= o["parent_dept_okr"] < len(DEPARTMENT_OKRS[key]), o["title"]
    assert len(CHECKIN_NOTES) >= 30
    assert len(CONFIDENCE_FALL_REASONS) >= 8
    assert len(BLOCKER_NOTES) >= 8
    assert len(CHECKIN_NOTE_DEPARTMENTS) == len(CHECKIN_NOTES)
    assert len(CONFIDENCE_FALL_REASON_DEPARTMENTS) == len(CONFIDENCE_FALL_REASONS)
    for depts in CHECKIN_NOTE_DEPARTMENTS + CONFIDENCE_FALL_REASON_DEPARTMENTS:
        assert set(depts) <= set(keys), depts
