"""How the update's history reads (registered by `UpdatesConfig.ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels


def register() -> None:
    register_action("update.decide", _("decided at the update"))
    register_action("update.justify", _("justified a new company objective"))
    register_action("update.approve", _("approved a change of the company's objectives"))
    register_action("update.close_stage", _("closed an update"))
    register_action("update.close", _("closed the cycle"))
    register_labels(
        {
            "outcome": _("outcome"),
            "decision": _("decision"),
            "late": _("late"),
            "carried_into": _("carried into"),
            "justification": _("justification"),
            "approved": _("approved"),
            "closed": _("closed"),
        }
    )
