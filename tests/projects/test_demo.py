"""The demo company's project (PLAY-PROJ, VIS-3): a vision and mission, a lead, members from three more
departments, a stage under way and the next one, stage objectives aligned to the company's and departments'
objectives, key results with owners and carriers, and a few check-ins."""

from __future__ import annotations

from django.utils import timezone

from qibu.demo.generator import generate_company
from qibu.okrs.models import CheckIn, KeyResult, Level, Objective
from qibu.org.selectors import organisation_get
from qibu.projects.models import Project
from qibu.projects.selectors import project_page


def test_it_builds_the_demo_project_PLAY_PROJ_VIS_3(db: None) -> None:
    """PLAY-PROJ, VIS-3."""
    today = timezone.localdate()
    generate_company(people=30, seed=7, today=today, checkin_weeks=8, finished_quarter=False)
    project = Project.objects.select_related("lead__department").get()
    assert project.vision and project.mission
    assert project.lead.department is not None and project.lead.department.name == "客户成功部"
    departments = set(project.members.exclude(person=project.lead).values_list("person__department__name", flat=True))
    assert len(departments) == 3
    page = project_page(project=project, viewer=project.lead, organisation=organisation_get(), can_manage=True)
    assert [view.state for view in page.stages] == ["current", "upcoming"]
    objectives = Objective.objects.filter(level=Level.PROJECT)
    assert objectives.count() == 3
    for objective in objectives:
        parent = objective.alignments_up.select_related("rollup_parent").get().rollup_parent
        assert parent.level in (Level.COMPANY, Level.DEPARTMENT)
    key_results = KeyResult.objects.filter(objective__level=Level.PROJECT)
    assert all(kr.owner_id is not None and kr.contributors.exists() for kr in key_results)
    # Three weekly check-ins on each key result of the stage under way; none on the next stage's before it begins.
    assert CheckIn.objects.filter(key_result__in=key_results).count() == 3 * 3
    assert not CheckIn.objects.filter(key_result__objective__cycle__start__gt=timezone.localdate()).exists()
    assert page.progress is not None and page.progress > 0
    assert "xiangmu" in project.search_key  # the demo's rows are written by the services, search keys and all
