from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlockersConfig(AppConfig):
    name = "qibu.blockers"
    label = "blockers"
    verbose_name = _("blockers")
