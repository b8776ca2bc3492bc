"""The update's rows."""

from __future__ import annotations
