from django.urls import path

from qibu.org import views, views_access, views_people

app_name = "org"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("history/", views.organisation_history, name="history"),
    path("strategy/", views.strategy, name="strategy"),
    path("coach/", views.coach_settings, name="coach"),
    path("late-updaters/", views.late_updaters, name="late_updaters"),
    path("departments/", views.departments, name="departments"),
    path("departments/new/", views.department_new, name="department_new"),
    path("departments/move/", views.department_move_view, name="department_move"),
    path("departments/head/", views.department_head_view, name="department_head"),
    path("departments/<int:pk>/history/", views.department_history, name="department_history"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:pk>/history/", views.team_history, name="team_history"),
    path("people/", views.people, name="people"),
    path("people/export.xlsx", views_people.people_export, {"fmt": "xlsx"}, name="people_export_xlsx"),
    path("people/export.csv", views_people.people_export, {"fmt": "csv"}, name="people_export_csv"),
    path("people/password-links/", views_people.password_links, name="password_links"),
    path("people/<int:pk>/", views_people.person_edit, name="person"),
    path("people/<int:pk>/deactivate/", views_people.person_deactivate_view, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views_people.person_reactivate_view, name="person_reactivate"),
    path("people/<int:pk>/password/", views_people.person_password, name="person_password"),
    path("people/<int:pk>/password-link/", views_people.person_password_link_view, name="person_password_link"),
    path("people/<int:pk>/history/", views.person_history, name="person_history"),
    path("sign-in-locks/", views_access.sign_in_locks, name="sign_in_locks"),
    path("sign-in-locks/unlock/", views_access.sign_in_unlock_view, name="sign_in_unlock"),
    path("import/", views.people_import_view, name="import"),
    path("import/template.xlsx", views.import_template_xlsx, name="import_template_xlsx"),
    path("import/template.csv", views.import_template_csv, name="import_template_csv"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views_access.password_change_view, name="password_change"),
]
