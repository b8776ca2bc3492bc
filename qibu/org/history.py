"""How the history of the organisation, its policy, strategy, departments, teams and people reads
(registered at start-up by `OrgConfig.ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qibu.audit.registry import register_action, register_labels


def register() -> None:
    register_action("organisation.update", _("changed the organisation's settings"))
    register_action("strategic_goal.delete", _("deleted a strategic goal"))
    register_action("department.set_head", _("set the head of the department"))
    register_action("person.import_create", _("imported new people"))
    register_action("person.import_update", _("changed a person by import"))
    register_action("person.create_admin", _("created an administrator"))
    register_action("person.promote_admin", _("made the person an administrator"))
    register_labels({"usernames": _("user names")})
