"""The one write of this app: an administrator's download of the export is kept in the organisation's history
(the file holds every password hash, so who took one, and when, is worth knowing)."""

from __future__ import annotations

from django.db import transaction

from qibu.audit.services import history_record
from qibu.backup.history import EXPORT_DOWNLOAD
from qibu.org.models import Organisation, Person


@transaction.atomic
def export_download_record(*, actor: Person, organisation: Organisation) -> None:
    history_record(actor=actor, action=EXPORT_DOWNLOAD, subject=organisation)
