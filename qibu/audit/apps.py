from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "qibu.audit"
    label = "audit"
