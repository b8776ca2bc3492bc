from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "qibu.planning"
    label = "planning"
    verbose_name = _("planning")

    def ready(self) -> None:
        from qibu.okrs.focus import register_focus_source
        from qibu.okrs.panels import register_objective_panel
        from qibu.planning import focus, history
        from qibu.planning.selectors.panel import planning_panel

        history.register()
        # The employees' voice and the take-ups show on the objective page, which okrs renders without knowing
        # of planning.
        register_objective_panel("planning", template="planning/_panel.html", context=planning_panel)
        # What waits on the person (their approval queue, the voice on their drafts) in the daily focus (EXE-7).
        register_focus_source(focus.SOURCE, focus.waiting_source)
