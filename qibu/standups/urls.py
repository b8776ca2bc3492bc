from django.urls import path

from qibu.standups import views

app_name = "standups"
urlpatterns = [
    path("", views.home, name="home"),
    path("teams/<int:team_id>/", views.today, name="today"),
    path("teams/<int:team_id>/history/", views.history, name="history"),
    path("teams/<int:team_id>/<str:day>/", views.day, name="day"),
    path("<int:pk>/entry/", views.entry, name="entry"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/live/", views.live, name="live"),
    path("<int:pk>/live/control/", views.live_control, name="live_control"),
]
