"""How the history of 1-on-1s reads (registered at start-up by `OneOnOnesConfig.ready`). Entries are listed under
the series; they say what was done (a note written, a point added, a request settled), never what was said."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels


def register() -> None:
    register_action("one_on_one.create", _("started 1-on-1s"))
    register_action("one_on_one.update", _("changed the 1-on-1s' schedule"))
    register_action("one_on_one.hold", _("held a 1-on-1"))
    register_action("one_on_one.skip", _("skipped a 1-on-1"))
    register_action("one_on_one.move", _("moved a 1-on-1"))
    register_action("talking_point.add", _("added a talking point"))
    register_action("talking_point.discuss", _("ticked a talking point"))
    register_action("note.add", _("wrote a 1-on-1 note"))
    register_action("note.update", _("changed a 1-on-1 note"))
    register_action("support_request.create", _("asked for support"))
    register_action("support_request.settle", _("settled a request for support"))
    register_labels(
        {
            "carried": _("points carried"),
            "next": _("next 1-on-1"),
            "held_at": _("held at"),
            "scheduled_at": _("when"),
            "duration_minutes": _("duration (minutes)"),
        }
    )
