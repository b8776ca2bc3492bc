from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "qibu.plans"
    label = "plans"
    verbose_name = _("action plans")

    def ready(self) -> None:
        from qibu.okrs.focus import register_focus_source
        from qibu.okrs.panels import register_home_panel, register_objective_panel
        from qibu.plans import focus, history
        from qibu.plans.selectors import home_panel, objective_panel

        history.register()
        # The steps of each key result on the objective page, and the person's own (and their reports' overdue)
        # steps on the home page: okrs renders both without knowing of plans.
        register_objective_panel("plans", template="plans/_panel.html", context=objective_panel)
        register_home_panel("plans.steps", home_panel)
        # What is overdue or due today opens the home page, in the daily focus (EXE-7).
        register_focus_source(focus.SOURCE, focus.steps_source)
