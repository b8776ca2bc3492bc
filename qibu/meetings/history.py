"""How the history of weekly meetings reads (registered at start-up by `MeetingsConfig.ready`). Every entry is listed
under its meeting."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels


def register() -> None:
    register_action("meeting.create", _("planned a weekly meeting"))
    register_action("meeting.start", _("opened a weekly meeting"))
    register_action("meeting.progress_end", _("ended the progress part of a weekly meeting"))
    register_action("meeting.close", _("closed a weekly meeting"))
    register_action("meeting.confidence", _("set a key result's confidence in a weekly meeting"))
    register_action("meeting.notes", _("changed a weekly meeting's minutes"))
    register_action("agenda_item.reach", _("marked a point of the agenda"))
    register_action("commitment.create", _("made a commitment in a weekly meeting"))
    register_action("commitment.status", _("changed the status of a commitment"))
    register_action("week_report.save", _("wrote their week for a weekly meeting"))
    register_labels(
        {
            "planned_minutes": _("planned length (minutes)"),
            "progress_share": _("share of time on progress (%)"),
            "started_at": _("started"),
            "progress_ended_at": _("progress part ended"),
            "ended_at": _("ended"),
            "ended_early": _("ended early"),
            "reached": _("reached"),
            "what_changed": _("what changed"),
            "notes": _("minutes"),
            "plans": _("plans"),
            "problems": _("problems"),
        }
    )
