"""The self-assessment's pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "assess"
urlpatterns: list[URLPattern] = []
