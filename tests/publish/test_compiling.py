"""Compiling a publication in the background (issue 7, items 3 and 10): the publish request answers before any
objective is copied; the worker's job compiles it once however often it runs; a failed compile shows its error to
those who publish and is compiled again when they ask."""

from __future__ import annotations

import pytest
from django.test import Client

from qibu.jobs.models import Job
from qibu.jobs.worker import Worker
from qibu.publish import services, snapshot
from qibu.publish.models import Entry, Publication, State
from qibu.publish.services import publication_compile, publication_publish
from tests.conftest import Company
from tests.publish.conftest import Quarter

MESSAGE = "这个季度我们只做三件事。"


def _ask(c: Company) -> Publication:
    return publication_publish(actor=c.erin, cycle=c.quarter, message=MESSAGE, anyway=True)


def test_it_answers_before_the_entries_exist_and_the_job_compiles_them_PUB_1(
    company: Company, quarter: Quarter, client: Client
) -> None:
    publication = _ask(company)
    assert (publication.state, publication.number) == (State.COMPILING, None)
    assert not Entry.objects.filter(publication=publication).exists()
    job = Job.objects.get(task="publish.compile")
    assert job.args == {"publication": publication.pk}
    client.force_login(company.oscar)  # not one who publishes: nothing to read yet
    assert client.get(f"/publications/{publication.pk}/").status_code == 404
    assert f"/publications/{publication.pk}/" not in client.get("/publications/").content.decode()
    Worker(name="w").run(until_empty=True)
    publication.refresh_from_db()
    assert (publication.state, publication.number) == (State.PUBLISHED, 1)
    assert Entry.objects.filter(publication=publication).count() == 6
    assert Job.objects.filter(task="publish.mail").count() == 1
    assert "销售部拿下十家标杆客户" in client.get(f"/publications/{publication.pk}/").content.decode()


def test_it_compiles_once_when_the_job_runs_twice(company: Company, quarter: Quarter) -> None:
    """A job run again (its worker killed after the commit, its lease run out) copies nothing twice and enqueues
    no second mailing."""
    publication = _ask(company)
    assert publication_compile(publication.pk) == State.PUBLISHED
    assert publication_compile(publication.pk) == State.PUBLISHED
    assert Entry.objects.filter(publication=publication).count() == 6
    assert Job.objects.filter(task="publish.mail").count() == 1
    assert Publication.objects.get(pk=publication.pk).number == 1


def test_it_shows_a_failed_compile_and_compiles_it_again_when_asked(
    company: Company, quarter: Quarter, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    publication = _ask(company)

    def broken(publication: Publication) -> int:
        Entry.objects.create(publication=publication, part="company", objective_id=1, level="company", title="x")
        raise RuntimeError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(snapshot, "snapshot_write", broken)
        Worker(name="w").run(until_empty=True)
    publication.refresh_from_db()
    assert publication.state == State.FAILED and "disk full" in publication.error
    assert not Entry.objects.filter(publication=publication).exists()  # rolled back
    assert not Job.objects.filter(task="publish.mail").exists()
    client.force_login(company.hank)
    assert client.post(f"/publications/{publication.pk}/retry/").status_code == 403
    client.force_login(company.erin)
    page = client.get(f"/publications/{publication.pk}/progress/").content.decode()
    assert "Compiling the publication failed" in page and "disk full" in page
    assert f'action="/publications/{publication.pk}/retry/"' in page and 'hx-trigger="every 2s"' not in page
    response = client.post(f"/publications/{publication.pk}/retry/")
    assert response.status_code == 302
    assert Publication.objects.get(pk=publication.pk).state == State.COMPILING
    Worker(name="w").run(until_empty=True)
    publication.refresh_from_db()
    assert (publication.state, publication.error, publication.number) == (State.PUBLISHED, "", 1)
    assert Entry.objects.filter(publication=publication).count() == 6
    assert Job.objects.filter(task="publish.compile").count() == 2


def test_it_retries_only_a_failed_compile(company: Company, quarter: Quarter) -> None:
    publication = _ask(company)
    publication_compile(publication.pk)
    with pytest.raises(Exception, match="compiling failed"):
        services.publication_retry(actor=company.erin, publication=publication)
