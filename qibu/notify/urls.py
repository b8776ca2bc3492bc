from django.urls import path

from qibu.notify import views, views_inbox
from qibu.notify.chat import views as chat

app_name = "notify"
urlpatterns = [
    path("settings/mail/", views.mail_outbox, name="mail_outbox"),
    path("settings/mail/<int:pk>/", views.mail_detail, name="mail_detail"),
    path("settings/mail/<int:pk>/preview/", views.mail_preview, name="mail_preview"),
    path("settings/mail/<int:pk>/retry/", views.mail_retry, name="mail_retry"),
    path("settings/chat/", chat.chat_settings, name="chat_settings"),
    path("settings/chat/<int:pk>/", chat.chat_webhook, name="chat_webhook"),
    path("settings/chat/<int:pk>/delete/", chat.chat_webhook_delete, name="chat_webhook_delete"),
    path("settings/chat/<int:pk>/test/", chat.chat_webhook_test, name="chat_webhook_test"),
    path("settings/chat/<int:pk>/enable/", chat.chat_webhook_enable, name="chat_webhook_enable"),
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("inbox/read/", views_inbox.inbox_read, name="inbox_read"),
    path("inbox/<int:pk>/", views_inbox.inbox_open, name="inbox_open"),
    path("settings/profile/notifications/", views_inbox.notification_settings, name="notification_settings"),
]
