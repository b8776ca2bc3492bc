"""Reminders of the method's rhythm: each schedule's people told once per occurrence, in the organisation's time
zone, and the check-in's late reminder naming who has not checked in."""

from __future__ import annotations

import datetime as dt

from qibu.jobs import registry
from qibu.notify.models import Notification, NotificationKind
from qibu.okrs.models import KeyResult
from qibu.rhythm.models import Occurrence, OccurrenceStage
from qibu.rhythm.reminders import _send, reminders_send
from qibu.rhythm.selectors import cycle_spans
from tests.conftest import Company, Okrs
from tests.rhythm.helpers import local, make_schedule


def _told(kind: str = NotificationKind.REMINDER) -> dict[str, str]:
    return dict(Notification.objects.filter(kind=kind).values_list("recipient__username", "text"))


def test_it_runs_the_reminders_every_five_minutes_on_the_worker() -> None:
    task = registry.get("rhythm.send_reminders")
    assert task.every == dt.timedelta(minutes=5)


def test_it_reminds_the_team_of_its_stand_up_once_however_often_it_runs_EXE_1(company: Company) -> None:
    """EXE-1: the daily stand-up per group, on workdays."""
    make_schedule(kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30")
    monday = local(2026, 10, 5, 9, 31)
    assert reminders_send(now=monday) == 2
    assert reminders_send(now=monday + dt.timedelta(minutes=5)) == 0
    told = _told(NotificationKind.STAND_UP)
    assert set(told) == {"mia", "hank"}  # the team and its lead; not marketing, not the executive
    assert "Stand-up of 华东大客户组 at 09:30" in told["mia"]
    assert "15 minutes at most" in told["mia"]
    assert Occurrence.objects.count() == 1
    # Saturday and Sunday have no stand-up.
    assert reminders_send(now=local(2026, 10, 10, 9, 31)) == 0
    assert reminders_send(now=local(2026, 10, 11, 9, 31)) == 0


def test_it_reminds_at_the_time_of_the_organisations_zone_EXE_1(company: Company) -> None:
    make_schedule(kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30")
    # 09:30 in Shanghai is 01:30 UTC: at 09:31 UTC the stand-up is eight hours past, too late to remind.
    assert reminders_send(now=dt.datetime(2026, 10, 5, 9, 31, tzinfo=dt.UTC)) == 0
    assert reminders_send(now=dt.datetime(2026, 10, 5, 1, 31, tzinfo=dt.UTC)) == 2


def test_it_never_reminds_twice_when_two_workers_claim_one_occurrence_EXE_1(company: Company) -> None:
    schedule = make_schedule(kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30")
    zone = company.org.zone
    due = local(2026, 10, 5, 9, 30)
    assert _send(schedule, due, OccurrenceStage.FIRST, [], zone) == 2
    # A second worker that read the schedules before the first committed: the unique key refuses its claim.
    assert _send(schedule, due, OccurrenceStage.FIRST, [], zone) == 0
    assert Notification.objects.count() == 2
    assert Occurrence.objects.get().recipients == 2


def test_it_sends_nothing_for_times_before_the_schedule_was_set_EXE_1(company: Company) -> None:
    make_schedule(
        kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30",
        since=local(2026, 10, 5, 9, 45),
    )  # fmt: skip
    assert reminders_send(now=local(2026, 10, 5, 10, 0)) == 0
    assert reminders_send(now=local(2026, 10, 6, 9, 35)) == 2


def test_it_names_who_has_not_checked_in_in_the_late_reminder_MEAS_8(company: Company, okrs: Okrs) -> None:
    """MEAS-8: the check-in cadence; the second reminder, a day later, names who has not checked in since."""
    make_schedule(
        kind="check_in", department_id=company.sales.pk, recurrence="weekly", weekdays=[4], time="16:00",
        late_after_hours=24,
    )  # fmt: skip
    friday = local(2026, 10, 2, 16, 1)
    assert reminders_send(now=friday) == 2
    assert "Time to check in on your key results (销售部)" in _told()["mia"]
    # mia checks in on Friday evening; hank, who owns the department's key result, does not.
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(last_checkin_at=local(2026, 10, 2, 18, 0))
    Notification.objects.all().delete()
    assert reminders_send(now=friday + dt.timedelta(hours=24)) == 1
    late = _told()
    assert set(late) == {"hank"}  # mia has acted: she is not told again
    assert "Not checked in yet since" in late["hank"]
    assert "韩销售" in late["hank"] and "米娅" not in late["hank"]
    assert Occurrence.objects.filter(stage=OccurrenceStage.LATE).count() == 1
    assert reminders_send(now=friday + dt.timedelta(hours=24, minutes=5)) == 0


def test_it_sends_no_late_reminder_when_everyone_checked_in_MEAS_8(company: Company, okrs: Okrs) -> None:
    make_schedule(
        kind="check_in", department_id=company.sales.pk, recurrence="weekly", weekdays=[4], time="16:00",
        late_after_hours=2,
    )  # fmt: skip
    reminders_send(now=local(2026, 10, 2, 16, 1))
    KeyResult.objects.update(last_checkin_at=local(2026, 10, 2, 17, 0))
    Notification.objects.all().delete()
    assert reminders_send(now=local(2026, 10, 2, 18, 1)) == 0
    assert Occurrence.objects.filter(stage=OccurrenceStage.LATE).count() == 1  # claimed, nobody to tell


def test_it_reminds_the_department_of_its_weekly_meeting_EXE_3(company: Company) -> None:
    """EXE-3: the department's weekly meeting, where each key result's confidence is adjusted."""
    make_schedule(
        kind="weekly_meeting", department_id=company.sales.pk, recurrence="weekly", weekdays=[0], time="10:00"
    )
    assert reminders_send(now=local(2026, 10, 5, 10, 2)) == 2
    told = _told()
    assert set(told) == {"mia", "hank"}
    assert "Weekly meeting of 销售部 at 10:00" in told["hank"] and "confidence" in told["hank"]


def test_it_reminds_the_management_of_its_weekly_meeting_EXE_6(company: Company) -> None:
    make_schedule(kind="management_meeting", recurrence="weekly", weekdays=[0], time="14:00")
    reminders_send(now=local(2026, 10, 5, 14, 0))
    assert set(_told()) == {"erin", "hank"}  # the executive and the department head


def test_it_reminds_everyone_of_self_assessment_in_the_last_week_of_the_quarter_SELF_1(company: Company) -> None:
    """SELF-1: quarterly self-assessment, from the last week of the quarter (6 days before its last day)."""
    make_schedule(
        kind="self_assessment", department_id=company.sales.pk, recurrence="cycle_end", cycle_kind="quarter",
        day_offset=6, time="09:00",
    )  # fmt: skip
    assert reminders_send(now=local(2026, 12, 24, 9, 1)) == 0
    assert reminders_send(now=local(2026, 12, 25, 9, 1)) == 2
    assert f"Self-assessment of {company.quarter.name} (销售部)" in _told()["mia"]


def test_it_reminds_of_the_update_week_at_the_start_of_the_quarter_UPD_1(company: Company) -> None:
    """UPD-1: the update in the first week of the new quarter."""
    make_schedule(
        kind="update_week", department_id=company.sales.pk, recurrence="cycle_start", cycle_kind="quarter",
        day_offset=0, time="09:00",
    )  # fmt: skip
    assert reminders_send(now=local(2026, 10, 1, 9, 1)) == 2
    assert f"update the OKRs for {company.quarter.name}" in _told()["hank"]
    assert [c.name for c in cycle_spans() if c.kind == "quarter" and c.start == dt.date(2026, 10, 1)] == [
        company.quarter.name
    ]


def test_it_reminds_the_team_of_its_friday_celebration_CEL_1(company: Company) -> None:
    """CEL-1: Friday for the team."""
    make_schedule(kind="celebration", team_id=company.sales_team.pk, recurrence="weekly", weekdays=[4], time="17:00")
    assert reminders_send(now=local(2026, 10, 2, 17, 3)) == 2
    assert "Celebration of 华东大客户组 at 17:00" in _told()["mia"]


def test_it_sends_nothing_for_a_paused_schedule_EXE_1(company: Company) -> None:
    make_schedule(kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30", active=False)
    assert reminders_send(now=local(2026, 10, 5, 9, 31)) == 0


def test_it_reminds_in_each_persons_language_EXE_1(company: Company) -> None:
    company.mia.language = "zh-hans"
    company.mia.save(update_fields=["language"])
    make_schedule(kind="stand_up", team_id=company.sales_team.pk, recurrence="workdays", time="09:30")
    reminders_send(now=local(2026, 10, 5, 9, 31))
    told = _told(NotificationKind.STAND_UP)
    assert "站会" in told["mia"]
    assert "Stand-up" in told["hank"]
