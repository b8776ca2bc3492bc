"""Daily stand-ups (EXE-1, EXE-2): each team's entries of yesterday's progress, today's plan and blockers, the
reporting window, the summary and the facilitator's live mode."""

from __future__ import annotations
