"""The the quarter's API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["quarter"])
