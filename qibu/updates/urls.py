"""The update's pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "updates"
urlpatterns: list[URLPattern] = []
