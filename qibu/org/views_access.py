"""The sign-in throttle's locks, which administrators lift."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qibu.core.http import current_person
from qibu.org import forms
from qibu.org.models import Person
from qibu.org.services import sign_in_unlock
from qibu.org.signin import account_limit, address_limit, cool_off, locks_now
from qibu.org.views import admin_required

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
