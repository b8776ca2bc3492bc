"""The self-assessment's rows."""

from __future__ import annotations
