"""How the history of blockers reads (registered at start-up by `BlockersConfig.ready`). A blocker's entries are
listed under the blocker itself (its page shows them); the people concerned are a list of ids, named here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import Names, Ref, ValueFormat, register_action, register_format, register_labels

BLOCKER = "blockers.blocker"
PERSON = "org.person"


def _people_refs(value: Any) -> list[Ref]:
    return [(PERSON, pk) for pk in value or [] if isinstance(pk, int)]


def _show_people(value: Any, names: Names) -> str:
    return ", ".join(names.get(r, f"#{r[1]}") for r in _people_refs(value)) or "—"


def register() -> None:
    register_action("blocker.create", _("raised a blocker"))
    register_action("blocker.update", _("changed a blocker"))
    register_action("blocker.resolve", _("resolved a blocker"))
    register_action("blocker.reopen", _("reopened a blocker"))
    register_action("blocker.escalate", _("moved a blocker up to the next meeting"))
    register_labels({"concerned": _("people concerned"), "source_id": _("raised in (id)"), "tier": _("tier")})
    register_format(BLOCKER, "concerned", ValueFormat(show=_show_people, refs=_people_refs))
