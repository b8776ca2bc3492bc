"""Celebration (CEL-1 … CEL-5): celebrations planned per level and held, their simple forms and the reward tier the
results earn, recognition (public or private, on the person's and department's pages, in the team chat, gathered into
the next celebration), incentives that only managers and administrators see, lessons learned beside the next cycle's
editor, and the celebrate phase's facts. Bad input is refused by field and nothing is written."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.celebrate import services
from qibu.celebrate.models import (
    Celebration,
    CelebrationLevel,
    CompanyValue,
    Incentive,
    Lesson,
    Recognition,
    RewardTier,
)
from qibu.celebrate.selectors import celebrate_facts, tier_suggestion
from qibu.cycles.models import Cycle
from qibu.cycles.phases import Phase, phase_facts
from qibu.notify.models import ChatMessage, ChatWebhook, Notification, NotificationKind
from qibu.okrs.models import Level, Objective
from qibu.okrs.services import objective_create
from qibu.org.models import Person
from qibu.org.services import api_token_create, department_create, person_create
from qibu.rhythm.models import Recurrence, Schedule, ScheduleKind
from tests.conftest import PASSWORD, Company, Okrs


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _api(person: Person, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return Client().generic(
        method,
        f"/api/v1{url}",
        json.dumps(body or {}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def _at(company: Company, days: int = 2) -> dt.datetime:
    return dt.datetime.combine(company.quarter.end + dt.timedelta(days=days), dt.time(17), tzinfo=company.org.zone)


def _scores(okrs: Okrs, company: str, department: str) -> None:
    Objective.objects.filter(pk=okrs["company"].pk).update(score=Decimal(company))
    Objective.objects.filter(pk=okrs["department"].pk).update(score=Decimal(department))


def _rows() -> tuple[int, ...]:
    return (
        Celebration.objects.count(),
        Recognition.objects.count(),
        Incentive.objects.count(),
        Lesson.objects.count(),
        Notification.objects.count(),
    )


# --- CEL-1: celebrations per level -------------------------------------------------------------------


def test_a_team_lead_plans_the_team_celebration_linked_to_its_schedule_CEL_1(company: Company, okrs: Okrs) -> None:
    schedule = Schedule.objects.create(
        kind=ScheduleKind.CELEBRATION,
        team=company.sales_team,
        recurrence=Recurrence.WEEKLY,
        weekdays=[4],
        time=dt.time(17),
    )
    response = _client(company.hank).post(
        "/celebrations/plan/",
        {
            "level": "team",
            "team": company.sales_team.pk,
            "cycle": company.quarter.pk,
            "at": "2026-12-25T17:00",
            "forms": ["drinks", "fruit"],
            "action": "plan",
        },
    )
    assert response.status_code == 302
    celebration = Celebration.objects.get()
    assert celebration.level == CelebrationLevel.TEAM and celebration.team == company.sales_team
    assert celebration.department == company.sales and celebration.schedule == schedule
    assert celebration.forms == ["drinks", "fruit"] and celebration.state == "planned"
    # The team is told (the lead planned it and is not told of their own).
    assert Notification.objects.filter(recipient=company.mia, kind=NotificationKind.CELEBRATION).exists()
    page = _client(company.mia).get(f"/celebrations/{celebration.pk}/")
    assert page.status_code == 200 and "华东大客户组" in page.content.decode()


def test_only_the_people_of_a_level_plan_its_celebration_CEL_1(company: Company, okrs: Okrs) -> None:
    before = _rows()
    for person, level in [
        (company.mia, "team"),
        (company.oscar, "department"),
        (company.hank, "management"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.celebration_plan(
                actor=person,
                cycle=company.quarter,
                at=_at(company),
                team=company.sales_team if level == "team" else None,
                department=company.sales if level == "department" else None,
                level=level,
            )
        assert "level" in refused.value.message_dict
    response = _client(company.mia).post(
        "/celebrations/plan/",
        {
            "level": "team",
            "team": company.sales_team.pk,
            "cycle": company.quarter.pk,
            "at": "2026-12-25T17:00",
            "action": "plan",
        },
    )
    assert response.status_code in (400, 403)
    assert _rows() == before
    # The executives plan the management's; the head the department's.
    services.celebration_plan(actor=company.erin, level="management", cycle=company.quarter, at=_at(company))
    services.celebration_plan(
        actor=company.hank, level="department", department=company.sales, cycle=company.quarter, at=_at(company)
    )
    assert Celebration.objects.count() == 2


def test_holding_records_what_was_celebrated_CEL_1(company: Company, okrs: Okrs) -> None:
    c = services.celebration_plan(
        actor=company.hank, level="department", department=company.sales, cycle=company.quarter, at=_at(company)
    )
    client = _client(company.hank)
    refused = client.post(f"/celebrations/{c.pk}/hold/", {"notes": ""})
    assert refused.status_code == 400 and "Say what was celebrated." in refused.content.decode()
    assert _client(company.mia).post(f"/celebrations/{c.pk}/hold/", {"notes": "x"}).status_code == 403
    assert client.post(f"/celebrations/{c.pk}/hold/", {"notes": "<b>签下十家</b>"}).status_code == 302
    c.refresh_from_db()
    assert c.is_held and c.notes == "<b>签下十家</b>" and c.held_at is not None
    page = client.get(f"/celebrations/{c.pk}/").content.decode()
    assert "&lt;b&gt;签下十家&lt;/b&gt;" in page and "<b>签下十家" not in page


# --- CEL-2: forms --------------------------------------------------------------------------------------


def test_the_simple_forms_and_other_needs_its_text_CEL_2(company: Company, okrs: Okrs) -> None:
    with pytest.raises(ValidationError) as refused:
        services.celebration_plan(
            actor=company.hank,
            level="department",
            department=company.sales,
            cycle=company.quarter,
            at=_at(company),
            forms=["snacks", "other"],
        )
    assert "form_other" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        services.celebration_plan(
            actor=company.hank,
            level="department",
            department=company.sales,
            cycle=company.quarter,
            at=_at(company),
            forms=["champagne"],
        )
    assert "forms" in unknown.value.message_dict
    assert not Celebration.objects.exists()
    c = services.celebration_plan(
        actor=company.hank,
        level="department",
        department=company.sales,
        cycle=company.quarter,
        at=_at(company),
        forms=["team_activity", "other"],
        form_other="爬山",
    )
    assert c.forms == ["team_activity", "other"] and c.form_other == "爬山"


# --- CEL-3: the tier from results ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        ("0.70", RewardTier.RICH),
        ("0.69", RewardTier.STANDARD),
        ("0.40", RewardTier.STANDARD),
        ("0.39", RewardTier.SIMPLE),
    ],
)
def test_the_tier_follows_the_policy_thresholds_CEL_3(
    company: Company, okrs: Okrs, score: str, tier: RewardTier
) -> None:
    _scores(okrs, "0.10", score)
    found = tier_suggestion(
        organisation=company.org, level="department", cycle=company.quarter, department=company.sales, team=None
    )
    assert found.tier == tier and found.score == Decimal(score) and found.scored == 1
    management = tier_suggestion(
        organisation=company.org, level="management", cycle=company.quarter, department=None, team=None
    )
    assert management.tier == RewardTier.SIMPLE and management.score == Decimal("0.10")


def test_another_tier_needs_a_reason_CEL_3(company: Company, okrs: Okrs) -> None:
    _scores(okrs, "0.9", "0.8")
    with pytest.raises(ValidationError) as refused:
        services.celebration_plan(
            actor=company.hank,
            level="department",
            department=company.sales,
            cycle=company.quarter,
            at=_at(company),
            tier="simple",
        )
    assert "tier_reason" in refused.value.message_dict and not Celebration.objects.exists()
    c = services.celebration_plan(
        actor=company.hank,
        level="department",
        department=company.sales,
        cycle=company.quarter,
        at=_at(company),
        tier="simple",
        tier_reason="预算有限",
    )
    assert (c.suggested_tier, c.tier, c.score) == (RewardTier.RICH, RewardTier.SIMPLE, Decimal("0.80"))
    page = _client(company.mia).get(f"/celebrations/{c.pk}/").content.decode()
    assert "0.80" in page and "0.70" in page and "预算有限" in page
    shown = (
        _client(company.hank)
        .get(
            "/celebrations/plan/",
            {"level": "department", "department": str(company.sales.pk), "cycle": str(company.quarter.pk)},
        )
        .content.decode()
    )
    assert "0.80" in shown


# --- CEL-4: recognition ----------------------------------------------------------------------------------


def test_recognition_is_told_posted_to_the_team_chat_and_shown_on_pages_CEL_4(company: Company, okrs: Okrs) -> None:
    ChatWebhook.objects.create(
        name="群", team=company.sales_team, platform="feishu", url="https://open.feishu.cn/hook/x"
    )
    value = CompanyValue.objects.create(name="客户第一")
    response = _client(company.oscar).post(
        "/celebrations/recognitions/give/",
        {
            "receiver": company.mia.pk,
            "key_result": okrs["my_kr"].pk,
            "value": value.pk,
            "message": "<script>x</script>谢谢",
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    r = Recognition.objects.get()
    assert (r.giver, r.receiver, r.value, r.public) == (company.oscar, company.mia, value, True)
    assert Notification.objects.filter(recipient=company.mia, kind=NotificationKind.RECOGNITION).exists()
    assert ChatMessage.objects.filter(webhook__team=company.sales_team).count() == 1
    for url in (f"/people/{company.mia.pk}/", f"/departments/{company.sales.pk}/", "/celebrations/recognitions/"):
        page = _client(company.erin).get(url).content.decode()
        assert "&lt;script&gt;x&lt;/script&gt;谢谢" in page, url


def test_recognition_may_be_given_for_a_key_result_of_the_quarter_that_just_ended_CEL_4(company: Company) -> None:
    """Recognition comes with the celebrations, after the quarter: the form offered only the running quarter's."""
    from tests.updates.conftest import make_world

    world = make_world(company)
    Cycle.objects.exclude(pk__in=[world.ending.pk, world.next.pk]).delete()
    page = _client(company.hank).get(f"/celebrations/recognitions/give/?receiver={company.mia.pk}").content.decode()
    assert f'<option value="{world.my_kr.pk}">' in page
    older = Cycle.objects.create(
        name="更早", kind="quarter", start=world.ending.start - dt.timedelta(days=91), end=world.ending.start
    )
    Objective.objects.filter(pk=world.mine.pk).update(cycle=older)
    page = _client(company.hank).get("/celebrations/recognitions/give/").content.decode()
    assert f'<option value="{world.my_kr.pk}">' not in page  # two quarters back: no longer offered


def test_a_private_recognition_is_seen_by_giver_receiver_and_managers_only_CEL_4(company: Company, okrs: Okrs) -> None:
    ChatWebhook.objects.create(
        name="群", team=company.sales_team, platform="feishu", url="https://open.feishu.cn/hook/x"
    )
    services.recognition_give(
        actor=company.oscar, receiver=company.mia, key_result=okrs["my_kr"], message="私下感谢", public=False
    )
    assert not ChatMessage.objects.exists()
    for person, sees in [
        (company.oscar, True),
        (company.mia, True),
        (company.hank, True),
        (company.erin, True),
        (company.alice, False),
    ]:
        page = _client(person).get("/celebrations/recognitions/").content.decode()
        assert ("私下感谢" in page) == sees, person
    stranger = person_create(actor=None, username="sam", full_name="路人", password=PASSWORD)
    assert "私下感谢" not in _client(stranger).get(f"/people/{company.mia.pk}/").content.decode()
    r = Recognition.objects.get()
    assert _api(stranger, "GET", f"/recognitions/{r.pk}").status_code == 404
    assert _api(company.hank, "GET", f"/recognitions/{r.pk}").status_code == 200


def test_recognition_needs_a_key_result_and_someone_else_CEL_4(company: Company, okrs: Okrs) -> None:
    before = _rows()
    response = _client(company.mia).post(
        "/celebrations/recognitions/give/", {"receiver": company.mia.pk, "message": "我很棒"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "you cannot recognise yourself" in text and "Choose the key result" in text
    api = _api(
        company.mia,
        "POST",
        "/recognitions",
        {"receiver": company.mia.pk, "key_result": okrs["my_kr"].pk, "message": "我"},
    )
    assert api.status_code == 422 and {d["field"] for d in api.json()["detail"]} == {"receiver"}
    assert _rows() == before


def test_the_celebration_gathers_the_recognitions_since_the_last_one_CEL_4(company: Company, okrs: Okrs) -> None:
    first = services.celebration_plan(
        actor=company.hank,
        level="team",
        team=company.sales_team,
        cycle=company.quarter,
        at=timezone.now() - dt.timedelta(days=1),
    )
    old = services.recognition_give(actor=company.oscar, receiver=company.mia, key_result=okrs["my_kr"], message="旧的")
    Recognition.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    services.recognition_give(actor=company.oscar, receiver=company.mia, key_result=okrs["my_kr"], message="新的")
    services.recognition_give(actor=company.mia, receiver=company.oscar, key_result=okrs["my_kr"], message="别组")
    second = services.celebration_plan(
        actor=company.hank,
        level="team",
        team=company.sales_team,
        cycle=company.quarter,
        at=timezone.now() + dt.timedelta(days=3),
    )
    page = _client(company.mia).get(f"/celebrations/{second.pk}/").content.decode()
    assert "新的" in page and "旧的" not in page and "别组" not in page
    assert "旧的" in _client(company.mia).get(f"/celebrations/{first.pk}/").content.decode()


# --- CEL-4: incentives ------------------------------------------------------------------------------------


def test_incentives_are_seen_by_managers_and_administrators_only_CEL_4(company: Company, okrs: Okrs) -> None:
    peer = person_create(
        actor=None,
        username="pete",
        full_name="同事",
        password=PASSWORD,
        department=company.sales,
        team=company.sales_team,
        manager=company.hank,
    )
    response = _client(company.hank).post(
        "/celebrations/incentives/",
        {"person": company.mia.pk, "cycle": company.quarter.pk, "kind": "financial", "description": "季度奖金"},
    )
    assert response.status_code == 302
    for person, sees in [(company.hank, True), (company.alice, True), (company.erin, False)]:
        if sees:
            assert "季度奖金" in _client(person).get("/celebrations/incentives/").content.decode()
    for person in (peer, company.mia, company.oscar):
        assert _client(person).get("/celebrations/incentives/").status_code == 403
        assert _api(person, "GET", "/incentives").json() == [] or _api(person, "GET", "/incentives").status_code == 403
        assert "季度奖金" not in _client(person).get(f"/people/{company.mia.pk}/").content.decode()
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        services.incentive_record(
            actor=peer, person=company.mia, cycle=company.quarter, kind="promotion", description="晋升"
        )
    assert "person" in refused.value.message_dict
    assert (
        _client(peer)
        .post(
            "/celebrations/incentives/",
            {"person": company.mia.pk, "cycle": company.quarter.pk, "kind": "promotion", "description": "晋升"},
        )
        .status_code
        == 403
    )
    assert _rows() == before


# --- CEL-5: lessons learned ------------------------------------------------------------------------------


def test_lessons_of_the_cycle_before_show_beside_the_editor_CEL_5(company: Company, okrs: Okrs) -> None:
    previous = Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1))
    services.lesson_record(actor=company.erin, cycle=previous, department=None, text="公司：目标要少而精")
    services.lesson_record(actor=company.mia, cycle=previous, department=company.sales, text="销售：早点约客户")
    services.lesson_record(actor=company.oscar, cycle=previous, department=company.marketing, text="市场：别的部门")
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        services.lesson_record(actor=company.oscar, cycle=previous, department=company.sales, text="不是我的")
    assert "department" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.lesson_record(actor=company.mia, cycle=previous, department=None, text="公司级")
    assert _rows() == before
    page = _client(company.mia).get("/objectives/new/", {"cycle": company.quarter.pk}).content.decode()
    assert "公司：目标要少而精" in page and "销售：早点约客户" in page and "市场：别的部门" not in page
    edit = _client(company.hank).get(f"/objectives/{okrs['department'].pk}/edit/").content.decode()
    assert "销售：早点约客户" in edit


# --- the phase's facts ----------------------------------------------------------------------------------


def test_the_celebrate_phase_facts_in_a_fixed_number_of_queries(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(2):
        facts = celebrate_facts(company.quarter, company.org)
    assert facts.departments_expected == {company.sales.pk} and not facts.departments_done
    assert facts.company_expected and not facts.company_done
    for level, department in (("department", company.sales), ("management", None)):
        c = services.celebration_plan(
            actor=company.alice, level=level, department=department, cycle=company.quarter, at=_at(company)
        )
        services.celebration_hold(actor=company.alice, celebration=c, notes="庆祝")
    for i in range(3):
        d = department_create(actor=None, name=f"部门{i}")
        objective_create(
            actor=company.alice, cycle=company.quarter, level=Level.DEPARTMENT, department=d, title=f"目标{i}"
        )
    with django_assert_num_queries(2):
        facts = phase_facts(company.quarter, company.org, Phase.CELEBRATE)  # type: ignore[assignment]
    assert facts is not None and facts.departments_done == {company.sales.pk} and facts.company_done
    assert len(facts.departments_expected) == 4


# --- query counts of the pages --------------------------------------------------------------------------


def _grow(company: Company, okrs: Okrs, n: int) -> None:
    for i in range(n):
        person = person_create(
            actor=None,
            username=f"p{n}_{i}",
            full_name=f"同事{n}{i}",
            password=PASSWORD,
            department=company.sales,
            team=company.sales_team,
            manager=company.hank,
        )
        services.recognition_give(
            actor=company.oscar, receiver=person, key_result=okrs["my_kr"], message=f"谢谢{i}", public=i % 2 == 0
        )
        services.incentive_record(
            actor=company.hank, person=person, cycle=company.quarter, kind="financial", description=f"奖金{i}"
        )
        services.lesson_record(actor=company.hank, cycle=company.quarter, department=company.sales, text=f"教训{i}")
        services.celebration_plan(
            actor=company.hank,
            level="team",
            team=company.sales_team,
            cycle=company.quarter,
            at=_at(company, days=i + 1),
        )


def test_the_pages_make_a_fixed_number_of_queries_CEL_1_CEL_4_CEL_5(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _grow(company, okrs, 1)
    client = _client(company.hank)
    celebration = Celebration.objects.first()
    assert celebration is not None
    pages = [
        "/celebrations/",
        "/celebrations/plan/",
        f"/celebrations/{celebration.pk}/",
        "/celebrations/recognitions/",
        "/celebrations/recognitions/give/",
        "/celebrations/incentives/",
        "/celebrations/lessons/",
        f"/people/{company.mia.pk}/",
        f"/departments/{company.sales.pk}/",
        f"/objectives/{okrs['department'].pk}/edit/",
        "/objectives/new/",
    ]
    counts = {}
    for url in pages:
        assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[url] = len(queries.captured_queries)
    _grow(company, okrs, 6)
    for url in pages:
        with django_assert_num_queries(counts[url]):
            assert client.get(url).status_code == 200, url
    assert counts["/celebrations/recognitions/"] <= 6 and counts["/celebrations/incentives/"] <= 9


def test_the_editor_panel_reads_the_lessons_in_two_queries_CEL_5(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    from qibu.celebrate.panels import editor_lessons
    from qibu.okrs.panels import EditorPage

    previous = Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1))
    services.lesson_record(actor=company.erin, cycle=previous, department=None, text="公司教训")
    page = EditorPage(
        viewer=company.hank, cycle_id=company.quarter.pk, level="department", department_id=company.sales.pk
    )
    with django_assert_num_queries(2):
        found = editor_lessons(page)
    assert found is not None and [r.text for r in found["lessons"]] == ["公司教训"]
