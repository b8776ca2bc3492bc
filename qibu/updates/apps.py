"""The update (更新, UPD-1 … UPD-5): after self-assessment and reflection, each closing objective gets a
decision, kept ones are carried into the next cycle, in the order company → departments → people (UPD-2), and a
closed cycle is locked (UPD-5)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    name = "qibu.updates"
    label = "updates"
    verbose_name = _("update")

    def ready(self) -> None:
        from qibu.cycles.phases import Phase, register_phase_facts
        from qibu.okrs.panels import register_objective_panel
        from qibu.publish.carry import register_carry_over
        from qibu.reports.panels import register_company_panel
        from qibu.updates import history
        from qibu.updates.selectors import carried_lines, continuity_panel, objective_panel, phase_facts

        history.register()
        register_phase_facts(Phase.UPDATE, phase_facts)
        register_company_panel("updates.continuity", template="updates/_continuity.html", context=continuity_panel)
        register_carry_over("updates", carried_lines)
        # A carried key result's values in the cycles before, on its objective's page (UPD-1).
        register_objective_panel("updates.lineage", template="updates/_lineage.html", context=objective_panel)
