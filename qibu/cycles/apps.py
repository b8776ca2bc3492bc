from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "qibu.cycles"
    label = "cycles"
