"""`manage.py create_admin --username U --full-name N [--email E] [--password P]`: the first administrator.

The password comes from --password, else the QIBU_ADMIN_PASSWORD environment variable, else a prompt when
run in a terminal. An existing person is promoted (and their password changed only when one is given).
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from qibu.audit.services import history_record, snapshot
from qibu.org.models import Person, Role
from qibu.org.services import person_create

PROMOTED_FIELDS = ("role", "is_staff", "is_superuser", "is_active")


class Command(BaseCommand):
    help = "Create an administrator, or make an existing person one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--password", default=None, help="else $QIBU_ADMIN_PASSWORD, else asked for")

    def _password(self, given: str | None, *, needed: bool) -> str | None:
        password = given or os.environ.get("QIBU_ADMIN_PASSWORD") or None
        if password or not needed:
            return password
        if not sys.stdin.isatty():
            raise CommandError(_("Give a password with --password or the QIBU_ADMIN_PASSWORD environment variable."))
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The two passwords differ."))
        return password

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        full_name = options["full_name"].strip()
        email = options["email"].strip()
        existing = Person.objects.filter(username=username).first()
        password = self._password(options["password"], needed=existing is None)
        if password:
            probe = existing or Person(username=username, full_name=full_name, email=email)
            try:
                validate_password(password, probe)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        try:
            with transaction.atomic():
                if existing is None:
                    person = person_create(
                        username=username, full_name=full_name, email=email, password=password, role=Role.ADMIN
                    )
                    action = "person.create_admin"
                    before: dict[str, Any] | None = None
                else:
                    person = existing
                    action = "person.promote_admin"
                    before = snapshot(person, PROMOTED_FIELDS)
                    if password:
                        person.set_password(password)
                person.role = Role.ADMIN
                person.is_staff = True
                person.is_superuser = True
                person.is_active = True
                person.save(update_fields=[*PROMOTED_FIELDS, "password"])
                history_record(
                    actor=None, action=action, subject=person, before=before, after=snapshot(person, PROMOTED_FIELDS)
                )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
            ) from exc
        if existing is None:
            self.stdout.write(self.style.SUCCESS(_("Administrator %(username)s created.") % {"username": username}))
        else:
            self.stdout.write(self.style.SUCCESS(_("%(username)s is now an administrator.") % {"username": username}))
