from django.urls import path

from qibu.plans import views

app_name = "plans"
urlpatterns = [
    path("key-results/<int:pk>/steps/new/", views.step_new, name="step_new"),
    path("steps/<int:pk>/", views.step_detail, name="step"),
    path("steps/<int:pk>/edit/", views.step_edit, name="step_edit"),
    path("steps/<int:pk>/status/", views.step_status, name="step_status"),
    path("steps/<int:pk>/reassign/", views.step_reassign, name="step_reassign"),
    path("steps/<int:pk>/move/", views.step_move, name="step_move"),
    path("steps/<int:pk>/split/", views.step_split, name="step_split"),
    path("steps/<int:pk>/delete/", views.step_delete, name="step_delete"),
    path("timetable/", views.timetable, name="timetable"),
]
