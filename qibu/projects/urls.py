from django.urls import path

from qibu.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/close/", views.project_close, name="close"),
    path("<int:pk>/history/", views.project_history, name="history"),
    path("<int:pk>/members/new/", views.member_new, name="member_new"),
    path("<int:pk>/members/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/stages/new/", views.stage_new, name="stage_new"),
    path("<int:pk>/stages/<int:stage_id>/edit/", views.stage_edit, name="stage_edit"),
    path("<int:pk>/stages/<int:stage_id>/delete/", views.stage_delete, name="stage_delete"),
    path("<int:pk>/stages/<int:stage_id>/objectives/new/", views.objective_new, name="objective_new"),
    path("<int:pk>/objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path("<int:pk>/objectives/<int:objective_id>/delete/", views.objective_remove, name="objective_delete"),
    path("<int:pk>/objectives/<int:objective_id>/key-results/new/", views.key_result_new, name="key_result_new"),
    path("<int:pk>/key-results/<int:key_result_id>/edit/", views.key_result_edit, name="key_result_edit"),
    path("<int:pk>/key-results/<int:key_result_id>/delete/", views.key_result_remove, name="key_result_delete"),
    path("<int:pk>/key-results/<int:key_result_id>/carriers/", views.carriers_set, name="carriers"),
]
