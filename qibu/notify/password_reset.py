"""A forgotten password: a link to choose a new one, mailed through the outbox.

Whoever asks is told the same thing whether or not the address belongs to someone, so the page reveals no
accounts. The link is Django's password-reset token (an HMAC of the person's id, password hash and last sign-in
with the installation's SECRET_KEY): it works once, for `PASSWORD_RESET_TIMEOUT` seconds, and stops working when
the password changes. Asking again within the same quarter of an hour mails nothing more (one outbox key per
person and quarter hour), so the form cannot be used to flood someone's mailbox.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.core.validation import FieldErrors
from qibu.notify.models import OutboxMail
from qibu.notify.services import mail_queue
from qibu.org.models import Person
from qibu.org.selectors import organisation_get

tokens = default_token_generator
WINDOW = dt.timedelta(minutes=15)


def reset_path(person: Person) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    return reverse("reset_password", kwargs={"uidb64": uid, "token": tokens.make_token(person)})


def _window(now: dt.datetime) -> int:
    return int(now.timestamp() // WINDOW.total_seconds())


def clean_address(address: str) -> str:
    errors = FieldErrors()
    address = (address or "").strip()
    if not address:
        errors.add("email", _("Enter your e-mail address."))
    else:
        try:
            validate_email(address)
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."))
    errors.raise_if_any()
    return address


@transaction.atomic
def password_reset_request(*, address: str, site: str, now: dt.datetime | None = None) -> int:
    """Mail a reset link to every active person with this address (`site`: the scheme and host the links start
    with). Answers how many were mailed now, which the page does not show."""
    address = clean_address(address)
    now = now or timezone.now()
    people = list(Person.objects.filter(email__iexact=address, is_active=True))
    keys = {person.pk: f"password-reset:{person.pk}:{_window(now)}" for person in people}
    already = set(OutboxMail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    default_language = organisation_get().default_language if people else ""
    mailed = 0
    for person in people:
        if keys[person.pk] in already:
            continue
        language = person.language or default_language
        with translation.override(language):
            context = {
                "person": person,
                "link": site.rstrip("/") + reset_path(person),
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            }
            subject = _("Reset your Qibu password")
            text = render_to_string("notify/mail/password_reset.txt", context)
            html = render_to_string("notify/mail/password_reset.html", context)
        mail_queue(
            key=keys[person.pk],
            kind="password_reset",
            recipient=person,
            subject=subject,
            text=text,
            html=html,
            language=language,
        )
        history_record(actor=None, action="person.password_reset_mailed", subject=person)
        mailed += 1
    return mailed
