"""The self-assessment's pages (SELF-1 … SELF-3)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qibu.assess import views

app_name = "assess"
urlpatterns: list[URLPattern] = [
    path("", views.assessment_index, name="index"),
    path("<int:cycle>/", views.assessment_mine, name="mine"),
    path("<int:cycle>/reopen/", views.assessment_reopen_view, name="reopen"),
    path("<int:cycle>/people/<int:person>/", views.assessment_person, name="person"),
    path("<int:cycle>/departments/<int:department>/", views.department_presentation_view, name="department"),
]
