"""`manage.py load_demo`: fill an empty database with the demo company (杭州云舟科技).

`make run` calls it with --if-empty every time: it does nothing once anybody exists.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from qibu.demo.generator import DemoSummary, generate_company, minimum_people, wipe_company
from qibu.org.models import Person, Role


def _positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(_("Give a number of at least 0."))
    return number


class Command(BaseCommand):
    help = "Load the deterministic demo company (people, departments, OKRs and check-ins)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--people", type=_positive, default=60, help="Number of employees (default 60).")
        parser.add_argument("--seed", type=int, default=7, help="Random seed: the same seed gives the same company.")
        parser.add_argument(
            "--checkin-weeks", type=_positive, default=8, help="Weekly check-ins per key result (default 8)."
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database has people.")
        parser.add_argument(
            "--force", action="store_true", help="Wipe the people, departments and OKRs first, then load."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < minimum_people():
            raise CommandError(
                _("--people: the demo company needs at least %(min)d people.") % {"min": minimum_people()}
            )
        if Person.objects.exists():
            if options["if_empty"]:
                self.stdout.write(_("The database already has people: the demo company was not loaded."))
                return
            if not options["force"]:
                raise CommandError(
                    _(
                        "The database already has people. Use --force to delete the people, departments "
                        "and OKRs and load the demo company, or --if-empty to skip."
                    )
                )
            try:
                wipe_company()
            except ProtectedError as exc:
                raise CommandError(
                    _("Could not delete the existing data, other records still point at it: %(error)s") % {"error": exc}
                ) from exc
        summary = generate_company(
            people=options["people"], seed=options["seed"], checkin_weeks=options["checkin_weeks"]
        )
        self._report(summary)

    def _report(self, summary: DemoSummary) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo company loaded in %(seconds).1f s: %(people)d people, %(departments)d departments, "
                    "%(teams)d teams, %(objectives)d objectives, %(key_results)d key results, "
                    "%(check_ins)d check-ins."
                )
                % {
                    "seconds": summary.seconds,
                    "people": summary.people,
                    "departments": summary.departments,
                    "teams": summary.teams,
                    "objectives": summary.objectives,
                    "key_results": summary.key_results,
                    "check_ins": summary.check_ins,
                }
            )
        )
        self.stdout.write(_("Sign in as (password “%(password)s”):") % {"password": summary.password})
        for sign_in in summary.sign_ins:
            where = f", {sign_in.where}" if sign_in.where else ""
            self.stdout.write(f"  {sign_in.username:<16} {Role(sign_in.role).label} — {sign_in.full_name}{where}")
