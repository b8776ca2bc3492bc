"""The celebration's API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["celebrate"])
