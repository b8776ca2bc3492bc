"""The project pages (PLAY-PROJ, VIS-3): the list (mine first, then all, searchable), the project's page (vision and
mission, lead, members by department, the stages as a timeline with the current one marked, each stage's
objectives with their key results, owners, carriers, progress and confidence rolled up, and what they align to),
and the forms that change a project; in the same number of queries for a small project and a big one."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.services import checkin_record
from qibu.org.models import Person
from qibu.org.selectors import organisation_get
from qibu.org.services import person_create
from qibu.projects.models import Project, ProjectMember, Stage
from qibu.projects.selectors import project_page
from qibu.projects.services import (
    member_add,
    project_create,
    project_key_result_create,
    stage_add,
    stage_objective_create,
)
from tests.conftest import Company, Okrs, present
from tests.projects.conftest import D, ProjectWorld


def client_for(person: Person) -> Client:
    client = Client()
    client.cookies["qibu_language"] = "en"
    client.force_login(person)
    return client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- the list ---------------------------------------------------------------------------------------------------


def test_it_lists_my_projects_first_then_every_other_one_PLAY_PROJ(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ, PUB-2: everyone sees every project; one's own come first."""
    project_create(
        actor=company.erin, name="华南渠道拓展", lead=company.erin, start=D(2026, 10, 1), end=D(2026, 12, 31)
    )
    mine = client_for(company.oscar).get("/projects/").content.decode()
    assert mine.index("新品上市项目") < mine.index("Other projects") < mine.index("华南渠道拓展")
    theirs = client_for(company.alice).get("/projects/").content.decode()
    assert "You are not a member of any project yet." in theirs and "新品上市项目" in theirs


def test_it_finds_a_project_by_its_name_pinyin_or_initials(company: Company, project: ProjectWorld) -> None:
    project_create(
        actor=company.erin, name="华南渠道拓展", lead=company.erin, start=D(2026, 10, 1), end=D(2026, 12, 31)
    )
    client = client_for(company.alice)
    for query in ("新品", "xinpin", "xpss"):
        page = client.get("/projects/", {"q": query}).content.decode()
        assert "新品上市项目" in page and "华南渠道拓展" not in page, query


# --- the project's page -----------------------------------------------------------------------------------------


def test_it_shows_the_projects_vision_mission_lead_and_members_by_department_VIS_3(
    company: Company, project: ProjectWorld
) -> None:
    """VIS-3: the project's own vision and mission; PLAY-PROJ: its lead and its members from any department."""
    html = client_for(company.oscar).get(f"/projects/{project['project'].pk}/").content.decode()
    text = _text(html)
    assert "Vision 让每家门店都用上新品" in text and "Mission 三个月内完成新品设计并上市" in text
    assert "Lead 韩销售 (销售部)" in text
    members = text[text.index("Members by department") :]
    assert (
        members.index("销售部 米娅 · 产品经理")
        < members.index("韩销售 lead")
        < members.index("市场部 欧斯卡 · 市场推广")
    )
    assert "负责发布会" in members
    # Not the lead: nothing to change on it.
    assert f"/projects/{project['project'].pk}/edit/" not in html


def test_it_shows_each_stages_objectives_with_owners_carriers_and_alignment_PLAY_PROJ(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤二 … 五: the stage's objective, its key result with owner and carriers, what it aligns to."""
    text = _text(client_for(company.erin).get(f"/projects/{project['project'].pk}/").content.decode())
    stage = text[text.index("设计 current stage") if "设计 current stage" in text else text.index("设计 Edit") :]
    assert "完成新品设计" in stage and "Owner: 米娅" in stage
    assert "Aligned to: 销售部拿下十家标杆客户 (department · 销售部, 2026 Q4)" in stage
    assert "完成 3 轮用户测试" in stage and "Carried by: 欧斯卡" in stage


def test_it_marks_the_current_stage_on_the_timeline_PLAY_PROJ(company: Company) -> None:
    """PLAY-PROJ 步骤四, 六: the stage running today is highlighted, the others are past or next."""
    today = timezone.localdate()
    project = project_create(
        actor=company.erin,
        name="今日项目",
        lead=company.hank,
        start=today - dt.timedelta(days=60),
        end=today + dt.timedelta(days=60),
    )
    past = stage_add(
        actor=company.hank, project=project, name="调研", start=project.start, end=today - dt.timedelta(days=31)
    )
    now = stage_add(
        actor=company.hank,
        project=project,
        name="开发",
        start=today - dt.timedelta(days=30),
        end=today + dt.timedelta(days=10),
    )
    stage_add(actor=company.hank, project=project, name="推广", start=today + dt.timedelta(days=11), end=project.end)
    html = client_for(company.mia).get(f"/projects/{project.pk}/").content.decode()
    steps = re.findall(r'<li class="stage-step (\w+)"( aria-current="step")?>\s*<a href="#stage-(\d+)">', html)
    assert steps == [
        ("past", "", str(past.pk)),
        ("current", ' aria-current="step"', str(now.pk)),
        ("upcoming", "", steps[2][2]),
    ]
    assert f'<section class="card stage current" id="stage-{now.pk}"' in html


def test_it_rolls_progress_and_confidence_up_from_objectives_to_stages_to_the_project_PLAY_PROJ(
    company: Company, okrs: Okrs, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤六 (MEAS-4, MEAS-5): a stage's progress is the mean of its objectives', the project's the mean
    of its stages' that have objectives; confidence alike."""
    c = company
    checkin_record(actor=c.mia, key_result=project["kr"], value=3, confidence=90)  # the design objective: 100 %
    launch = stage_objective_create(actor=c.hank, stage=project["launch"], title="首月销量", owner=c.oscar)
    second = stage_objective_create(actor=c.hank, stage=project["launch"], title="渠道铺货", owner=c.mia)
    project_key_result_create(
        actor=c.hank, objective=launch, title="销量", start_value=0, target_value=10, confidence=40
    )
    kr = project_key_result_create(
        actor=c.hank, objective=second, title="门店", start_value=0, target_value=4, confidence=60
    )
    checkin_record(actor=c.mia, key_result=kr, value=2, confidence=60)  # 50 %
    page = project_page(
        project=project["project"],
        viewer=c.oscar,
        organisation=organisation_get(),
        can_manage=False,
        today=D(2026, 11, 15),
    )
    design, selling = page.stages
    assert (design.state, selling.state) == ("current", "upcoming")
    assert page.current is design
    assert (design.progress, design.confidence) == (Decimal(1), Decimal(90))
    assert (selling.progress, selling.confidence) == (Decimal("0.25"), Decimal(50))
    assert page.progress == Decimal("0.625")
    assert page.confidence == 70


def _grow(company: Company, project: Project, stage: Stage, size: int, okrs: Okrs) -> None:
    """`size` more members (from two departments), objectives with key results, carriers and check-ins."""
    for n in range(size):
        person = person_create(
            actor=None,
            username=f"p{project.pk}-{stage.pk}-{n}",
            full_name=f"成员{n}",
            department=company.sales if n % 2 else company.marketing,
        )
        member_add(actor=company.hank, project=project, person=person, role="工程师")
        objective = stage_objective_create(
            actor=company.hank,
            stage=stage,
            title=f"目标{n}",
            owner=person,
            parent_objective_ids=[okrs["company"].pk],
            parent_key_result_ids=[okrs["department_kr"].pk],
        )
        kr = project_key_result_create(
            actor=company.hank,
            objective=objective,
            carriers=[company.mia, person],
            title=f"关键结果{n}",
            start_value=0,
            target_value=10,
            owner=person,
        )
        project_key_result_create(
            actor=company.hank, objective=objective, title=f"里程碑{n}", kind="milestones", milestones=["a", "b"]
        )
        checkin_record(actor=person, key_result=kr, value=n % 10, confidence=60)


def test_it_reads_the_project_page_in_the_same_number_of_queries_at_two_sizes(
    company: Company, okrs: Okrs, project: ProjectWorld, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """A project of 3 members and 1 objective, and one of 40 more members with 40 more objectives and 80 key
    results, read as a member, its lead and its owner (the check-in controls and carriers' boxes decided for each):
    the session, the person, the organisation, the project, its members, stages, the headed departments, the
    objectives, their key results, milestones and carriers, and their alignment; and the timetable of their action
    steps (EXE-8)."""
    p = project["project"]
    for persona in (company.mia, company.hank, company.oscar):
        client = client_for(persona)
        client.get(f"/projects/{p.pk}/")
        with django_assert_num_queries(13):
            assert client.get(f"/projects/{p.pk}/").status_code == 200
    _grow(company, p, project["launch"], 40, okrs)
    for persona in (company.mia, company.hank, company.oscar):
        client = client_for(persona)
        with django_assert_num_queries(13):
            page = client.get(f"/projects/{p.pk}/").content.decode()
        assert page.count('class="stage-objective') == 41


def test_it_reads_the_project_list_in_the_same_number_of_queries_at_two_sizes(
    company: Company, project: ProjectWorld, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(company.mia)
    project_create(actor=company.erin, name="其他", lead=company.oscar, start=D(2026, 10, 1), end=D(2026, 12, 31))
    with django_assert_num_queries(8):
        client.get("/projects/")
    for n in range(80):
        member = project_create(
            actor=company.erin, name=f"项目{n}", lead=company.oscar, start=D(2026, 10, 1), end=D(2026, 12, 31)
        )
        if n % 4 == 0:
            member_add(actor=company.oscar, project=member, person=company.mia)
    with django_assert_num_queries(8):
        page = client.get("/projects/").content.decode()
    assert "Page 1 of 1" not in page and "Page 1 of" in page


# --- forms ------------------------------------------------------------------------------------------------------


def test_it_starts_a_project_from_the_page_with_its_vision_and_mission_VIS_3(company: Company) -> None:
    """VIS-3."""
    client = client_for(company.erin)
    response = client.post(
        "/projects/new/",
        {"name": "会员体系", "vision": "让老顾客常回来", "mission": "一年内会员复购翻倍", "lead": company.oscar.pk,
         "start": "2026-10-01", "end": "2027-09-30"},
    )  # fmt: skip
    project = Project.objects.get(name="会员体系")
    assert response["Location"] == f"/projects/{project.pk}/"
    assert (project.lead, project.vision) == (company.oscar, "让老顾客常回来")


def test_it_refuses_a_stage_outside_the_project_on_the_page_naming_the_field(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤四: the refusal next to its field, nothing written."""
    p = project["project"]
    client = client_for(company.hank)
    stages = Stage.objects.count()
    response = client.post(
        f"/projects/{p.pk}/stages/new/", {"name": "复盘", "start": "2027-03-01", "end": "2027-04-30"}
    )
    assert response.status_code == 400
    assert "End date: The stage ends on 04/30/2027, outside the project (10/01/2026 – 03/31/2027)." in _text(
        response.content.decode()
    )
    response = client.post(
        f"/projects/{p.pk}/stages/new/", {"name": "复盘", "start": "2027-03-31", "end": "2027-03-01"}
    )
    assert "End date: The end date is before the start date." in _text(response.content.decode())
    assert Stage.objects.count() == stages


def test_it_sets_a_stage_objective_and_its_key_result_with_carriers_from_the_page_PLAY_PROJ(
    company: Company, okrs: Okrs, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤二, 三, 五: the lead sets a stage objective aligned to the company's, then its key result owned
    by oscar and carried by mia; the owner's choices are the members."""
    p, launch = project["project"], project["launch"]
    client = client_for(company.hank)
    form = client.get(f"/projects/{p.pk}/stages/{launch.pk}/objectives/new/").content.decode()
    owners = re.findall(
        r'<option value="(\d+)"', form[form.index('name="owner"') : form.index("</select>", form.index('name="owner"'))]
    )
    assert {int(pk) for pk in owners} == {company.hank.pk, company.mia.pk, company.oscar.pk}
    offered = {int(pk) for pk in re.findall(r'name="parent_objectives" value="(\d+)"', form)}
    # Open cycles during the project: this quarter's and this year's, though the stage starts next year.
    assert offered == {okrs["company"].pk, okrs["department"].pk}
    response = client.post(
        f"/projects/{p.pk}/stages/{launch.pk}/objectives/new/",
        {"title": "新品首月销量破万", "owner": company.oscar.pk, "parent_objectives": [okrs["company"].pk]},
    )
    objective = Objective.objects.get(title="新品首月销量破万")
    assert response.status_code == 302 and objective.level == Level.PROJECT and objective.cycle_id == launch.cycle_id
    response = client.post(
        f"/projects/{p.pk}/objectives/{objective.pk}/key-results/new/",
        {"title": "首月销量", "kind": "increase", "start_value": "0", "target_value": "10000", "owner": company.oscar.pk,
         "contributors": [company.mia.pk], "confidence": "60"},
    )  # fmt: skip
    kr = KeyResult.objects.get(title="首月销量")
    assert response.status_code == 302
    assert (kr.owner_id, list(kr.contributors.values_list("pk", flat=True))) == (company.oscar.pk, [company.mia.pk])


def test_it_refuses_a_key_result_carried_by_an_outsider_on_the_page_PLAY_PROJ(
    company: Company, project: ProjectWorld
) -> None:
    """PLAY-PROJ 步骤五: the service's refusal next to the field, nothing written."""
    p, objective = project["project"], project["objective"]
    response = client_for(company.hank).post(
        f"/projects/{p.pk}/objectives/{objective.pk}/key-results/new/",
        {"title": "外援", "kind": "boolean", "owner": company.mia.pk, "contributors": [company.erin.pk]},
    )
    assert response.status_code == 400
    assert "Carried by: Erin 执行官 is not a member of the project" in _text(response.content.decode())
    assert not KeyResult.objects.filter(title="外援").exists()


def test_it_lets_a_key_results_owner_say_who_carries_it_PLAY_PROJ(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ 步骤五: mia owns the key result; she takes hank on with oscar."""
    p, kr = project["project"], project["kr"]
    client = client_for(company.mia)
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert f'action="/projects/{p.pk}/key-results/{kr.pk}/carriers/"' in page
    response = client.post(
        f"/projects/{p.pk}/key-results/{kr.pk}/carriers/",
        {f"kr{kr.pk}-contributors": [company.oscar.pk, company.hank.pk]},
    )
    assert response.status_code == 302
    assert set(kr.contributors.values_list("username", flat=True)) == {"oscar", "hank"}
    assert client_for(company.oscar).post(f"/projects/{p.pk}/key-results/{kr.pk}/carriers/", {}).status_code == 403


def test_it_tells_on_the_objective_page_which_project_it_belongs_to(company: Company, project: ProjectWorld) -> None:
    text = _text(client_for(company.oscar).get(f"/objectives/{project['objective'].pk}/").content.decode())
    assert "This objective belongs to the stage “设计” of the project 新品上市项目" in text


def test_it_keeps_the_project_page_on_a_phone(company: Company, project: ProjectWorld) -> None:
    """Tables scroll inside their box; the timeline is one column on a narrow screen (qibu.css)."""
    list_page = client_for(company.mia).get("/projects/").content.decode()
    assert '<div class="table-wrap">' in list_page
    assert ProjectMember.objects.exists()


def test_it_shows_the_timetable_of_the_projects_action_steps_EXE_8(company: Company, project: ProjectWorld) -> None:
    """PLAY-PROJ, EXE-8: the project's page draws the action steps of its key results, and only those."""
    from qibu.plans.services import step_create

    kr = project["kr"]
    step_create(actor=present(kr.owner), key_result=kr, title="样机评审会", owner=kr.owner)
    page = client_for(company.mia).get(f"/projects/{project['project'].pk}/").content.decode()
    assert 'id="project-timetable-heading"' in page
    assert "样机评审会" in page
