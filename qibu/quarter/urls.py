"""The quarter's pages (PLAY-EXEC): the calendar of the seven phases and the close-of-quarter report."""

from __future__ import annotations

from django.urls import URLPattern, path

from qibu.quarter import views

app_name = "quarter"
urlpatterns: list[URLPattern] = [
    path("", views.calendar_current, name="current"),
    path("<int:cycle>/", views.calendar_view, name="calendar"),
    path("<int:cycle>/departments/<int:department>/", views.department_view, name="department"),
    path("<int:cycle>/me/", views.me_view, name="me"),
    path("<int:cycle>/report/", views.report_view, name="report"),
    path("<int:cycle>/report.xlsx", views.report_download, name="report_xlsx"),
]
