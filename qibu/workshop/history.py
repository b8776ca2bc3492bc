"""How the workshop's history reads (registered by `WorkshopConfig.ready`). The workshop's own event log is its
detailed record; history keeps the moments that matter beyond it: created, started, decided."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels


def register() -> None:
    register_action("workshop.create", _("created a co-creation workshop"))
    register_action("workshop.start", _("started a co-creation workshop"))
    register_action("workshop.decide", _("decided the co-creation workshop's result"))
    register_labels({"topic": _("topic"), "objectives": _("objectives")})
