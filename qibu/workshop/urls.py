"""The workshop's pages, under /workshops/: each part of `qibu.workshop.views` lists its own."""

from __future__ import annotations

from django.urls import URLPattern

from qibu.workshop.views import live, prepare, record, room

app_name = "workshop"
urlpatterns: list[URLPattern] = [*prepare.urlpatterns, *room.urlpatterns, *record.urlpatterns, *live.urlpatterns]
