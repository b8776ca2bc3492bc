"""How notification history reads (registered at start-up)."""

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels


def register() -> None:
    register_action(
        "person.password_reset_mailed", _("was mailed a link to reset the password (asked on the sign-in page)")
    )
    register_action("chat_webhook.create", _("set up a chat webhook"))
    register_action("chat_webhook.update", _("changed a chat webhook"))
    register_action("chat_webhook.delete", _("deleted a chat webhook"))
    register_action("chat_webhook.enable", _("enabled a chat webhook again"))
    register_action("chat_webhook.disable", _("disabled a chat webhook after repeated failures"))
    register_action("chat_webhook.test", _("sent a test message to a chat webhook"))
    register_labels({"credentials": _("address or secret changed")})
