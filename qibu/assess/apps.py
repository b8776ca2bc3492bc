from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessConfig(AppConfig):
    name = "qibu.assess"
    label = "assess"
    verbose_name = _("self-assessment")

    def ready(self) -> None:
        from qibu.assess import history
        from qibu.assess.focus import assessment_due
        from qibu.assess.phase_facts import self_assess_facts
        from qibu.cycles.phases import Phase, register_phase_facts
        from qibu.okrs.focus import register_focus_source

        history.register()
        # A self-assessment due in the daily focus (SELF-1): okrs shows it without knowing of assess.
        register_focus_source("assess.due", assessment_due)
        # PLAY-EXEC: who owes a self-assessment of a quarter and who has submitted it.
        register_phase_facts(Phase.SELF_ASSESS, self_assess_facts)
