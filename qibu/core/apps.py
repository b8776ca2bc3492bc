from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qibu.core"
    label = "core"
    verbose_name = "Qibu core"
