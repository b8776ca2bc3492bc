"""Console logging of refused requests: one line each, without a traceback.

Django logs a refused request (SuspiciousOperation, RequestDataTooBig, DisallowedHost on `django.security.*`;
PermissionDenied and Http404 on `django.request`) with the exception attached, so the console showed a traceback
for every bad Host header or oversized body. A refusal is not a fault: `OneLineRefusals` keeps its message and
drops the traceback; a server error (500) keeps its traceback.
"""

from __future__ import annotations

import logging


class OneLineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        refused = record.name.startswith("django.security.") or (isinstance(status, int) and status < 500)
        if refused:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True
