"""The stand-up's writes (EXE-1, EXE-2): the day's stand-up made when first needed, each person's entry (their own
only), closing it with its summary, and the facilitator's live mode. One transaction each, history for every entry
and every close; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.blockers.models import Blocker, BlockerSource
from qibu.blockers.services import blocker_create, blockers_follow_up
from qibu.core.validation import TITLE_MAX, FieldErrors, clean_text, field_problems
from qibu.notify.chat.services import chat_language, chat_post
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.models import KeyResult
from qibu.org.models import Person, Team
from qibu.org.selectors import organisation_get
from qibu.plans.models import OPEN_STATUSES, ActionStep
from qibu.rhythm.models import Schedule, ScheduleKind
from qibu.rhythm.selectors import absent_ids, holiday_on, rule_of, schedule_people
from qibu.standups import access
from qibu.standups.models import DEFAULT_MINUTES, Entry, EntryItem, Section, StandUp, Timing

ITEM_MAX = 500
# The worker closes a stand-up nobody closed this long after its end.
CLOSE_AFTER = dt.timedelta(hours=1)
ITEMS_PER_SECTION = 10


# --- the day's stand-up ------------------------------------------------------------------------------------------


def team_schedule(team: Team) -> Schedule | None:
    """The team's active stand-up schedule (the first, should there be several)."""
    return Schedule.objects.filter(kind=ScheduleKind.STAND_UP, team=team, active=True).order_by("pk").first()


def local_today(schedule: Schedule | None, now: dt.datetime) -> dt.date:
    zone = organisation_get().zone
    return now.astimezone(schedule.zone(zone) if schedule else zone).date()


def meets_on(schedule: Schedule, day: dt.date) -> bool:
    """Whether the schedule has a stand-up on `day`: one of its days and no holiday."""
    return day.weekday() in rule_of(schedule).days() and holiday_on(day) is None


def stand_up_get_or_make(*, team: Team, day: dt.date, schedule: Schedule | None = None) -> StandUp | None:
    """The team's stand-up of `day`, made when first needed from its schedule (the schedule's time on its clock,
    its length, 15 minutes by default); None when the team has no stand-up that day."""
    existing = StandUp.objects.select_related("team", "team__department", "schedule").filter(team=team, day=day).first()
    if existing is not None:
        return existing
    schedule = schedule or team_schedule(team)
    if schedule is None or not meets_on(schedule, day):
        return None
    zone = schedule.zone(organisation_get().zone)
    starts_at = dt.datetime.combine(day, schedule.time, tzinfo=zone)
    try:
        with transaction.atomic():
            return StandUp.objects.create(
                team=team,
                schedule=schedule,
                day=day,
                starts_at=starts_at,
                duration_minutes=schedule.duration_minutes or DEFAULT_MINUTES,
            )
    except IntegrityError:  # made at the same moment by another request
        return StandUp.objects.select_related("team", "schedule").get(team=team, day=day)


def participants(stand_up: StandUp) -> list[Person]:
    """The stand-up's people: the team and its lead (one query)."""
    if stand_up.schedule is not None:
        return list(schedule_people(stand_up.schedule))
    group = Q(team_id=stand_up.team_id) | Q(led_teams=stand_up.team_id)
    return list(Person.objects.filter(group, is_active=True).distinct().order_by("full_name", "username"))


# --- entries -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    """One line as a page or the API gives it. `link` is "kr:<id>" or "step:<id>" (one of the poster's own);
    a blocker's `owner` (the poster when None) and the people it `concerns`."""

    section: Any
    text: Any
    link: Any = ""
    owner: Any = None
    concerned: Sequence[Any] = field(default_factory=tuple)


def _own_links(person: Person) -> tuple[set[int], set[int]]:
    """The key results (in open cycles) and open action steps the person answers for (two queries)."""
    key_results = set(
        KeyResult.objects.filter(objective__cycle__is_closed=False)
        .annotate(responsible=Coalesce("owner_id", "objective__owner_id"))
        .filter(responsible=person.pk)
        .values_list("pk", flat=True)
    )
    steps = set(ActionStep.objects.filter(owner=person, status__in=OPEN_STATUSES).values_list("pk", flat=True))
    return key_results, steps


def _parse_link(value: Any) -> tuple[str, int] | None:
    text = str(value or "").strip()
    if not text:
        return None
    kind, _sep, number = text.partition(":")
    if kind not in ("kr", "step") or not number.isdigit():
        return ("bad", 0)
    return kind, int(number)


@dataclass
class _Line:
    section: str
    text: str
    key_result_id: int | None
    action_step_id: int | None
    owner: Any
    concerned: list[Any]


def _clean_items(errors: FieldErrors, person: Person, items: Iterable[ItemInput]) -> list[_Line]:
    lines: list[_Line] = []
    counts: dict[str, int] = {}
    key_results: set[int] | None = None
    steps: set[int] = set()
    for index, item in enumerate(items):
        section = str(item.section or "")
        name = f"items.{index}"
        if section not in Section.values:
            errors.add(f"{name}.section", _("Say whether it is yesterday's progress, today's plan or a blocker."))
            continue
        longest = TITLE_MAX if section == Section.BLOCKER else ITEM_MAX
        text = clean_text(errors, f"{name}.text", item.text, max_length=longest, missing=_("Write the line."))
        counts[section] = counts.get(section, 0) + 1
        if counts[section] == ITEMS_PER_SECTION + 1:
            errors.add(f"{name}.text", _("At most %(count)d lines a section.") % {"count": ITEMS_PER_SECTION})
        link = _parse_link(item.link)
        key_result_id = step_id = None
        if link is not None:
            if key_results is None:
                key_results, steps = _own_links(person)
            kind, number = link
            if kind == "kr" and number in key_results:
                key_result_id = number
            elif kind == "step" and number in steps:
                step_id = number
            else:
                errors.add(f"{name}.link", _("Link one of your own key results or open action steps."))
        lines.append(_Line(section, text, key_result_id, step_id, item.owner, list(item.concerned)))
    if not lines and not errors:
        errors.add("items", _("Write at least one line: yesterday's progress, today's plan or a blocker."))
    return lines


def _timing(stand_up: StandUp, now: dt.datetime) -> str:
    """EXE-1: the reporting window closes when the meeting starts; what is posted later is marked as posted
    during the meeting (while it runs: its length, or the live mode until it ends) or after it."""
    if now < stand_up.starts_at:
        return Timing.BEFORE
    if now < stand_up.ends_at or stand_up.is_live:
        return Timing.DURING
    return Timing.AFTER


def _texts(items: Iterable[EntryItem | _Line]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {s: [] for s in Section.values}
    for item in items:
        found[item.section].append(item.text)
    return found


def _refuse(field_name: str, message: str) -> None:
    errors = FieldErrors()
    errors.add(field_name, message)
    errors.raise_if_any()


@transaction.atomic
def entry_post(
    *,
    actor: Person,
    stand_up: StandUp,
    items: Sequence[ItemInput],
    person: Person | None = None,
    now: dt.datetime | None = None,
) -> Entry:
    """Post or edit the actor's own entry (EXE-1). An entry for another person is refused, as is one in a closed
    stand-up or by someone not in the team; nothing is written then. Each blocker line becomes a blocker (EXE-2)
    with its owner (the poster unless they name someone) and the people concerned; an edit keeps the blockers of
    the lines it keeps, and is recorded in the entry's history."""
    now = now or timezone.now()
    if person is not None and person.pk != actor.pk:
        _refuse("person", _("You post only your own stand-up entry, not one for someone else."))
    stand_up = (
        StandUp.objects.select_for_update(of=("self",)).select_related("team", "team__department").get(pk=stand_up.pk)
    )
    if stand_up.is_closed:
        _refuse("items", _("This stand-up is closed: entries can no longer be posted or changed."))
    if not access.is_participant(actor, stand_up.team):
        _refuse("person", _("Only the team's people post in its stand-up."))
    errors = FieldErrors()
    lines = _clean_items(errors, actor, items)
    errors.raise_if_any()
    entry = Entry.objects.filter(stand_up=stand_up, person=actor).first()
    old_items = list(entry.items.all()) if entry is not None else []
    before = _texts(old_items) if entry is not None else None
    if entry is None:
        entry = Entry.objects.create(
            stand_up=stand_up, person=actor, timing=_timing(stand_up, now), posted_at=now, updated_at=now
        )
    else:
        if before == _texts(lines) and [(i.key_result_id, i.action_step_id) for i in old_items] == [
            (line.key_result_id, line.action_step_id) for line in lines
        ]:
            return entry
        entry.edits += 1
        entry.updated_at = now
        entry.save(update_fields=["edits", "updated_at"])
    kept_blockers = {i.text: i.blocker_id for i in old_items if i.section == Section.BLOCKER and i.blocker_id}
    entry.items.all().delete()
    made: list[EntryItem] = []
    positions: dict[str, int] = {}
    for line in lines:
        blocker_id = None
        if line.section == Section.BLOCKER:
            blocker_id = kept_blockers.pop(line.text, None)
            if blocker_id is None:
                blocker_id = _raise_blocker(actor, stand_up, line, len(made)).pk
        position = positions.get(line.section, 0)
        positions[line.section] = position + 1
        made.append(
            EntryItem(
                entry=entry,
                section=line.section,
                text=line.text,
                key_result_id=line.key_result_id,
                action_step_id=line.action_step_id,
                blocker_id=blocker_id,
                position=position,
            )
        )
    EntryItem.objects.bulk_create(made)
    history_record(
        actor=actor,
        action="stand_up_entry.post" if before is None else "stand_up_entry.update",
        subject=stand_up,
        target=entry,
        before=before,
        after=_texts(made),
    )
    return entry


def _raise_blocker(actor: Person, stand_up: StandUp, line: _Line, index: int) -> Blocker:
    """EXE-2: a blocker line is listed as a blocker; its errors name the line."""
    try:
        with transaction.atomic():
            return blocker_create(
                actor=actor,
                title=line.text,
                owner=line.owner or actor,
                concerned=line.concerned,
                team=stand_up.team,
                key_result=KeyResult.objects.filter(pk=line.key_result_id).first() if line.key_result_id else None,
                action_step=(
                    ActionStep.objects.filter(pk=line.action_step_id).first() if line.action_step_id else None
                ),
                source=BlockerSource.STAND_UP,
                source_id=stand_up.pk,
            )
    except ValidationError as exc:
        # The blocker's problems, named by its line (its owner outside the company, a person concerned unknown).
        errors = FieldErrors()
        for name, message in field_problems(exc):
            errors.add(f"items.{index}.{name or 'text'}", message)
        errors.raise_if_any()
        raise


# --- closing and the summary -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    posted: list[Person]
    missing: list[Person]
    absent: list[Person]
    blockers: list[EntryItem]


def summary_of(stand_up: StandUp, people: list[Person] | None = None) -> Summary:
    """Who posted, who is missing (absent people apart) and the blockers (three queries with the people)."""
    people = participants(stand_up) if people is None else people
    away = absent_ids(stand_up.day, [p.pk for p in people])
    posters = set(Entry.objects.filter(stand_up=stand_up).values_list("person_id", flat=True))
    blockers = list(
        EntryItem.objects.filter(entry__stand_up=stand_up, section=Section.BLOCKER)
        .select_related("entry__person", "blocker__owner")
        .order_by("entry__posted_at", "position", "pk")
    )
    others = [p for p in people if p.pk not in posters]
    return Summary(
        posted=[p for p in people if p.pk in posters],
        missing=[p for p in others if p.pk not in away],
        absent=[p for p in others if p.pk in away],
        blockers=blockers,
    )


def stand_up_url(stand_up: StandUp) -> str:
    return reverse("standups:day", args=[stand_up.team_id, stand_up.day.isoformat()])


def _names(people: Iterable[Person]) -> str:
    return "、".join(str(p) for p in people) or "—"


def summary_lines(stand_up: StandUp, summary: Summary) -> list[str]:
    """The summary in the active language: who posted, who is missing, who is away, the blockers."""
    lines = [
        _("Posted (%(count)d): %(names)s") % {"count": len(summary.posted), "names": _names(summary.posted)},
        _("Missing (%(count)d): %(names)s") % {"count": len(summary.missing), "names": _names(summary.missing)},
    ]
    if summary.absent:
        lines.append(_("Away (%(count)d): %(names)s") % {"count": len(summary.absent), "names": _names(summary.absent)})
    if summary.blockers:
        lines.append(_("Blockers (%(count)d), settled after the stand-up:") % {"count": len(summary.blockers)})
        for item in summary.blockers:
            owner = item.blocker.owner if item.blocker is not None else item.entry.person
            lines.append(
                _("• %(text)s — %(person)s, owner %(owner)s")
                % {"text": item.text, "person": item.entry.person, "owner": owner}
            )
    else:
        lines.append(_("No blockers."))
    return lines


def summary_title(stand_up: StandUp) -> str:
    return _("Stand-up of %(team)s, %(day)s") % {
        "team": stand_up.team.name,
        "day": formats.date_format(stand_up.day, "SHORT_DATE_FORMAT"),
    }


@transaction.atomic
def stand_up_close(*, actor: Person | None, stand_up: StandUp, now: dt.datetime | None = None) -> Summary:
    """Close the stand-up (the lead, a head above, an administrator, the facilitator; or the worker, `actor`
    None): entries are final, the summary goes to the team's chat and to its people (inbox or mail as each chose),
    and each blocker's owner and people concerned get the follow-up (EXE-2). Closing twice is refused."""
    now = now or timezone.now()
    stand_up = (
        StandUp.objects.select_for_update(of=("self",))
        .select_related("team", "team__department", "schedule")
        .get(pk=stand_up.pk)
    )
    if actor is not None and not access.may_close(actor, stand_up):
        _refuse("stand_up", _("Only the team's lead, a head above it or the facilitator closes the stand-up."))
    if stand_up.is_closed:
        _refuse("stand_up", _("This stand-up is closed already; its summary went out."))
    people = participants(stand_up)
    summary = summary_of(stand_up, people)
    stand_up.closed_at, stand_up.closed_by = now, actor
    fields = ["closed_at", "closed_by"]
    if stand_up.is_live:
        stand_up.live_ended_at = now
        stand_up.live_version += 1
        fields += ["live_ended_at", "live_version"]
    stand_up.save(update_fields=fields)
    history_record(
        actor=actor,
        action="stand_up.close",
        subject=stand_up,
        target=stand_up,
        after={
            "posted": [p.pk for p in summary.posted],
            "missing": [p.pk for p in summary.missing],
            "absent": [p.pk for p in summary.absent],
        },
    )
    url = stand_up_url(stand_up)
    key = f"stand-up:{stand_up.pk}:summary"
    with translation.override(chat_language()):
        chat_post(
            target=stand_up.team,
            title=summary_title(stand_up),
            lines=summary_lines(stand_up, summary),
            link=url,
            key=key,
        )
    away = {p.pk for p in summary.absent}

    def text(person: Person) -> str:
        # One line: a notification's text may become a mail's subject.
        return " · ".join([summary_title(stand_up), *summary_lines(stand_up, summary)])

    notify(
        kind=NotificationKind.STAND_UP,
        recipients=[p for p in people if p.pk not in away],
        text=text,
        key=key,
        subject=Subject(type="standups.standup", id=stand_up.pk, url=url),
        actor=actor,
    )
    blockers = [item.blocker for item in summary.blockers if item.blocker is not None]
    blockers_follow_up(actor=actor, blockers=blockers, meeting=summary_title(stand_up), url=url)
    return summary


def stand_ups_close_due(*, now: dt.datetime | None = None) -> int:
    """The worker closes the stand-ups whose meeting ended more than `CLOSE_AFTER` ago and that nobody closed
    (each in its own transaction: a stand-up closed meanwhile is left as it is)."""
    now = now or timezone.now()
    closed = 0
    waiting = StandUp.objects.filter(closed_at__isnull=True, starts_at__lt=now - CLOSE_AFTER).order_by("pk")
    for stand_up in waiting:
        if stand_up.ends_at + CLOSE_AFTER > now or stand_up.is_live:
            continue
        try:
            stand_up_close(actor=None, stand_up=stand_up, now=now)
        except ValidationError:
            continue  # closed meanwhile
        closed += 1
    return closed


# --- the live mode -----------------------------------------------------------------------------------------------


def _locked(stand_up: StandUp) -> StandUp:
    return (
        StandUp.objects.select_for_update(of=("self",))
        .select_related("team", "team__department", "schedule")
        .get(pk=stand_up.pk)
    )


def speaking_order(stand_up: StandUp, people: list[Person]) -> list[int]:
    """Present people first (those who posted, in the order they posted, then the others by name), then those
    away, who may still drop in."""
    away = absent_ids(stand_up.day, [p.pk for p in people])
    posted = list(
        Entry.objects.filter(stand_up=stand_up).order_by("posted_at", "pk").values_list("person_id", flat=True)
    )
    ids = [p.pk for p in people]
    present = [pk for pk in posted if pk in ids and pk not in away]
    present += [pk for pk in ids if pk not in present and pk not in away]
    return present + [pk for pk in ids if pk in away]


@transaction.atomic
def live_start(*, actor: Person, stand_up: StandUp, now: dt.datetime | None = None) -> StandUp:
    """Start the live mode: the actor becomes the facilitator, the first speaker starts now."""
    now = now or timezone.now()
    stand_up = _locked(stand_up)
    if stand_up.is_closed:
        _refuse("stand_up", _("This stand-up is closed already; its summary went out."))
    if not access.may_facilitate(actor, stand_up):
        _refuse("stand_up", _("Only the team's people or its lead run its stand-up."))
    if stand_up.is_live:
        _refuse("stand_up", _("The stand-up is running already, led by %(name)s.") % {"name": stand_up.facilitator})
    order = speaking_order(stand_up, participants(stand_up))
    if not order:
        _refuse("stand_up", _("The team has no one to speak."))
    stand_up.facilitator = actor
    stand_up.live_started_at = now
    stand_up.live_ended_at = None
    stand_up.speaker_order = order
    stand_up.speaker_index = 0
    stand_up.speaker_started_at = now
    stand_up.live_version += 1
    stand_up.save(
        update_fields=[
            "facilitator",
            "live_started_at",
            "live_ended_at",
            "speaker_order",
            "speaker_index",
            "speaker_started_at",
            "live_version",
        ]
    )
    history_record(actor=actor, action="stand_up.live_start", subject=stand_up, target=stand_up)
    return stand_up


@transaction.atomic
def live_move(*, actor: Person, stand_up: StandUp, step: int, now: dt.datetime | None = None) -> StandUp:
    """The next (`step` 1) or previous (-1) speaker; the facilitator only."""
    now = now or timezone.now()
    stand_up = _locked(stand_up)
    if not stand_up.is_live:
        _refuse("stand_up", _("The stand-up is not running."))
    if not access.is_facilitator(actor, stand_up):
        _refuse("stand_up", _("Only the facilitator moves to the next speaker."))
    index = stand_up.speaker_index + step
    if not 0 <= index < len(stand_up.speaker_order):
        _refuse("stand_up", _("There is no one before the first or after the last speaker."))
    stand_up.speaker_index = index
    stand_up.speaker_started_at = now
    stand_up.live_version += 1
    stand_up.save(update_fields=["speaker_index", "speaker_started_at", "live_version"])
    return stand_up


def live_end(*, actor: Person, stand_up: StandUp, now: dt.datetime | None = None) -> Summary:
    """End the live mode: the facilitator only; it closes the stand-up (its summary goes out)."""
    if not stand_up.is_live or not access.is_facilitator(actor, stand_up):
        _refuse("stand_up", _("Only the facilitator ends the stand-up."))
    return stand_up_close(actor=actor, stand_up=stand_up, now=now)
