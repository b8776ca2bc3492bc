from django.urls import path

from qibu.org import views, views_access

app_name = "org"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("history/", views.organisation_history, name="history"),
    path("strategy/", views.strategy, name="strategy"),
    path("strategy/<int:pk>/delete/", views.strategy_delete, name="strategy_delete"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/generate/", views.cycles_generate, name="cycles_generate"),
    path("cycles/new/", views.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/close/", views.cycle_toggle, name="cycle_close"),
    path("cycles/<int:pk>/history/", views.cycle_history, name="cycle_history"),
    path("departments/", views.departments, name="departments"),
    path("departments/new/", views.department_new, name="department_new"),
    path("departments/move/", views.department_move_view, name="department_move"),
    path("departments/head/", views.department_head_view, name="department_head"),
    path("departments/<int:pk>/history/", views.department_history, name="department_history"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:pk>/history/", views.team_history, name="team_history"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/history/", views.person_history, name="person_history"),
    path("sign-in-locks/", views_access.sign_in_locks, name="sign_in_locks"),
    path("sign-in-locks/unlock/", views_access.sign_in_unlock_view, name="sign_in_unlock"),
    path("import/", views.people_import_view, name="import"),
    path("import/template.xlsx", views.import_template_xlsx, name="import_template_xlsx"),
    path("import/template.csv", views.import_template_csv, name="import_template_csv"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("profile/", views.profile, name="profile"),
]
