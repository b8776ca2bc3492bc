from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "qibu.okrs"
    label = "okrs"

    def ready(self) -> None:
        from qibu.okrs import history

        history.register()
