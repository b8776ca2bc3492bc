from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandupsConfig(AppConfig):
    name = "qibu.standups"
    label = "standups"
    verbose_name = _("stand-ups")

    def ready(self) -> None:
        from qibu.okrs.focus import register_focus_source
        from qibu.rhythm.models import ScheduleKind
        from qibu.rhythm.registry import KindHooks, register_kind_hooks
        from qibu.standups import history, hooks, tasks  # noqa: F401  (tasks register themselves)

        history.register()
        # The rhythm's stand-up reminder opens the posting page; its late reminder names who has not posted.
        register_kind_hooks(ScheduleKind.STAND_UP, KindHooks(link=hooks.reminder_link, pending=hooks.not_posted))
        register_focus_source("standups.today", hooks.focus_today)
