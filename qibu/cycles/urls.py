from django.urls import path

from qibu.cycles import views

app_name = "cycles"
urlpatterns = [
    path("cycles/", views.cycles, name="list"),
    path("cycles/generate/", views.cycles_generate, name="generate"),
    path("cycles/new/", views.cycle_new, name="new"),
    path("cycles/<int:pk>/close/", views.cycle_toggle, name="close"),
    path("cycles/<int:pk>/history/", views.cycle_history, name="history"),
]
