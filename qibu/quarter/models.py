"""The the quarter's rows."""

from __future__ import annotations
