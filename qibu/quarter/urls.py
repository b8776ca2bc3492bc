"""The the quarter's pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "quarter"
urlpatterns: list[URLPattern] = []
