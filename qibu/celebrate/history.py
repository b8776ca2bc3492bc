"""How the celebration's history reads (registered by `CelebrateConfig.ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels


def register() -> None:
    register_action("celebration.plan", _("planned a celebration"))
    register_action("celebration.hold", _("held a celebration"))
    register_action("recognition.give", _("gave recognition"))
    register_action("incentive.record", _("recorded an incentive"))
    register_action("lesson.record", _("recorded a lesson learned"))
    register_action("company_value.add", _("added a company value"))
    register_action("company_value.remove", _("removed a company value"))
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
