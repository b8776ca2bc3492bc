"""The blockers' pages (EXE-2): the list with its filters, a blocker's page with its history, the forms to raise and
change one, resolve and reopen it. Every form works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qibu.audit.selectors import subject_history
from qibu.blockers import services
from qibu.blockers.access import BlockerRights, blocker_for
from qibu.blockers.forms import BlockerForm, FilterForm, ResolveForm
from qibu.blockers.models import Blocker
from qibu.blockers.selectors import BlockerFilters, blocker_page, blocker_rows
from qibu.core.forms import apply_errors
from qibu.core.http import current_person
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import KeyResult, Objective
from qibu.org.models import Department, Person, Team
from qibu.plans.models import OPEN_STATUSES, ActionStep

PEOPLE_OFFERED = 100
LINKS_OFFERED = 50


def _people_offered(person: Person) -> list[Person]:
    """Likely names: the person's department and team, their manager and reports (one query)."""
    likely = Q(manager=person) | Q(pk__in=[p for p in (person.pk, person.manager_id) if p])
    if person.department_id:
        likely |= Q(department_id=person.department_id)
    if person.team_id:
        likely |= Q(team_id=person.team_id)
    return list(Person.objects.filter(likely, is_active=True).order_by("full_name", "username")[:PEOPLE_OFFERED])


def _links(person: Person, extra: KeyResult | None = None, blocker: Blocker | None = None) -> list[tuple[str, str]]:
    """The viewer's own key results and open action steps in objectives still checked in (two queries), and the
    key result or step the form came from or the blocker has."""
    live = Objective.objects.filter(visible_objectives_q(person)).exclude(cycle__is_closed=True)
    key_results = list(
        KeyResult.objects.filter(owner=person, objective__in=live).order_by("-objective__cycle__start", "id")[
            :LINKS_OFFERED
        ]
    )
    steps = list(
        ActionStep.objects.filter(owner=person, status__in=OPEN_STATUSES, key_result__objective__in=live)
        .select_related("key_result")
        .order_by("deadline", "id")[:LINKS_OFFERED]
    )
    choices = [(f"kr:{kr.pk}", _("Key result: %(title)s") % {"title": kr.title}) for kr in key_results]
    choices += [
        (f"step:{s.pk}", _("Step: %(title)s (%(kr)s)") % {"title": s.title, "kr": s.key_result.title}) for s in steps
    ]
    known = {value for value, _label in choices}
    if extra is not None and f"kr:{extra.pk}" not in known:
        choices.insert(0, (f"kr:{extra.pk}", _("Key result: %(title)s") % {"title": extra.title}))
    if blocker is not None:
        if blocker.action_step is not None and f"step:{blocker.action_step_id}" not in known:
            choices.insert(0, (f"step:{blocker.action_step_id}", _("Step: %(title)s") % {"title": blocker.action_step}))
        elif blocker.key_result is not None and f"kr:{blocker.key_result_id}" not in known:
            choices.insert(
                0, (f"kr:{blocker.key_result_id}", _("Key result: %(title)s") % {"title": blocker.key_result})
            )
    return choices


def _parse_link(value: str) -> tuple[KeyResult | None, ActionStep | None]:
    """The key result or step a form's choice names (the service checks the actor may see it)."""
    kind, _sep, pk = (value or "").partition(":")
    if not pk.isdigit():
        return None, None
    if kind == "step":
        step = ActionStep.objects.select_related("key_result__objective").filter(pk=int(pk)).first()
        return (step.key_result if step else None), step
    return KeyResult.objects.select_related("objective").filter(pk=int(pk)).first(), None


def _groups(person: Person) -> list[tuple[str, str]]:
    """Where the person raises a blocker: their team, their department, or (executives) the management meeting."""
    choices: list[tuple[str, str]] = []
    if person.team is not None:
        choices.append((f"team:{person.team_id}", _("Team: %(name)s") % {"name": person.team}))
    if person.department is not None:
        choices.append((f"department:{person.department_id}", _("Department: %(name)s") % {"name": person.department}))
    for team in Team.objects.filter(lead=person).exclude(pk=person.team_id or 0):
        choices.append((f"team:{team.pk}", _("Team: %(name)s") % {"name": team}))
    if person.is_executive or not choices:
        choices.append(("management", _("The management weekly meeting")))
    return choices


def _parse_group(value: str, allowed: list[tuple[str, str]]) -> tuple[Team | None, Department | None]:
    if value not in {v for v, _label in allowed}:
        value = allowed[0][0] if allowed else "management"
    kind, _sep, pk = value.partition(":")
    if kind == "team":
        team = Team.objects.select_related("department").get(pk=int(pk))
        return team, team.department
    if kind == "department":
        return None, Department.objects.get(pk=int(pk))
    return None, None


# --- the list ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def blocker_list(request: HttpRequest) -> HttpResponse:
    """EXE-2: the blockers the person may see, open ones oldest first with their age; filters, paged."""
    person = current_person(request)
    teams = list(Team.objects.order_by("name").values_list("pk", "name"))
    departments = list(Department.objects.order_by("path", "name").values_list("pk", "name"))
    form = FilterForm(request.GET or None, teams=teams, departments=departments)
    filters = BlockerFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = BlockerFilters(
            mine=d["mine"],
            concerning=d["concerning"],
            team=d["team"],
            department=d["department"],
            tier=d["tier"],
            status=form.status_value(),
        )
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    page = blocker_page(viewer=person, filters=filters, page=page_number)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filters": filters}
    return render(request, "blockers/list.html", context)


# --- raise, see, change ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def blocker_new(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    extra = None
    kr_param = request.GET.get("key_result", "")
    if kr_param.isdigit():
        extra = KeyResult.objects.filter(
            pk=int(kr_param), objective__in=Objective.objects.filter(visible_objectives_q(person))
        ).first()
    links, groups = _links(person, extra), _groups(person)
    status = 200
    if request.method == "POST":
        form = BlockerForm(request.POST, links=links, groups=groups)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            key_result, step = _parse_link(d["link"])
            team, department = _parse_group(d.get("group") or "", groups)
            try:
                blocker = services.blocker_create(
                    actor=person,
                    title=d["title"],
                    owner=d["owner"],
                    concerned=d["concerned"],
                    team=team,
                    department=department,
                    key_result=key_result,
                    action_step=step,
                    description=d["description"],
                )
            except ValidationError as exc:
                apply_errors(form, exc, {"key_result": "link", "action_step": "link", "team": "group"})
            else:
                messages.success(request, _("Blocker raised: “%(title)s”.") % {"title": blocker.title})
                return redirect("blockers:detail", pk=blocker.pk)
    else:
        form = BlockerForm(
            initial={"owner": person.username, "link": f"kr:{extra.pk}" if extra else ""}, links=links, groups=groups
        )
    context = {"form": form, "blocker": None, "people": _people_offered(person)}
    return render(request, "blockers/form.html", context, status=status)


def _detail_context(request: HttpRequest, person: Person, blocker: Blocker, rights: BlockerRights) -> dict[str, object]:
    return {
        "blocker": blocker,
        "row": blocker_rows([blocker], viewer=person)[0],
        "rights": rights,
        "history": subject_history(blocker, viewer=person),
    }


@login_required
@require_GET
def blocker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    blocker, rights = blocker_for(person, pk)
    context = _detail_context(request, person, blocker, rights)
    context["resolve_form"] = ResolveForm()
    return render(request, "blockers/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def blocker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    blocker, rights = blocker_for(person, pk)
    if not rights.change:
        raise PermissionDenied
    links = _links(person, blocker=blocker)
    status = 200
    if request.method == "POST":
        form = BlockerForm(request.POST, links=links)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            key_result, step = _parse_link(d["link"])
            try:
                services.blocker_update(
                    actor=person,
                    blocker=blocker,
                    title=d["title"],
                    description=d["description"],
                    owner=d["owner"],
                    concerned=d["concerned"],
                    key_result=key_result,
                    action_step=step,
                )
            except ValidationError as exc:
                apply_errors(form, exc, {"key_result": "link", "action_step": "link"})
            else:
                messages.success(request, _("Blocker saved."))
                return redirect("blockers:detail", pk=blocker.pk)
    else:
        link = (
            f"step:{blocker.action_step_id}"
            if blocker.action_step_id
            else (f"kr:{blocker.key_result_id}" if blocker.key_result_id else "")
        )
        form = BlockerForm(
            initial={
                "title": blocker.title,
                "description": blocker.description,
                "owner": blocker.owner.username,
                "concerned": " ".join(p.username for p in blocker.concerned.all()),
                "link": link,
            },
            links=links,
        )
    context = {"form": form, "blocker": blocker, "people": _people_offered(person)}
    return render(request, "blockers/form.html", context, status=status)


@login_required
@require_POST
def blocker_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    blocker, rights = blocker_for(person, pk)
    if not rights.change:
        raise PermissionDenied
    form = ResolveForm(request.POST)
    form.is_valid()
    try:
        services.blocker_resolve(actor=person, blocker=blocker, resolution=form.cleaned_data.get("resolution", ""))
    except ValidationError as exc:
        apply_errors(form, exc)
        context = _detail_context(request, person, blocker, rights)
        context["resolve_form"] = form
        return render(request, "blockers/detail.html", context, status=400)
    messages.success(request, _("Blocker resolved."))
    return redirect("blockers:detail", pk=blocker.pk)


@login_required
@require_POST
def blocker_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    blocker, rights = blocker_for(person, pk)
    if not rights.change:
        raise PermissionDenied
    try:
        services.blocker_reopen(actor=person, blocker=blocker)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Blocker reopened."))
    return redirect("blockers:detail", pk=blocker.pk)
