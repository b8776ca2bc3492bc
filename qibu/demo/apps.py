from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "qibu.demo"
    label = "demo"
