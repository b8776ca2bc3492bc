"""EXE-2: a blocker left open climbs the meeting tiers by the policy's days — team, then the department's weekly
meeting, then the management's — and after a meeting only its owner and the people concerned get the follow-up."""

from __future__ import annotations

import datetime as dt

from qibu.audit.models import AuditEntry
from qibu.blockers.escalation import blockers_escalate
from qibu.blockers.models import Blocker, Tier
from qibu.blockers.services import blocker_create, blocker_resolve, blockers_follow_up
from qibu.jobs.registry import get, periodic
from qibu.notify.models import Notification, NotificationKind
from qibu.org.models import Organisation
from qibu.org.services import organisation_update
from tests.conftest import Company

RAISED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _raise(c: Company, title: str = "等待法务审合同", **fields: object) -> Blocker:
    fields.setdefault("team", c.sales_team)
    return blocker_create(actor=c.mia, title=title, owner=c.mia, concerned=[c.oscar], now=RAISED, **fields)  # type: ignore[arg-type]


def _told(blocker: Blocker, tier: str) -> set[int]:
    return set(
        Notification.objects.filter(key__startswith=f"blocker:{blocker.pk}:escalated:{tier}:").values_list(
            "recipient_id", flat=True
        )
    )


def _policy() -> Organisation:
    return Organisation.objects.get(pk=1)


def test_it_climbs_to_the_department_then_the_management_meeting_by_the_policys_days_EXE_2(company: Company) -> None:
    c = company
    blocker = _raise(c)
    assert blockers_escalate(policy=_policy(), now=RAISED + dt.timedelta(days=1, hours=23)) == 0
    assert blockers_escalate(policy=_policy(), now=RAISED + dt.timedelta(days=2)) == 1
    blocker.refresh_from_db()
    assert blocker.tier == Tier.DEPARTMENT and blocker.escalated_at == RAISED + dt.timedelta(days=2)
    # Its owner, the people concerned and the department's head.
    assert _told(blocker, Tier.DEPARTMENT) == {c.mia.pk, c.oscar.pk, c.hank.pk}
    # Run again the same day: nothing moves, no one is told twice.
    assert blockers_escalate(policy=_policy(), now=RAISED + dt.timedelta(days=3)) == 0
    assert blockers_escalate(policy=_policy(), now=RAISED + dt.timedelta(days=5)) == 1
    blocker.refresh_from_db()
    assert blocker.tier == Tier.MANAGEMENT
    # The executives (administrators among them) hear of it at the management tier.
    assert _told(blocker, Tier.MANAGEMENT) == {c.mia.pk, c.oscar.pk, c.alice.pk, c.erin.pk}
    assert blockers_escalate(policy=_policy(), now=RAISED + dt.timedelta(days=30)) == 0
    steps = AuditEntry.objects.filter(action="blocker.escalate", subject_id=blocker.pk).order_by("pk")
    assert [(e.before, e.after) for e in steps] == [
        ({"tier": "team"}, {"tier": "department"}),
        ({"tier": "department"}, {"tier": "management"}),
    ]


def test_the_policy_sets_the_days_and_an_old_blocker_goes_straight_up_EXE_2(company: Company) -> None:
    c = company
    organisation_update(
        actor=c.alice,
        organisation=_policy(),
        data={"blocker_department_after_days": 4, "blocker_management_after_days": 10},
    )
    blocker = _raise(c)
    assert blockers_escalate(policy=_policy(), now=RAISED + dt.timedelta(days=3)) == 0
    # Found only after ten days (the worker was down): it goes to the management meeting at once.
    assert blockers_escalate(policy=_policy(), now=RAISED + dt.timedelta(days=10)) == 1
    blocker.refresh_from_db()
    assert blocker.tier == Tier.MANAGEMENT


def test_a_resolved_blocker_stays_where_it_was(company: Company) -> None:
    c = company
    blocker = _raise(c)
    blocker_resolve(actor=c.mia, blocker=blocker, resolution="法务已签字", now=RAISED + dt.timedelta(days=1))
    assert blockers_escalate(policy=_policy(), now=RAISED + dt.timedelta(days=9)) == 0
    blocker.refresh_from_db()
    assert blocker.tier == Tier.TEAM


def test_the_policy_refuses_management_days_not_after_department_days(company: Company) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        organisation_update(
            actor=company.alice,
            organisation=_policy(),
            data={"blocker_department_after_days": 5, "blocker_management_after_days": 5},
        )
    assert "blocker_management_after_days" in caught.value.message_dict
    assert _policy().blocker_department_after_days == 2


def test_the_follow_up_reaches_only_the_people_concerned_once_per_meeting_EXE_2(company: Company) -> None:
    c = company
    first = _raise(c, "演示环境不稳定")
    second = blocker_create(actor=c.hank, title="预算未批", owner=c.hank, team=c.sales_team)
    done = _raise(c, "已解决的")
    blocker_resolve(actor=c.mia, blocker=done, resolution="好了")
    before = set(Notification.objects.values_list("pk", flat=True))
    made = blockers_follow_up(actor=c.hank, blockers=[first, second, done], meeting="站会 11月3日", url="/standups/7/")
    new = Notification.objects.exclude(pk__in=before)
    # hank facilitated and owns `second`: he is told too (what he has to settle); erin, alice and the rest are not.
    assert sorted((n.recipient_id, n.subject_id) for n in new) == sorted(
        [(c.mia.pk, first.pk), (c.oscar.pk, first.pk), (c.hank.pk, second.pk)]
    )
    assert made == 3
    assert all(n.kind == NotificationKind.BLOCKER and "站会 11月3日" in n.text for n in new)
    assert "yours to settle" in new.get(recipient=c.mia).text
    # The same meeting again tells no one; another meeting does.
    assert blockers_follow_up(actor=c.hank, blockers=[first, second], meeting="站会 11月3日", url="/standups/7/") == 0
    assert blockers_follow_up(actor=c.hank, blockers=[first], meeting="站会 11月4日", url="/standups/8/") == 2


def test_the_worker_runs_the_escalation_every_hour() -> None:
    task = get("blockers.escalate")
    assert task in periodic() and task.every == dt.timedelta(hours=1)


def test_the_policy_page_sets_the_escalation_days_EXE_2(company: Company) -> None:
    from django.test import Client
    from django.urls import reverse

    from tests.org.test_pages_settings import policy_data

    client = Client()
    client.force_login(company.alice)
    page = client.get(reverse("org:settings")).content.decode()
    assert 'name="blocker_department_after_days"' in page and 'name="blocker_management_after_days"' in page
    refused = client.post(reverse("org:settings"), policy_data(_policy(), blocker_management_after_days=1))
    assert refused.status_code == 400 and "give more days" in refused.content.decode()
    assert _policy().blocker_management_after_days == 5
    saved = client.post(reverse("org:settings"), policy_data(_policy(), blocker_department_after_days=3))
    assert saved.status_code == 302 and _policy().blocker_department_after_days == 3
