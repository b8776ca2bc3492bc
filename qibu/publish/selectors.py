"""Reads on publications: who is ready to be published, the publication as a viewer may read it, the mailing's
progress, and the list of a cycle's publications. Each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qibu.core.numbers import NumberFormat
from qibu.cycles.models import Cycle, CycleKind
from qibu.notify.models import MailStatus, OutboxMail
from qibu.okrs.models import KeyResultKind, Level, Objective, agreed_q
from qibu.org.models import Department, Person
from qibu.publish import access
from qibu.publish.models import Entry, Part, Publication, State

if TYPE_CHECKING:
    from django.db.models import QuerySet

MAIL_KIND = "publication"
ENTRIES_PER_PAGE = 200
# The parts of the publication's first page; the long lists (every person's, the previous quarter) are paged.
OVERVIEW_PARTS = (Part.ANNUAL, Part.COMPANY, Part.DEPARTMENT)
PAGED_PARTS = (Part.PERSON, Part.PREVIOUS)


def approved_q() -> Q:
    """The objectives that count as approved, as a filter on objectives: the agreed ones (SET-1, SET-2: approved
    now or once before, `Objective.is_agreed`; a change waiting for approval again keeps the objective published
    as it stands).

    This and `readiness` below are the only places that decide it: the snapshot copies what this filter lets
    through, readiness names who has anything else."""
    return agreed_q()


# --- readiness -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    kind: str  # "person" or "department"
    id: int
    name: str
    reason: str  # "draft": has objectives not agreed yet (never approved); "none": has no objectives in the quarter

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class Readiness:
    cycle: Cycle
    people: int
    departments: int
    missing: list[Missing]

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def people_missing(self) -> list[Missing]:
        return [m for m in self.missing if m.kind == "person"]

    @property
    def departments_missing(self) -> list[Missing]:
        return [m for m in self.missing if m.kind == "department"]


def _owned(cycle: Cycle, **by: Any) -> dict[int, tuple[int, int]]:
    """(objectives, not approved) per owner or department, for the cycle's objectives matching `by`."""
    key = "owner_id" if "owner__isnull" in by else "department_id"
    rows = (
        Objective.objects.filter(cycle=cycle, **by)
        .values(key)
        .annotate(total=Count("id"), pending=Count("id", filter=~approved_q()))
        .values_list(key, "total", "pending")
    )
    return {pk: (total, pending) for pk, total, pending in rows}


def readiness(cycle: Cycle) -> Readiness:
    """Who is ready for the quarter to be published and who is missing (four queries whatever the company's size):
    every active person owning no objective of the quarter or one not agreed yet (a draft, submitted or returned,
    never approved), every department without an objective of its own at department level or with one not agreed
    yet (`approved_q`)."""
    owners = _owned(cycle, owner__isnull=False)
    departments = _owned(cycle, level=Level.DEPARTMENT, department__isnull=False)
    missing: list[Missing] = []
    people = (
        Person.objects.filter(is_active=True)
        .order_by("full_name", "username")
        .values_list("pk", "full_name", "username")
    )
    count_people = 0
    for pk, full_name, username in people:
        count_people += 1
        total, pending = owners.get(pk, (0, 0))
        if not total or pending:
            missing.append(Missing("person", pk, full_name or username, "draft" if total else "none"))
    count_departments = 0
    for pk, name in Department.objects.order_by("path", "position", "name").values_list("pk", "name"):
        count_departments += 1
        total, pending = departments.get(pk, (0, 0))
        if not total or pending:
            missing.append(Missing("department", pk, name, "draft" if total else "none"))
    return Readiness(cycle, count_people, count_departments, missing)


def previous_quarter(cycle: Cycle) -> Cycle | None:
    """The quarter that ended before this one started (the latest such), whose summary the publication carries."""
    return Cycle.objects.filter(kind=CycleKind.QUARTER, end__lt=cycle.start).order_by("-end", "-start", "-id").first()


def recipients() -> QuerySet[Person]:
    """Everyone a publication is mailed to: active, with an address."""
    return Person.objects.filter(is_active=True).exclude(email="")


# --- the publication as a viewer reads it ---------------------------------------------------------------------


@dataclass(frozen=True)
class KeyResultLine:
    title: str
    owner: str
    target: str
    progress: str
    score: str


@dataclass(frozen=True)
class EntryCard:
    objective_id: int
    part: str
    title: str
    owner: str
    department: str
    team: str
    progress: str
    score: str
    parents: list[str]
    key_results: list[KeyResultLine]


def _number(numbers: NumberFormat, value: str | None, unit: str = "") -> str:
    text = numbers.number(value)
    return f"{text} {unit}".strip() if unit and value is not None else text


def target_text(numbers: NumberFormat, kr: dict[str, Any]) -> str:
    """What a key result aims at, as people read it: "0 → 1,000 万元", "between 95 and 99 %", "done"."""
    kind, unit = kr.get("kind"), kr.get("unit") or ""
    if kind == KeyResultKind.BAND:
        return _("between %(low)s and %(high)s") % {
            "low": _number(numbers, kr.get("low")),
            "high": _number(numbers, kr.get("high"), unit),
        }
    if kind == KeyResultKind.MILESTONES:
        return _("all milestones done")
    if kind == KeyResultKind.BOOLEAN:
        return _("done")
    return f"{_number(numbers, kr.get('start'))} → {_number(numbers, kr.get('target'), unit)}"


def score_text(numbers: NumberFormat, value: Any) -> str:
    """MEAS-7 scores come with self-assessment (a later issue): until one is set, "not scored"."""
    return _("not scored") if value is None else numbers.number(value)


def entry_card(numbers: NumberFormat, entry: Entry) -> EntryCard:
    return EntryCard(
        objective_id=entry.objective_id,
        part=entry.part,
        title=entry.title,
        owner=entry.owner_name,
        department=entry.department_name,
        team=entry.team_name,
        progress=numbers.pct(entry.progress),
        score=score_text(numbers, entry.score),
        parents=list(entry.parents),
        key_results=[
            KeyResultLine(
                title=kr["title"],
                owner=kr.get("owner") or "",
                target=target_text(numbers, kr),
                progress=numbers.pct(kr.get("progress")),
                score=score_text(numbers, kr.get("score")),
            )
            for kr in entry.key_results
        ],
    )


CHANGE_LABELS = {
    ("added", "objective"): gettext_lazy("objective added"),
    ("removed", "objective"): gettext_lazy("objective removed"),
    ("retitled", "objective"): gettext_lazy("objective renamed"),
    ("added", "key_result"): gettext_lazy("key result added"),
    ("removed", "key_result"): gettext_lazy("key result removed"),
    ("retitled", "key_result"): gettext_lazy("key result renamed"),
    ("target", "key_result"): gettext_lazy("target changed"),
}
CARRY_LABELS = {
    "kept": gettext_lazy("kept"),
    "modified": gettext_lazy("changed"),
    "dropped": gettext_lazy("dropped"),
    "new": gettext_lazy("new"),
}
MISSING_REASONS = {
    "draft": gettext_lazy("objectives not approved yet"),
    "none": gettext_lazy("no objectives this quarter"),
}


@dataclass(frozen=True)
class ChangeLine:
    change: str  # added, removed, retitled, target
    what: str  # objective, key_result
    label: str
    title: str
    objective: str
    before: str
    after: str


def change_lines(numbers: NumberFormat, viewer: Person, changes: list[dict[str, Any]]) -> list[ChangeLine]:
    """The publication's changes the viewer may read, with targets as text."""
    lines = []
    for change in changes:
        if not access.can_read(viewer, change):
            continue
        before, after = change.get("before"), change.get("after")
        lines.append(
            ChangeLine(
                change=change["change"],
                what=change["what"],
                label=str(CHANGE_LABELS.get((change["change"], change["what"]), change["change"])),
                title=change["title"],
                objective=change.get("objective", ""),
                before=target_text(numbers, before) if isinstance(before, dict) else str(before or ""),
                after=target_text(numbers, after) if isinstance(after, dict) else str(after or ""),
            )
        )
    return lines


@dataclass(frozen=True)
class PartView:
    part: str
    label: str
    cards: list[EntryCard]


@dataclass
class PublicationPage:
    publication: Publication
    parts: list[PartView]
    changes: list[ChangeLine]
    missing: list[dict[str, Any]]
    showing: str  # "overview", "person" or "previous"
    page: Page[Entry] | None = None
    counts: dict[str, int] = field(default_factory=dict)
    # What the update carried into the cycle (`qibu.publish.carry`), the lines the viewer may read.
    carried: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_previous(self) -> bool:
        return self.showing == Part.PREVIOUS


def readable_entries(publication: Publication, viewer: Person) -> QuerySet[Entry]:
    return Entry.objects.filter(publication=publication).filter(access.readable_q(viewer))


def publication_page(*, publication: Publication, viewer: Person, part: str = "", page: Any = 1) -> PublicationPage:
    """The publication as `viewer` may read it: the overview (the leaders' message, what changed, the company's
    annual and quarterly OKRs, every department's), or one page of the personal OKRs or of the previous quarter's
    summary. Four queries (five with a department head), whatever the company's size."""
    numbers = NumberFormat()
    entries = readable_entries(publication, viewer)
    counts = dict(entries.values("part").annotate(n=Count("id")).values_list("part", "n"))
    labels = dict(Part.choices)
    if part in PAGED_PARTS:
        paginator = Paginator(entries.filter(part=part).order_by("position", "id"), ENTRIES_PER_PAGE)
        paginator.count = counts.get(part, 0)  # already counted with the others
        paged = paginator.get_page(page)
        view = PartView(part, str(labels[part]), [entry_card(numbers, e) for e in paged.object_list])
        return PublicationPage(publication, [view], [], [], part, paged, counts)
    shown = entries.filter(part__in=OVERVIEW_PARTS).order_by("position", "id")
    by_part: dict[str, list[EntryCard]] = {p: [] for p in OVERVIEW_PARTS}
    for entry in shown:
        by_part[entry.part].append(entry_card(numbers, entry))
    views = [PartView(p, str(labels[p]), by_part[p]) for p in OVERVIEW_PARTS]
    changes = change_lines(numbers, viewer, publication.changes)
    carried = [
        {**line, "label": str(CARRY_LABELS.get(line.get("change", ""), line.get("change", "")))}
        for line in publication.carried
        if access.can_read(viewer, line)
    ]
    return PublicationPage(publication, views, changes, publication.missing, "overview", None, counts, carried)


# --- the mailing's progress, the list -----------------------------------------------------------------------


def mail_key_prefix(publication: Publication | int) -> str:
    pk = publication if isinstance(publication, int) else publication.pk
    return f"publication:{pk}:person:"


@dataclass(frozen=True)
class MailingProgress:
    recipients: int
    built: int
    queued: int
    sent: int
    failed: int
    kept: int

    @property
    def done(self) -> bool:
        """Every mail built and none waiting to be sent (sent, failed for good or kept without a mail server)."""
        return self.built >= self.recipients and self.queued == 0

    @property
    def share_sent(self) -> Decimal:
        return Decimal(self.sent) / Decimal(self.recipients) if self.recipients else Decimal(1)


def mailing_progress(publication: Publication) -> MailingProgress:
    """Mails of the publication by status, from the outbox (one query)."""
    rows = (
        OutboxMail.objects.filter(kind=MAIL_KIND, key__startswith=mail_key_prefix(publication))
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    by = dict(rows)
    built = sum(by.values())
    queued = by.get(MailStatus.QUEUED, 0) + by.get(MailStatus.SENDING, 0)
    return MailingProgress(
        recipients=publication.recipients,
        built=built,
        queued=queued,
        sent=by.get(MailStatus.SENT, 0),
        failed=by.get(MailStatus.FAILED, 0),
        kept=by.get(MailStatus.HELD, 0),
    )


def publications_of(cycle: Cycle | None, *, pending: bool = False) -> list[Publication]:
    """The cycle's publications, newest first; with `pending` (for those who publish) also those compiling or
    whose compiling failed."""
    if cycle is None:
        return []
    states = [State.PUBLISHED, State.COMPILING, State.FAILED] if pending else [State.PUBLISHED]
    rows = Publication.objects.filter(cycle=cycle, state__in=states).select_related("published_by")
    return list(rows.order_by("-requested_at", "-id"))


def quarters() -> list[Cycle]:
    return list(Cycle.objects.filter(kind=CycleKind.QUARTER).order_by("-start", "id"))
