from django.urls import path

from qibu.rhythm import views

app_name = "rhythm"
urlpatterns = [
    path("settings/reminders/", views.schedules, name="schedules"),
    path("settings/reminders/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("settings/reminders/<int:pk>/delete/", views.schedule_delete, name="schedule_delete"),
    path("schedules/<int:pk>/invitation.ics", views.schedule_invitation, name="schedule_invitation"),
    path("settings/profile/calendar/", views.calendar_settings, name="calendar_settings"),
    path("settings/holidays/", views.holidays, name="holidays"),
    path("settings/profile/absences/", views.absences, name="absences"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
]
