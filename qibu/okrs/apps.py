from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "qibu.okrs"
    label = "okrs"

    def ready(self) -> None:
        from qibu.cycles.phases import Phase, register_phase_facts
        from qibu.okrs import focus, history, milestones, phase_facts
        from qibu.okrs.focus_sources import SOURCE, key_results_source
        from qibu.okrs.panels import register_home_panel

        history.register()
        # The daily focus (EXE-7) opens the home page: registered first, before the panels of the apps above.
        register_home_panel("okrs.focus", focus.home_panel)
        focus.register_focus_source(SOURCE, key_results_source)
        # EXE-9: milestones due and overdue, for their owners and their managers.
        focus.register_focus_source("okrs.milestones", milestones.focus_items)
        register_home_panel("okrs.milestones", milestones.reports_panel)
        # PLAY-EXEC: who owes the set and the execute steps, for the quarter's calendar and its reminders.
        register_phase_facts(Phase.SET, phase_facts.set_facts)
        register_phase_facts(Phase.EXECUTE, phase_facts.execute_facts)
