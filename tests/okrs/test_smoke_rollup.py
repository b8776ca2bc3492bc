from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qibu.okrs.models import KeyResult, Objective, RollupMode
from qibu.okrs.services import checkin_record, objective_update
from tests.conftest import Company, Okrs


def test_it_rolls_a_checkin_up_to_the_company_MEAS_4(okrs: Okrs, company: Company) -> None:
    """MEAS-4."""
    objective_update(
        actor=company.erin, objective=okrs["company"], data={"rollup_mode": RollupMode.KEY_RESULTS_AND_CHILDREN}
    )
    objective_update(
        actor=company.hank, objective=okrs["department"], data={"rollup_mode": RollupMode.KEY_RESULTS_AND_CHILDREN}
    )
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=2, confidence=70)
    mine = Objective.objects.get(pk=okrs["mine"].pk)
    assert mine.progress == Decimal("0.5")
    dept = Objective.objects.get(pk=okrs["department"].pk)
    assert dept.progress == Decimal("0.25")  # KR 0 and child 0.5, equal weights
    top = Objective.objects.get(pk=okrs["company"].pk)
    assert top.progress == Decimal("0.125")


def test_it_refuses_a_confidence_fall_without_reason_EXE_4(okrs: Okrs, company: Company) -> None:
    """EXE-4."""
    with pytest.raises(ValidationError) as exc:
        checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=1, confidence=20)
    assert "Confidence fell by 60 points" in exc.value.message_dict["confidence_reason"][0]
    # Nothing was written: no check-in, the key result and its objective as they were.
    kr = KeyResult.objects.get(pk=okrs["my_kr"].pk)
    assert (kr.confidence, kr.current_value, kr.check_ins.count()) == (80, Decimal(0), 0)
    assert Objective.objects.get(pk=okrs["mine"].pk).progress == Decimal(0)
