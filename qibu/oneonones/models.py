"""1-on-1s (EXE-9, EXE-10): a manager and a report on a cadence, the agenda built from the report's OKRs, private and
shared notes, requests for support and their follow-up."""

from __future__ import annotations
