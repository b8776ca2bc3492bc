"""How the stand-up's history reads (registered at start-up by `StandupsConfig.ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_label


def register() -> None:
    register_action("stand_up_entry.post", _("posted a stand-up entry"))
    register_action("stand_up_entry.update", _("edited a stand-up entry"))
    register_action("stand_up.close", _("closed a stand-up"))
    register_action("stand_up.live_start", _("started a live stand-up"))
    register_label("yesterday", _("yesterday's progress"))
    register_label("today", _("today's plan"))
    register_label("blocker", _("blockers"))
    register_label("posted", _("posted"))
    register_label("missing", _("missing"))
    register_label("absent", _("away"))
