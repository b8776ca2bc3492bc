"""The reflection's pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "reflect"
urlpatterns: list[URLPattern] = []
