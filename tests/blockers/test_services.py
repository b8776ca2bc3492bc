"""Blockers as objects (EXE-2): raised with an owner and the people concerned, changed, resolved, reopened; bad input
refused by field with nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qibu.audit.models import AuditEntry
from qibu.blockers.models import Blocker, BlockerStatus, Tier
from qibu.blockers.services import blocker_create, blocker_reopen, blocker_resolve, blocker_update
from qibu.notify.models import Notification, NotificationKind
from qibu.org.services import person_create
from tests.conftest import Company, Okrs


def _counts() -> tuple[int, int, int]:
    return Blocker.objects.count(), AuditEntry.objects.count(), Notification.objects.count()


def test_it_raises_a_blocker_and_tells_its_owner_and_the_people_concerned_EXE_2(company: Company, okrs: Okrs) -> None:
    c = company
    blocker = blocker_create(
        actor=c.mia,
        title="客户合同卡在法务",
        owner=c.hank,
        concerned=[c.oscar, c.hank],
        team=c.sales_team,
        key_result=okrs["my_kr"],
        source="stand_up",
        source_id=12,
    )
    assert blocker.department == c.sales
    assert blocker.tier == Tier.TEAM
    assert blocker.status == BlockerStatus.OPEN
    # The owner is not also among the people concerned.
    assert list(blocker.concerned.all()) == [c.oscar]
    told = {n.recipient_id: n for n in Notification.objects.filter(kind=NotificationKind.BLOCKER)}
    assert set(told) == {c.hank.pk, c.oscar.pk}
    assert "yours to settle" in told[c.hank.pk].text
    assert AuditEntry.objects.filter(action="blocker.create", subject_id=blocker.pk).count() == 1


def test_it_refuses_an_owner_outside_the_company_and_writes_nothing_EXE_2(company: Company) -> None:
    c = company
    left = person_create(actor=None, username="lee", full_name="离职的李", password="x" * 12)
    left.is_active = False
    left.save(update_fields=["is_active"])
    before = _counts()
    for owner in (left, 99999, None):
        with pytest.raises(ValidationError) as caught:
            blocker_create(actor=c.mia, title="需要审批", owner=owner, team=c.sales_team)
        assert "owner" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        blocker_create(actor=c.mia, title="", owner=c.hank, concerned=[left], team=c.sales_team)
    assert set(caught.value.message_dict) == {"title", "concerned"}
    assert _counts() == before


def test_it_refuses_a_key_result_the_actor_cannot_see(company: Company, okrs: Okrs) -> None:
    from qibu.okrs.models import Visibility

    c = company
    mine = okrs["mine"]
    mine.visibility = Visibility.PRIVATE
    mine.save(update_fields=["visibility"])
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        blocker_create(actor=c.oscar, title="看不到", owner=c.oscar, key_result=okrs["my_kr"])
    assert "key_result" in caught.value.message_dict
    assert _counts() == before


def test_it_changes_resolves_and_reopens_with_history(company: Company) -> None:
    c = company
    blocker = blocker_create(actor=c.mia, title="缺少演示环境", owner=c.mia, team=c.sales_team)
    blocker = blocker_update(actor=c.mia, blocker=blocker, owner=c.hank, concerned=[c.oscar], title="缺少演示服务器")
    assert blocker.owner == c.hank and blocker.title == "缺少演示服务器"
    assert Notification.objects.filter(recipient=c.hank, kind=NotificationKind.BLOCKER).exists()
    with pytest.raises(ValidationError):
        blocker_resolve(actor=c.hank, blocker=blocker, resolution=" ")
    blocker = blocker_resolve(actor=c.hank, blocker=blocker, resolution="借用了测试服务器")
    assert blocker.status == BlockerStatus.RESOLVED and blocker.resolved_by == c.hank
    with pytest.raises(ValidationError):
        blocker_resolve(actor=c.hank, blocker=blocker, resolution="again")
    blocker = blocker_reopen(actor=c.mia, blocker=blocker)
    assert blocker.is_open and blocker.resolved_at is None
    actions = list(
        AuditEntry.objects.filter(subject_id=blocker.pk, subject_type="blockers.blocker").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(["blocker.create", "blocker.update", "blocker.resolve", "blocker.reopen"])


def test_it_refuses_texts_over_their_limits_by_field(company: Company) -> None:
    c = company
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        blocker_create(actor=c.mia, title="长" * 201, owner=c.mia, description="写" * 5001)
    assert set(caught.value.message_dict) == {"title", "description"}
    assert _counts() == before
    blocker = blocker_create(actor=c.mia, title="短", owner=c.mia)
    with pytest.raises(ValidationError) as caught:
        blocker_resolve(actor=c.mia, blocker=blocker, resolution="解" * 2001)
    assert "resolution" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        blocker_update(actor=c.mia, blocker=blocker, status="resolved")
    assert "status" in caught.value.message_dict
    blocker.refresh_from_db()
    assert blocker.is_open
