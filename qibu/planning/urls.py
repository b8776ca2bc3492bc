from django.urls import path

from qibu.planning import views

app_name = "planning"
urlpatterns = [
    path("planning/", views.board, name="board"),
    path("planning/queue/", views.queue, name="queue"),
    path("objectives/<int:pk>/proposals/", views.proposals, name="proposals"),
    path("objectives/<int:pk>/take-ups/", views.take_up_add, name="take_up_add"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/respond/", views.proposal_respond, name="proposal_respond"),
    path("take-ups/<int:pk>/remove/", views.take_up_remove, name="take_up_remove"),
]
