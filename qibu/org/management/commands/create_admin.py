"""`manage.py create_admin --username U --full-name N [--email E] [--password P]`: the first administrator.

The password comes from --password, else the QIBU_ADMIN_PASSWORD environment variable, else a prompt when
run in a terminal. An existing person is promoted (and their password changed only when one is given).
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qibu.core.validation import field_problems
from qibu.org.models import Person
from qibu.org.services import person_make_admin


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
        existing = Person.objects.filter(username=username).exists()
        password = self._password(options["password"], needed=not existing)
        try:
            _person, created = person_make_admin(
                actor=None,
                username=username,
                full_name=options["full_name"],
                email=options["email"],
                password=password,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(message for _field, message in field_problems(exc))) from exc
        if created:
            self.stdout.write(self.style.SUCCESS(_("Administrator %(username)s created.") % {"username": username}))
        else:
            self.stdout.write(self.style.SUCCESS(_("%(username)s is now an administrator.") % {"username": username}))
