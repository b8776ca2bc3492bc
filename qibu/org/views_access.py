"""Getting in: changing one's own password, choosing one through a set-password link, and the sign-in throttle's
locks that administrators lift."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import admin_required, current_person
from qibu.org import forms
from qibu.org.models import Person
from qibu.org.passwords import tokens
from qibu.org.services import password_change, password_set_by_link, sign_in_unlock
from qibu.org.signin import account_limit, address_limit, cool_off, locks_now
from qibu.org.views import profile_page

# --- one's own password -----------------------------------------------------------------------------


@login_required
@require_POST
def password_change_view(request: HttpRequest) -> HttpResponse:
    """Change one's own password (on the profile page); this session stays signed in, any other one ends."""
    person = current_person(request)
    form = forms.PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            password_change(person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, person)
            messages.success(request, _("Your password is changed."))
            return redirect("org:profile")
    return profile_page(request, password_form=form, status=400)


# --- a set-password link ----------------------------------------------------------------------------


class SetPasswordView(PasswordResetConfirmView):
    """The page a set-password link opens, for anyone holding the link (`qibu.org.passwords`). Django's view
    checks the token, keeps it in the session and moves to an address without it (so that it does not leak in a
    Referer header); the password is chosen through `password_set_by_link`."""

    token_generator: PasswordResetTokenGenerator = tokens
    form_class = forms.SetPasswordLinkForm  # type: ignore[assignment]  # not a SetPasswordForm: the service decides
    template_name = "registration/set_password.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64: str) -> Any:
        person = super().get_user(uidb64)
        # A deactivated person's link no longer works: they could not sign in with the password anyway.
        return person if isinstance(person, Person) and person.is_active else None

    def form_valid(self, form: Any) -> HttpResponse:
        person = self.user  # the form is shown only for a valid link, which names its person
        if not isinstance(person, Person):
            return self.render_to_response(self.get_context_data())
        try:
            password_set_by_link(person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password is set: sign in with it."))
        return HttpResponseRedirect(str(self.success_url))


# --- the sign-in throttle's locks (administrators) -------------------------------------------------


@admin_required
def sign_in_locks(request: HttpRequest) -> HttpResponse:
    """Accounts and addresses the throttle refuses now, each with its unlock button."""
    locks = locks_now()
    usernames = [lock.key for lock in locks.accounts]
    names = {p.username: str(p) for p in Person.objects.filter(username__in=usernames)}
    context = {
        "accounts": [(lock, names.get(lock.key, "")) for lock in locks.accounts],
        "addresses": locks.addresses,
        "now": timezone.now(),
        "account_limit": account_limit(),
        "address_limit": address_limit(),
        "minutes": int(cool_off().total_seconds() // 60),
        "section": "sign_in_locks",
    }
    return render(request, "org/sign_in_locks.html", context)


@admin_required
@require_POST
def sign_in_unlock_view(request: HttpRequest) -> HttpResponse:
    form = forms.UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That is not an account or an address the throttle could have locked."))
        return redirect("org:sign_in_locks")
    account, address = form.cleaned_data["account"].strip(), form.cleaned_data["address"] or ""
    try:
        sign_in_unlock(actor=current_person(request), account=account, address=address)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("org:sign_in_locks")
    if account:
        messages.success(request, _("The account “%(account)s” can sign in again.") % {"account": account})
    else:
        messages.success(request, _("Signing in from %(address)s works again.") % {"address": address})
    return redirect("org:sign_in_locks")
