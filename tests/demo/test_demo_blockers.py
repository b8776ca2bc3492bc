"""The demo's blockers (EXE-2): a dozen over the eight weeks, most resolved, one open on the department's weekly
meeting's agenda and one gone on to the management's, each with its owner, the people concerned and its history."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qibu.audit.models import AuditEntry
from qibu.blockers.models import Blocker, BlockerStatus, Tier
from qibu.demo.generator import DemoSummary
from qibu.standups.models import EntryItem
from tests.demo.test_demo import demo  # noqa: F401  (the module's company, used by name)


def test_the_demo_holds_a_dozen_blockers_one_escalated_to_each_meeting_EXE_2(
    demo: DemoSummary,  # noqa: F811
    db: None,
) -> None:
    # The blockers' own dozen; the stand-ups' recent blocker lines add theirs (tests/standups/test_demo.py).
    lines = EntryItem.objects.filter(blocker__isnull=False).values("blocker")
    blockers = list(Blocker.objects.exclude(pk__in=lines).prefetch_related("concerned").select_related("owner", "team"))
    assert len(blockers) == 12
    resolved = [b for b in blockers if b.status == BlockerStatus.RESOLVED]
    assert len(resolved) == 8 and all(b.resolution and b.resolved_at for b in resolved)
    open_tiers = sorted(b.tier for b in blockers if b.is_open)
    assert open_tiers == sorted([Tier.TEAM, Tier.TEAM, Tier.DEPARTMENT, Tier.MANAGEMENT])
    now = timezone.now()
    ages = [b.age_days(now) for b in blockers]
    assert max(ages) <= 7 * 8 and min(b.created_at for b in blockers) < now - dt.timedelta(days=40)
    assert all(b.team is not None and b.owner.is_active and b.concerned.exists() for b in blockers)
    assert sum(b.key_result_id is not None for b in blockers) >= 6
    # One was settled only after it had reached the department's meeting.
    assert any(b.tier == Tier.DEPARTMENT for b in resolved)
    escalations = AuditEntry.objects.filter(action="blocker.escalate").count()
    assert escalations >= 3
    management = next(b for b in blockers if b.tier == Tier.MANAGEMENT)
    steps = AuditEntry.objects.filter(action="blocker.escalate", subject_id=management.pk).order_by("pk")
    assert [(e.after or {}).get("tier") for e in steps] == ["department", "management"]
