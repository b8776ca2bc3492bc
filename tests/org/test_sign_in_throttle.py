"""The sign-in throttle (django-axes, rules in qibu.org.signin): by account and by address, a clear message in the
reader's language, an administrator's unlock, and nothing else affected (API tokens, force_login)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django import Settings

from qibu.audit.models import AuditEntry
from qibu.org.services import api_token_create, sign_in_unlock
from qibu.org.signin import client_address, locks_now
from tests.conftest import PASSWORD, Company

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


ACCOUNT_LIMIT = settings.AXES_FAILURE_LIMIT
ADDRESS_LIMIT = settings.QIBU_SIGN_IN_ADDRESS_LIMIT
OFFICE = "203.0.113.7"
HOME = "198.51.100.20"


def sign_in(client: Client, username: str, password: str, *, address: str = OFFICE, language: str = "en") -> Response:
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers={"Accept-Language": language},
    )


def signed_in(response: Response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def fail(username: str, times: int, *, address: str = OFFICE) -> None:
    client = Client()
    for _ in range(times):
        response = sign_in(client, username, "wrong password", address=address)
        assert not signed_in(response)


def test_it_locks_an_account_after_too_many_wrong_passwords_and_refuses_even_the_right_one(company: Company) -> None:
    client = Client()
    for attempt in range(1, ACCOUNT_LIMIT):
        response = sign_in(client, "mia", f"wrong {attempt}")
        assert response.status_code == 200
        assert "The username or the password is wrong." in response.content.decode()

    response = sign_in(client, "mia", "wrong again")
    assert response.status_code == 429
    assert "Too many wrong passwords for this account" in response.content.decode()

    response = sign_in(client, "mia", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert "signing in to it is paused for 15 more minutes" in html
    assert "ask an administrator to unlock it" in html
    assert "_auth_user_id" not in client.session


def test_it_counts_no_failure_while_locked_so_the_announced_wait_holds(company: Company) -> None:
    fail("mia", ACCOUNT_LIMIT)
    before = list(AccessAttempt.objects.values_list("failures_since_start", "attempt_time"))

    sign_in(Client(), "mia", "wrong once more")
    sign_in(Client(), "mia", PASSWORD)

    assert list(AccessAttempt.objects.values_list("failures_since_start", "attempt_time")) == before


def test_it_lets_an_administrator_unlock_the_account_and_then_the_person_signs_in(company: Company) -> None:
    fail("mia", ACCOUNT_LIMIT)
    admin = Client()
    admin.force_login(company.alice)
    page = admin.get(reverse("org:sign_in_locks")).content.decode()
    assert "mia" in page and "米娅" in page

    response = admin.post(reverse("org:sign_in_unlock"), {"account": "mia"})

    assert response.status_code == 302
    assert "No account is locked." in admin.get(reverse("org:sign_in_locks")).content.decode()
    entry = AuditEntry.objects.get(action="sign_in.unlock_account")
    assert (entry.actor, entry.subject_id, entry.after) == (company.alice, company.mia.pk, {"account": "mia"})
    assert signed_in(sign_in(Client(), "mia", PASSWORD))


def test_it_locks_the_account_from_every_address_and_no_other_account(company: Company) -> None:
    fail("mia", ACCOUNT_LIMIT, address=OFFICE)

    # The account rule: someone's failures lock mia wherever she signs in from…
    assert sign_in(Client(), "mia", PASSWORD, address=HOME).status_code == 429
    # …and nobody else, from the same address (5 failures are far from the address rule).
    assert signed_in(sign_in(Client(), "hank", PASSWORD, address=OFFICE))
    assert signed_in(sign_in(Client(), "oscar", PASSWORD, address=HOME))


def test_it_locks_an_address_that_tries_many_accounts_and_no_other_address(company: Company) -> None:
    # Password spraying: a few tries for each of many accounts, never enough to lock one account.
    per_account = ACCOUNT_LIMIT - 1
    for index in range(ADDRESS_LIMIT // per_account):
        fail(f"guess{index}", per_account, address=OFFICE)
    fail("guess-last", ADDRESS_LIMIT % per_account, address=OFFICE)

    response = sign_in(Client(), "hank", PASSWORD, address=OFFICE)
    assert response.status_code == 429
    assert "Too many failed sign-ins from your network address" in response.content.decode()
    # The accounts tried are not locked themselves, and other addresses sign in.
    assert signed_in(sign_in(Client(), "hank", PASSWORD, address=HOME))

    locks = locks_now()
    assert [lock.key for lock in locks.addresses] == [OFFICE]
    assert locks.accounts == []
    sign_in_unlock(actor=company.alice, address=OFFICE)
    assert signed_in(sign_in(Client(), "mia", PASSWORD, address=OFFICE))
    assert AuditEntry.objects.get(action="sign_in.unlock_address").after == {"address": OFFICE}


def test_it_forgives_an_accounts_own_failures_after_the_right_password_but_not_an_addresss(company: Company) -> None:
    fail("mia", ACCOUNT_LIMIT - 1)
    assert signed_in(sign_in(Client(), "mia", PASSWORD))
    fail("mia", ACCOUNT_LIMIT - 1)
    assert signed_in(sign_in(Client(), "mia", PASSWORD))

    # Failures against other accounts from that address stay counted after mia signs in from it.
    fail("someone-else", ACCOUNT_LIMIT - 1)
    assert signed_in(sign_in(Client(), "mia", PASSWORD))
    assert AccessAttempt.objects.filter(username="someone-else").exists()


def test_it_ends_a_lock_once_its_failures_are_older_than_the_cool_off(company: Company) -> None:
    fail("mia", ACCOUNT_LIMIT)
    assert sign_in(Client(), "mia", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))

    assert signed_in(sign_in(Client(), "mia", PASSWORD))


def test_it_says_how_long_to_wait_in_chinese(company: Company) -> None:
    fail("mia", ACCOUNT_LIMIT)

    response = sign_in(Client(), "mia", PASSWORD, language="zh-hans")

    html = response.content.decode()
    assert response.status_code == 429
    with translation.override("zh-hans"):
        expected = translation.ngettext(
            "Too many wrong passwords for this account: signing in to it is paused for %(minutes)d more minute. "
            "Try again then, or ask an administrator to unlock it.",
            "Too many wrong passwords for this account: signing in to it is paused for %(minutes)d more minutes. "
            "Try again then, or ask an administrator to unlock it.",
            15,
        ) % {"minutes": 15}
    assert expected in html
    assert "15 分钟" in html
    assert 'lang="zh-hans"' in html


def test_it_does_not_touch_api_tokens(company: Company) -> None:
    _token, secret = api_token_create(actor=None, person=company.mia, name="script")
    fail("mia", ACCOUNT_LIMIT)

    response = Client().get("/api/v1/objectives", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    # Wrong tokens are the API's 401, not sign-in failures.
    for _ in range(ACCOUNT_LIMIT + 1):
        assert Client().get("/api/v1/objectives", headers={"Authorization": "Bearer qibu_wrong"}).status_code == 401
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"mia"}


def test_it_still_signs_in_a_test_client_by_force_login_or_with_a_request(company: Company) -> None:
    client = Client()
    client.force_login(company.mia)
    assert client.get(reverse("okrs:my")).status_code == 200

    other = Client()
    # django-axes needs the request of a sign-in: a test client's login gives it one.
    assert other.login(request=RequestFactory().post("/login/"), username="hank", password=PASSWORD)
    assert other.get(reverse("okrs:my")).status_code == 200


def test_it_lists_locks_to_administrators_only(company: Company) -> None:
    fail("mia", ACCOUNT_LIMIT)
    member = Client()
    member.force_login(company.hank)

    assert member.get(reverse("org:sign_in_locks")).status_code == 403
    assert member.post(reverse("org:sign_in_unlock"), {"account": "mia"}).status_code == 403
    assert AccessAttempt.objects.filter(username="mia").exists()


def test_it_refuses_to_unlock_something_that_is_not_an_address(company: Company) -> None:
    admin = Client()
    admin.force_login(company.alice)

    response = admin.post(reverse("org:sign_in_unlock"), {"address": "not-an-ip"}, follow=True)

    assert "not an account or an address" in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="sign_in.").exists()


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "10.1.2.3"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}, "203.0.113.7"),
        (2, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7, 10.0.0.9"}, "203.0.113.7"),
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not an address"}, None),
    ],
    ids=["no-proxy-ignores-the-header", "one-proxy", "two-proxies", "proxy-without-header", "garbage"],
)
def test_it_counts_by_the_address_the_outermost_trusted_proxy_saw(
    settings: Settings, proxies: int, meta: dict[str, Any], expected: str | None
) -> None:
    """A client can write anything into X-Forwarded-For: only the entries the trusted proxies appended count."""
    settings.QIBU_PROXY_COUNT = proxies
    request = RequestFactory().get("/", **meta)
    assert client_address(request) == expected


def test_it_shows_the_locks_page_in_chinese_with_locks_on_it(company: Company) -> None:
    from tests.project.test_untranslated import PRODUCT_WORDS, _user_data, english_words, visible_text

    fail("mia", ACCOUNT_LIMIT)
    for index in range(ADDRESS_LIMIT // (ACCOUNT_LIMIT - 1) + 1):
        fail(f"guess{index}", ACCOUNT_LIMIT - 1, address=HOME)
    admin = Client(headers={"Accept-Language": "zh-hans"})
    admin.cookies["qibu_language"] = "zh-hans"
    admin.force_login(company.alice)

    html = admin.get(reverse("org:sign_in_locks")).content.decode()

    assert OFFICE not in html  # five failures from the office lock mia, not the office
    assert HOME in html and "mia" in html
    assert not english_words(visible_text(html), PRODUCT_WORDS | _user_data(company))
