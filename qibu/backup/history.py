"""How the history of an export reads (registered at start-up by `BackupConfig.ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action

EXPORT_DOWNLOAD = "organisation.export_download"


def register() -> None:
    register_action(EXPORT_DOWNLOAD, _("downloaded the company's export"))
