from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from qibu.org.models import Person


class PersonBackend(ModelBackend):
    """Loads the signed-in person with their department, which every permission check reads."""

    def get_user(self, user_id: Any) -> Person | None:
        try:
            person = Person.objects.select_related("department").get(pk=user_id)
        except Person.DoesNotExist:
            return None
        return person if self.user_can_authenticate(person) else None
