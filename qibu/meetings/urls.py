"""Weekly meetings (EXE-3 … EXE-6, EXE-12): the department's and the management's, their agendas built from data, the
confidence set in the meeting, the minutes and next week's commitments."""

from __future__ import annotations

from django.urls import path

from qibu.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("department/<int:pk>/", views.department_meetings, name="department"),
    path("management/", views.management_meetings, name="management"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/start/", views.meeting_start, name="start"),
    path("<int:pk>/progress-end/", views.meeting_progress_end, name="progress_end"),
    path("<int:pk>/close/", views.meeting_close, name="close"),
    path("<int:pk>/items/<int:item>/reach/", views.item_reach, name="reach"),
    path("<int:pk>/confidence/<int:kr>/", views.confidence_set, name="confidence"),
    path("<int:pk>/commitments/", views.commitment_add, name="commitment_add"),
    path("commitments/<int:pk>/status/", views.commitment_status, name="commitment_status"),
    path("<int:pk>/notes/", views.notes_save, name="notes"),
    path("<int:pk>/week/", views.my_week, name="week"),
]
