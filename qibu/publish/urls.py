from django.urls import path

from qibu.publish import views

app_name = "publish"
urlpatterns = [
    path("", views.publication_list, name="list"),
    path("quarters/<int:cycle_id>/publish/", views.publication_publish, name="publish"),
    path("<int:pk>/", views.publication_detail, name="detail"),
    path("<int:pk>/progress/", views.publication_progress, name="progress"),
    path("<int:pk>/retry/", views.publication_retry, name="retry"),
    path("<int:pk>/publication.xlsx", views.publication_download, name="download"),
]
