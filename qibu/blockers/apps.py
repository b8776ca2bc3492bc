from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlockersConfig(AppConfig):
    name = "qibu.blockers"
    label = "blockers"
    verbose_name = _("blockers")

    def ready(self) -> None:
        from qibu.blockers import history
        from qibu.blockers.focus import owned_blockers
        from qibu.blockers.panels import objective_panel
        from qibu.okrs.focus import register_focus_source
        from qibu.okrs.panels import register_objective_panel

        history.register()
        # The open blockers a person owns in their daily focus (EXE-7), and those on an objective's key results on
        # its page: okrs shows both without knowing of blockers.
        register_focus_source("blockers.owned", owned_blockers)
        register_objective_panel("blockers", template="blockers/_panel.html", context=objective_panel)
