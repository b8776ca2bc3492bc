"""A 1-on-1's notes and talking points are the pair's: a third person — the manager's manager, a colleague, an
administrator — is refused (404) by pages and API alike, and nothing is written. A private note is its author's
alone. Administrators see that a series exists and when it meets, nothing said in it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from qibu.audit.models import AuditEntry
from qibu.oneonones.models import Note, NoteSharing, SupportRequest, TalkingPoint
from qibu.oneonones.services import note_add, point_add, request_create
from qibu.org.services import api_token_create
from tests.conftest import Company
from tests.oneonones.helpers import login, pair, planned

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(company: Company) -> dict[str, Any]:
    c = company
    series = pair(c)
    meeting = planned(series)
    return {
        "series": series,
        "meeting": meeting,
        "point": point_add(actor=c.mia, meeting=meeting, text="我想转岗"),
        "shared": note_add(actor=c.hank, meeting=meeting, text="共同记录：下周复盘", visibility=NoteSharing.SHARED),
        "hanks": note_add(actor=c.hank, meeting=meeting, text="韩的私人笔记", visibility=NoteSharing.PRIVATE),
        "mias": note_add(actor=c.mia, meeting=meeting, text="米娅的私人笔记", visibility=NoteSharing.PRIVATE),
        "request": request_create(actor=c.mia, series=series, meeting=meeting, text="需要一台样机"),
    }


def _state() -> str:
    return json.dumps(
        [
            list(Note.objects.order_by("pk").values_list("pk", "text", "visibility")),
            list(TalkingPoint.objects.order_by("pk").values_list("pk", "text", "discussed")),
            list(SupportRequest.objects.order_by("pk").values_list("pk", "status")),
            AuditEntry.objects.exclude(action="api_token.create").count(),
        ]
    )


@pytest.mark.parametrize("third", ["erin", "oscar", "alice"])
def test_it_refuses_a_third_person_the_meeting_and_its_notes_EXE_9(
    company: Company, held: dict[str, Any], third: str
) -> None:
    """erin is hank's manager, oscar a colleague, alice an administrator: each gets 404, and nothing changes."""
    person = getattr(company, third)
    client = login(person)
    before = _state()
    meeting = held["meeting"]
    for url in (
        f"/one-on-ones/meetings/{meeting.pk}/",
        f"/one-on-ones/notes/{held['shared'].pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/one-on-ones/meetings/{meeting.pk}/notes/", {"text": "偷看", "visibility": "shared"}),
        (f"/one-on-ones/meetings/{meeting.pk}/points/", {"text": "插话"}),
        (f"/one-on-ones/meetings/{meeting.pk}/hold/", {}),
        (f"/one-on-ones/points/{held['point'].pk}/discussed/", {"discussed": "1"}),
        (f"/one-on-ones/requests/{held['request'].pk}/settle/", {"status": "done"}),
    ):
        assert client.post(url, data).status_code == 404, url
    _token, secret = api_token_create(actor=None, person=person, name="t")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    for url in (
        f"/api/v1/one-on-one-meetings/{meeting.pk}",
        f"/api/v1/one-on-one-notes/{held['shared'].pk}",
        f"/api/v1/one-on-one-notes/{held['mias'].pk}",
        f"/api/v1/support-requests/{held['request'].pk}",
    ):
        assert api.get(url).status_code == 404, url
    answer = api.post(
        f"/api/v1/one-on-one-meetings/{meeting.pk}/notes",
        data={"text": "偷看"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert _state() == before


def test_it_shows_an_administrator_that_a_series_exists_and_nothing_said_in_it(
    company: Company, held: dict[str, Any]
) -> None:
    page = login(company.alice).get(f"/one-on-ones/series/{held['series'].pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "韩销售" in text and "米娅" in text
    for secret in ("需要一台样机", "我想转岗", "共同记录", "私人笔记"):
        assert secret not in text
    assert f"/one-on-ones/meetings/{held['meeting'].pk}/" not in text
    # The manager's manager does not even see that it exists.
    assert login(company.erin).get(f"/one-on-ones/series/{held['series'].pk}/").status_code == 404


def test_it_shows_a_private_note_to_its_author_only(company: Company, held: dict[str, Any]) -> None:
    c = company
    url = f"/one-on-ones/meetings/{held['meeting'].pk}/"
    hanks = login(c.hank).get(url).content.decode()
    mias = login(c.mia).get(url).content.decode()
    assert "共同记录：下周复盘" in hanks and "共同记录：下周复盘" in mias
    assert "韩的私人笔记" in hanks and "韩的私人笔记" not in mias
    assert "米娅的私人笔记" in mias and "米娅的私人笔记" not in hanks
    assert login(c.mia).get(f"/one-on-ones/notes/{held['hanks'].pk}/edit/").status_code == 404
    # The other of the pair reads a shared note but does not change it.
    assert login(c.mia).get(f"/one-on-ones/notes/{held['shared'].pk}/edit/").status_code == 403


def test_it_refuses_a_note_by_someone_outside_the_pair_in_the_service(company: Company, held: dict[str, Any]) -> None:
    before = _state()
    with pytest.raises(ValidationError, match="Only the two people"):
        note_add(actor=company.erin, meeting=held["meeting"], text="越级")
    assert _state() == before
