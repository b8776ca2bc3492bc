"""The celebration's pages (CEL-1 … CEL-5)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qibu.celebrate import views

app_name = "celebrate"
urlpatterns: list[URLPattern] = [
    path("", views.celebration_index, name="index"),
    path("plan/", views.celebration_plan, name="plan"),
    path("<int:pk>/", views.celebration_detail, name="detail"),
    path("<int:pk>/hold/", views.celebration_hold, name="hold"),
    path("recognitions/", views.recognition_wall, name="wall"),
    path("recognitions/give/", views.recognition_give, name="give"),
    path("incentives/", views.incentive_index, name="incentives"),
    path("lessons/", views.lesson_index, name="lessons"),
    path("values/", views.value_index, name="values"),
    path("values/<int:pk>/remove/", views.value_remove, name="value_remove"),
]
