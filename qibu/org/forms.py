"""Forms for the settings pages. They only parse input; the rules live in the services, whose
ValidationError (keyed by field) is put back on the form by `qibu.core.forms.apply_errors`."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import dates
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_area, text_input
from qibu.core.validation import NAME_MAX, SHORT_NAME_MAX, STATEMENT_MAX, TEXT_MAX, TITLE_MAX
from qibu.org.models import Department, Organisation, Person, Role, Team

IMPORT_MAX_BYTES = 10 * 1024 * 1024
MONTHS = sorted(dates.MONTHS.items())


@cache
def time_zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def _field_label(name: str) -> Any:
    return cast("models.Field[Any, Any]", Organisation._meta.get_field(name)).verbose_name


class OrganisationForm(forms.Form):
    """The company's identity and method policy. Ranges are checked by `organisation_update` alone, so the
    page and the service can never disagree about what is allowed."""

    name = forms.CharField(label=_field_label("name"), widget=text_input(NAME_MAX))
    vision = forms.CharField(label=_field_label("vision"), widget=text_area(STATEMENT_MAX, rows=3), required=False)
    mission = forms.CharField(label=_field_label("mission"), widget=text_area(STATEMENT_MAX, rows=3), required=False)
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_field_label("fiscal_year_start_month"), choices=MONTHS, coerce=int
    )
    time_zone = forms.CharField(
        label=_field_label("time_zone"), max_length=64, widget=forms.TextInput(attrs={"list": "time-zones"})
    )
    default_language = forms.ChoiceField(
        label=_field_label("default_language"), choices=[("zh-hans", "简体中文"), ("en", "English")]
    )

    # SET-1, SET-2: whether OKRs are agreed before they count, and who approves the company's.
    approval_required = forms.BooleanField(label=_field_label("approval_required"), required=False)
    approval_order_enforced = forms.BooleanField(label=_field_label("approval_order_enforced"), required=False)
    approval_on_change = forms.BooleanField(label=_field_label("approval_on_change"), required=False)
    ceo = forms.ModelChoiceField(
        label=_field_label("ceo"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("none named: any executive approves the company's objectives"),
    )
    APPROVAL_FIELDS = ("approval_required", "approval_order_enforced", "approval_on_change", "ceo")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in Organisation.POLICY_FIELDS:
            self.fields[name] = forms.IntegerField(label=_field_label(name), widget=forms.NumberInput(attrs={}))
        for name in Organisation.SCORE_POLICY_FIELDS:
            self.fields[name] = forms.DecimalField(
                label=_field_label(name),
                max_digits=3,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1"}),
            )
        # The CEO is one of the executives (administrators among them).
        cast(forms.ModelChoiceField[Any], self.fields["ceo"]).queryset = Person.objects.filter(
            is_active=True, role__in=[Role.EXECUTIVE, Role.ADMIN]
        ).order_by("full_name", "username")

    @classmethod
    def initial_from(cls, organisation: Organisation) -> dict[str, Any]:
        return {
            name: getattr(organisation, name)
            for name in (
                "name",
                "vision",
                "mission",
                "fiscal_year_start_month",
                "time_zone",
                "default_language",
                *Organisation.POLICY_FIELDS,
                *Organisation.SCORE_POLICY_FIELDS,
                "approval_required",
                "approval_order_enforced",
                "approval_on_change",
            )
        } | {"ceo": organisation.ceo_id}

    def approval_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.APPROVAL_FIELDS]

    def identity_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in ("name", "vision", "mission", "fiscal_year_start_month", "time_zone", "default_language")
        ]


class StrategicGoalForm(forms.Form):
    title = forms.CharField(label=_("title"), widget=text_input(TITLE_MAX))
    description = forms.CharField(label=_("description"), widget=text_area(TEXT_MAX, rows=2), required=False)


class _PersonByUsername(forms.CharField):
    """A person named by username: scales to any company, unlike a drop-down of everyone. With `active_only`
    False, a deactivated person is found too, for the service to say why it will not take them."""

    def __init__(self, *, active_only: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)
        self.active_only = active_only

    def clean(self, value: Any) -> Person | None:
        username = (super().clean(value) or "").strip()
        if not username:
            return None
        people = Person.objects.filter(is_active=True) if self.active_only else Person.objects.all()
        person = people.filter(username=username).first()
        if person is None:
            raise ValidationError(_("Nobody has the username “%(username)s”."), params={"username": username})
        return person


class _DepartmentChoice(forms.ModelChoiceField[Department]):
    def label_from_instance(self, obj: Department) -> str:
        return "— " * obj.depth + obj.name


def _department_field(label: Any, *, required: bool, empty: Any = "---------") -> _DepartmentChoice:
    return _DepartmentChoice(
        label=label,
        queryset=Department.objects.order_by("path", "position", "name"),
        required=required,
        empty_label=empty,
    )


class DepartmentCreateForm(forms.Form):
    name = forms.CharField(label=_("name"), widget=text_input(NAME_MAX))
    parent = _department_field(_("part of"), required=False, empty=_("(top level)"))
    head = _PersonByUsername(label=_("head (username)"))


class DepartmentMoveForm(forms.Form):
    department = _department_field(_("department"), required=True)
    parent = _department_field(_("move under"), required=False, empty=_("(top level)"))


class DepartmentHeadForm(forms.Form):
    department = _department_field(_("department"), required=True)
    head = _PersonByUsername(label=_("head (username, empty for none)"))


class TeamCreateForm(forms.Form):
    name = forms.CharField(label=_("team name"), widget=text_input(NAME_MAX))
    department = _department_field(_("department"), required=True)
    lead = _PersonByUsername(label=_("lead (username)"))


PEOPLE_STATUS = (("active", _("active people")), ("inactive", _("deactivated people")), ("all", _("everyone")))
LANGUAGE_CHOICES = [("", _("The organisation's default")), ("zh-hans", "简体中文"), ("en", "English")]


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Show"), choices=PEOPLE_STATUS, required=False)

    def query(self) -> tuple[str, str]:
        """The search text and which people to show (active ones unless asked otherwise)."""
        if not self.is_valid():
            return "", "active"
        return self.cleaned_data["q"].strip(), self.cleaned_data["status"] or "active"


class _TeamChoice(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.department.name} / {obj.name}"


class PersonForm(forms.Form):
    """A person's details on their page. Presence, lengths and every rule are `person_update`'s to check."""

    full_name = forms.CharField(label=_("full name"), required=False, strip=False, widget=text_input(NAME_MAX))
    username = forms.CharField(label=_("username"), required=False, strip=False)
    email = forms.CharField(label=_("e-mail address"), required=False, widget=forms.EmailInput())
    job_title = forms.CharField(label=_("job title"), required=False, widget=text_input(NAME_MAX))
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    department = _department_field(_("department"), required=False, empty=_("(none)"))
    team = _TeamChoice(
        label=_("team"),
        queryset=Team.objects.select_related("department").order_by("department__path", "name"),
        required=False,
        empty_label=_("(none)"),
    )
    manager = _PersonByUsername(label=_("manager (username)"), active_only=False)
    language = forms.ChoiceField(label=_("language"), choices=LANGUAGE_CHOICES, required=False)

    @classmethod
    def initial_from(cls, person: Person) -> dict[str, Any]:
        return {
            "full_name": person.full_name,
            "username": person.username,
            "email": person.email,
            "job_title": person.job_title,
            "role": person.role,
            "department": person.department_id,
            "team": person.team_id,
            "manager": person.manager.username if person.manager else "",
            "language": person.language,
        }


def _password_field(label: Any, autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class AdminPasswordForm(forms.Form):
    password = _password_field(_("new password"))
    password_again = _password_field(_("new password again"))


class PasswordChangeForm(forms.Form):
    old_password = _password_field(_("current password"), autocomplete="current-password")
    new_password = _password_field(_("new password"))
    new_password_again = _password_field(_("new password again"))


class SetPasswordLinkForm(forms.Form):
    """The page of a set-password link (Django's view passes the person as `user`)."""

    new_password = _password_field(_("new password"))
    new_password_again = _password_field(_("new password again"))

    def __init__(self, user: Person, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class DownloadForm(forms.Form):
    format = forms.ChoiceField(choices=(("xlsx", "Excel"), ("csv", "CSV")))


class UnlockForm(forms.Form):
    account = forms.CharField(required=False, max_length=255)
    address = forms.GenericIPAddressField(required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("file (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("only check, import nothing"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".csv")):
            raise ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)})
        return upload


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("token name"), widget=text_input(SHORT_NAME_MAX))


class ProfileForm(forms.Form):
    language = forms.ChoiceField(label=_("language"), choices=LANGUAGE_CHOICES, required=False)
