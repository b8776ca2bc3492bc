"""The weekly personal digest (issue 7, item 9): on Monday morning, each person who keeps it on gets one mail with
their key results (progress, confidence, the stale ones first) and the falls in confidence of the past week in
their department. Built for the whole company in a fixed number of queries, then one outbox row per person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qibu.core.http import site_url
from qibu.notify.models import NotificationSettings, OutboxMail
from qibu.notify.services import mail_queue
from qibu.okrs import progress as meas
from qibu.okrs.models import CheckIn, KeyResult, Status, Visibility, agreed_q
from qibu.org.models import Organisation, Person

SEND_FROM_HOUR = 9


@dataclass
class DigestLine:
    title: str
    url: str
    progress: int
    confidence: int
    stale: bool


@dataclass
class FallLine:
    title: str
    url: str
    owner: str
    before: int
    after: int
    reason: str


@dataclass
class Digest:
    person: Person
    key_results: list[DigestLine] = field(default_factory=list)
    falls: list[FallLine] = field(default_factory=list)


def _url(objective_id: int, key_result_id: int) -> str:
    return reverse("okrs:objective", args=[objective_id]) + f"#kr-{key_result_id}"


def _key_results_by_owner(policy: Organisation, now: dt.datetime) -> dict[int, list[DigestLine]]:
    rows = (
        KeyResult.objects.filter(
            agreed_q("objective__"), objective__status=Status.ACTIVE, objective__owner__isnull=False
        )
        .values_list(
            "pk",
            "title",
            "progress",
            "confidence",
            "last_checkin_at",
            "created_at",
            "objective_id",
            "objective__owner_id",
        )
        .order_by("objective__owner_id", "objective_id", "pk")
    )
    lines: dict[int, list[DigestLine]] = defaultdict(list)
    for pk, title, progress, confidence, last_checkin_at, created_at, objective_id, owner_id in rows.iterator(2000):
        stale = meas.is_stale(
            last_checkin_at=last_checkin_at, created_at=created_at, now=now, cadence_days=policy.checkin_cadence_days
        )
        lines[owner_id].append(DigestLine(title, _url(objective_id, pk), round(progress * 100), int(confidence), stale))
    for owned in lines.values():
        owned.sort(key=lambda line: not line.stale)  # the stale first, in their objectives' order
    return lines


def _falls_by_department(policy: Organisation, since: dt.datetime) -> dict[int, list[FallLine]]:
    """EXE-4 falls of the week, on objectives their department may see (not private ones)."""
    rows = (
        CheckIn.objects.filter(created_at__gte=since, previous_confidence__isnull=False)
        .filter(previous_confidence__gte=F("confidence") + policy.confidence_fall_threshold)
        .exclude(key_result__objective__visibility=Visibility.PRIVATE)
        .values_list(
            "key_result_id",
            "key_result__title",
            "key_result__objective_id",
            "key_result__objective__department_id",
            "key_result__objective__owner__department_id",
            "key_result__objective__owner__full_name",
            "previous_confidence",
            "confidence",
            "confidence_reason",
        )
        .order_by("created_at", "pk")
    )
    falls: dict[int, list[FallLine]] = defaultdict(list)
    for kr_id, title, objective_id, department_id, owner_department_id, owner, before, after, reason in rows:
        line = FallLine(title, _url(objective_id, kr_id), owner or "", int(before or 0), int(after), reason)
        for department in {department_id, owner_department_id} - {None}:
            falls[department].append(line)
    return falls


def digests_for_week(policy: Organisation, now: dt.datetime) -> list[Digest]:
    """Every digest worth sending this week: active people with an address who did not turn it off and have
    something in it."""
    since = now - dt.timedelta(days=7)
    off = set(NotificationSettings.objects.filter(weekly_digest=False).values_list("person_id", flat=True))
    key_results = _key_results_by_owner(policy, now)
    falls = _falls_by_department(policy, since)
    people = Person.objects.filter(is_active=True).exclude(email="").order_by("pk")
    digests = []
    for person in people.iterator(2000):
        if person.pk in off:
            continue
        digest = Digest(person, key_results.get(person.pk, []), falls.get(person.department_id or 0, []))
        if digest.key_results or digest.falls:
            digests.append(digest)
    return digests


@transaction.atomic
def weekly_digests_mail(*, policy: Organisation, now: dt.datetime | None = None) -> int:
    """Queue this week's digests, on Monday from 9:00 in the organisation's time zone; once a week per person
    whichever run gets there (the outbox key holds the ISO week). Answers how many were queued."""
    now = now or timezone.now()
    local = now.astimezone(policy.zone)
    if local.weekday() != 0 or local.hour < SEND_FROM_HOUR:
        return 0
    year, week, _day = local.isocalendar()
    prefix = f"weekly:{year}-W{week:02d}:"
    already = set(OutboxMail.objects.filter(key__startswith=prefix).values_list("key", flat=True))
    site = site_url()
    queued = 0
    for digest in digests_for_week(policy, now):
        key = f"{prefix}{digest.person.pk}"
        if key in already:
            continue
        language = digest.person.language or policy.default_language
        with translation.override(language):
            context = {"digest": digest, "site": site, "settings_url": reverse("notify:notification_settings")}
            mail_queue(
                key=key,
                kind="weekly_digest",
                recipient=digest.person,
                subject=_("Your OKRs this week"),
                text=render_to_string("okrs/mail/weekly.txt", context),
                html=render_to_string("okrs/mail/weekly.html", context),
                language=language,
            )
        queued += 1
    return queued
