from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "qibu.search"
    label = "search"
