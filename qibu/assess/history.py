"""How the history of self-assessments reads (registered by `AssessConfig.ready`); a self-assessment's entries
are listed under itself (its page shows them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels


def register() -> None:
    register_action("self_assessment.save", _("saved a self-assessment"))
    register_action("self_assessment.submit", _("submitted a self-assessment"))
    register_action("self_assessment.reopen", _("reopened a self-assessment"))
    register_labels({"scores": _("scores"), "cycle": _("cycle")})
