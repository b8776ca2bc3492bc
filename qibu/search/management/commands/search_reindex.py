"""`manage.py search_reindex`: recompute the search key of every person, department, objective and key result."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qibu.search.services import search_reindex


class Command(BaseCommand):
    help = "Recompute the stored search keys (names in characters, pinyin and initials)."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in search_reindex().items():
            self.stdout.write(f"{label}: {count}")
