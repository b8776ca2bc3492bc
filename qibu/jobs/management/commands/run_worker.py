"""`manage.py run_worker`: run background jobs until stopped (SIGTERM or Ctrl-C finish the job in hand)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from qibu.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run background jobs (mail, reminders, chat messages) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until-empty", action="store_true", help="Stop when no job is due.")
        parser.add_argument("--name", help="This worker's name in the job list (default: host:pid).")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between looks when idle.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(name=options.get("name"), poll_seconds=options["poll"])
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        self.stdout.write(_("Worker %(name)s is running.") % {"name": worker.name}, ending="\n")
        self.stdout.flush()
        ran = worker.run(until_empty=options["until_empty"])
        self.stdout.write(_("Worker %(name)s stopped after %(n)d jobs.") % {"name": worker.name, "n": ran})
