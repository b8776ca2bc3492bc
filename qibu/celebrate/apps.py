"""Celebration (庆祝, CEL-1 … CEL-5): celebrations planned per level, the reward a result earns, recognition
from anyone to anyone, incentives for managers, and the lessons learned that the next cycle's drafting reads."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CelebrateConfig(AppConfig):
    name = "qibu.celebrate"
    label = "celebrate"
    verbose_name = _("celebration")

    def ready(self) -> None:
        from qibu.celebrate import history, panels
        from qibu.celebrate.selectors import celebrate_facts
        from qibu.cycles.phases import Phase, register_phase_facts
        from qibu.okrs.panels import register_editor_panel
        from qibu.reports.panels import register_department_panel, register_person_panel

        history.register()
        # The quarter's calendar: who owes the celebrate phase and who has held it (PLAY-EXEC, CEL-1).
        register_phase_facts(Phase.CELEBRATE, celebrate_facts)
        # CEL-4: the recognitions on the person's and the department's pages.
        register_person_panel(
            "celebrate.recognitions", template="celebrate/_recognitions_panel.html", context=panels.person_recognitions
        )
        register_department_panel(
            "celebrate.recognitions",
            template="celebrate/_recognitions_panel.html",
            context=panels.department_recognitions,
        )
        # CEL-5: the lessons of the cycle before, beside the OKR editor.
        register_editor_panel(
            "celebrate.lessons", template="celebrate/_lessons_panel.html", context=panels.editor_lessons
        )
