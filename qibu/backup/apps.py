from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupConfig(AppConfig):
    name = "qibu.backup"
    label = "backup"
    verbose_name = _("export and import")

    def ready(self) -> None:
        from qibu.backup import history

        history.register()
