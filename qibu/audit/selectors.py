"""Reads on history: a subject's newest entries, as rows to show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from qibu.audit.display import HistoryRow, history_rows
from qibu.audit.models import AuditEntry
from qibu.audit.registry import Ref
from qibu.audit.services import ref

HISTORY_LIMIT = 50


def subject_entries(subject: models.Model | tuple[str, int], *, limit: int = HISTORY_LIMIT) -> list[AuditEntry]:
    """The subject's newest entries first, read in the order of the subject index."""
    subject_type, subject_id = ref(subject)
    return list(
        AuditEntry.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("-at", "-id")[:limit]
    )


def subject_history(
    subject: models.Model | tuple[str, int],
    *,
    viewer: Any,
    limit: int = HISTORY_LIMIT,
    known: Mapping[Ref, str] | None = None,
) -> list[HistoryRow]:
    """The subject's newest history as rows, every id named for the viewer."""
    return history_rows(subject_entries(subject, limit=limit), viewer=viewer, known=known)


def target_entries(target: models.Model | tuple[str, int], *, limit: int = HISTORY_LIMIT) -> list[AuditEntry]:
    """The newest entries about one row, whatever history lists them (a strategic goal's are the organisation's),
    read through the target index."""
    target_type, target_id = ref(target)
    return list(AuditEntry.objects.filter(target_type=target_type, target_id=target_id).order_by("-at", "-id")[:limit])


def target_history(
    target: models.Model | tuple[str, int],
    *,
    viewer: Any,
    limit: int = HISTORY_LIMIT,
    known: Mapping[Ref, str] | None = None,
) -> list[HistoryRow]:
    """`target_entries` as rows, every id named for the viewer."""
    return history_rows(target_entries(target, limit=limit), viewer=viewer, known=known)
