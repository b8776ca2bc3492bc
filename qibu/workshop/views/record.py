"""The workshop's record pages (see `qibu.workshop.views`)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
