from django.urls import path

from qibu.okrs import views

app_name = "okrs"
urlpatterns = [
    path("", views.my_okrs, name="my"),
    path("focus/", views.my_focus, name="focus"),
    path("objectives/new/", views.objective_new, name="objective_new"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/delete/", views.objective_delete_view, name="objective_delete"),
    path("objectives/<int:pk>/approval/", views.objective_approval, name="objective_approval"),
    path("objectives/<int:pk>/submit/", views.objective_submit_view, name="objective_submit"),
    path("objectives/<int:pk>/approve/", views.objective_approve_view, name="objective_approve"),
    path("objectives/<int:pk>/return/", views.objective_return_view, name="objective_return"),
    path("objectives/<int:pk>/reopen/", views.objective_reopen_view, name="objective_reopen"),
    path("objectives/<int:pk>/correct/", views.objective_correct, name="objective_correct"),
    path("key-results/<int:pk>/milestones/", views.key_result_milestones, name="kr_milestones"),
    path("key-results/<int:pk>/correct/", views.key_result_correct, name="kr_correct"),
    path("objectives/<int:pk>/key-results/new/", views.key_result_new, name="kr_new"),
    path("key-results/<int:pk>/edit/", views.key_result_edit, name="kr_edit"),
    path("key-results/<int:pk>/delete/", views.key_result_delete_view, name="kr_delete"),
    path("key-results/<int:pk>/move/", views.key_result_move_view, name="kr_move"),
    path("key-results/<int:pk>/check-in/", views.checkin, name="checkin"),
    path("editor/warnings/", views.editor_warnings, name="editor_warnings"),
    path("editor/key-result-warnings/", views.key_result_warnings, name="kr_warnings"),
    # SET-9: key results first, then the objective they serve.
    path("okrs/key-results-first/", views.key_results_first, name="key_results_first"),
    path("okrs/key-results-first/add/", views.drafts_add, name="drafts_add"),
    path("okrs/key-results-first/<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("okrs/key-results-first/<int:pk>/delete/", views.draft_delete, name="draft_delete"),
    # VIS-1, VIS-2: the vision, the mission and the strategic goals.
    path("strategy/", views.strategy, name="strategy"),
    path("strategy/vision/", views.strategy_vision, name="strategy_vision"),
    path("strategy/goals/new/", views.goal_new, name="goal_new"),
    path("strategy/goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("strategy/goals/<int:pk>/move/", views.goal_move, name="goal_move"),
    path("strategy/goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("strategy/goals/<int:pk>/history/", views.goal_history, name="goal_history"),
]
