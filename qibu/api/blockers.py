"""Blockers (EXE-2): what stands in someone's way, its owner and the people concerned, its follow-up and its escalation
along the meeting tiers."""

from __future__ import annotations

from ninja import Router

router = Router()
