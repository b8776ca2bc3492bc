"""The record of a workshop as a spreadsheet (.xlsx): one sheet per part, headers in the reader's language."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from qibu.workshop.record import Record


def _when(value: object) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


def record_workbook(record: Record) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its first sheet
    sheet.title = _("Phases")[:31]
    sheet.append([_("Group"), _("Step"), _("When"), _("By")])
    for phase in record.phases:
        sheet.append([phase.group, phase.phase, _when(phase.at), phase.by])
    groups = book.create_sheet(_("Groups")[:31])
    groups.append([_("Group"), _("Leader"), _("Members")])
    for group in record.groups:
        groups.append([group.name, group.leader, ", ".join(group.members)])
    notes = book.create_sheet(_("Notes")[:31])
    notes.append([_("Group"), _("Author"), _("Note"), _("Most important"), _("Explained"), _("Column")])
    for note in record.notes:
        notes.append(
            [note.group, note.author, note.text, _("yes") if note.pick else "", note.clarification, note.column]
        )
    columns = book.create_sheet(_("Objectives")[:31])
    columns.append([_("Group"), _("Column"), _("Objective"), _("Rank"), _("Notes"), _("Chosen by the CEO")])
    for column in record.columns:
        chosen = {True: _("yes"), False: _("no"), None: ""}[column.chosen]
        columns.append([column.group, column.title, column.objective, column.rank, column.notes, chosen])
    moves = book.create_sheet(_("Ranking moves")[:31])
    moves.append([_("Group"), _("Who"), _("Objective"), _("From"), _("To"), _("When")])
    for move in record.moves:
        moves.append([move.group, move.who, move.objective, move.from_rank, move.to_rank, _when(move.at)])
    votes = book.create_sheet(_("Votes")[:31])
    votes.append(
        [_("Group"), _("Question"), _("Votes per person"), _("Totals"), _("Chosen"), _("Reasons"), _("Voters")]
    )
    for vote in record.votes:
        totals = "; ".join(f"{label}: {count}" for label, count in vote.totals)
        votes.append(
            [vote.group, vote.question, vote.budget, totals, vote.winner, "\n".join(vote.reasons), vote.voters]
        )
    decision = book.create_sheet(_("Decision")[:31])
    decision.append([_("Decided"), _when(record.workshop.decided_at)])
    decision.append([_("The CEO's conclusion"), record.workshop.decision_statement])
    for column in record.columns:
        if column.chosen:
            decision.append([_("Objective"), column.objective])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
