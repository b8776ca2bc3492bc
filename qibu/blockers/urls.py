"""The blockers' pages (EXE-2)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qibu.blockers import views

app_name = "blockers"
urlpatterns: list[URLPattern] = [
    path("<int:pk>/", views.blocker_detail, name="detail"),
]
