"""The demo's celebrations (CEL-1 … CEL-5) on a small company built with the tests' fixtures: a finished quarter's
scores give the tiers, the celebrations are held, recognitions, incentives and lessons are recorded, in Chinese."""

from __future__ import annotations

import random
from decimal import Decimal

from qibu.celebrate.models import Celebration, CelebrationLevel, Incentive, Lesson, Recognition, RewardTier
from qibu.cycles.models import Cycle
from qibu.cycles.services import cycles_generate_year
from qibu.demo.celebrate import demo_celebrations
from qibu.okrs.models import Objective
from tests.conftest import Company, Okrs


def test_the_demo_holds_the_quarters_celebrations_with_tiers_from_the_scores_CEL_1_CEL_3_CEL_4_CEL_5(
    company: Company, okrs: Okrs
) -> None:
    Objective.objects.filter(pk=okrs["department"].pk).update(score=Decimal("0.75"))
    Objective.objects.filter(pk=okrs["company"].pk).update(score=Decimal("0.50"))
    cycles_generate_year(actor=None, fiscal_year=2027)
    following = Cycle.objects.get(kind="quarter", start__year=2027, start__month=1)
    demo_celebrations(quarter=company.quarter, next_quarter=following, rng=random.Random(7))
    held = {c.level: c for c in Celebration.objects.all()}
    assert all(c.is_held and c.notes for c in Celebration.objects.all())
    assert held[CelebrationLevel.DEPARTMENT].suggested_tier == RewardTier.RICH
    assert held[CelebrationLevel.MANAGEMENT].tier == RewardTier.STANDARD
    assert CelebrationLevel.TEAM in held
    assert Recognition.objects.exists() and all(r.giver_id != r.receiver_id for r in Recognition.objects.all())
    assert Incentive.objects.exists() and Lesson.objects.filter(department__isnull=True).count() == 2
    assert "目标" in Lesson.objects.filter(department__isnull=True).first().text  # type: ignore[union-attr]
