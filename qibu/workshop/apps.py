"""The co-creation workshop (团队共创, PLAY-ANNUAL, WS-1 … WS-7): the company's annual objectives written together,
live, on everyone's screen."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopConfig(AppConfig):
    name = "qibu.workshop"
    label = "workshop"
    verbose_name = _("co-creation workshop")

    def ready(self) -> None:
        from qibu.okrs.panels import register_objective_panel
        from qibu.workshop import history
        from qibu.workshop.panels import origin_panel

        history.register()
        # WS-7: a company objective of the year shows the workshop it came from.
        register_objective_panel("workshop.origin", template="workshop/_origin_panel.html", context=origin_panel)
