"""URL map. Each app owns its pages; the API lives under /api/v1."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.i18n import set_language

from qibu.api.errors import api_not_found
from qibu.api.urls import api
from qibu.notify.views_password import ResetPasswordView, password_reset
from qibu.org.views_access import SetPasswordView

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("set-password/<uidb64>/<token>/", SetPasswordView.as_view(), name="set_password"),
    path("password-reset/", password_reset, name="password_reset"),
    path("reset-password/<uidb64>/<token>/", ResetPasswordView.as_view(), name="reset_password"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<path>.*)$", api_not_found),
    path("", include("qibu.notify.urls")),
    path("", include("qibu.rhythm.urls")),
    path("plans/", include("qibu.plans.urls")),
    path("settings/export/", include("qibu.backup.urls")),
    path("settings/", include("qibu.cycles.urls")),
    path("settings/", include("qibu.org.urls")),
    path("search/", include("qibu.search.urls")),
    path("publications/", include("qibu.publish.urls")),
    path("projects/", include("qibu.projects.urls")),
    path("blockers/", include("qibu.blockers.urls")),
    path("standups/", include("qibu.standups.urls")),
    path("meetings/", include("qibu.meetings.urls")),
    path("one-on-ones/", include("qibu.oneonones.urls")),
    path("self-assessment/", include("qibu.assess.urls")),
    path("reflections/", include("qibu.reflect.urls")),
    path("updates/", include("qibu.updates.urls")),
    path("celebrations/", include("qibu.celebrate.urls")),
    path("quarter/", include("qibu.quarter.urls")),
    path("workshops/", include("qibu.workshop.urls")),
    path("", include("qibu.reports.urls")),
    path("", include("qibu.discuss.urls")),
    path("", include("qibu.planning.urls")),
    path("", include("qibu.okrs.urls")),
]

# Refused and failed requests: a page in the product's layout and the reader's language, or the API's JSON.
handler400 = "qibu.core.errors.bad_request"
handler403 = "qibu.core.errors.permission_denied"
handler404 = "qibu.core.errors.page_not_found"
handler500 = "qibu.core.errors.server_error"
