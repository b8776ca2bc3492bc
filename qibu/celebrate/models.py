"""The celebration's rows."""

from __future__ import annotations
