"""How the history of proposals and take-ups reads, in the objective's history (registered at start-up by
`PlanningConfig.ready`). A proposal's text is kept in the entries (what was said before an edit or a withdrawal) but
not shown: the objective's page lists the proposals themselves."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import Ref, register_action, register_labels, register_namer

KEY_RESULT = "okrs.keyresult"
OBJECTIVE = "okrs.objective"
PROPOSAL = "planning.proposal"


def _about(before: dict[str, Any], after: dict[str, Any]) -> Ref | None:
    key_result = after.get("key_result", before.get("key_result"))
    return (KEY_RESULT, key_result) if isinstance(key_result, int) else None


def _source(before: dict[str, Any], after: dict[str, Any]) -> Ref | None:
    """A take-up is about the objective it took up (named to viewers who may see it)."""
    source = after.get("source_objective", before.get("source_objective"))
    return (OBJECTIVE, source) if isinstance(source, int) else None


def _no_names(ids: set[int], viewer: Any) -> dict[int, str]:
    """Proposals and take-ups are not named in history (the page lists them; a source may be invisible)."""
    return {}


def register() -> None:
    hidden = ("text", "key_result")
    register_action("proposal.create", _("made a proposal"), about=_about, hidden=hidden)
    register_action("proposal.update", _("edited a proposal"), about=_about, hidden=hidden)
    register_action("proposal.withdraw", _("withdrew a proposal"), about=_about, hidden=hidden)
    register_action("proposal.respond", _("answered a proposal"), hidden=hidden)
    sources = ("source_objective", "source_proposal")
    register_action("take_up.add", _("took up a submission"), about=_source, hidden=sources)
    register_action("take_up.remove", _("no longer takes up a submission"), about=_source, hidden=sources)
    register_labels(
        {
            "response": _("answer"),
            "source_objective": _("objective taken up"),
            "source_proposal": _("proposal taken up"),
        }
    )
    register_namer(PROPOSAL, _no_names)
    register_namer("planning.takeup", _no_names)
