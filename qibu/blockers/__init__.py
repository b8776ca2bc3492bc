"""Blockers (EXE-2): what stands in someone's way, its owner and the people concerned, its follow-up and its escalation
along the meeting tiers."""
