"""Key-result milestones with due dates (EXE-9: supervisors monitor through key-result milestones): due dates within
the key result's dates (refused by field otherwise, nothing written), shown in the check-in's lists, overdue ones
flagged on the owner's pages and on their manager's home page, a daily job telling the owner and their manager once
per milestone and day, and the daily focus's `okrs.milestones` source."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.notify.models import Notification, NotificationKind
from qibu.okrs.focus import Rank, daily_focus
from qibu.okrs.milestones import focus_items, overdue_milestones_told, overdue_of_people, overdue_of_reports
from qibu.okrs.models import KeyResult, Milestone
from qibu.okrs.services import key_result_create, milestones_due_set
from qibu.org.selectors import organisation_get
from tests.conftest import Company, Okrs

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 15, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def english(client: Client) -> None:
    client.cookies["qibu_language"] = "en"


def _today() -> dt.date:
    return timezone.localdate()


def _milestones_kr(company: Company, okrs: Okrs, *due: dt.date | None, title: str = "苏州办事处开业") -> KeyResult:
    names = ["选址", "装修", "开业", "招聘", "培训", "签约"]
    return key_result_create(
        actor=company.mia,
        objective=okrs["mine"],
        title=title,
        kind="milestones",
        milestones=[{"title": names[i], "due_date": d} for i, d in enumerate(due)],
    )


def test_exe9_milestones_take_due_dates_within_the_key_result(company: Company, okrs: Okrs) -> None:
    kr = _milestones_kr(company, okrs, dt.date(2026, 10, 20), None)
    assert list(kr.milestones.values_list("title", "due_date")) == [("选址", dt.date(2026, 10, 20)), ("装修", None)]


def test_exe9_a_due_date_outside_the_key_result_is_refused_nothing_written(company: Company, okrs: Okrs) -> None:
    before = (KeyResult.objects.count(), Milestone.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as raised:
        _milestones_kr(company, okrs, dt.date(2027, 2, 1))
    assert "outside the key result's dates" in raised.value.message_dict["milestones"][0]
    with pytest.raises(ValidationError) as raised:
        _milestones_kr(company, okrs, "soon")  # type: ignore[arg-type]
    assert "is not a date" in raised.value.message_dict["milestones"][0]
    assert (KeyResult.objects.count(), Milestone.objects.count(), AuditEntry.objects.count()) == before


def test_exe9_due_dates_set_later_by_field_and_refused_outside(company: Company, okrs: Okrs) -> None:
    kr = _milestones_kr(company, okrs, None, None)
    first, second = kr.milestones.all()
    with pytest.raises(ValidationError) as raised:
        milestones_due_set(
            actor=company.mia, key_result=kr, due_dates={first.pk: dt.date(2026, 11, 1), second.pk: dt.date(2025, 1, 1)}
        )
    assert set(raised.value.message_dict) == {f"due_{second.pk}"}
    assert not Milestone.objects.filter(due_date__isnull=False).exists()
    changed = milestones_due_set(actor=company.mia, key_result=kr, due_dates={first.pk: dt.date(2026, 11, 1)})
    assert [m.pk for m in changed] == [first.pk]
    assert AuditEntry.objects.filter(action="milestone.update").count() == 1


def test_exe9_the_form_and_quick_rows_take_a_due_date_after_a_bar(client: Client, company: Company, okrs: Okrs) -> None:
    client.force_login(company.mia)
    response = client.post(
        reverse("okrs:kr_new", args=[okrs["mine"].pk]),
        {"title": "苏州办事处", "kind": "milestones", "milestones": "选址 | 2026-10-20\n装修", "weight": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    kr = KeyResult.objects.get(title="苏州办事处")
    assert list(kr.milestones.values_list("title", "due_date")) == [("选址", dt.date(2026, 10, 20)), ("装修", None)]
    response = client.post(
        reverse("okrs:kr_new", args=[okrs["mine"].pk]),
        {"title": "无锡办事处", "kind": "milestones", "milestones": "选址 | 2030-01-01", "weight": "1"},
    )
    assert response.status_code == 400
    assert "outside the key result&#x27;s dates" in response.content.decode()
    assert not KeyResult.objects.filter(title="无锡办事处").exists()


def test_exe9_due_dates_page_sets_them_and_refuses_outside_by_field(
    client: Client, company: Company, okrs: Okrs
) -> None:
    kr = _milestones_kr(company, okrs, None, None)
    first, second = kr.milestones.all()
    url = reverse("okrs:kr_milestones", args=[kr.pk])
    client.force_login(company.oscar)
    assert client.get(url).status_code == 403
    client.force_login(company.mia)
    assert f'name="due_{first.pk}"' in client.get(url).content.decode()
    refused = client.post(url, {f"due_{first.pk}": "2026-11-01", f"due_{second.pk}": "2027-03-01"})
    assert refused.status_code == 400
    assert "装修: “装修” is due on" in refused.content.decode()
    assert not Milestone.objects.filter(due_date__isnull=False).exists()
    assert client.post(url, {f"due_{first.pk}": "2026-11-01", f"due_{second.pk}": ""}).status_code == 302
    assert Milestone.objects.get(pk=first.pk).due_date == dt.date(2026, 11, 1)


def test_exe9_overdue_milestones_flagged_on_the_objective_page_and_my_okrs(
    client: Client, company: Company, okrs: Okrs
) -> None:
    late = max(company.quarter.start, _today() - dt.timedelta(days=3))
    _milestones_kr(company, okrs, late, company.quarter.end)
    client.force_login(company.mia)
    for url in (reverse("okrs:objective", args=[okrs["mine"].pk]), reverse("okrs:my")):
        html = client.get(url).content.decode()
        assert "1 milestone overdue" in html, url
        assert '<span class="tag off_track">overdue</span>' in html


def test_exe9_check_in_lists_show_the_due_dates(client: Client, company: Company, okrs: Okrs) -> None:
    kr = _milestones_kr(company, okrs, dt.date(2026, 12, 20))
    client.force_login(company.mia)
    html = client.get(reverse("okrs:checkin", args=[kr.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="milestones_done"' in html and "due 12/20/2026" in html


def test_exe9_manager_home_panel_lists_reports_overdue_milestones(client: Client, company: Company, okrs: Okrs) -> None:
    late = max(company.quarter.start, _today() - dt.timedelta(days=3))
    _milestones_kr(company, okrs, late, _today() + dt.timedelta(days=10))
    client.force_login(company.hank)
    html = client.get(reverse("okrs:my")).content.decode()
    panel = html[html.index("Your reports' overdue milestones") :]
    assert "选址" in panel and "米娅" in panel and "装修" not in panel.split("</section>")[0]
    client.force_login(company.mia)
    assert "Your reports' overdue milestones" not in client.get(reverse("okrs:my")).content.decode()


@pytest.mark.parametrize("count", [2, 6])
def test_exe9_overdue_reads_are_one_query_at_two_sizes(
    company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    late = max(company.quarter.start, _today() - dt.timedelta(days=3))
    for i in range(count):
        _milestones_kr(company, okrs, late, late, title=f"里程碑 {i}")
    with django_assert_num_queries(1):
        rows = overdue_of_reports(manager=company.hank, today=_today())
    assert len(rows) == min(2 * count, 10)
    with django_assert_num_queries(1):
        people = overdue_of_people(viewer=company.hank, owner_ids=[company.mia.pk], today=_today())
    assert len(people) == min(2 * count, 10)
    # The milestones' own source (the other apps' sources count their own queries).
    with django_assert_num_queries(1):
        items = [i for i in focus_items(company.mia, company.org, timezone.now()) if i.source == "okrs.milestones"]
    assert len(items) == min(2 * count, 10)
    assert items[0].rank == Rank.OVERDUE


def test_exe9_focus_lists_milestones_due_today_and_overdue(company: Company, okrs: Okrs) -> None:
    today = timezone.localdate(NOW, company.org.zone)
    _milestones_kr(company, okrs, today, today - dt.timedelta(days=2), today + dt.timedelta(days=1))
    items = [i for i in daily_focus(company.mia, company.org, NOW) if i.source == "okrs.milestones"]
    assert [(i.title, i.rank) for i in items] == [("装修", Rank.OVERDUE), ("选址", Rank.DUE_TODAY)]
    assert "2 days overdue" in items[0].reason
    # Only the owner's: hank's focus does not list mia's milestones.
    assert not [i for i in daily_focus(company.hank, company.org, NOW) if i.source == "okrs.milestones"]


def _told() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind=NotificationKind.MILESTONE).values_list("recipient__username", "text")
    )


def test_exe9_daily_job_tells_owner_and_manager_once_a_day(company: Company, okrs: Okrs) -> None:
    kr = _milestones_kr(company, okrs, dt.date(2026, 11, 10), dt.date(2026, 11, 20))
    policy = organisation_get()
    assert overdue_milestones_told(policy=policy, now=NOW) == 2
    (hank, mia) = _told()
    assert hank[0] == "hank" and "a milestone of 米娅's key result" in hank[1]
    assert mia[0] == "mia" and mia[1].startswith("Your milestone “选址” of “苏州办事处开业” was due on")
    assert overdue_milestones_told(policy=policy, now=NOW + dt.timedelta(hours=5)) == 0
    assert overdue_milestones_told(policy=policy, now=NOW + dt.timedelta(days=1)) == 2
    # Done: nobody is told again.
    Milestone.objects.filter(key_result=kr).update(done=True)
    assert overdue_milestones_told(policy=policy, now=NOW + dt.timedelta(days=2)) == 0


def test_exe9_daily_job_skips_an_inactive_manager(company: Company, okrs: Okrs) -> None:
    company.hank.is_active = False
    company.hank.save(update_fields=["is_active"])
    _milestones_kr(company, okrs, dt.date(2026, 11, 10))
    assert overdue_milestones_told(policy=organisation_get(), now=NOW) == 1
    assert [who for who, _text in _told()] == ["mia"]


def test_exe9_key_result_dates_may_not_leave_a_milestone_outside(company: Company, okrs: Okrs) -> None:
    """EXE-9, EXE-11: a correction of a key result's dates that would leave a milestone's due date outside is refused,
    naming the end date; nothing written."""
    from qibu.okrs.models import Correction, CorrectionKind
    from qibu.okrs.services import correction_make

    kr = _milestones_kr(company, okrs, dt.date(2026, 12, 20))
    with pytest.raises(ValidationError) as raised:
        correction_make(
            actor=company.mia,
            objective=okrs["mine"],
            key_result=kr,
            kind=CorrectionKind.DATES,
            reason="提前结束",
            changes={"end_date": "2026-12-10"},
        )
    assert "outside the key result's dates" in raised.value.message_dict["end_date"][0]
    assert not Correction.objects.exists()
    assert KeyResult.objects.get(pk=kr.pk).end_date == company.quarter.end
