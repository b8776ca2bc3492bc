"""The update's pages (UPD-1 … UPD-5)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qibu.updates import views

app_name = "updates"
urlpatterns: list[URLPattern] = [
    path("", views.update_index, name="index"),
    path("<int:cycle>/", views.update_cycle, name="cycle"),
    path("<int:cycle>/board/", views.update_board, name="board"),
    path("<int:cycle>/close-stage/", views.close_stage, name="close_stage"),
    path("<int:cycle>/close/", views.close_update, name="close"),
    path("objectives/<int:objective>/decide/", views.decide, name="decide"),
    path("objectives/<int:objective>/justify/", views.justify, name="justify"),
    path("decisions/<int:decision>/approve/", views.approve, name="approve"),
]
