"""One-time links to choose a password, on Django's password-reset tokens.

Imported people get no password: hashing 10,000 of them in the request would take an hour (PBKDF2 is slow on
purpose), and a password typed into a spreadsheet is known to whoever saw the file. Instead each person without a
password gets a link to choose their own, which the administrator downloads after the import (or makes for one
person on their page) and hands out.

Nothing is stored for a link: its token is an HMAC of the person's id, password hash, last sign-in and e-mail
address with the installation's SECRET_KEY and the time it was made. It works once (choosing a password changes the
hash it was made from), stops working after `QIBU_SET_PASSWORD_LINK_DAYS` (default 14) and for a deactivated person,
and a link made again for the same person is as good as the first until one of them is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from qibu.org.models import Person


def link_days() -> int:
    return int(getattr(settings, "QIBU_SET_PASSWORD_LINK_DAYS", 14))


class SetPasswordTokens(PasswordResetTokenGenerator):
    """Django's reset tokens with their own salt (a reset token is no set-password token) and their own lifetime:
    a company hands its links out over days, not the three of a password reset."""

    key_salt = "qibu.org.passwords.SetPasswordTokens"

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return bool(self._num_seconds(self._now()) - timestamp <= link_days() * 86400)


tokens = SetPasswordTokens()


@dataclass(frozen=True)
class SetPasswordLink:
    person: Person
    path: str
    expires: dt.datetime


def links_for(people: Iterable[Person], now: dt.datetime | None = None) -> list[SetPasswordLink]:
    """A link for each person to choose their password (paths; pages make them absolute for the host they answer).
    The address is resolved once for them all: an export makes ten thousand."""
    now = now or timezone.now()
    expires = now + dt.timedelta(days=link_days())
    pattern = reverse("set_password", kwargs={"uidb64": "UIDB64", "token": "TOKEN"})
    return [
        SetPasswordLink(
            person=person,
            path=pattern.replace("UIDB64", urlsafe_base64_encode(force_bytes(person.pk))).replace(
                "TOKEN", tokens.make_token(person)
            ),
            expires=expires,
        )
        for person in people
    ]


def link_for(person: Person, now: dt.datetime | None = None) -> SetPasswordLink:
    return links_for([person], now)[0]


def without_password() -> QuerySet[Person]:
    """Active people who have no password yet (imported, or reset by an administrator), with what a link and its
    row in the export need."""
    return (
        Person.objects.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .only("pk", "username", "full_name", "email", "department_id", "password", "last_login")
        .order_by("full_name", "username")
    )
