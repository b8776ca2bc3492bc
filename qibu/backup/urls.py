from django.urls import path

from qibu.backup import views

app_name = "backup"
urlpatterns = [
    path("", views.export_page, name="export"),
    path("download/", views.export_download, name="download"),
]
