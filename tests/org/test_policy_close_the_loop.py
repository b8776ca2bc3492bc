"""The policy of the steps after execution: how often people self-assess and update (SELF-1, UPD-1), the days each
phase of the quarter takes (PLAY-EXEC) and the celebration a score earns (CEL-3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.phases import Phase, phase_window, phase_windows
from qibu.org.models import Organisation
from qibu.org.services import organisation_update
from tests.blockers.test_api import _send
from tests.conftest import Company
from tests.org.test_pages_settings import client_for, policy_data


def _org() -> Organisation:
    return Organisation.objects.get()


def test_it_refuses_overlapping_celebration_tiers_and_writes_nothing_CEL_3(company: Company) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation_update(
            actor=company.alice,
            organisation=_org(),
            data={"reward_rich_from": Decimal("0.50"), "reward_standard_from": Decimal("0.60")},
        )
    assert "reward_standard_from" in caught.value.message_dict
    assert (_org().reward_rich_from, _org().reward_standard_from) == (Decimal("0.70"), Decimal("0.40"))


def test_it_takes_a_month_or_a_quarter_for_self_assessment_and_update_SELF_1_UPD_1(company: Company) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation_update(actor=company.alice, organisation=_org(), data={"update_every_months": 2})
    assert "update_every_months" in caught.value.message_dict
    organisation_update(actor=company.alice, organisation=_org(), data={"self_assessment_every_months": 1})
    assert _org().self_assessment_every_months == 1
    assert _org().departures_from_method() == ["self_assessment_every_months"]


def test_the_settings_page_saves_the_score_thresholds_and_names_an_overlap_CEL_3(company: Company) -> None:
    client = client_for(company.alice)
    refused = client.post(
        reverse("org:settings"), policy_data(_org(), reward_rich_from="0.40", reward_standard_from="0.40")
    )
    assert refused.status_code == 400
    assert "cannot overlap" in refused.content.decode() or "不能重叠" in refused.content.decode()
    saved = client.post(reverse("org:settings"), policy_data(_org(), reward_rich_from="0.80"))
    assert saved.status_code == 302
    assert _org().reward_rich_from == Decimal("0.80")


def test_the_api_reads_and_changes_the_new_policy_fields_CEL_3(company: Company, client: Client) -> None:
    got = _send(client, "GET", company.alice, "/organisation/policy").json()
    assert (got["update_days"], got["reward_rich_from"]) == (7, "0.70")
    bad = _send(client, "PATCH", company.alice, "/organisation/policy", {"reward_standard_from": "0.9"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "reward_standard_from"
    assert _org().reward_standard_from == Decimal("0.40")


def test_the_quarters_phases_follow_the_policy_PLAY_EXEC(company: Company) -> None:
    quarter = Cycle(name="Q4", kind=CycleKind.QUARTER, start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31))
    org = _org()
    windows = phase_windows(quarter, org)
    assert [w.phase for w in windows] == list(Phase)
    assert phase_window(quarter, org, Phase.SET).start == dt.date(2026, 9, 17)
    assert phase_window(quarter, org, Phase.PUBLISH).end == dt.date(2026, 10, 7)
    assert phase_window(quarter, org, Phase.SELF_ASSESS).start == dt.date(2026, 12, 25)
    update = phase_window(quarter, org, Phase.UPDATE)
    # UPD-1: the next quarter's first week.
    assert (update.start, update.end) == (dt.date(2027, 1, 1), dt.date(2027, 1, 7))
    org.update_days = 3
    assert phase_window(quarter, org, Phase.UPDATE).end == dt.date(2027, 1, 3)
