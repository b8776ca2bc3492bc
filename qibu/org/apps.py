from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "qibu.org"
    label = "org"
