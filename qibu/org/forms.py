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

from qibu.cycles.models import CycleKind
from qibu.org.models import Department, Organisation, Person

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

    name = forms.CharField(label=_field_label("name"), max_length=200)
    vision = forms.CharField(label=_field_label("vision"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    mission = forms.CharField(label=_field_label("mission"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_field_label("fiscal_year_start_month"), choices=MONTHS, coerce=int
    )
    time_zone = forms.CharField(
        label=_field_label("time_zone"), max_length=64, widget=forms.TextInput(attrs={"list": "time-zones"})
    )
    default_language = forms.ChoiceField(
        label=_field_label("default_language"), choices=[("zh-hans", "简体中文"), ("en", "English")]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in Organisation.POLICY_FIELDS:
            self.fields[name] = forms.IntegerField(label=_field_label(name), widget=forms.NumberInput(attrs={}))

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
            )
        }

    def identity_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in ("name", "vision", "mission", "fiscal_year_start_month", "time_zone", "default_language")
        ]


class StrategicGoalForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class GenerateYearForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("fiscal year"), min_value=2000, max_value=2100)
    start_month = forms.TypedChoiceField(label=_("starts in month"), choices=MONTHS, coerce=int)


class CycleForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[(CycleKind.CUSTOM, CycleKind.CUSTOM.label), (CycleKind.PROJECT_STAGE, CycleKind.PROJECT_STAGE.label)],
    )
    start = forms.DateField(label=_("start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("end"), widget=forms.DateInput(attrs={"type": "date"}))


class _PersonByUsername(forms.CharField):
    """A person named by username: scales to any company, unlike a drop-down of everyone."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Person | None:
        username = (super().clean(value) or "").strip()
        if not username:
            return None
        person = Person.objects.filter(username=username, is_active=True).first()
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
    name = forms.CharField(label=_("name"), max_length=200)
    parent = _department_field(_("part of"), required=False, empty=_("(top level)"))
    head = _PersonByUsername(label=_("head (username)"))


class DepartmentMoveForm(forms.Form):
    department = _department_field(_("department"), required=True)
    parent = _department_field(_("move under"), required=False, empty=_("(top level)"))


class DepartmentHeadForm(forms.Form):
    department = _department_field(_("department"), required=True)
    head = _PersonByUsername(label=_("head (username, empty for none)"))


class TeamCreateForm(forms.Form):
    name = forms.CharField(label=_("team name"), max_length=200)
    department = _department_field(_("department"), required=True)
    lead = _PersonByUsername(label=_("lead (username)"))


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


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
    name = forms.CharField(label=_("token name"), max_length=100)


class ProfileForm(forms.Form):
    language = forms.ChoiceField(
        label=_("language"),
        choices=[("", _("The organisation's default")), ("zh-hans", "简体中文"), ("en", "English")],
        required=False,
    )


class UnlockForm(forms.Form):
    account = forms.CharField(required=False, max_length=255)
    address = forms.GenericIPAddressField(required=False)
