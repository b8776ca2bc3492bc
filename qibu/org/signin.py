"""The sign-in throttle, on django-axes: which failures lock what, for how long, and what the sign-in page says.

Two rules, each counting the failures of the last `AXES_COOLOFF_TIME` (settings):

- **by account**: `AXES_FAILURE_LIMIT` wrong passwords for one user name, from any address, lock that account;
- **by address**: `QIBU_SIGN_IN_ADDRESS_LIMIT` failed sign-ins from one address, whatever the accounts tried, lock
  that address for every account (higher, because an office signs in from one address behind its router).

A lock ends when its failures are older than the cool-off (tries while locked are not counted, so the wait the page
announces holds), or when an administrator unlocks the account or the address (`services.sign_in_unlock`). Someone
else's failures lock an account only through these rules: failures for other accounts from other addresses never
count. Signing in with the right password forgives that account's own earlier failures, and only those: a right
password for one account must not clear what an address did against others.

django-axes applies one limit to all its lockout parameters; `SignInHandler` gives each rule its own and answers
axes with the account limit whenever either rule is reached. API tokens do not sign in through passwords and are
never throttled here.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

ACCOUNT = "account"
ADDRESS = "address"
LOCKED_STATUS = 429


def cool_off() -> dt.timedelta:
    value: dt.timedelta = settings.AXES_COOLOFF_TIME
    return value


def account_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def address_limit() -> int:
    return int(settings.QIBU_SIGN_IN_ADDRESS_LIMIT)


@dataclass(frozen=True)
class Lock:
    """An account (`key` its user name) or an address locked until `until`, after `failures` failures."""

    kind: str
    key: str
    failures: int
    until: dt.datetime

    def minutes_left(self, now: dt.datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


def _lock(kind: str, key: str, rows: Iterable[tuple[int, dt.datetime]], limit: int) -> Lock | None:
    """The lock the rows set, if their failures reach the limit. Each row (a user name, address and browser) keeps
    its failures with the time of its latest one; the lock holds until the row that reached the limit, counting from
    the newest, is older than the cool-off, when the rows newer than it no longer reach the limit."""
    total = 0
    until: dt.datetime | None = None
    for failures, at in sorted(rows, key=lambda row: row[1], reverse=True):
        total += failures
        if until is None and total >= limit:
            until = at + cool_off()
    return Lock(kind=kind, key=key, failures=total, until=until) if until is not None else None


def _recent(now: dt.datetime) -> Any:
    return AccessAttempt.objects.filter(attempt_time__gte=now - cool_off())


def locks_for(*, username: str | None, address: str | None, now: dt.datetime | None = None) -> list[Lock]:
    """The locks that refuse a sign-in to `username` from `address`: the account's, then the address's."""
    now = now or timezone.now()
    locks: list[Lock] = []
    if username:
        rows = _recent(now).filter(username=username).values_list("failures_since_start", "attempt_time")
        found = _lock(ACCOUNT, username, rows, account_limit())
        if found is not None:
            locks.append(found)
    if address:
        rows = _recent(now).filter(ip_address=address).values_list("failures_since_start", "attempt_time")
        found = _lock(ADDRESS, address, rows, address_limit())
        if found is not None:
            locks.append(found)
    return locks


@dataclass(frozen=True)
class Locks:
    accounts: list[Lock]
    addresses: list[Lock]


def locks_now(now: dt.datetime | None = None) -> Locks:
    """Every account and address locked now, in one query (the failures of one cool-off, which axes deletes once
    they are older), the latest lock first."""
    now = now or timezone.now()
    by_account: dict[str, list[tuple[int, dt.datetime]]] = defaultdict(list)
    by_address: dict[str, list[tuple[int, dt.datetime]]] = defaultdict(list)
    rows = _recent(now).values_list("username", "ip_address", "failures_since_start", "attempt_time")
    for username, address, failures, at in rows:
        if username:
            by_account[username].append((failures, at))
        if address:
            by_address[address].append((failures, at))
    accounts = [_lock(ACCOUNT, key, found, account_limit()) for key, found in by_account.items()]
    addresses = [_lock(ADDRESS, key, found, address_limit()) for key, found in by_address.items()]
    return Locks(
        accounts=sorted((lock for lock in accounts if lock), key=lambda lock: lock.until, reverse=True),
        addresses=sorted((lock for lock in addresses if lock), key=lambda lock: lock.until, reverse=True),
    )


class SignInHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no types
    """axes's database handler with a limit per rule (see the module)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """What axes compares with `AXES_FAILURE_LIMIT`: that limit when either rule locks this sign-in, else the
        account's failures so far."""
        username = get_client_username(request, credentials)
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        address = getattr(request, "axes_ip_address", None)
        if locks_for(username=username, address=address, now=now):
            return account_limit()
        if not username:
            return 0
        failures = _recent(now).filter(username=username).values_list("failures_since_start", flat=True)
        return min(int(sum(failures)), account_limit() - 1)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a right password: forget that account's failures, from every address, and nothing else."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return int(count)


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted by: REMOTE_ADDR, or behind `QIBU_PROXY_COUNT` reverse proxies that each
    append to X-Forwarded-For, the address the outermost proxy saw (entries further left are the client's say and
    cannot be trusted). None when it is not an IP address."""
    address: str | None = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "QIBU_PROXY_COUNT", 0))
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None


def lock_messages(locks: list[Lock], now: dt.datetime) -> list[str]:
    """What the sign-in page says about each lock, in the reader's language."""
    messages = []
    for lock in locks:
        minutes = lock.minutes_left(now)
        if lock.kind == ACCOUNT:
            text = ngettext(
                "Too many wrong passwords for this account: signing in to it is paused for %(minutes)d more minute. "
                "Try again then, or ask an administrator to unlock it.",
                "Too many wrong passwords for this account: signing in to it is paused for %(minutes)d more minutes. "
                "Try again then, or ask an administrator to unlock it.",
                minutes,
            )
        else:
            text = ngettext(
                "Too many failed sign-ins from your network address: signing in from it is paused for %(minutes)d "
                "more minute. Try again then, or ask an administrator to unlock the address.",
                "Too many failed sign-ins from your network address: signing in from it is paused for %(minutes)d "
                "more minutes. Try again then, or ask an administrator to unlock the address.",
                minutes,
            )
        messages.append(text % {"minutes": minutes})
    return messages


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The sign-in page again, saying which lock refused the sign-in and how long it holds (429 Too Many Requests).
    axes calls it in place of the page the sign-in view answered."""
    now = timezone.now()
    username = get_client_username(request, credentials) or ""
    locks = locks_for(username=username, address=getattr(request, "axes_ip_address", None), now=now)
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        # No lock found means it ended or was lifted this very moment: say the longest wait rather than nothing.
        "lock_messages": lock_messages(locks or [Lock(ACCOUNT, username, 0, now + cool_off())], now),
        "next": request.POST.get("next", "") or request.GET.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=LOCKED_STATUS)
