"""1-on-1s (EXE-9, EXE-10): a manager and a report on a cadence, the agenda built from the report's OKRs, private and
shared notes, requests for support and their follow-up."""

from __future__ import annotations

from django.urls import path

from qibu.oneonones import views

app_name = "oneonones"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.series_new, name="series_new"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/hold/", views.meeting_hold, name="meeting_hold"),
    path("meetings/<int:pk>/skip/", views.meeting_skip, name="meeting_skip"),
    path("meetings/<int:pk>/move/", views.meeting_move, name="meeting_move"),
    path("meetings/<int:pk>/points/", views.point_add, name="point_add"),
    path("meetings/<int:pk>/notes/", views.note_add, name="note_add"),
    path("meetings/<int:pk>/requests/", views.request_add, name="request_add"),
    path("meetings/<int:pk>/blockers/", views.blocker_raise, name="blocker_raise"),
    path("points/<int:pk>/discussed/", views.point_mark, name="point_mark"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("requests/<int:pk>/settle/", views.request_settle, name="request_settle"),
]
