"""The co-creation workshop (团队共创, PLAY-ANNUAL, WS-1 … WS-7): the company's annual objectives written together,
live, on everyone's screen."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopConfig(AppConfig):
    name = "qibu.workshop"
    label = "workshop"
    verbose_name = _("co-creation workshop")

    def ready(self) -> None:
        from qibu.workshop import history

        history.register()
