from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "qibu.api"
    label = "api"
