from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from qibu.org.selectors import organisation_get


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The organisation the middleware already read, or a lazy read where it did not run."""
    found = getattr(request, "organisation", None)
    return {"organisation": found if found is not None else SimpleLazyObject(organisation_get)}
