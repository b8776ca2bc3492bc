from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RhythmConfig(AppConfig):
    name = "qibu.rhythm"
    label = "rhythm"
    verbose_name = _("rhythm")

    def ready(self) -> None:
        from qibu.okrs.focus import register_focus_source
        from qibu.okrs.panels import register_home_panel
        from qibu.rhythm import focus, history
        from qibu.rhythm.views import due_panel

        history.register()
        # What is due shows on each person's home page (my OKRs), which okrs renders without knowing of rhythm.
        register_home_panel("rhythm.due", due_panel)
        # Today's meetings and deadlines, at their time, in the daily focus (EXE-7).
        register_focus_source(focus.SOURCE, focus.meetings_source)
