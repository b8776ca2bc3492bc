from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarterConfig(AppConfig):
    name = "qibu.quarter"
    label = "quarter"
    verbose_name = _("the quarter")
