"""What the export page shows: how many rows of each kind the file will hold."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qibu.backup.format import TABLES

# How the page names each table (model verbose names do not always read well as a count: "history").
LABELS: dict[str, Promise] = {
    "org.organisation": _("organisation and method policy"),
    "org.strategicgoal": _("strategic goals"),
    "org.department": _("departments"),
    "org.team": _("teams"),
    "org.person": _("people"),
    "org.organisation_late_updaters": _("who may update a closed cycle"),
    "org.apitoken": _("API tokens (hashes only)"),
    "reflect.reflection": _("reflections"),
    "celebrate.companyvalue": _("company values"),
    "celebrate.celebration": _("celebrations"),
    "celebrate.recognition": _("recognitions"),
    "celebrate.incentive": _("incentives"),
    "celebrate.lesson": _("lessons learned"),
    "workshop.workshop": _("co-creation workshops"),
    "workshop.group": _("workshop groups"),
    "workshop.participant": _("workshop participants"),
    "workshop.column": _("workshop columns and their objectives"),
    "workshop.note": _("workshop notes"),
    "workshop.vote": _("workshop votes"),
    "workshop.voteoption": _("workshop vote options"),
    "workshop.ballot": _("workshop ballots"),
    "workshop.votereason": _("reasons given in workshop votes"),
    "workshop.groupingproposal": _("workshop grouping proposals"),
    "workshop.event": _("workshop records of who did what"),
    "reflect.measure": _("measures decided in reflections"),
    "reflect.manageraccount": _("managers' accounts in the management reflection"),
    "updates.decision": _("decisions of the update on closing objectives"),
    "updates.stage": _("updates closed by the company and the departments"),
    "cycles.cycle": _("cycles"),
    "okrs.objective": _("objectives"),
    "okrs.keyresult": _("key results"),
    "okrs.milestone": _("milestones"),
    "okrs.correction": _("corrections of OKRs"),
    "okrs.alignment": _("alignment links"),
    "okrs.checkin": _("check-ins"),
    "audit.auditentry": _("history entries"),
    "notify.notificationsettings": _("people's notification choices"),
    "notify.notification": _("notifications in inboxes"),
    "notify.chatwebhook": _("chat webhooks of departments and teams"),
    "discuss.comment": _("comments"),
    "discuss.mention": _("mentions in comments"),
    "rhythm.schedule": _("schedules of meetings and deadlines"),
    "rhythm.calendartoken": _("calendar addresses (hashes only)"),
    "rhythm.holiday": _("holidays"),
    "rhythm.absence": _("absences"),
    "standups.standup": _("stand-ups"),
    "standups.entry": _("stand-up entries"),
    "standups.entryitem": _("stand-up entries' lines"),
    "publish.publication": _("publications"),
    "publish.entry": _("published objectives"),
    "okrs.approvaldecision": _("approval decisions"),
    "okrs.draftkeyresult": _("key results drafted first"),
    "okrs.keyresult_contributors": _("people carrying key results"),
    "planning.proposal": _("proposals and objections"),
    "planning.takeup": _("take-ups of proposals and drafts"),
    "plans.actionstep": _("action steps"),
    "plans.actionstep_resource_people": _("resource people of action steps"),
    "blockers.blocker": _("blockers"),
    "blockers.blocker_concerned": _("people concerned by blockers"),
    "assess.selfassessment": _("self-assessments"),
    "assess.keyresultscore": _("key result scores of self-assessments"),
    "projects.project": _("projects"),
    "projects.projectmember": _("project members"),
    "projects.stage": _("project stages"),
    "meetings.meeting": _("weekly meetings"),
    "meetings.agendaitem": _("points of weekly meetings' agendas"),
    "meetings.confidencechange": _("confidence set in weekly meetings"),
    "meetings.weekreport": _("each person's week for weekly meetings"),
    "meetings.commitment": _("commitments of weekly meetings"),
    "oneonones.series": _("1-on-1 series"),
    "oneonones.meeting": _("1-on-1s"),
    "oneonones.talkingpoint": _("talking points of 1-on-1s"),
    "oneonones.note": _("notes of 1-on-1s, private ones included"),
    "oneonones.supportrequest": _("requests for support"),
}


@dataclass(frozen=True)
class ExportPart:
    label: str
    rows: int


def _count(model: type[Model]) -> int:
    return model._base_manager.count()


def export_contents() -> list[ExportPart]:
    """One count per table, in the file's order (a fixed number of queries at any size)."""
    return [ExportPart(label=str(LABELS.get(t.label, t.label)), rows=_count(t.model)) for t in TABLES]
