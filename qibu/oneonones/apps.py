from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OneOnOnesConfig(AppConfig):
    name = "qibu.oneonones"
    label = "oneonones"
    verbose_name = _("1-on-1s")
