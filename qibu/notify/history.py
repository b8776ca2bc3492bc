"""How notification history reads (registered at start-up)."""

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action


def register() -> None:
    register_action(
        "person.password_reset_mailed", _("was mailed a link to reset the password (asked on the sign-in page)")
    )
