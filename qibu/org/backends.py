from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend

from qibu.org.models import Person

# Values that apps above org add to the one query loading the signed-in person (the unread count in the menu), by
# attribute name: each app registers its own in `AppConfig.ready`, so org imports none of them.
SIGNED_IN_ANNOTATIONS: dict[str, Callable[[], Any]] = {}


def annotate_signed_in_person(name: str, expression: Callable[[], Any]) -> None:
    SIGNED_IN_ANNOTATIONS[name] = expression


class PersonBackend(ModelBackend):
    """Loads the signed-in person with their department, which every permission check reads, and what other apps
    registered to read with them."""

    def get_user(self, user_id: Any) -> Person | None:
        people = Person.objects.select_related("department")
        if SIGNED_IN_ANNOTATIONS:
            people = people.annotate(**{name: make() for name, make in SIGNED_IN_ANNOTATIONS.items()})
        try:
            person = people.get(pk=user_id)
        except Person.DoesNotExist:
            return None
        return person if self.user_can_authenticate(person) else None
