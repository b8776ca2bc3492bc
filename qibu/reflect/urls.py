"""The reflection's pages (REF-1 … REF-5)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qibu.reflect import views

app_name = "reflect"
urlpatterns: list[URLPattern] = [
    path("", views.reflection_list, name="list"),
    path("open/", views.reflection_open_view, name="open"),
    path("<int:pk>/", views.reflection_detail, name="detail"),
    path("<int:pk>/close/", views.reflection_close_view, name="close"),
    path("<int:pk>/reopen/", views.reflection_reopen_view, name="reopen"),
    path("<int:pk>/measures/", views.measure_create_view, name="measure_create"),
    path("<int:pk>/account/", views.account_save_view, name="account"),
    path("measures/<int:pk>/done/", views.measure_done_view, name="measure_done"),
]
