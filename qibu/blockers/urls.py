"""The blockers' pages (EXE-2)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qibu.blockers import views

app_name = "blockers"
urlpatterns: list[URLPattern] = [
    path("", views.blocker_list, name="list"),
    path("new/", views.blocker_new, name="new"),
    path("<int:pk>/", views.blocker_detail, name="detail"),
    path("<int:pk>/edit/", views.blocker_edit, name="edit"),
    path("<int:pk>/resolve/", views.blocker_resolve_view, name="resolve"),
    path("<int:pk>/reopen/", views.blocker_reopen_view, name="reopen"),
]
