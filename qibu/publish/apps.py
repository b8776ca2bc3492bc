from django.apps import AppConfig


class PublishConfig(AppConfig):
    name = "qibu.publish"
    label = "publish"

    def ready(self) -> None:
        from qibu.publish import history

        history.register()
