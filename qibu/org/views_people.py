"""People administration (administrators only): a person's page to edit and move them, deactivate and reactivate
them, set their password or give them a link to choose one; people exports and the set-password links."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import admin_required, current_person
from qibu.org import forms
from qibu.org.importer.export import CSV_TYPE, XLSX_TYPE, links_csv, links_workbook, people_csv, people_workbook
from qibu.org.models import Person
from qibu.org.passwords import SetPasswordLink, link_days, without_password
from qibu.org.selectors import people_search
from qibu.org.services import (
    password_links_export,
    person_deactivate,
    person_password_link,
    person_reactivate,
    person_set_password,
    person_update,
)


def _person(pk: int) -> Person:
    return get_object_or_404(Person.objects.select_related("department", "team", "manager"), pk=pk)


def _person_page(
    request: HttpRequest,
    person: Person,
    *,
    form: forms.PersonForm | None = None,
    password_form: forms.AdminPasswordForm | None = None,
    link: SetPasswordLink | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "person": person,
        "form": form or forms.PersonForm(initial=forms.PersonForm.initial_from(person)),
        "password_form": password_form or forms.AdminPasswordForm(),
        "has_password": person.has_usable_password(),
        "link": link,
        "link_url": request.build_absolute_uri(link.path) if link else "",
        "link_days": link_days(),
        "is_self": person.pk == current_person(request).pk,
        "problems": problems or [],
        "section": "people",
    }
    response = render(request, "org/person.html", context, status=status)
    if link is not None:
        # A key to the account until it is used: not for any cache.
        response["Cache-Control"] = "no-store"
    return response


@admin_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's details: edit them, move them to another department, team or manager."""
    person = _person(pk)
    if request.method != "POST":
        return _person_page(request, person)
    form = forms.PersonForm(request.POST)
    if form.is_valid():
        try:
            person_update(actor=current_person(request), person=person, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": person})
            return redirect("org:person", pk=person.pk)
    return _person_page(request, person, form=form, status=400)


def _refused(request: HttpRequest, person: Person, exc: ValidationError) -> HttpResponse:
    return _person_page(request, person, problems=list(exc.messages), status=400)


@admin_required
@require_POST
def person_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    try:
        person_deactivate(actor=current_person(request), person=person)
    except ValidationError as exc:
        return _refused(request, person, exc)
    messages.success(request, _("%(name)s is deactivated: they can no longer sign in.") % {"name": person})
    return redirect("org:person", pk=person.pk)


@admin_required
@require_POST
def person_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    person_reactivate(actor=current_person(request), person=person)
    messages.success(request, _("%(name)s is active again and can sign in.") % {"name": person})
    return redirect("org:person", pk=person.pk)


@admin_required
@require_POST
def person_password(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator sets the person's password."""
    person = _person(pk)
    form = forms.AdminPasswordForm(request.POST)
    if form.is_valid():
        try:
            person_set_password(actor=current_person(request), person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The password of %(name)s is set.") % {"name": person})
            return redirect("org:person", pk=person.pk)
    # Password inputs never show what was typed: the form comes back with its errors only.
    return _person_page(request, person, password_form=form, status=400)


@admin_required
@require_POST
def person_password_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A one-time link for the person to choose their password; with "disable", their current one stops working."""
    person = _person(pk)
    try:
        link = person_password_link(
            actor=current_person(request), person=person, disable_password=request.POST.get("disable") == "1"
        )
    except ValidationError as exc:
        return _refused(request, person, exc)
    return _person_page(request, person, link=link)


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@admin_required
def people_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The people the people page shows (its search and filter), in the import template's columns."""
    query, status = forms.PeopleSearchForm(request.GET).query()
    people = people_search(query, status)
    if fmt == "xlsx":
        return _download(people_workbook(people), filename="qibu-people.xlsx", content_type=XLSX_TYPE)
    return _download(people_csv(people), filename="qibu-people.csv", content_type=CSV_TYPE)


@admin_required
@require_POST
def password_links(request: HttpRequest) -> HttpResponse:
    """The set-password links of every active person without a password, to hand out (recorded in history)."""
    form = forms.DownloadForm(request.POST)
    fmt = form.cleaned_data["format"] if form.is_valid() else "xlsx"
    links = password_links_export(actor=current_person(request), people=list(without_password()))
    base_url = request.build_absolute_uri("/").rstrip("/")
    if fmt == "csv":
        return _download(links_csv(links, base_url), filename="qibu-set-password-links.csv", content_type=CSV_TYPE)
    return _download(links_workbook(links, base_url), filename="qibu-set-password-links.xlsx", content_type=XLSX_TYPE)
