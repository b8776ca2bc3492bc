"""The settings page that downloads the company's export (administrators only).

The download is streamed: the zip is written batch by batch as the response is sent, from one consistent
snapshot of the database, so the server never holds the whole company in memory, no file with password hashes is
left on its disk, and the first bytes leave at once (a proxy waiting for an answer does not time out)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qibu.backup.exporting import export_filename, export_stream
from qibu.backup.selectors import export_contents
from qibu.backup.services import export_download_record
from qibu.core.http import admin_required, current_person
from qibu.org.middleware import request_organisation


@admin_required
def export_page(request: HttpRequest) -> HttpResponse:
    context = {"parts": export_contents(), "section": "export"}
    return render(request, "backup/export.html", context)


@login_required
@require_POST
def export_download(request: HttpRequest) -> StreamingHttpResponse:
    # admin_required's rule, spelled out: its type admits only views that answer a whole HttpResponse.
    if not current_person(request).is_admin:
        raise PermissionDenied
    export_download_record(actor=current_person(request), organisation=request_organisation(request))
    response = StreamingHttpResponse(export_stream(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(timezone.now())}"'
    # Password hashes: no cache, shared or private, keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response
