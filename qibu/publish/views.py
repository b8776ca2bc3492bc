"""The publication pages: a quarter's publications, publishing one (administrators and executives), the
publication everyone signed in reads (PUB-2) with its print layout and .xlsx download, and the mailing's progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qibu.audit.selectors import subject_history
from qibu.core.forms import apply_errors
from qibu.core.http import current_person, is_htmx, vary_on_htmx
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.selectors import cycle_current
from qibu.org.importer.export import XLSX_TYPE
from qibu.org.models import Person
from qibu.publish import access, exporting, feedback, selectors, services
from qibu.publish.forms import PublishForm
from qibu.publish.models import Publication

HISTORY_SHOWN = 20


def _quarter(cycle_id: str | int | None) -> Cycle | None:
    if cycle_id:
        try:
            found = Cycle.objects.filter(pk=int(cycle_id), kind=CycleKind.QUARTER).first()
        except (TypeError, ValueError):
            found = None
        if found is None:
            raise Http404
        return found
    return cycle_current(kind=CycleKind.QUARTER)


@login_required
def publication_list(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    cycle = _quarter(request.GET.get("cycle"))
    context = {
        "cycle": cycle,
        "quarters": selectors.quarters(),
        "publications": selectors.publications_of(cycle, pending=access.can_publish(person)),
        "may_publish": access.can_publish(person),
        "history": subject_history(cycle, viewer=person, limit=HISTORY_SHOWN)
        if cycle and access.can_publish(person)
        else [],
    }
    return render(request, "publish/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def publication_publish(request: HttpRequest, cycle_id: int) -> HttpResponse:
    person = current_person(request)
    if not access.can_publish(person):
        raise PermissionDenied
    cycle = _quarter(cycle_id)
    if cycle is None:
        raise Http404
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.publication_publish(
                actor=person, cycle=cycle, message=form.cleaned_data["message"], anyway=form.cleaned_data["anyway"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("publish:progress", pk=publication.pk)
    context = {"cycle": cycle, "form": form, "readiness": selectors.readiness(cycle), "shown": 50}
    return render(request, "publish/publish.html", context, status=422 if form.errors else 200)


@login_required
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    publication = access.publication_for(pk)
    if not publication.is_published:
        return _not_published(person, publication)
    page = selectors.publication_page(
        publication=publication, viewer=person, part=request.GET.get("part", ""), page=request.GET.get("page") or 1
    )
    context = {
        "view": page,
        "publication": publication,
        "may_publish": access.can_publish(person),
        "feedback": feedback.publication_feedback(publication, person) if page.showing == "overview" else None,
    }
    return render(request, "publish/publication.html", context)


@login_required
def publication_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """How the mailing goes; htmx polls the fragment every 2 s until it is done, a plain reload works without JS."""
    if not access.can_publish(current_person(request)):
        raise PermissionDenied
    publication = access.publication_for(pk)
    context = {"publication": publication, "progress": selectors.mailing_progress(publication)}
    template = "publish/progress.html#progress" if is_htmx(request) else "publish/progress.html"
    return vary_on_htmx(render(request, template, context))


def _not_published(person: Person, publication: Publication) -> HttpResponse:
    """A publication compiling, failed or unchanged: those who publish follow it on its progress page (or read the
    one it repeats); nobody else knows of it."""
    if not access.can_publish(person):
        raise Http404
    if publication.same_as_id:
        return redirect("publish:detail", pk=publication.same_as_id)
    return redirect("publish:progress", pk=publication.pk)


@require_POST
@login_required
def publication_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Compile a publication whose compiling failed again (administrators and executives)."""
    person = current_person(request)
    if not access.can_publish(person):
        raise PermissionDenied
    publication = access.publication_for(pk)
    try:
        services.publication_retry(actor=person, publication=publication)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("publish:progress", pk=publication.pk)


@login_required
def publication_download(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    publication = access.publication_for(pk)
    if not publication.is_published:
        return _not_published(person, publication)
    content = exporting.publication_workbook(publication, person)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = f"qibu-publication-{publication.cycle_id}-{publication.number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
