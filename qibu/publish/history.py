"""How the history of publishing reads (registered at start-up by `PublishConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels, register_namer
from qibu.publish.models import Publication

PUBLICATION = "publish.publication"


def _publications(ids: set[int], viewer: Any) -> dict[int, str]:
    rows = Publication.objects.filter(pk__in=ids).values_list("pk", "cycle__name", "number")
    return {
        pk: _("%(cycle)s, publication %(number)s") % {"cycle": cycle, "number": number} for pk, cycle, number in rows
    }


def register() -> None:
    register_action("publication.publish", _("published the OKRs"))
    register_namer(PUBLICATION, _publications)
    register_labels(
        {
            "missing": _("not ready"),
            "changes": _("changes since the last publication"),
            "recipients": _("recipients"),
        }
    )
