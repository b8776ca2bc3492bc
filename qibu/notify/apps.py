from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "qibu.notify"
    label = "notify"
    verbose_name = _("notifications")

    def ready(self) -> None:
        from qibu.notify import history
        from qibu.notify.inbox import unread_count_expression
        from qibu.org.backends import annotate_signed_in_person

        history.register()
        annotate_signed_in_person("unread_notifications", unread_count_expression)
