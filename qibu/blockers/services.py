"""Writing blockers (EXE-2): one transaction each, every change in the blocker's history, the people it concerns told
through the inbox in the same transaction.

Who may do what is `qibu.blockers.access`, asked by pages and API before they call these. The services refuse bad
input by field (`FieldErrors`, nothing written): a title; an owner who is an active person of the company (not
someone who left, not an unknown id); people concerned who are active too; a key result or action step the actor
may see; a team inside the department given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any, cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qibu.audit.services import changed_fields, history_record, snapshot
from qibu.blockers.models import TIER_ORDER, Blocker, BlockerSource, BlockerStatus, Tier
from qibu.core.validation import NOTE_MAX, TEXT_MAX, FieldErrors, clean_choice, clean_text, clean_title
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.access import can_view
from qibu.okrs.models import KeyResult
from qibu.org.models import Department, Person, Team
from qibu.plans.models import ActionStep

# What a blocker's history keeps of it (the people concerned as a list of ids beside these).
BLOCKER_FIELDS = (
    "title",
    "description",
    "owner",
    "team",
    "department",
    "key_result",
    "action_step",
    "source",
    "source_id",
    "tier",
    "status",
    "resolution",
)
# What `blocker_update` changes; the status is resolve's and reopen's, the tier the escalation's.
UPDATABLE = frozenset({"title", "description", "owner", "concerned", "key_result", "action_step"})


def blocker_url(blocker: Blocker) -> str:
    return reverse("blockers:detail", args=[blocker.pk])


def _subject(blocker: Blocker) -> Subject:
    return Subject(type="blockers.blocker", id=blocker.pk, url=blocker_url(blocker))


# --- checks -------------------------------------------------------------------------------------------------


def _person(value: Any) -> Person | None:
    """A person given as themself or by id (as the API and forms send them); None when there is no such person."""
    if value is None or value == "":
        return None
    if isinstance(value, Person):
        return value
    try:
        return Person.objects.filter(pk=int(str(value))).first()
    except (TypeError, ValueError):
        return None


def _clean_owner(errors: FieldErrors, value: Any) -> Person | None:
    """The one who settles it: an active person of the company."""
    if value is None or value == "":
        errors.add("owner", _("Name the person who settles this blocker."))
        return None
    person = _person(value)
    if person is None:
        errors.add("owner", _("There is no such person in the company: choose the owner among its people."))
    elif not person.is_active:
        errors.add("owner", _("%(name)s is no longer active in the company: choose someone who is.") % {"name": person})
    return person


def _clean_concerned(errors: FieldErrors, values: Iterable[Any]) -> list[Person]:
    chosen: dict[int, Person] = {}
    for value in values:
        person = _person(value)
        if person is None:
            errors.add("concerned", _("There is no such person in the company: choose among its people."))
        elif not person.is_active:
            errors.add(
                "concerned",
                _("%(name)s is no longer active in the company: choose someone who is.") % {"name": person},
            )
        else:
            chosen.setdefault(person.pk, person)
    return list(chosen.values())


def _clean_links(
    errors: FieldErrors, actor: Person, key_result: KeyResult | None, action_step: ActionStep | None
) -> KeyResult | None:
    """The key result (that of the step when only the step is given), which the actor may see."""
    if action_step is not None:
        if key_result is None:
            key_result = action_step.key_result
        elif action_step.key_result_id != key_result.pk:
            errors.add("action_step", _("This action step belongs to another key result."))
    if key_result is not None and not can_view(actor, key_result.objective):
        field = "key_result" if action_step is None else "action_step"
        errors.add(field, _("You cannot see this key result: link one you can see."))
    return key_result


def _clean_group(
    errors: FieldErrors, team: Team | None, department: Department | None
) -> tuple[Team | None, Department | None]:
    if team is not None:
        if department is None:
            department = team.department
        elif team.department_id != department.pk:
            errors.add("team", _("This team is not in the department given."))
    return team, department


def _first_tier(team: Team | None, department: Department | None) -> str:
    """The meeting that first looks at it: the team's stand-up; the department's weekly meeting when it was raised
    there (a department and no team); the management's weekly meeting when raised with neither."""
    if team is not None:
        return Tier.TEAM
    if department is not None:
        return Tier.DEPARTMENT
    return Tier.MANAGEMENT


# --- history and messages ------------------------------------------------------------------------------------


def _concerned_ids(blocker: Blocker) -> list[int]:
    return sorted(blocker.concerned.values_list("pk", flat=True))


def _snapshot(blocker: Blocker, concerned: Iterable[int] | None = None) -> dict[str, Any]:
    values = snapshot(blocker, BLOCKER_FIELDS)
    if concerned is not None:
        values["concerned"] = sorted(concerned)
    return values


def _record(
    *, actor: Person | None, action: str, blocker: Blocker, before: dict[str, Any] | None, after: dict[str, Any]
) -> None:
    if before is not None:
        keys = changed_fields(before, after)
        before = {k: before[k] for k in keys if k in before}
        after = {k: after[k] for k in keys}
    history_record(actor=actor, action=action, subject=blocker, target=blocker, before=before, after=after)


def _tell(
    *, actor: Person | None, blocker: Blocker, people: Iterable[Person], key: str, owner_text: str, other_text: str
) -> None:
    """Tell the owner `owner_text` and everyone else in `people` `other_text` (formatted in each one's language
    with the blocker's title, the actor and the owner)."""
    owner = blocker.owner
    values = {"title": blocker.title, "actor": str(actor) if actor else "", "owner": str(owner)}

    def text(person: Person) -> str:
        return (_(owner_text) if person.pk == owner.pk else _(other_text)) % values

    notify(
        kind=NotificationKind.BLOCKER,
        recipients=list({p.pk: p for p in people}.values()),
        text=text,
        key=key,
        subject=_subject(blocker),
        actor=actor,
    )


# Marked for the catalogue here, translated when each message is made (in the recipient's language).
RAISED_OWNER = gettext_noop("%(actor)s raised the blocker “%(title)s” and made you its owner: it is yours to settle.")
RAISED_OTHER = gettext_noop("%(actor)s raised the blocker “%(title)s”, which concerns you; %(owner)s settles it.")
OWNER_NEW = gettext_noop("%(actor)s made you the owner of the blocker “%(title)s”: it is yours to settle.")
CONCERNED_NEW = gettext_noop(
    "%(actor)s added you to the blocker “%(title)s”, which concerns you; %(owner)s settles it."
)
RESOLVED = gettext_noop("%(actor)s resolved the blocker “%(title)s”.")
REOPENED_OWNER = gettext_noop("%(actor)s reopened the blocker “%(title)s”: it is yours to settle again.")
REOPENED_OTHER = gettext_noop("%(actor)s reopened the blocker “%(title)s”; %(owner)s settles it.")


# --- writes --------------------------------------------------------------------------------------------------


@transaction.atomic
def blocker_create(
    *,
    actor: Person,
    title: Any,
    owner: Any,
    concerned: Iterable[Any] = (),
    team: Team | None = None,
    department: Department | None = None,
    key_result: KeyResult | None = None,
    action_step: ActionStep | None = None,
    source: Any = BlockerSource.PAGE,
    source_id: int | None = None,
    description: Any = "",
    now: dt.datetime | None = None,
) -> Blocker:
    """EXE-2: a blocker listed where it came up (a stand-up, a weekly meeting, a 1-on-1, its page), with its owner and
    the people concerned, who are told at once. It starts at the tier of the group it was raised in."""
    errors = FieldErrors()
    clean_title_ = clean_title(errors, "title", title)
    text = clean_text(errors, "description", description, max_length=TEXT_MAX)
    person = _clean_owner(errors, owner)
    people = _clean_concerned(errors, concerned)
    key_result = _clean_links(errors, actor, key_result, action_step)
    team, department = _clean_group(errors, team, department)
    chosen_source = clean_choice(errors, "source", source, BlockerSource, "")
    if not chosen_source:
        errors.add("source", _("Say where the blocker was raised."))
    if source_id is not None and (not isinstance(source_id, int) or source_id < 0):
        errors.add("source_id", _("The record it was raised in is named by its number."))
    errors.raise_if_any()
    person = cast(Person, person)  # refused above when missing
    blocker = Blocker.objects.create(
        title=clean_title_,
        description=text,
        raised_by=actor,
        owner=person,
        team=team,
        department=department,
        key_result=key_result,
        action_step=action_step,
        source=chosen_source,
        source_id=source_id,
        tier=_first_tier(team, department),
        created_at=now or timezone.now(),
    )
    ids = [p.pk for p in people if p.pk != person.pk]
    blocker.concerned.set(ids)
    _record(actor=actor, action="blocker.create", blocker=blocker, before=None, after=_snapshot(blocker, ids))
    _tell(
        actor=actor,
        blocker=blocker,
        people=[person, *people],
        key=f"blocker:{blocker.pk}:raised",
        owner_text=RAISED_OWNER,
        other_text=RAISED_OTHER,
    )
    return blocker


def _locked(blocker: Blocker) -> Blocker:
    # Only the blocker's row is locked (PostgreSQL locks no row of an outer join's nullable side).
    return (
        Blocker.objects.select_for_update(of=("self",))
        .select_related("owner", "raised_by", "team", "department")
        .get(pk=blocker.pk)
    )


def _change_links(errors: FieldErrors, actor: Person, blocker: Blocker, changes: dict[str, Any]) -> None:
    """A new step brings its key result; a new key result keeps the step only if the step is one of its own."""
    step = changes.get("action_step", blocker.action_step)
    key_result = changes.get("key_result", None if step else blocker.key_result)
    if "action_step" not in changes and step is not None:
        step = step if key_result is not None and step.key_result_id == key_result.pk else None
    blocker.key_result = _clean_links(errors, actor, key_result, step)
    blocker.action_step = step


@transaction.atomic
def blocker_update(*, actor: Person, blocker: Blocker, **changes: Any) -> Blocker:
    """Change its title, description, owner, the people concerned or what it is linked to (a key result, an action
    step). A new owner and newly concerned people are told."""
    errors = FieldErrors()
    for name in changes:
        if name not in UPDATABLE:
            errors.add(name, _("This cannot be changed here."))
    blocker = _locked(blocker)
    old_concerned = _concerned_ids(blocker)
    before = _snapshot(blocker, old_concerned)
    if "title" in changes:
        blocker.title = clean_title(errors, "title", changes["title"])
    if "description" in changes:
        blocker.description = clean_text(errors, "description", changes["description"], max_length=TEXT_MAX)
    old_owner = blocker.owner
    if "owner" in changes:
        blocker.owner = _clean_owner(errors, changes["owner"]) or old_owner
    people: list[Person] | None = None
    if "concerned" in changes:
        people = _clean_concerned(errors, changes["concerned"] or ())
    if "key_result" in changes or "action_step" in changes:
        _change_links(errors, actor, blocker, changes)
    errors.raise_if_any()
    concerned = old_concerned if people is None else sorted(p.pk for p in people if p.pk != blocker.owner_id)
    after = _snapshot(blocker, concerned)
    if not changed_fields(before, after):
        return blocker
    blocker.save(update_fields=["title", "description", "owner", "key_result", "action_step", "updated_at"])
    if people is not None:
        blocker.concerned.set(concerned)
    _record(actor=actor, action="blocker.update", blocker=blocker, before=before, after=after)
    _tell_changes(actor=actor, blocker=blocker, old_owner=old_owner, old_concerned=old_concerned, people=people)
    return blocker


def _tell_changes(
    *, actor: Person, blocker: Blocker, old_owner: Person, old_concerned: list[int], people: list[Person] | None
) -> None:
    """A new owner, and the people newly concerned, hear of it."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    if blocker.owner_id != old_owner.pk:
        _tell(
            actor=actor,
            blocker=blocker,
            people=[blocker.owner],
            key=f"blocker:{blocker.pk}:owner:{blocker.owner_id}:{stamp}",
            owner_text=OWNER_NEW,
            other_text=OWNER_NEW,
        )
    if people is not None:
        added = [p for p in people if p.pk not in old_concerned and p.pk != blocker.owner_id]
        _tell(
            actor=actor,
            blocker=blocker,
            people=added,
            key=f"blocker:{blocker.pk}:concerned:{stamp}",
            owner_text=CONCERNED_NEW,
            other_text=CONCERNED_NEW,
        )


def _everyone(blocker: Blocker) -> list[Person]:
    """Its owner, the people concerned and the one who raised it."""
    people = [blocker.owner, *blocker.concerned.all()]
    if blocker.raised_by is not None:
        people.append(blocker.raised_by)
    return people


@transaction.atomic
def blocker_resolve(*, actor: Person, blocker: Blocker, resolution: Any, now: dt.datetime | None = None) -> Blocker:
    """Settled: how, by whom, when. Its owner, the people concerned and its raiser are told."""
    errors = FieldErrors()
    blocker = _locked(blocker)
    if not blocker.is_open:
        errors.add(None, _("This blocker is already resolved."))
    text = clean_text(
        errors, "resolution", resolution, max_length=NOTE_MAX, missing=_("Say how the blocker was settled.")
    )
    errors.raise_if_any()
    before = _snapshot(blocker)
    blocker.status = BlockerStatus.RESOLVED
    blocker.resolution = text
    blocker.resolved_by = actor
    blocker.resolved_at = now or timezone.now()
    blocker.save(update_fields=["status", "resolution", "resolved_by", "resolved_at", "updated_at"])
    _record(actor=actor, action="blocker.resolve", blocker=blocker, before=before, after=_snapshot(blocker))
    _tell(
        actor=actor,
        blocker=blocker,
        people=_everyone(blocker),
        key=f"blocker:{blocker.pk}:resolved:{blocker.resolved_at.isoformat()}",
        owner_text=RESOLVED,
        other_text=RESOLVED,
    )
    return blocker


@transaction.atomic
def blocker_reopen(*, actor: Person, blocker: Blocker) -> Blocker:
    """Open again (it was not settled after all): its age still counts from when it was raised, and it stays at
    the tier it had reached."""
    errors = FieldErrors()
    blocker = _locked(blocker)
    if blocker.is_open:
        errors.add(None, _("This blocker is already open."))
    errors.raise_if_any()
    before = _snapshot(blocker)
    blocker.status = BlockerStatus.OPEN
    blocker.resolution = ""
    blocker.resolved_by = None
    blocker.resolved_at = None
    blocker.save(update_fields=["status", "resolution", "resolved_by", "resolved_at", "updated_at"])
    _record(actor=actor, action="blocker.reopen", blocker=blocker, before=before, after=_snapshot(blocker))
    _tell(
        actor=actor,
        blocker=blocker,
        people=_everyone(blocker),
        key=f"blocker:{blocker.pk}:reopened:{timezone.now().isoformat()}",
        owner_text=REOPENED_OWNER,
        other_text=REOPENED_OTHER,
    )
    return blocker


FOLLOW_UP_OWNER = gettext_noop(
    "After “%(meeting)s”: the blocker “%(title)s” is yours to settle with the people it concerns."
)
FOLLOW_UP_OTHER = gettext_noop("After “%(meeting)s”: the blocker “%(title)s” concerns you; settle it with %(owner)s.")


def blockers_follow_up(*, actor: Person | None, blockers: Iterable[Blocker], meeting: str, url: str) -> int:
    """EXE-2: blockers are listed, not discussed, in the meeting; afterwards its owner and the people concerned —
    and only they — are told what they have to settle, once per blocker and meeting (`url`, the meeting's page,
    names it: a second call for the same meeting tells no one again). Resolved blockers are left out. Answers how
    many notifications were made. Call it inside the meeting's transaction."""
    ids = [b.pk for b in blockers]
    if not ids:
        return 0
    # Two queries whatever the number of blockers (then the inbox's own): as stored now, open ones only.
    rows = (
        Blocker.objects.filter(pk__in=ids, status=BlockerStatus.OPEN)
        .select_related("owner")
        .prefetch_related("concerned")
    )
    meeting_key = hashlib.sha256(f"{url}\n{meeting}".encode()).hexdigest()[:24]
    made = 0
    for blocker in rows:
        values = {"title": blocker.title, "meeting": meeting, "owner": str(blocker.owner)}
        owner_id = blocker.owner_id

        def text(person: Person, values: dict[str, str] = values, owner_id: int = owner_id) -> str:
            return (_(FOLLOW_UP_OWNER) if person.pk == owner_id else _(FOLLOW_UP_OTHER)) % values

        made += len(
            notify(
                kind=NotificationKind.BLOCKER,
                recipients=[blocker.owner, *blocker.concerned.all()],
                text=text,
                key=f"blocker:{blocker.pk}:follow-up:{meeting_key}",
                subject=Subject(type="blockers.blocker", id=blocker.pk, url=url or blocker_url(blocker)),
                actor=None,
            )
        )
    return made


def next_tier(tier: str) -> str | None:
    index = TIER_ORDER.index(tier)
    return TIER_ORDER[index + 1] if index + 1 < len(TIER_ORDER) else None
