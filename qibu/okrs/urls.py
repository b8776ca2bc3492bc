from django.urls import path

from qibu.okrs import views

app_name = "okrs"
urlpatterns = [
    path("", views.my_okrs, name="my"),
    path("objectives/new/", views.objective_new, name="objective_new"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/delete/", views.objective_delete_view, name="objective_delete"),
    path("objectives/<int:pk>/approval/", views.objective_approval, name="objective_approval"),
    path("objectives/<int:pk>/submit/", views.objective_submit_view, name="objective_submit"),
    path("objectives/<int:pk>/approve/", views.objective_approve_view, name="objective_approve"),
    path("objectives/<int:pk>/return/", views.objective_return_view, name="objective_return"),
    path("objectives/<int:pk>/reopen/", views.objective_reopen_view, name="objective_reopen"),
    path("objectives/<int:pk>/key-results/new/", views.key_result_new, name="kr_new"),
    path("key-results/<int:pk>/edit/", views.key_result_edit, name="kr_edit"),
    path("key-results/<int:pk>/delete/", views.key_result_delete_view, name="kr_delete"),
    path("key-results/<int:pk>/check-in/", views.checkin, name="checkin"),
    path("editor/warnings/", views.editor_warnings, name="editor_warnings"),
    path("editor/key-result-warnings/", views.key_result_warnings, name="kr_warnings"),
]
