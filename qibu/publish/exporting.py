"""The publication as an .xlsx workbook, one sheet per part, as the viewer may read it (PUB-2). Every cell is
neutralised as the people export's are (`qibu.org.importer.template.append_rows`): a title starting with = stays
a title in Excel."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from qibu.core.numbers import NumberFormat
from qibu.org.importer.template import append_rows
from qibu.org.models import Person
from qibu.publish import selectors
from qibu.publish.models import Part, Publication

SHEET_NAME_MAX = 31  # what Excel allows
_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_name(label: str) -> str:
    return str(label).translate(_FORBIDDEN)[:SHEET_NAME_MAX]


def _objective_rows(cards: list[selectors.EntryCard]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for card in cards:
        parents = "; ".join(card.parents)
        if not card.key_results:
            rows.append(
                [card.department, card.team, card.owner, card.title, "", "", "", "", card.progress, card.score, parents]
            )
        for kr in card.key_results:
            rows.append(
                [
                    card.department,
                    card.team,
                    card.owner,
                    card.title,
                    kr.title,
                    kr.owner,
                    kr.target,
                    kr.progress,
                    card.progress,
                    kr.score,
                    parents,
                ]
            )
    return rows


def publication_workbook(publication: Publication, viewer: Person) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    numbers = NumberFormat()
    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        from openpyxl.cell import WriteOnlyCell

        ws = workbook.create_sheet(_sheet_name(title))
        ws.freeze_panes = "A2"
        cells = []
        for text in header:
            cell = WriteOnlyCell(ws, value=str(text))
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        append_rows(ws, rows)

    sheet(_("Leaders' message"), [_("Leaders' message")], [[line] for line in publication.message.splitlines() or [""]])
    header = [
        _("Department"),
        _("Team"),
        _("Owner"),
        _("Objective"),
        _("Key result"),
        _("Key result owner"),
        _("Target"),
        _("Key result progress"),
        _("Objective progress"),
        _("Score"),
        _("Aligned to"),
    ]
    entries = selectors.readable_entries(publication, viewer).order_by("part", "position", "id")
    by_part: dict[str, list[selectors.EntryCard]] = {part: [] for part in Part.values}
    for entry in entries.iterator(2000):
        by_part[entry.part].append(selectors.entry_card(numbers, entry))
    for part, label in Part.choices:
        sheet(str(label), header, _objective_rows(by_part[part]))
    changes = selectors.change_lines(numbers, viewer, publication.changes)
    sheet(
        _("What changed"),
        [_("Change"), _("Objective"), _("Key result"), _("Before"), _("After")],
        [
            [
                c.label,
                c.objective if c.what == "key_result" else c.title,
                c.title if c.what == "key_result" else "",
                c.before,
                c.after,
            ]
            for c in changes
        ],
    )
    if publication.missing:
        sheet(
            _("Not ready"),
            [_("Who"), _("Why")],
            [[m["name"], str(selectors.MISSING_REASONS.get(m["reason"], m["reason"]))] for m in publication.missing],
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
