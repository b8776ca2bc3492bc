"""How the history of reflections reads (registered by `ReflectConfig.ready`): opening, closing with the summary,
reopening, the measures and the managers' accounts, all under the reflection."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels


def register() -> None:
    register_action("reflection.open", _("opened a reflection"))
    register_action("reflection.close", _("closed a reflection"))
    register_action("reflection.reopen", _("reopened a reflection"))
    register_action("reflection.measure", _("recorded a measure"))
    register_action("reflection.measure_done", _("marked a measure done"))
    register_action("reflection.measure_undone", _("marked a measure not done"))
    register_action("reflection.account", _("wrote a manager's account"))
    register_labels(
        {
            "summary": _("what we learned"),
            "how_used": _("how I used OKRs"),
            "plan_next": _("my plan for the next period"),
            "due_date": _("due"),
        }
    )
