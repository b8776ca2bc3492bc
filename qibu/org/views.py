"""The settings pages: organisation and method policy, strategy, cycles, departments, people, import and the
history of each of them (administrators only), and each person's own language and API tokens."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qibu.audit.registry import Ref
from qibu.audit.selectors import subject_history
from qibu.core.forms import apply_errors
from qibu.core.http import admin_required, current_person
from qibu.core.rules import COACH_CHECKS, rule_statement
from qibu.core.validation import field_problems
from qibu.org import forms
from qibu.org.middleware import request_organisation
from qibu.org.models import ApiToken, Department, Organisation, Person, Team
from qibu.org.passwords import link_days, without_password
from qibu.org.selectors import (
    departments_with_counts,
    organisation_get,
    people_search,
    team_list,
)
from qibu.org.services import (
    api_token_create,
    api_token_revoke,
    department_create,
    department_move,
    department_set_head,
    organisation_set_coach_blocking,
    organisation_set_late_updaters,
    organisation_update,
    person_set_language,
    team_create,
)

# The method rule behind each policy field, shown beside it in words (`qibu.core.rules`) with its ID as a label.
POLICY_RULES = {
    "max_objectives_per_owner": "SET-3",
    "min_key_results": "SET-4",
    "max_key_results": "SET-4",
    "confidence_fall_threshold": "EXE-4",
    "bottom_up_target": "SET-7",
    "checkin_cadence_days": "MEAS-8",
    "on_track_confidence": "MEAS-6",
    "at_risk_confidence": "MEAS-6",
    "behind_pace_points": "MEAS-6",
    "blocker_department_after_days": "EXE-2",
    "blocker_management_after_days": "EXE-2",
    "self_assessment_every_months": "SELF-1",
    "update_every_months": "UPD-1",
    "set_lead_days": "PLAY-EXEC",
    "publish_within_days": "PLAY-EXEC",
    "self_assessment_days": "SELF-1",
    "reflection_days": "REF-1",
    "update_days": "UPD-1",
    "celebration_days": "CEL-1",
    "reward_rich_from": "CEL-3",
    "reward_standard_from": "CEL-3",
}
PEOPLE_PER_PAGE = 50


# --- organisation and method policy -----------------------------------------------------------------


def _organisation_page(
    request: HttpRequest, form: forms.OrganisationForm, status: int = 200, late_errors: list[str] | None = None
) -> HttpResponse:
    saved = request_organisation(request)
    departures = set(saved.departures_from_method())
    policy = [
        {
            "field": form[name],
            "default": Organisation.policy_default(name),
            "rule": POLICY_RULES.get(name, ""),
            "statement": rule_statement(POLICY_RULES.get(name, "")),
            "departs": name in departures,
            "current": getattr(saved, name),
        }
        for name in (*Organisation.POLICY_FIELDS, *Organisation.SCORE_POLICY_FIELDS)
    ]
    organisation = request_organisation(request)
    context = {
        "form": form,
        "policy": policy,
        "time_zones": forms.time_zone_names(),
        "section": "organisation",
        # UPD-5: who may still update a closed cycle.
        "late_updaters": list(organisation.late_updaters.order_by("full_name").values_list("pk", flat=True)),
        "people": Person.objects.filter(is_active=True).order_by("full_name", "username").only("pk", "full_name"),
        "late_errors": late_errors or [],
    }
    return render(request, "org/organisation.html", context, status=status)


@admin_required
@require_POST
def late_updaters(request: HttpRequest) -> HttpResponse:
    """UPD-5: the people who may still update a closed cycle, flagged late."""
    try:
        organisation_set_late_updaters(
            actor=current_person(request), organisation=organisation_get(), people=request.POST.getlist("late_updaters")
        )
    except ValidationError as exc:
        initial = forms.OrganisationForm.initial_from(request_organisation(request))
        errors = [message for _field, message in field_problems(exc)]
        return _organisation_page(request, forms.OrganisationForm(initial=initial), status=400, late_errors=errors)
    messages.success(request, _("The people who may update a closed cycle are saved."))
    return redirect("org:settings")


@admin_required
def settings_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        initial = forms.OrganisationForm.initial_from(request_organisation(request))
        return _organisation_page(request, forms.OrganisationForm(initial=initial))
    form = forms.OrganisationForm(request.POST)
    if form.is_valid():
        # A fresh copy: a refused change must not leave half-set values on the request's organisation.
        organisation = organisation_get()
        try:
            organisation_update(actor=current_person(request), organisation=organisation, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The organisation settings are saved."))
            return redirect("org:settings")
    return _organisation_page(request, form, status=400)


# --- the coach: which rules block a submission -----------------------------------------------------


def _coach_page(request: HttpRequest, chosen: list[str], errors: list[str], status: int = 200) -> HttpResponse:
    rows = [
        {"rule": rule, "statement": rule_statement(rule), "check": str(check), "blocks": rule in chosen}
        for rule, check in COACH_CHECKS.items()
    ]
    context = {"rows": rows, "errors": errors, "section": "coach"}
    return render(request, "org/coach.html", context, status=status)


@admin_required
def coach_settings(request: HttpRequest) -> HttpResponse:
    """The coach's rules, each with a box "blocks submission" (SET-1, SET-2: a submission waits until they are
    settled); the others only advise."""
    organisation = request_organisation(request)
    if request.method != "POST":
        return _coach_page(request, list(organisation.coach_blocking_rules or []), [])
    chosen = request.POST.getlist("blocking")
    try:
        organisation_set_coach_blocking(actor=current_person(request), organisation=organisation_get(), rules=chosen)
    except ValidationError as exc:
        return _coach_page(request, chosen, [message for _field, message in field_problems(exc)], status=400)
    messages.success(request, _("The coach's rules are saved."))
    return redirect("org:coach")


# --- vision and strategy ----------------------------------------------------------------------------


@login_required
def strategy(request: HttpRequest) -> HttpResponse:
    """The strategy has its own page now, for everyone to read and executives to keep (`okrs.views.strategy`)."""
    return redirect("okrs:strategy")


# --- departments and teams --------------------------------------------------------------------------


def _departments_page(request: HttpRequest, status: int = 200, **bound: Any) -> HttpResponse:
    teams_by_department: dict[int, list[Team]] = {}
    for team in team_list().order_by("name"):
        teams_by_department.setdefault(team.department_id, []).append(team)
    context = {
        # Each department with its teams.
        "departments": [(d, teams_by_department.get(d.pk, [])) for d in departments_with_counts()],
        "create_form": bound.get("create_form") or forms.DepartmentCreateForm(),
        "move_form": bound.get("move_form") or forms.DepartmentMoveForm(),
        "head_form": bound.get("head_form") or forms.DepartmentHeadForm(),
        "team_form": bound.get("team_form") or forms.TeamCreateForm(),
        "section": "departments",
    }
    return render(request, "org/departments.html", context, status=status)


@admin_required
def departments(request: HttpRequest) -> HttpResponse:
    return _departments_page(request)


@admin_required
@require_POST
def department_new(request: HttpRequest) -> HttpResponse:
    form = forms.DepartmentCreateForm(request.POST)
    if form.is_valid():
        try:
            department = department_create(actor=current_person(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The department “%(name)s” is created.") % {"name": department.name})
            return redirect("org:departments")
    return _departments_page(request, status=400, create_form=form)


@admin_required
@require_POST
def department_move_view(request: HttpRequest) -> HttpResponse:
    form = forms.DepartmentMoveForm(request.POST)
    if form.is_valid():
        try:
            department = department_move(actor=current_person(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The department “%(name)s” is moved.") % {"name": department.name})
            return redirect("org:departments")
    return _departments_page(request, status=400, move_form=form)


@admin_required
@require_POST
def department_head_view(request: HttpRequest) -> HttpResponse:
    form = forms.DepartmentHeadForm(request.POST)
    if form.is_valid():
        department = department_set_head(actor=current_person(request), **form.cleaned_data)
        messages.success(request, _("The head of “%(name)s” is set.") % {"name": department.name})
        return redirect("org:departments")
    return _departments_page(request, status=400, head_form=form)


@admin_required
@require_POST
def team_new(request: HttpRequest) -> HttpResponse:
    form = forms.TeamCreateForm(request.POST)
    if form.is_valid():
        try:
            team = team_create(actor=current_person(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The team “%(name)s” is created.") % {"name": team.name})
            return redirect("org:departments")
    return _departments_page(request, status=400, team_form=form)


# --- people and import ------------------------------------------------------------------------------


@admin_required
def people(request: HttpRequest) -> HttpResponse:
    form = forms.PeopleSearchForm(request.GET)
    query, status = form.query()
    page = Paginator(people_search(query, status), PEOPLE_PER_PAGE).get_page(request.GET.get("page") or 1)
    context = {
        "form": form,
        "query": query,
        "status": status,
        "statuses": forms.PEOPLE_STATUS,
        "filters": urlencode({"q": query, "status": status}),
        "page": page,
        "without_password": without_password().count(),
        "link_days": link_days(),
        "section": "people",
    }
    return render(request, "org/people.html", context)


@admin_required
def people_import_view(request: HttpRequest) -> HttpResponse:
    result = None
    status = 200
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        if form.is_valid():
            # Imported here, not at the top: the other settings pages must load even without the importer.
            from qibu.org.importer import people_import

            upload = form.cleaned_data["file"]
            result = people_import(
                actor=current_person(request),
                filename=upload.name,
                content=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
            if not result.ok:
                status = 400
        else:
            status = 400
    else:
        form = forms.ImportForm()
    context = {
        "form": form,
        "result": result,
        "without_password": without_password().count(),
        "link_days": link_days(),
        "section": "import",
    }
    return render(request, "org/import.html", context, status=status)


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin_required
def import_template_xlsx(request: HttpRequest) -> HttpResponse:
    from qibu.org.importer import template_workbook

    return _download(
        template_workbook(),
        filename="qibu-people.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@admin_required
def import_template_csv(request: HttpRequest) -> HttpResponse:
    from qibu.org.importer import template_csv

    return _download(template_csv(), filename="qibu-people.csv", content_type="text/csv; charset=utf-8")


# --- each person's own settings ---------------------------------------------------------------------


def _tokens_page(
    request: HttpRequest, form: forms.TokenCreateForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    tokens = list(ApiToken.objects.filter(person=current_person(request)).order_by("-created_at"))
    context = {"form": form, "tokens": tokens, "secret": secret, "section": "tokens"}
    response = render(request, "org/tokens.html", context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _tokens_page(request, forms.TokenCreateForm())
    form = forms.TokenCreateForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form, status=400)
    # Shown in this answer only: the secret is never stored, so it cannot be shown again.
    person = current_person(request)
    try:
        _token, secret = api_token_create(actor=person, person=person, name=form.cleaned_data["name"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return _tokens_page(request, form, status=400)
    return _tokens_page(request, forms.TokenCreateForm(), secret=secret, status=201)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    if not api_token_revoke(actor=person, person=person, token_id=pk):
        raise Http404
    messages.success(request, _("The token is revoked; programs using it can no longer sign in."))
    return redirect("org:tokens")


def profile_page(
    request: HttpRequest,
    *,
    form: forms.ProfileForm | None = None,
    password_form: forms.PasswordChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The person's own language and password (`views_access.password_change_view` takes the password form)."""
    person = current_person(request)
    context = {
        "form": form or forms.ProfileForm(initial={"language": person.language}),
        "password_form": password_form or forms.PasswordChangeForm(),
        "section": "profile",
    }
    return render(request, "org/profile.html", context, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if request.method != "POST":
        return profile_page(request)
    form = forms.ProfileForm(request.POST)
    if form.is_valid():
        try:
            person_set_language(actor=person, person=person, language=form.cleaned_data["language"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your language is saved."))
            response = redirect("org:profile")
            # The language switcher's cookie wins over the saved language, so it follows the choice made here.
            if person.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.language, samesite="Lax")
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    return profile_page(request, form=form, status=400)


# --- history (administrators only) ------------------------------------------------------------------


def history_page(
    request: HttpRequest,
    *,
    kind: str,
    subject: Any,
    back: str,
    section: str,
    known: Mapping[Ref, str] | None = None,
) -> HttpResponse:
    """The subject's newest history, every id in it named (one query per kind of row named)."""
    rows = subject_history(subject, viewer=current_person(request), known=known)
    context = {"kind": kind, "subject": subject, "rows": rows, "back": back, "section": section}
    return render(request, "org/history.html", context)


@admin_required
def organisation_history(request: HttpRequest) -> HttpResponse:
    """The organisation's settings, its method policy and its strategic goals."""
    organisation = request_organisation(request)
    return history_page(
        request, kind="organisation", subject=organisation, back=reverse("org:settings"), section="organisation"
    )


@admin_required
def department_history(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    return history_page(
        request,
        kind="department",
        subject=department,
        back=reverse("org:departments"),
        section="departments",
        known={("org.department", department.pk): department.name},
    )


@admin_required
def team_history(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("department"), pk=pk)
    return history_page(
        request,
        kind="team",
        subject=team,
        back=reverse("org:departments"),
        section="departments",
        known={("org.team", team.pk): team.name, ("org.department", team.department.pk): team.department.name},
    )


@admin_required
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    return history_page(
        request,
        kind="person",
        subject=person,
        back=reverse("org:people"),
        section="people",
        known={("org.person", person.pk): str(person)},
    )
