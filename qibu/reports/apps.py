from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "qibu.reports"
    label = "reports"
