"""Numbers the database can hold (issue 6): every number typed into Qibu is stored and read back exactly, on
SQLite and PostgreSQL alike, or refused with a message naming the field. SQLite keeps decimals as doubles, exact to
15 significant digits; with 4 decimals that is 11 digits before the point (`qibu.core.validation.NUMBER_LIMIT`)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from qibu.okrs.models import CheckIn, KeyResult
from qibu.okrs.services import checkin_record, key_result_create
from qibu.org.services import api_token_create
from tests.conftest import Company, Okrs

LARGEST = Decimal("99999999999.9999")


def _stored(kr: KeyResult) -> Decimal:
    return KeyResult.objects.get(pk=kr.pk).current_value


@pytest.mark.parametrize("value", [LARGEST, -LARGEST, Decimal("0.0001"), Decimal("12345678901.2345")])
def test_it_stores_and_reads_back_the_edges_exactly(company: Company, okrs: Okrs, value: Decimal) -> None:
    kr = okrs["my_kr"]
    checkin = checkin_record(actor=company.mia, key_result=kr, value=value, confidence=80, confirm=True)
    assert _stored(kr) == value
    assert CheckIn.objects.get(pk=checkin.pk).value == value


def test_it_rounds_beyond_four_decimals_as_it_stores(company: Company, okrs: Okrs) -> None:
    kr = okrs["my_kr"]
    checkin_record(actor=company.mia, key_result=kr, value="3.00005", confidence=80)
    assert _stored(kr) == Decimal("3.0001")


@pytest.mark.parametrize(
    "value", ["100000000000", "-100000000000", "99999999999999.9999", "123456789012345678", "1e20"]
)
def test_it_refuses_a_number_the_database_would_change_and_writes_nothing(
    company: Company, okrs: Okrs, value: str
) -> None:
    kr = okrs["my_kr"]
    before = (_stored(kr), CheckIn.objects.count())
    with pytest.raises(ValidationError) as refused:
        checkin_record(actor=company.mia, key_result=kr, value=value, confidence=80)
    assert "100,000,000,000" in refused.value.message_dict["value"][0]
    assert (_stored(kr), CheckIn.objects.count()) == before


def test_it_refuses_a_target_beyond_the_limit_naming_the_field(company: Company, okrs: Okrs) -> None:
    with pytest.raises(ValidationError) as refused:
        key_result_create(
            actor=company.mia, objective=okrs["mine"], title="太大的目标", start_value=0, target_value="1e12"
        )
    assert set(refused.value.message_dict) == {"target_value"}


def test_it_keeps_every_read_of_the_largest_value_working(company: Company, okrs: Okrs) -> None:
    """The key result, the lists and the owner's pages answer (no 500) and show the value as stored."""
    kr = okrs["my_kr"]
    _token, secret = api_token_create(actor=None, person=company.mia, name="limits")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    created = api.post(
        "/api/v1/check-ins",
        data=json.dumps({"key_result": kr.pk, "value": str(LARGEST), "confidence": 80, "confirm": True}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["value"] == "99999999999.9999"
    assert api.get(f"/api/v1/key-results/{kr.pk}").json()["current_value"] == "99999999999.9999"
    assert api.get("/api/v1/key-results").status_code == 200
    assert api.get(f"/api/v1/check-ins?key_result={kr.pk}").json()["items"][0]["value"] == "99999999999.9999"
    refused = api.post(
        "/api/v1/check-ins",
        data=json.dumps({"key_result": kr.pk, "value": "99999999999999.9999", "confidence": 80}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert [item["field"] for item in refused.json()["detail"]] == ["value"]
    page = Client()
    page.force_login(company.mia)
    for url in ("/", f"/objectives/{okrs['mine'].pk}/", f"/people/{company.mia.pk}/"):
        response = page.get(url)
        assert response.status_code == 200, url
    assert "99,999,999,999.9999" in page.get(f"/objectives/{okrs['mine'].pk}/").content.decode()
