from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "qibu.cycles"
    label = "cycles"

    def ready(self) -> None:
        from qibu.cycles import history

        history.register()
