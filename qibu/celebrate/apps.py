from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CelebrateConfig(AppConfig):
    name = "qibu.celebrate"
    label = "celebrate"
    verbose_name = _("celebration")
