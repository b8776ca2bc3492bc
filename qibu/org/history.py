"""How the history of the organisation, its policy, strategy, departments, teams and people reads
(registered at start-up by `OrgConfig.ready`).

Values read as a person reads them: departments, teams and people by name (one query per kind for a whole
list), roles by their label, languages and months by name; a token by its name and the prefix its page shows."""

from __future__ import annotations

from typing import Any

from django.utils import dates
from django.utils.translation import gettext_lazy as _

from qibu.audit.models import AuditEntry
from qibu.audit.registry import (
    Names,
    Ref,
    ValueFormat,
    register_action,
    register_format,
    register_labels,
    register_namer,
)
from qibu.core.rules import coach_check
from qibu.org.models import Department, Person, StrategicGoal, Team

ORGANISATION = "org.organisation"
PERSON = "org.person"
DEPARTMENT = "org.department"
TEAM = "org.team"
STRATEGIC_GOAL = "org.strategicgoal"


def _language(value: Any, names: Names) -> str:
    """A language as the switcher names it, in its own language whatever the reader's (an empty one, the
    organisation's default, shows as no value)."""
    return {"zh-hans": "简体中文", "en": "English"}.get(value, str(value))


def _month(value: Any, names: Names) -> str:
    return str(dates.MONTHS.get(value, value)) if isinstance(value, int) else str(value)


def _nothing_else(before: dict[str, Any], after: dict[str, Any]) -> Ref | None:
    """The entry is about its subject only: a token reads by the name and prefix shown with the entry."""
    return None


def _people(ids: set[int], viewer: Any) -> dict[int, str]:
    return {
        pk: full_name or username
        for pk, full_name, username in Person.objects.filter(pk__in=ids).values_list("pk", "full_name", "username")
    }


def _departments(ids: set[int], viewer: Any) -> dict[int, str]:
    return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))


def _teams(ids: set[int], viewer: Any) -> dict[int, str]:
    return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))


def _rules(value: Any, names: Names) -> str:
    """The coach's rules that block a submission, by what they check (a person reads words, not rule IDs);
    "none" when they only advise."""
    if not value:
        return str(_("none"))
    return "; ".join(coach_check(str(rule)) or str(rule) for rule in value)


def _strategic_goals(ids: set[int], viewer: Any) -> dict[int, str]:
    """Goals by title; a deleted one by the title its deletion kept (the history of an objective that traced to it
    still says which goal it was)."""
    names = dict(StrategicGoal.objects.filter(pk__in=ids).values_list("pk", "title"))
    gone = ids - names.keys()
    if gone:
        deleted = AuditEntry.objects.filter(
            action="strategic_goal.delete", target_type=STRATEGIC_GOAL, target_id__in=gone
        ).values_list("target_id", "before")
        for pk, before in deleted:
            title = (before or {}).get("title")
            if pk is not None and title:
                names[int(pk)] = str(title)
    return names


def register() -> None:
    register_action("organisation.update", _("changed the organisation's settings"))
    register_action("organisation.coach_blocking", _("changed which of the coach's rules block submission"))
    register_action("strategic_goal.create", _("added a strategic goal"))
    register_action("strategic_goal.update", _("changed a strategic goal"))
    register_action("strategic_goal.move", _("moved a strategic goal"))
    register_action("strategic_goal.delete", _("deleted a strategic goal"))
    register_action("objective.strategic_goal_deleted", _("lost its strategic goal, which was deleted"))
    register_action("department.create", _("created the department"))
    register_action("department.move", _("moved the department"))
    register_action("department.set_head", _("set the head of the department"))
    register_action("team.create", _("created the team"))
    register_action("person.create", _("added the person"))
    register_action("person.import_create", _("added the person by import"))
    register_action("person.import_update", _("changed the person by import"))
    register_action("person.create_admin", _("created an administrator"))
    register_action("person.promote_admin", _("made the person an administrator"))
    register_action("person.set_language", _("changed the language"))
    register_action("person.update", _("changed the person"))
    register_action("person.move", _("moved the person"))
    register_action("person.deactivate", _("deactivated the person"))
    register_action("person.reactivate", _("reactivated the person"))
    register_action("person.set_password", _("set the password"))
    register_action("person.reset_password", _("reset the password and made a set-password link"))
    register_action("person.password_link", _("made a set-password link"))
    register_action("person.password_links_export", _("downloaded the set-password links"))
    register_action("person.change_password", _("changed their password"))
    register_action("person.set_password_by_link", _("chose their password with a set-password link"))
    register_action("sign_in.unlock_account", _("unlocked signing in to an account"))
    register_action("sign_in.unlock_address", _("unlocked signing in from an address"))
    register_action("api_token.create", _("created an API token"), about=_nothing_else)
    register_action("api_token.revoke", _("revoked an API token"), about=_nothing_else)
    register_labels(
        {
            # Entries of imports before each person had their own entry listed the user names.
            "usernames": _("user names"),
            "prefix": _("starts with"),
            "new_password": _("new password"),
            "people": _("people"),
            "account": _("account"),
            "place": _("place in the list"),
            "objectives_unlinked": _("objectives that traced to it"),
            "address": _("network address"),
        }
    )
    language = ValueFormat(show=_language)
    register_format(PERSON, "language", language)
    register_format(ORGANISATION, "default_language", language)
    register_format(ORGANISATION, "fiscal_year_start_month", ValueFormat(show=_month))
    register_format(ORGANISATION, "coach_blocking_rules", ValueFormat(show=_rules))
    register_namer(PERSON, _people)
    register_namer(DEPARTMENT, _departments)
    register_namer(TEAM, _teams)
    register_namer(STRATEGIC_GOAL, _strategic_goals)
