from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "qibu.okrs"
    label = "okrs"

    def ready(self) -> None:
        from qibu.okrs import history, milestones
        from qibu.okrs.focus import register_focus_source
        from qibu.okrs.panels import register_home_panel

        history.register()
        # EXE-9: milestones due and overdue, for their owners and their managers.
        register_focus_source("okrs.milestones", milestones.focus_items)
        register_home_panel("okrs.milestones", milestones.reports_panel)
