from django.urls import path

from qibu.discuss import views

app_name = "discuss"
urlpatterns = [
    path("objectives/<int:pk>/comments/", views.comments, name="comments"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
]
