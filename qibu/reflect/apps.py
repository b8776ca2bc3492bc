from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectConfig(AppConfig):
    name = "qibu.reflect"
    label = "reflect"
    verbose_name = _("reflection")

    def ready(self) -> None:
        from qibu.cycles.phases import Phase, register_phase_facts
        from qibu.okrs.focus import register_focus_source
        from qibu.reflect import history
        from qibu.reflect.focus import measures_due
        from qibu.reflect.selectors import reflect_facts

        history.register()
        # REF-2: a person's open measures in their daily focus; okrs shows them without knowing of reflect.
        register_focus_source("reflect.measures", measures_due)
        # The reflect phase's facts for the quarter's calendar and its reminders.
        register_phase_facts(Phase.REFLECT, reflect_facts)
