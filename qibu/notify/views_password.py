"""A forgotten password, from the sign-in page: ask for a link by mail, then choose a new password through it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import apply_errors
from qibu.notify.password_reset import password_reset_request
from qibu.notify.services import mail_sends
from qibu.org.views_access import SetPasswordView


class PasswordResetForm(forms.Form):
    email = forms.CharField(
        label=_("e-mail address"),
        max_length=254,
        error_messages={"required": _("Enter your e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


def password_reset(request: HttpRequest) -> HttpResponse:
    """Anyone may ask; the answer is the same whether or not the address is someone's."""
    form = PasswordResetForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "mail_sends": mail_sends()}
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_request(address=form.cleaned_data["email"], site=request.build_absolute_uri("/"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            context["sent"] = form.cleaned_data["email"].strip()
            return render(request, "registration/password_reset.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/password_reset.html", context, status=status)


class ResetPasswordView(SetPasswordView):
    """The page a mailed reset link opens: the set-password page with Django's own reset tokens, which stop
    working after `PASSWORD_RESET_TIMEOUT`."""

    token_generator = default_token_generator

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "reset": True}
