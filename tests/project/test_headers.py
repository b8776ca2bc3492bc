"""Headers and cookies (issue 6, item 9): a Content-Security-Policy that allows no inline script or style, no
template that would need one, `Cache-Control: private, no-store` for signed-in people and the API, and a language
cookie that is Secure and SameSite=Lax behind HTTPS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from qibu.notify.services import mail_queue
from qibu.org.services import api_token_create
from tests.conftest import Company

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


def _signed_in(company: Company) -> Client:
    client = Client()
    client.force_login(company.mia)
    return client


def test_it_sends_a_policy_that_allows_no_inline_script_or_style(company: Company) -> None:
    policy = _policy(_signed_in(company).get("/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_it_sends_the_policy_on_the_sign_in_page_and_error_pages(company: Company) -> None:
    assert "'self'" in _policy(Client().get("/login/"))["script-src"]
    assert _policy(_signed_in(company).get("/objectives/999999/"))["script-src"] == ["'self'"]


def test_it_keeps_the_mail_preview_policy_of_its_own_and_lets_the_outbox_frame_it(company: Company) -> None:
    mail = mail_queue(key="t:csp", kind="test", to_address="a@example.com", subject="s", text="t", html="<p>hi</p>")
    client = Client()
    client.force_login(company.alice)
    detail = client.get(f"/settings/mail/{mail.pk}/")
    assert "'self'" in _policy(detail)["default-src"], "frames from this site load in the detail page"
    preview = client.get(f"/settings/mail/{mail.pk}/preview/")
    assert _policy(preview)["default-src"] == ["'none'"]
    assert _policy(preview)["frame-ancestors"] == ["'self'"]


# --- no template needs an inline script or style ----------------------------------------------------------

INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "an on…= handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "a javascript: address": re.compile(r"""["'=]\s*javascript:""", re.I),
    "a style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style[\s>]", re.I),
    "an hx-on attribute (htmx would eval it)": re.compile(r"\shx-on", re.I),
}


def _templates() -> list[Path]:
    """The templates of pages and fragments. Mail bodies (`*/mail/*`) are left out: mail clients need inline styles,
    and no browser opens them under the site's policy (the outbox preview frames them with a policy of their own,
    which allows their styles and nothing else)."""
    found = sorted(p for p in TEMPLATES.rglob("*.html") if "mail" not in p.relative_to(TEMPLATES).parts[:-1])
    assert len(found) > 30
    return found


def test_it_leaves_out_only_mail_bodies() -> None:
    left_out = sorted(set(TEMPLATES.rglob("*.html")) - set(_templates()))
    assert left_out and all(p.parent.name == "mail" for p in left_out)
    assert all("<script" not in p.read_text().lower() for p in left_out), "a mail runs no script either"


@pytest.mark.parametrize("kind", INLINE)
def test_it_has_no_template_that_the_policy_would_refuse(kind: str) -> None:
    pattern = INLINE[kind]
    # Mail is not a page: mail clients need inline styles, and the outbox's preview serves it under a policy of its
    # own that allows them (and nothing else). Scripts and handlers stay forbidden there too.
    templates = [p for p in _templates() if not (kind == "a style= attribute" and p.parent.name == "mail")]
    offenders = [
        f"{p.relative_to(TEMPLATES)}:{m.group(0)!r}" for p in templates for m in pattern.finditer(p.read_text())
    ]
    assert not offenders, f"{kind} in {offenders}"


def test_it_finds_what_it_scans_for() -> None:
    """The scan is not blind: each pattern catches what it names."""
    samples = {
        "an inline <script>": "<script>alert(1)</script>",
        "an on…= handler": '<a onclick="x()">',
        "a javascript: address": '<a href="javascript:x()">',
        "a style= attribute": '<span style="width:3%">',
        "a <style> element": "<style>p{}</style>",
        "an hx-on attribute (htmx would eval it)": '<form hx-on:submit="x()">',
    }
    assert all(INLINE[kind].search(sample) for kind, sample in samples.items())
    assert not INLINE["an inline <script>"].search('<script src="/static/js/qibu.js" defer></script>')


def test_it_switches_off_htmx_s_inline_indicator_style(company: Company) -> None:
    page = _signed_in(company).get("/").content.decode()
    assert '"includeIndicatorStyles": false' in page


# --- Cache-Control ------------------------------------------------------------------------------------------


def _no_store(response: object) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}  # type: ignore[attr-defined]
    return {"private", "no-store"} <= directives


def test_it_keeps_no_copy_of_a_signed_in_page(company: Company) -> None:
    assert _no_store(_signed_in(company).get("/"))


def test_it_keeps_no_copy_of_a_fragment(company: Company, okrs: dict[str, object]) -> None:
    kr = okrs["my_kr"]
    response = _signed_in(company).get(f"/key-results/{kr.pk}/check-in/", HTTP_HX_REQUEST="true")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert _no_store(response)


def test_it_keeps_no_copy_of_an_api_answer(company: Company) -> None:
    token = api_token_create(actor=None, person=company.mia, name="tests")[1]
    assert _no_store(Client().get("/api/v1/objectives", HTTP_AUTHORIZATION=f"Bearer {token}"))
    assert _no_store(Client().get("/api/v1/objectives")), "a refusal too"


def test_it_keeps_no_copy_of_an_error_page_for_a_signed_in_person(company: Company) -> None:
    assert _no_store(_signed_in(company).get("/objectives/999999/"))


def test_it_leaves_an_anonymous_visitor_s_pages_to_their_views(company: Company) -> None:
    """Nothing of a signed-in person's is in them: only the views' own headers (the sign-in page's never_cache)."""
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Cache-Control" not in response


# --- the language cookie ---------------------------------------------------------------------------------------


def _language_cookie(client: Client) -> object:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return response.cookies[settings.LANGUAGE_COOKIE_NAME]


@override_settings(LANGUAGE_COOKIE_SECURE=True)
def test_it_sets_the_language_cookie_secure_and_lax_behind_https(company: Company) -> None:
    """QIBU_SECURE=1 sets LANGUAGE_COOKIE_SECURE (as it sets the session's and CSRF's); here as it would."""
    cookie = _language_cookie(Client())
    assert cookie["secure"]  # type: ignore[index]
    assert cookie["samesite"] == "Lax"  # type: ignore[index]
    assert cookie["httponly"]  # type: ignore[index]


def test_it_sets_the_language_cookie_lax_without_https(company: Company) -> None:
    cookie = _language_cookie(Client())
    assert cookie["samesite"] == "Lax"  # type: ignore[index]
    assert not cookie["secure"]  # type: ignore[index]


def test_it_makes_every_cookie_secure_under_qibu_secure() -> None:
    """The settings module read again with QIBU_SECURE=1, as a deployment behind HTTPS runs it."""
    import os
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='qibu.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    env = {**os.environ, "QIBU_SECURE": "1", "QIBU_TESTING": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "Lax", "True", "True"]
