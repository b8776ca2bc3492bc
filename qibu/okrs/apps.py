from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "qibu.okrs"
    label = "okrs"
