"""The reflection's rows."""

from __future__ import annotations
