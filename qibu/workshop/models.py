"""The co-creation workshop's rows (团队共创, PLAY-ANNUAL, WS-1 … WS-7).

A workshop belongs to an annual cycle. Its participants are drawn into groups of 5–7 with a leader each (WS-1); the
CEO observes without being counted in a group. Each group goes through its own phases — the topic (WS-2), the
individual brainstorm (WS-3), combining the notes into at most five columns (WS-4), distilling each column into an
objective (WS-5), ranking and presenting them (WS-6) — and the moderator then runs the plenary (WS-7), itself a
group (`Group.is_plenary`) whose notes are the groups' objectives, until the CEO decides which become the company's
annual objectives.

Every change appends an `Event`: its id is the sequence every screen follows (the live channel), and the events
are the workshop's record (who did what, when).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qibu.cycles.models import Cycle
from qibu.okrs.models import Objective

# WS-3: each participant writes five notes.
NOTES_PER_PERSON = 5
# WS-4: at most five columns.
MAX_COLUMNS = 5
# WS-1: groups of five to seven.
GROUP_MIN = 5
GROUP_MAX = 7
DEFAULT_VOTE_BUDGET = 3


class WorkshopState(models.TextChoices):
    PREPARING = "preparing", _("in preparation")
    RUNNING = "running", _("groups at work")
    PLENARY = "plenary", _("plenary")
    DECIDED = "decided", _("decided")


class GroupPhase(models.TextChoices):
    """A group's phases, in order (WS-2 … WS-6); the plenary goes from combine to decided (WS-7)."""

    WAITING = "waiting", _("waiting to start")
    TOPIC = "topic", _("topic")
    BRAINSTORM = "brainstorm", _("individual brainstorm")
    COMBINE = "combine", _("combine")
    DISTIL = "distil", _("distil")
    RANK = "rank", _("rank")
    PRESENTED = "presented", _("presented")


GROUP_PHASE_ORDER: tuple[str, ...] = tuple(GroupPhase.values)


class Workshop(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("cycle"))
    topic = models.CharField(_("topic"), max_length=300)
    scheduled_for = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("moderator")
    )
    # WS-1: the CEO, who may look into any group and decides the result (WS-7); not counted in any group.
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("observer (CEO)"),
    )
    state = models.CharField(_("state"), max_length=20, choices=WorkshopState.choices, default=WorkshopState.PREPARING)
    # WS-2: the short OKR refresher shown on every screen with the topic.
    refresher = models.BooleanField(_("show the OKR refresher"), default=True)
    # WS-4: each member's votes in a vote, unless the vote says otherwise; changeable during the meeting.
    vote_budget = models.PositiveSmallIntegerField(_("votes per person"), default=DEFAULT_VOTE_BUDGET)
    # WS-7: what the CEO said when deciding.
    decision_statement = models.TextField(_("the CEO's conclusion"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    plenary_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-scheduled_for", "-id"]
        verbose_name = _("workshop")

    def __str__(self) -> str:
        return self.topic

    @property
    def is_open(self) -> bool:
        return self.state != WorkshopState.DECIDED


class Group(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField(_("number"))
    # The plenary (WS-7): the moderator leads it, every participant is in it, its notes are the groups' objectives.
    is_plenary = models.BooleanField(default=False)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader"),
    )
    phase = models.CharField(_("phase"), max_length=20, choices=GroupPhase.choices, default=GroupPhase.WAITING)
    # WS-3: the notes are hidden from everyone but their authors until this moment.
    revealed_at = models.DateTimeField(null=True, blank=True)
    # What every screen of the group shows large: the note being read aloud (WS-4), the objective (WS-5).
    spotlight_note = models.ForeignKey("Note", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    spotlight_column = models.ForeignKey("Column", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    presented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["workshop_id", "is_plenary", "number"]
        verbose_name = _("group")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["workshop", "number"], name="workshop_group_number"),
        ]

    def __str__(self) -> str:
        return str(_("Plenary")) if self.is_plenary else str(_("Group %(number)d") % {"number": self.number})

    @property
    def is_revealed(self) -> bool:
        return self.revealed_at is not None


class Participant(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    # WS-3: "I have written my notes" — the leader sees who is done.
    done_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["workshop_id", "group_id", "id"]
        verbose_name = _("participant")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["workshop", "person"], name="workshop_participant_once"),
        ]

    def __str__(self) -> str:
        return str(self.person)


class Column(models.Model):
    """A column of notes of one kind (WS-4), then the objective distilled from it (WS-5) and its rank (WS-6)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="columns")
    title = models.CharField(_("kind"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    # WS-5: the objective written from the column's key words.
    objective = models.CharField(_("objective"), max_length=300, blank=True)
    # WS-6: 1 is the most important; set when the group ranks.
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    # WS-7, on the plenary's columns: the CEO's decision, and the company objective it became.
    chosen = models.BooleanField(null=True, blank=True)
    result = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="workshop_origins"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["group_id", "position", "id"]
        verbose_name = _("column")

    def __str__(self) -> str:
        return self.objective or self.title


class Note(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("note"), max_length=200)
    # WS-4: the author's most important note, handed in first.
    is_pick = models.BooleanField(default=False)
    # WS-4: what the author said when asked to explain it.
    clarification = models.TextField(_("clarification"), blank=True)
    column = models.ForeignKey(Column, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes")
    position = models.PositiveIntegerField(default=0)
    # In the plenary: the group's objective this note stands for (WS-7).
    source = models.ForeignKey(Column, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Bumped on every move: a move made against an older version is refused (two leaders, one note).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["group_id", "position", "id"]
        verbose_name = _("note")

    def __str__(self) -> str:
        return self.text


class VoteState(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Vote(models.Model):
    """A dispute settled by vote (WS-4, WS-7): a question, its options, each member's votes within the budget,
    the reasons behind the dissent. Ballots are secret: totals and reasons are shown, never who voted for what."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="votes")
    question = models.CharField(_("question"), max_length=300)
    # The note in dispute: closing the vote moves it into the winning option's column.
    note = models.ForeignKey(Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="votes")
    budget = models.PositiveSmallIntegerField(_("votes per person"))
    state = models.CharField(max_length=10, choices=VoteState.choices, default=VoteState.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    winner = models.ForeignKey("VoteOption", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering: ClassVar = ["group_id", "opened_at", "id"]
        verbose_name = _("vote")

    def __str__(self) -> str:
        return self.question


class VoteOption(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=300)
    column = models.ForeignKey(Column, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["vote_id", "position", "id"]

    def __str__(self) -> str:
        return self.label


class Ballot(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(VoteOption, on_delete=models.CASCADE, related_name="ballots")
    points = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["vote", "voter", "option"], name="workshop_ballot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.option_id}×{self.points}"


class VoteReason(models.Model):
    """WS-4: the thinking behind a member's vote, asked for especially from those who dissent."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="reasons")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("reason"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["vote_id", "at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["vote", "voter"], name="workshop_vote_reason_once"),
        ]

    def __str__(self) -> str:
        return self.text


class GroupingProposal(models.Model):
    """Qibu's grouping of the notes by key words (WS-4), and what it replaced once accepted, so that one step
    undoes it. `proposal`: [{"title": …, "keywords": [...], "notes": [ids]}]; `previous`: {"columns":
    [{"id", "title", "position"}], "notes": {note id: column id or null}}."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="proposals")
    proposal = models.JSONField(default=list)
    previous = models.JSONField(null=True, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["group_id", "-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.group_id}: {len(self.proposal)}"


class Event(models.Model):
    """One change in a workshop, in order: the live channel's sequence (its id) and the record's line.

    `group` is the group whose screens it changes (None: every screen of the workshop). `data` holds what the
    record shows (ids, positions, a phase), never a hidden note's text."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="events")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    data = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["id"]
        indexes: ClassVar = [models.Index(fields=["workshop", "id"], name="workshop_event_seq")]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind}"
