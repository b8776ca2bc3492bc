"""Passwords: an administrator sets one or resets it to a one-time set-password link, everyone changes their own,
imported people get links instead of passwords; Django's validators refuse weak ones in the reader's language, and
no password or hash ever reaches history."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import TYPE_CHECKING

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import Settings

from qibu.audit.models import AuditEntry
from qibu.org.models import Person
from qibu.org.passwords import SetPasswordLink, link_for, tokens
from qibu.org.services import person_deactivate, person_password_link
from tests.conftest import PASSWORD, Company

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


NEW = "a quite different horse 42"


def client_for(person: Person, language: str = "en") -> Client:
    client = Client()
    client.cookies["qibu_language"] = language
    client.force_login(person)
    return client


def history_text() -> str:
    return json.dumps(list(AuditEntry.objects.values("action", "before", "after")), ensure_ascii=False)


def assert_no_secret_in_history(*secrets: str) -> None:
    text = history_text()
    for person in Person.objects.all():
        assert person.password not in text
        assert person.password.split("$")[-1] not in text
    for secret in secrets:
        assert secret not in text
    assert '"password"' not in text


def use_link(
    link: SetPasswordLink | str, password: str = NEW, again: str | None = None, client: Client | None = None
) -> Response:
    """Open a set-password link and choose a password, as its holder would (signed out)."""
    client = client or Client()
    client.cookies["qibu_language"] = "en"
    path = link.path if isinstance(link, SetPasswordLink) else link
    opened = client.get(path)
    if opened.status_code != 302:
        return opened
    form_url = opened["Location"]
    assert "/set-password/" in form_url and form_url != path  # the token left the address (no Referer leak)
    assert client.get(form_url).status_code == 200
    return client.post(form_url, {"new_password": password, "new_password_again": password if again is None else again})


# --- an administrator sets or resets ----------------------------------------------------------------


def test_it_lets_an_administrator_set_a_password_and_records_only_that_it_was_set(company: Company) -> None:
    c = company
    mia_session = client_for(c.mia)
    admin = client_for(c.alice)

    response = admin.post(reverse("org:person_password", args=[c.mia.pk]), {"password": NEW, "password_again": NEW})

    assert response.status_code == 302
    mia = Person.objects.get(pk=c.mia.pk)
    assert mia.check_password(NEW) and not mia.check_password(PASSWORD)
    # Her sessions signed in with the old password end.
    assert mia_session.get(reverse("okrs:my")).status_code == 302
    entry = AuditEntry.objects.get(action="person.set_password")
    assert (entry.actor, entry.subject_id, entry.before, entry.after) == (c.alice, mia.pk, None, None)
    assert "set the password" in admin.get(reverse("org:person_history", args=[mia.pk])).content.decode()
    assert_no_secret_in_history(NEW, PASSWORD)


@pytest.mark.parametrize(
    ("password", "again", "field", "english"),
    [
        ("", "", "password", "Enter the new password."),
        (NEW, NEW + "!", "password_again", "The two passwords are not the same."),
        ("abc12", "abc12", "password", "This password is too short: it needs at least 8 characters."),
        ("password123", "password123", "password", "This password is too common."),
        ("米娅米娅米娅", "米娅米娅米娅", "password", "This password is too short: it needs at least 8 characters."),
    ],
    ids=["empty", "different", "short", "common", "short-chinese"],
)
def test_it_refuses_a_password_the_validators_refuse_in_the_readers_language(
    company: Company, password: str, again: str, field: str, english: str
) -> None:
    c = company
    for language in ("en", "zh-hans"):
        response = client_for(c.alice, language).post(
            reverse("org:person_password", args=[c.mia.pk]), {"password": password, "password_again": again}
        )
        html = response.content.decode()
        assert response.status_code == 400
        with translation.override(language):
            if "too short" in english:
                message = translation.ngettext(
                    "This password is too short: it needs at least %(least)d character.",
                    "This password is too short: it needs at least %(least)d characters.",
                    8,
                ) % {"least": 8}
            else:
                message = translation.gettext(english)
        assert message in html, (language, message)
        if language != "en":
            assert english not in html, "a validator's message left untranslated"
        assert f'id="id_{field}_errors"' in html
        # What was typed is never sent back.
        assert password not in html or not password
    assert Person.objects.get(pk=c.mia.pk).check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="person.set_password").exists()


def test_it_resets_a_password_to_a_one_time_link(company: Company) -> None:
    c = company
    admin = client_for(c.alice)

    response = admin.post(reverse("org:person_password_link", args=[c.mia.pk]), {"disable": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "http://testserver/set-password/" in html
    mia = Person.objects.get(pk=c.mia.pk)
    assert not mia.has_usable_password()
    assert AuditEntry.objects.get(action="person.reset_password").actor == c.alice
    path = html.split("http://testserver", 1)[1].split("<", 1)[0]

    response = use_link(path)

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert Person.objects.get(pk=c.mia.pk).check_password(NEW)
    entry = AuditEntry.objects.get(action="person.set_password_by_link")
    assert (entry.actor, entry.subject_id) == (c.mia, c.mia.pk)
    # The link worked once.
    again = use_link(path, password="yet another horse 43")
    assert again.status_code == 200 and "This link does not work" in again.content.decode()
    assert Person.objects.get(pk=c.mia.pk).check_password(NEW)
    assert_no_secret_in_history(NEW)


def test_it_makes_a_link_without_touching_a_password_unless_asked(company: Company) -> None:
    link = person_password_link(actor=company.alice, person=company.mia, disable_password=False)
    assert Person.objects.get(pk=company.mia.pk).check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="person.password_link").count() == 1
    # Choosing a password kills every link made before.
    use_link(link)
    assert use_link(link_for(Person.objects.get(pk=company.mia.pk))).status_code == 302
    assert "does not work" in use_link(link).content.decode()


def test_it_refuses_a_weak_password_on_the_link_page_and_keeps_the_link(company: Company) -> None:
    link = person_password_link(actor=company.alice, person=company.mia, disable_password=True)

    response = use_link(link, password="12345678")

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not Person.objects.get(pk=company.mia.pk).has_usable_password()
    assert use_link(link).status_code == 302


def test_it_refuses_an_old_a_foreign_or_a_deactivated_persons_link(company: Company, settings: Settings) -> None:
    c = company
    mia = Person.objects.get(pk=c.mia.pk)
    fresh = link_for(mia)
    old_timestamp = tokens._num_seconds(tokens._now() - dt.timedelta(days=15))
    old = tokens._make_token_with_timestamp(mia, old_timestamp, tokens.secret)
    assert not tokens.check_token(mia, old)
    assert tokens.check_token(mia, fresh.path.rstrip("/").rsplit("/", 1)[1])
    settings.QIBU_SET_PASSWORD_LINK_DAYS = 20
    assert tokens.check_token(mia, old)
    settings.QIBU_SET_PASSWORD_LINK_DAYS = 14

    # A token for another person, or Django's own password-reset token, is no link for mia.
    from django.contrib.auth.tokens import default_token_generator

    assert not tokens.check_token(mia, default_token_generator.make_token(mia))
    hank_token = fresh.path.replace(fresh.path.split("/")[2], link_for(c.hank).path.split("/")[2])
    assert "does not work" in use_link(hank_token).content.decode()

    person_deactivate(actor=c.alice, person=mia)
    assert "does not work" in use_link(fresh).content.decode()


# --- one's own password -----------------------------------------------------------------------------


def test_it_lets_everyone_change_their_own_password_on_the_profile_page(company: Company) -> None:
    c = company
    client = client_for(c.mia)
    page = client.get(reverse("org:profile")).content.decode()
    assert 'name="old_password"' in page and 'name="new_password_again"' in page

    response = client.post(
        reverse("org:password_change"),
        {"old_password": PASSWORD, "new_password": NEW, "new_password_again": NEW},
    )

    assert response.status_code == 302
    assert Person.objects.get(pk=c.mia.pk).check_password(NEW)
    # This session stays signed in.
    assert client.get(reverse("okrs:my")).status_code == 200
    entry = AuditEntry.objects.get(action="person.change_password")
    assert (entry.actor, entry.subject_id, entry.after) == (c.mia, c.mia.pk, None)
    assert_no_secret_in_history(NEW, PASSWORD)


@pytest.mark.parametrize(
    ("old", "new", "again", "field", "message"),
    [
        ("wrong", NEW, NEW, "old_password", "That is not your current password."),
        (PASSWORD, NEW, "other", "new_password_again", "The two passwords are not the same."),
        (PASSWORD, "alice管理员1", "alice管理员1", "new_password", "too similar to the username"),
    ],
    ids=["wrong-old", "different", "like-the-name"],
)
def test_it_refuses_a_wrong_change_of_ones_own_password(
    company: Company, old: str, new: str, again: str, field: str, message: str
) -> None:
    response = client_for(company.alice).post(
        reverse("org:password_change"), {"old_password": old, "new_password": new, "new_password_again": again}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and f'id="id_{field}_errors"' in html
    assert Person.objects.get(pk=company.alice.pk).check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="person.change_password").exists()


# --- imported people get links ----------------------------------------------------------------------


def _rows(content: bytes, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[str(value or "") for value in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_gives_imported_people_links_to_choose_their_password(company: Company, fmt: str) -> None:
    admin = client_for(company.alice)
    content = 'username,full_name,email\r\nnina,妮娜,nina@example.com\r\nomar,=HYPERLINK("x"),\r\n'.encode()

    page = admin.post(reverse("org:import"), {"file": SimpleUploadedFile("people.csv", content)}).content.decode()

    assert "2 active people have no password yet." in page
    response = admin.post(reverse("org:password_links"), {"format": fmt})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    header, *rows = _rows(response.content, fmt)
    assert header[4] == "设置密码链接 set-password link"
    by_username = {row[0]: row for row in rows}
    assert set(by_username) == {"nina", "omar"}
    assert by_username["omar"][1] == '\'=HYPERLINK("x")'  # neutralised
    entry = AuditEntry.objects.get(action="person.password_links_export")
    assert (entry.actor, entry.after) == (company.alice, {"people": 2})

    link = by_username["nina"][4]
    assert link.startswith("http://testserver/set-password/")
    assert use_link(link.removeprefix("http://testserver")).status_code == 302
    assert Person.objects.get(username="nina").check_password(NEW)
    # Nina has a password now: the next download has only Omar.
    again = admin.post(reverse("org:password_links"), {"format": fmt})
    assert [row[0] for row in _rows(again.content, fmt)[1:]] == ["omar"]
    assert admin.get(reverse("org:password_links")).status_code == 405


def test_it_shows_the_set_password_page_and_its_refusals_in_chinese(company: Company) -> None:
    from tests.project.test_untranslated import PRODUCT_WORDS, _user_data, english_words, visible_text

    link = person_password_link(actor=company.alice, person=company.mia, disable_password=True)
    client = Client(headers={"Accept-Language": "zh-hans"})
    form_url = client.get(link.path)["Location"]
    allowed = PRODUCT_WORDS | _user_data(company)

    page = client.get(form_url).content.decode()
    refused = client.post(form_url, {"new_password": "abc", "new_password_again": "abc"}).content.decode()
    dead = Client(headers={"Accept-Language": "zh-hans"}).get("/set-password/MQ/bad-token/").content.decode()

    for html in (page, refused, dead):
        assert 'lang="zh-hans"' in html
        assert not english_words(visible_text(html), allowed)
    assert "密码太短" in refused
