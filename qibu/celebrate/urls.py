"""The celebration's pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "celebrate"
urlpatterns: list[URLPattern] = []
