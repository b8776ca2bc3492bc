"""Pages show a service's refusal next to the fields it is about.

Forms in Qibu parse input and render; the rules and their messages live in the services, which raise a
ValidationError keyed by field. `apply_errors` puts each message on the form's field of that name (or of the
name `aliases` maps it to), and the rest above the form."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

from qibu.core.validation import field_problems


def apply_errors(form: forms.BaseForm, exc: ValidationError, aliases: Mapping[str, str] | None = None) -> None:
    """Put a service's ValidationError next to the matching fields of `form`; the rest above the form."""
    aliases = aliases or {}
    for key, message in field_problems(exc):
        name = aliases.get(key, key) if key is not None else None
        if name is not None and name in form.fields and not form.fields[name].disabled:
            form.add_error(name, message)
        else:
            form.add_error(None, message)


def text_input(max_length: int, **attrs: str) -> forms.TextInput:
    """A one-line text box that stops at the service's limit (`qibu.core.validation`): the browser tells the person
    early; the service still refuses, in the same words for page and API, what gets past it."""
    return forms.TextInput(attrs={**attrs, "maxlength": str(max_length)})


def text_area(max_length: int, rows: int, **attrs: str) -> forms.Textarea:
    return forms.Textarea(attrs={**attrs, "rows": str(rows), "maxlength": str(max_length)})
