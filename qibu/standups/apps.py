from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandupsConfig(AppConfig):
    name = "qibu.standups"
    label = "standups"
    verbose_name = _("stand-ups")
