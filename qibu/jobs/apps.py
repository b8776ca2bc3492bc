from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "qibu.jobs"
    label = "jobs"
    verbose_name = _("background work")

    def ready(self) -> None:
        # Every app's tasks.py registers its tasks (`qibu.jobs.registry.task`).
        autodiscover_modules("tasks")
