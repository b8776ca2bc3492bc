"""How the celebration's history reads (registered by `CelebrateConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import Names, ValueFormat, register_action, register_format, register_labels
from qibu.celebrate.models import CelebrationForm

CELEBRATION = "celebrate.celebration"


def _show_forms(value: Any, names: Names) -> str:
    """CEL-2: the forms by their names in the reader's language (stored as codes: "drinks", "team_activity")."""
    labels = dict(CelebrationForm.choices)
    return ", ".join(str(labels.get(code, code)) for code in (value if isinstance(value, list) else [value]))


def register() -> None:
    register_action("celebration.plan", _("planned a celebration"))
    register_action("celebration.hold", _("held a celebration"))
    register_action("recognition.give", _("gave recognition"))
    register_action("incentive.record", _("recorded an incentive"))
    register_action("lesson.record", _("recorded a lesson learned"))
    register_action("company_value.add", _("added a company value"))
    register_action("company_value.remove", _("removed a company value"))
    register_format(CELEBRATION, "forms", ValueFormat(show=_show_forms))
    register_labels(
        {
            "forms": _("forms"),
            "form_other": _("other form"),
            "tier": _("tier"),
            "tier_reason": _("why another tier"),
            "notes": _("what was celebrated"),
            "public": _("public"),
            "lesson": _("lesson"),
        }
    )
