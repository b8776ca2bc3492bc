from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectConfig(AppConfig):
    name = "qibu.reflect"
    label = "reflect"
    verbose_name = _("reflection")
