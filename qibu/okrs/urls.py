from django.urls import path

from qibu.okrs import views

app_name = "okrs"
urlpatterns = [
    path("", views.my_okrs, name="my"),
]
