"""The demo's strategy (VIS-2) and key results drafted first (SET-9): its company objectives trace to the strategic
goals, and its pools hold a few drafts that gather into key results as they are."""

from __future__ import annotations

from qibu.demo.generator import DemoSummary
from qibu.okrs.models import DraftKeyResult, Level, Objective
from qibu.okrs.services import draft_key_results_gather
from qibu.org.models import Person, StrategicGoal
from tests.demo.test_demo import TODAY, demo  # noqa: F401  (the module's company, used by name)


def test_it_traces_every_company_objective_to_a_strategic_goal_VIS_2(demo: DemoSummary, db: None) -> None:  # noqa: F811
    """VIS-2: the annual objectives each to their goal, the quarterly ones to their annual parent's."""
    goals = list(StrategicGoal.objects.order_by("position"))
    company = Objective.objects.filter(level=Level.COMPANY).select_related("cycle")
    assert company.exists() and not company.filter(strategic_goal__isnull=True).exists()
    # This year's, in order; next year's, in planning, serves the first goal.
    annual = list(company.filter(cycle__kind="annual", cycle__start__lte=TODAY).order_by("priority", "id"))
    assert [o.strategic_goal_id for o in annual] == [g.pk for g in goals]
    following = company.filter(cycle__kind="annual", cycle__start__gt=TODAY)
    assert all(o.strategic_goal_id == goals[0].pk for o in following)
    for quarterly in company.filter(cycle__kind="quarter").prefetch_related("alignments_up__rollup_parent"):
        parents = [a.rollup_parent for a in quarterly.alignments_up.all()]
        assert [p.strategic_goal_id for p in parents] == [quarterly.strategic_goal_id]


def test_it_drafts_key_results_under_the_goals_and_they_gather_as_they_are_SET_9(
    demo: DemoSummary,  # noqa: F811
    db: None,
) -> None:
    """SET-9, PLAY-LOKR: the CEO's drafts sit under the goals, a sales member's are their own; each passes the key
    results' checks when gathered."""
    ceo = Person.objects.get(job_title="首席执行官")
    ceo_drafts = DraftKeyResult.objects.filter(owner=ceo)
    assert ceo_drafts.count() >= 3 and not ceo_drafts.filter(strategic_goal__isnull=True).exists()
    assert DraftKeyResult.objects.exclude(owner=ceo).filter(strategic_goal__isnull=True).count() >= 2
    objective = Objective.objects.filter(level=Level.COMPANY, cycle__kind="quarter").select_related("cycle").first()
    assert objective is not None
    drafts = list(DraftKeyResult.objects.filter(cycle=objective.cycle).select_related("cycle"))
    created = draft_key_results_gather(actor=ceo, drafts=drafts, objective=objective)
    assert [kr.title for kr in created] == [d.title for d in sorted(drafts, key=lambda d: (d.position, d.pk))]
    assert not DraftKeyResult.objects.exists()
