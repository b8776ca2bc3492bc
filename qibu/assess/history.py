"""How the history of self-assessments reads (registered by `AssessConfig.ready`); a self-assessment's entries
are listed under itself (its page shows them). The scores changed are kept by key result id and shown as each key
result's title (named only for viewers who may see it) with its score."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import Names, Ref, ValueFormat, register_action, register_format, register_labels

ASSESSMENT = "assess.selfassessment"
KEY_RESULT = "okrs.keyresult"


def _score_refs(value: Any) -> list[Ref]:
    return [(KEY_RESULT, int(pk)) for pk in (value or {}) if str(pk).isdigit()]


def _show_scores(value: Any, names: Names) -> str:
    if not isinstance(value, dict):
        return "—"
    parts = []
    for pk, row in value.items():
        title = names.get((KEY_RESULT, int(pk)), f"#{pk}") if str(pk).isdigit() else str(pk)
        score = row.get("score", "") if isinstance(row, dict) else ""
        parts.append(f"{title} {score}")
    return "; ".join(parts) or "—"


def register() -> None:
    register_action("self_assessment.save", _("saved a self-assessment"))
    register_action("self_assessment.submit", _("submitted a self-assessment"))
    register_action("self_assessment.reopen", _("reopened a self-assessment"))
    register_labels({"scores": _("scores"), "cycle": _("cycle")})
    register_format(ASSESSMENT, "scores", ValueFormat(show=_show_scores, refs=_score_refs))
