from django.urls import path

from qibu.notify import views

app_name = "notify"
urlpatterns = [
    path("mail/", views.mail_outbox, name="mail_outbox"),
    path("mail/<int:pk>/", views.mail_detail, name="mail_detail"),
    path("mail/<int:pk>/preview/", views.mail_preview, name="mail_preview"),
    path("mail/<int:pk>/retry/", views.mail_retry, name="mail_retry"),
]
