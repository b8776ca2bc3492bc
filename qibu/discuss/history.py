"""How comment history reads, in the objective's history (registered at start-up by `DiscussConfig.ready`).

The text of a comment is kept in the entries (what was said before an edit, a deletion or a hiding) but not shown:
an objective's history is read by everyone who may see it, and a hidden comment must not be read there."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import (
    Names,
    Ref,
    ValueFormat,
    register_action,
    register_format,
    register_labels,
    register_namer,
)

KEY_RESULT = "okrs.keyresult"
PERSON = "org.person"


def _about(before: dict[str, Any], after: dict[str, Any]) -> Ref | None:
    key_result = after.get("key_result", before.get("key_result"))
    return (KEY_RESULT, key_result) if isinstance(key_result, int) else None


def _people_refs(value: Any) -> list[Ref]:
    return [(PERSON, pk) for pk in value or [] if isinstance(pk, int)]


def _show_people(value: Any, names: Names) -> str:
    return ", ".join(names.get(r, f"#{r[1]}") for r in _people_refs(value)) or "—"


def _no_names(ids: set[int], viewer: Any) -> dict[int, str]:
    """A comment is never named by its text in history (it may be hidden since)."""
    return {}


def register() -> None:
    hidden = ("text", "key_result", "check_in", "hidden_at")
    register_action("comment.create", _("commented"), about=_about, hidden=hidden)
    register_action("comment.update", _("edited a comment"), about=_about, hidden=hidden)
    register_action("comment.delete", _("deleted a comment"), about=_about, hidden=hidden)
    register_action("comment.hide", _("hid a comment"), about=_about, hidden=hidden)
    register_action("comment.show", _("showed a hidden comment again"), about=_about, hidden=hidden)
    register_labels({"mentions": _("mentioned")})
    register_namer("discuss.comment", _no_names)
    register_format("discuss.comment", "mentions", ValueFormat(show=_show_people, refs=_people_refs))
