from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "qibu.org"
    label = "org"

    def ready(self) -> None:
        from qibu.org import history

        history.register()
