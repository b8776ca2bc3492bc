"""The entry form: rows of lines per section as typed (`yesterday-0-text`, `yesterday-0-link`, `blocker-0-owner`,
`blocker-0-concerned` …). It only parses; `entry_post` decides what is allowed and names the line of each problem.
Without JavaScript, saving with the blank rows filled adds more."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict

from qibu.standups.models import Section
from qibu.standups.selectors import EntryView
from qibu.standups.services import ITEMS_PER_SECTION, ItemInput

BLANK_ROWS = 2
SECTIONS = (Section.YESTERDAY, Section.TODAY, Section.BLOCKER)


@dataclass
class Row:
    section: str
    number: int
    text: str = ""
    link: str = ""
    owner: str = ""
    concerned: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"{self.section}-{self.number}"


def rows_from_post(data: QueryDict) -> list[Row]:
    rows = []
    for section in SECTIONS:
        for number in range(ITEMS_PER_SECTION + BLANK_ROWS):
            prefix = f"{section}-{number}"
            if f"{prefix}-text" not in data:
                continue
            rows.append(
                Row(
                    section=section,
                    number=number,
                    text=data.get(f"{prefix}-text", ""),
                    link=data.get(f"{prefix}-link", ""),
                    owner=data.get(f"{prefix}-owner", ""),
                    concerned=data.getlist(f"{prefix}-concerned"),
                )
            )
    return rows


def rows_from_entry(view: EntryView | None) -> list[Row]:
    rows: list[Row] = []
    for section, items in (
        (Section.YESTERDAY, view.yesterday if view else []),
        (Section.TODAY, view.today if view else []),
        (Section.BLOCKER, view.blockers if view else []),
    ):
        for number, item in enumerate(items):
            link = f"kr:{item.key_result_id}" if item.key_result_id else ""
            link = f"step:{item.action_step_id}" if item.action_step_id else link
            owner = str(item.blocker.owner_id) if item.blocker is not None else ""
            rows.append(Row(section=section, number=number, text=item.text, link=link, owner=owner))
    return rows


def with_blanks(rows: list[Row]) -> dict[str, list[Row]]:
    """The rows by section, each with blank rows to add lines (up to the limit)."""
    by_section: dict[str, list[Row]] = {s: [r for r in rows if r.section == s] for s in SECTIONS}
    for section, found in by_section.items():
        start = max((r.number for r in found), default=-1) + 1
        blanks = min(BLANK_ROWS, ITEMS_PER_SECTION - len([r for r in found if r.text.strip()]))
        found += [Row(section=section, number=start + n) for n in range(max(0, blanks))]
    return by_section


def items_of(rows: list[Row]) -> tuple[list[ItemInput], list[Row]]:
    """The filled rows as the service takes them, and the rows in the same order (to put its errors back)."""
    filled = [r for r in rows if r.text.strip()]
    items = [
        ItemInput(
            section=r.section,
            text=r.text,
            link=r.link,
            owner=int(r.owner) if r.owner.isdigit() else None,
            concerned=[int(c) for c in r.concerned if c.isdigit()],
        )
        for r in filled
    ]
    return items, filled
