from django.urls import path

from qibu.org import views

app_name = "org"
urlpatterns = [
    path("", views.settings_page, name="settings"),
]
