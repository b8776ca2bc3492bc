from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "qibu.notify"
    label = "notify"
    verbose_name = _("notifications")

    def ready(self) -> None:
        from qibu.notify import history

        history.register()
