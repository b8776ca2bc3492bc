"""The demo company's co-creation workshop (PLAY-ANNUAL, WS-1 … WS-7): in the first days of January the executives
and the department heads wrote this year's company objectives together, and the CEO decided them — the annual
objectives the rest of the demo works towards. Built entirely through `qibu.workshop.services`, so the demo proves
them: the groups drawn at random (a fixed seed), five notes each within the length rule, picks shown and
explained, Qibu's grouping applied, a vote with its reasons, an objective per column, a ranking with a move, the
plenary over every group's objectives, and the CEO's decision linking each annual objective to where it came
from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from qibu.cycles.models import Cycle
from qibu.okrs.models import Objective
from qibu.org.models import Person
from qibu.workshop import services
from qibu.workshop.models import Column, Event, Group, GroupPhase, Note, Workshop

# Five notes per person, 8–20 characters each, on the themes the annual objectives came from; people take them in
# turn so that every group holds each theme.
NOTE_POOL = (
    "营收要跨过五千万门槛",
    "华东连锁品牌客户翻倍",
    "老客户续费率必须提高",
    "拓展苏州杭州的新客户",
    "渠道伙伴带来更多客户",
    "硬件和软件要一体交付",
    "产品稳定性是客户首选",
    "客户净推荐值明显提升",
    "会员营销功能做成爆款",
    "客户离不开我们的产品",
    "全年实现经营盈亏平衡",
    "人均营收提升到七十五万",
    "降低获客成本和回款周期",
    "组织效能要明显提高",
    "核心骨干的培养和保留",
)
# What the groups' columns are about: a key word, the objective distilled from it, and which annual one it is.
THEMES = (
    ("客户", "让华东连锁品牌客户离不开我们"),
    ("产品", "打造软硬一体的好产品"),
    ("效能", "提升效能,实现盈亏平衡"),
)


# The words that put a note in each theme's column when the leader sorts by hand.
SORTING = {
    "客户": ("客户", "营收", "渠道", "市场"),
    "产品": ("产品", "硬件", "软件", "功能"),
    "效能": ("效能", "盈亏", "成本", "人均", "骨干", "组织"),
}


def _words_of(text: str) -> str:
    return next((word for word, keys in SORTING.items() if any(key in text for key in keys)), THEMES[2][0])


def _brainstorm(group: Group, leader: Person, members: Sequence[Person], offset: int) -> None:
    services.group_phase_set(actor=leader, group=group, phase=GroupPhase.BRAINSTORM)
    for index, person in enumerate(members):
        for k in range(5):
            services.note_write(actor=person, group=group, text=NOTE_POOL[(offset + index * 5 + k) % len(NOTE_POOL)])
        services.participant_done(actor=person, group=group)
    services.group_phase_set(actor=leader, group=group, phase=GroupPhase.COMBINE)


def _picks(group: Group, leader: Person, members: Sequence[Person]) -> None:
    """WS-4: each hands in the most important note; the leader shows the first and its author explains it."""
    picks = [n for n in (Note.objects.filter(group=group, author=p).order_by("position").first() for p in members) if n]
    for note in picks:
        services.note_pick(actor=Person.objects.get(pk=note.author_id), note=note)
    if picks:
        services.note_show(actor=leader, note=picks[0])
        author = Person.objects.get(pk=picks[0].author_id)
        services.note_clarify(actor=author, note=picks[0], text="指的是华东三省一市的连锁品牌")


def _sort(group: Group, leader: Person) -> dict[str, Column]:
    """The theme columns, Qibu's grouping applied, then changed by the leader: a column it founded on a narrower
    word is merged into its theme's, and the leader sorts what is left."""
    columns = {word: services.column_create(actor=leader, group=group, title=word) for word, _o in THEMES}
    proposal = services.proposal_make(actor=leader, group=group)
    if proposal.proposal:
        services.proposal_accept(actor=leader, proposal=proposal)
    themes = {c.pk for c in columns.values()}
    for column in Column.objects.filter(group=group).exclude(pk__in=themes):
        for note in Note.objects.filter(column=column):
            services.note_move(actor=leader, note=note, column=columns[_words_of(note.text)])
        services.column_delete(actor=leader, column=column)
    for note in Note.objects.filter(group=group, column__isnull=True).order_by("position"):
        services.note_move(actor=leader, note=note, column=columns[_words_of(note.text)])
    return columns


def _vote(group: Group, leader: Person, members: Sequence[Person], columns: dict[str, Column]) -> None:
    """A dispute settled by vote: does a note on channel partners belong to customers or to efficiency?"""
    disputed = Note.objects.filter(group=group, text__contains="渠道").first()
    if disputed is None:
        return
    vote = services.vote_open(
        actor=leader,
        group=group,
        question="“渠道伙伴带来更多客户”放在哪一列?",
        column_ids=[columns["客户"].pk, columns["效能"].pk],
        note=disputed,
    )
    options = {o.column_id: o.pk for o in vote.options.all()}
    reasons = ("渠道的目的最终是客户增长", "", "渠道是降低获客成本的手段,属于效能", "")
    for index, person in enumerate(members[:4]):
        side = columns["效能"].pk if index == 2 else columns["客户"].pk
        services.vote_cast(actor=person, vote=vote, points={options[side]: 2}, reason=reasons[index])
    services.vote_close(actor=leader, vote=vote)


def _distil_and_rank(group: Group, leader: Person, members: Sequence[Person]) -> None:
    for column in Column.objects.filter(group=group):
        if not Note.objects.filter(column=column).exists():
            services.column_delete(actor=leader, column=column)
    services.group_phase_set(actor=leader, group=group, phase=GroupPhase.DISTIL)
    for column in Column.objects.filter(group=group).order_by("position"):
        objective = dict(THEMES)[column.title]
        services.column_objective_set(actor=leader, column=column, objective=objective)
    first = Column.objects.filter(group=group).order_by("position").first()
    if first is not None:
        services.column_read_aloud(actor=leader, column=first)
    services.group_phase_set(actor=leader, group=group, phase=GroupPhase.RANK)
    # WS-6: a member moves the product objective up one place.
    product = Column.objects.filter(group=group, title="产品").first()
    if product is not None and product.rank and product.rank > 1:
        services.column_rank_move(actor=members[-1], column=product, rank=product.rank - 1)
    services.group_phase_set(actor=leader, group=group, phase=GroupPhase.PRESENTED)


def _run_group(group: Group, leader: Person, members: Sequence[Person], offset: int) -> None:
    _brainstorm(group, leader, members, offset)
    _picks(group, leader, members)
    columns = _sort(group, leader)
    _vote(group, leader, members, columns)
    _distil_and_rank(group, leader, members)


def demo_workshop(
    *, year: Cycle, ceo: Person, moderator: Person, participants: Sequence[Person], annual: Sequence[Objective]
) -> Workshop:
    """The decided workshop whose result is `annual`, the year's company objectives (in THEMES' order)."""
    moment = timezone.make_aware(dt.datetime.combine(year.start + dt.timedelta(days=4), dt.time(9, 0)))
    workshop = services.workshop_create(
        actor=moderator,
        cycle=year,
        topic=f"{year.name}公司年度目标",
        scheduled_for=moment,
        place="总部大会议室",
        moderator=moderator,
        observer=ceo,
    )
    services.participants_add(actor=moderator, workshop=workshop, people=participants)
    services.groups_draw(actor=moderator, workshop=workshop, seed=2026)
    services.workshop_start(actor=moderator, workshop=workshop)
    for offset, group in enumerate(Group.objects.filter(workshop=workshop, is_plenary=False).order_by("number")):
        members = [p.person for p in group.members.select_related("person").order_by("id")]
        leader = next(p for p in members if p.pk == group.leader_id)
        _run_group(group, leader, members, offset * 3)
    plenary = services.plenary_start(actor=moderator, workshop=workshop)
    columns = {word: services.column_create(actor=moderator, group=plenary, title=word) for word, _o in THEMES}
    for note in Note.objects.filter(group=plenary).order_by("position"):
        word = next((w for w, objective in THEMES if objective == note.text), THEMES[0][0])
        services.note_move(actor=moderator, note=note, column=columns[word])
    services.group_phase_set(actor=moderator, group=plenary, phase=GroupPhase.DISTIL)
    for (word, _objective), objective in zip(THEMES, annual, strict=False):
        services.column_objective_set(actor=moderator, column=columns[word], objective=objective.title)
    services.group_phase_set(actor=moderator, group=plenary, phase=GroupPhase.RANK)
    chosen = [columns[word].pk for word, _o in THEMES[: len(annual)]]
    services.workshop_decide(
        actor=ceo,
        workshop=workshop,
        chosen=chosen,
        statement="三个目标都要:客户是第一位的,产品是根本,效能决定我们能走多远。",
        into=dict(zip(chosen, annual, strict=False)),
    )
    _spread_over_the_day(workshop, moment)
    return workshop


def _spread_over_the_day(workshop: Workshop, start: dt.datetime) -> None:
    """The record's times: the events in their order over the workshop's morning, not the moment the demo ran."""
    events = list(Event.objects.filter(workshop=workshop).order_by("id"))
    step = dt.timedelta(hours=4) / max(len(events), 1)
    for index, event in enumerate(events):
        event.at = start + step * index
    Event.objects.bulk_update(events, ["at"])
    Workshop.objects.filter(pk=workshop.pk).update(
        started_at=start, plenary_at=start + dt.timedelta(hours=3), decided_at=start + dt.timedelta(hours=4)
    )
