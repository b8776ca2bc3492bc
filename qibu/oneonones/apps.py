from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OneOnOnesConfig(AppConfig):
    name = "qibu.oneonones"
    label = "oneonones"
    verbose_name = _("1-on-1s")

    def ready(self) -> None:
        from qibu.okrs.focus import register_focus_source
        from qibu.oneonones import history
        from qibu.oneonones.calendar import one_on_one_events
        from qibu.oneonones.focus import SOURCE, today_focus
        from qibu.rhythm.calendars import register_calendar_source

        history.register()
        register_focus_source(SOURCE, today_focus)
        # Each of the pair's calendar subscription holds their 1-on-1s (rhythm is a layer below).
        register_calendar_source("oneonones", one_on_one_events)
