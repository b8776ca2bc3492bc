"""The HTTP API under /api/v1, with its OpenAPI document at /api/v1/openapi.json (docs/API.md describes it).

Every operation needs a caller: a personal API token (`Authorization: Bearer <secret>`, made on the
settings page) or a signed-in browser session (unsafe methods then need the X-CSRFToken header).
"""

from django.conf import settings

from qibu.api import (
    approval,
    assess,
    blockers,
    celebrate,
    chat,
    coach,
    comments,
    corrections,
    cycles,
    focus,
    key_results,
    meetings,
    notifications,
    okrs,
    oneonones,
    org,
    planning,
    plans,
    projects,
    publications,
    quarter,
    reflect,
    rhythm,
    standups,
    updates,
    workshop,
)
from qibu.api.auth import SessionAuth, TokenAuth
from qibu.api.errors import install_error_handlers
from qibu.api.openapi import QibuAPI
from qibu.api.schemas import __doc__ as conventions

api = QibuAPI(
    title="Qibu API",
    version="1",
    description=conventions or "",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    # The interactive docs use ninja's bundled Swagger UI, served only when ninja is an installed app;
    # otherwise ninja would load it from a CDN, which this project does not use.
    docs_url="/docs" if "ninja" in settings.INSTALLED_APPS else None,
)
install_error_handlers(api)
api.add_router("", org.router)
api.add_router("", cycles.router)
api.add_router("", okrs.router)
api.add_router("", key_results.router)
api.add_router("", approval.router)
api.add_router("", corrections.router)
api.add_router("", coach.router)
api.add_router("", notifications.router)
api.add_router("", comments.router)
api.add_router("", publications.router)
api.add_router("", chat.router)
api.add_router("", rhythm.router)
api.add_router("", plans.router)
api.add_router("", planning.router)
api.add_router("", projects.router)
api.add_router("", blockers.router)
api.add_router("", standups.router)
api.add_router("", meetings.router)
api.add_router("", meetings.commitments_router)
api.add_router("", oneonones.router)
api.add_router("", focus.router)
api.add_router("", assess.router)
api.add_router("", reflect.router)
api.add_router("", updates.router)
api.add_router("", celebrate.router)
api.add_router("", quarter.router)
api.add_router("", workshop.router)
