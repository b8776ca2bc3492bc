from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "qibu.meetings"
    label = "meetings"
    verbose_name = _("weekly meetings")

    def ready(self) -> None:
        from qibu.meetings import history, tasks  # noqa: F401  (tasks register themselves)
        from qibu.meetings.focus import meetings_today
        from qibu.okrs.focus import register_focus_source

        history.register()
        register_focus_source("meetings.today", meetings_today)
