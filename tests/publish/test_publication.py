"""The publication (PUB-1 … PUB-3): who is ready, the snapshot, what changed, the page everyone reads, the download."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.jobs.models import Job
from qibu.notify.models import OutboxMail
from qibu.okrs.models import Approval, KeyResult, Level, Objective
from qibu.okrs.services import key_result_create, key_result_update, objective_create, objective_update
from qibu.org.models import Person
from qibu.org.services import person_create
from qibu.publish import selectors
from qibu.publish.models import Entry, Part, Publication, State
from qibu.publish.services import publication_publish
from tests.conftest import Company, Okrs
from tests.publish.conftest import Quarter, compiled

MESSAGE = "这个季度我们只做三件事。"


def _publish(c: Company, **kwargs: Any) -> Publication:
    """Publish and run the compile job (as the worker would)."""
    return compiled(
        publication_publish(
            actor=c.erin, cycle=c.quarter, message=kwargs.pop("message", MESSAGE), anyway=True, **kwargs
        )
    )


def _titles(publication: Publication, part: str) -> list[str]:
    return list(
        Entry.objects.filter(publication=publication, part=part).order_by("position").values_list("title", flat=True)
    )


def test_it_names_who_is_not_ready_and_refuses_without_anyway_PUB_1(company: Company, quarter: Quarter) -> None:
    """PUB-1: published when all OKRs are set; otherwise only 'anyway', naming who is missing."""
    readiness = selectors.readiness(company.quarter)
    missing = {(m.kind, m.name, m.reason) for m in readiness.missing}
    assert ("person", str(company.oscar), "none") in missing
    assert ("person", str(company.alice), "none") in missing
    assert ("department", "市场部", "none") in missing
    assert not any(name == str(company.mia) for _kind, name, _reason in missing)
    with pytest.raises(ValidationError) as refused:
        publication_publish(actor=company.erin, cycle=company.quarter, message=MESSAGE)
    assert "Publish anyway" in str(refused.value.message_dict["anyway"])
    assert "欧斯卡" in str(refused.value.message_dict["anyway"])
    assert Publication.objects.count() == 0


def test_it_counts_a_draft_as_not_ready_PUB_1_SET_1(company: Company, okrs: Okrs) -> None:
    """PUB-1, SET-1: "approved" means agreed (approved now or once before); a draft never approved is not ready
    and not published, a change waiting for approval again keeps it published as it stands."""
    Objective.objects.filter(pk=okrs["mine"].pk).update(approval=Approval.SUBMITTED, approved_at=None)
    readiness = selectors.readiness(company.quarter)
    assert ("person", str(company.mia), "draft") in {(m.kind, m.name, m.reason) for m in readiness.missing}
    publication = _publish(company)
    assert "打开苏州市场" not in _titles(publication, Part.PERSON)
    Objective.objects.filter(pk=okrs["mine"].pk).update(approved_at=timezone.now())  # approved once
    readiness = selectors.readiness(company.quarter)
    assert not any(m.name == str(company.mia) for m in readiness.missing)
    assert "打开苏州市场" in _titles(_publish(company, message="第二次"), Part.PERSON)


def test_it_needs_the_leaders_message_and_a_quarter_PUB_3(company: Company, quarter: Quarter) -> None:
    with pytest.raises(ValidationError) as refused:
        publication_publish(actor=company.erin, cycle=company.year, message=" ", anyway=True)
    assert set(refused.value.message_dict) == {"cycle", "message"}
    with pytest.raises(PermissionDenied):
        publication_publish(actor=company.hank, cycle=company.quarter, message=MESSAGE, anyway=True)
    assert Publication.objects.count() == 0


def test_it_compiles_every_level_and_the_previous_quarter_PUB_1(company: Company, quarter: Quarter) -> None:
    """PUB-1: company annual, company quarterly, department and personal OKRs, and the previous quarter's summary."""
    publication = _publish(company)
    assert _titles(publication, Part.ANNUAL) == ["全年营收翻番"]
    assert _titles(publication, Part.COMPANY) == ["成为华东市场第一"]
    assert set(_titles(publication, Part.DEPARTMENT)) == {"销售部拿下十家标杆客户", "销售部内部目标"}
    assert _titles(publication, Part.PERSON) == ["打开苏州市场"]
    assert _titles(publication, Part.PREVIOUS) == ["上季度目标"]
    mine = Entry.objects.get(publication=publication, title="打开苏州市场")
    assert mine.owner_name == str(company.mia) and mine.department_name == "销售部"
    assert mine.parents == ["销售部拿下十家标杆客户"]
    assert mine.key_results[0]["title"] == "苏州新签 4 家客户"
    assert (mine.key_results[0]["start"], mine.key_results[0]["target"], mine.key_results[0]["unit"]) == (
        "0",
        "4",
        "家",
    )
    dept = Entry.objects.get(publication=publication, title="销售部拿下十家标杆客户")
    assert dept.parents == ["成为华东市场第一 · 季度收入达到 1000 万元"]
    previous = Entry.objects.get(publication=publication, part=Part.PREVIOUS)
    assert previous.key_results[0]["current"] == "6" and previous.key_results[0]["progress"] == "0.75"
    assert publication.message == MESSAGE and publication.previous_cycle is not None
    assert publication.recipients == 0  # nobody in `company` has an e-mail address


def test_it_leaves_private_objectives_out_entirely_PUB_2(company: Company, quarter: Quarter, client: Client) -> None:
    """PUB-2 with its limit: a private objective is in no part of the publication, not even for its owner."""
    publication = _publish(company)
    assert not Entry.objects.filter(publication=publication, objective_id=quarter["private"].pk).exists()
    client.force_login(company.alice)
    page = client.get(f"/publications/{publication.pk}/?part=person").content.decode()
    assert "私人目标" not in page and "打开苏州市场" in page


@pytest.mark.parametrize(("persona", "sees"), [("mia", True), ("hank", True), ("erin", True), ("oscar", False)])
def test_it_shows_a_department_only_objective_to_the_department_PUB_2(
    company: Company, quarter: Quarter, client: Client, persona: str, sees: bool
) -> None:
    publication = _publish(company)
    client.force_login(getattr(company, persona))
    page = client.get(f"/publications/{publication.pk}/").content.decode()
    assert ("销售部内部目标" in page) is sees
    assert "销售部拿下十家标杆客户" in page  # visible to the whole company
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/publications/{publication.pk}/publication.xlsx").content)
    )
    cells = {str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert ("销售部内部目标" in cells) is sees


def test_it_says_what_changed_since_the_last_publication_PUB_1(company: Company, quarter: Quarter, okrs: Okrs) -> None:
    c = company
    first = _publish(c)
    assert first.changes == []
    key_result_update(actor=c.mia, key_result=okrs["my_kr"], data={"title": "苏州新签 5 家客户", "target_value": 5})
    KeyResult.objects.filter(pk=okrs["department_kr"].pk).delete()
    objective_update(actor=c.erin, objective=okrs["company"], data={"title": "成为华东市场第一名"})
    added = objective_create(actor=c.oscar, cycle=c.quarter, level=Level.PERSON, owner=c.oscar, title="做好品牌")
    key_result_create(actor=c.oscar, objective=added, title="曝光 100 万", start_value=0, target_value=100)
    key_result_create(actor=c.erin, objective=okrs["company"], title="新客户 20 家", start_value=0, target_value=20)
    second = _publish(c, message="第二版")
    assert second.number == 2
    found = {(ch["change"], ch["what"], ch["title"]) for ch in second.changes}
    assert ("added", "objective", "做好品牌") in found
    assert ("retitled", "objective", "成为华东市场第一名") in found
    assert ("retitled", "key_result", "苏州新签 5 家客户") in found
    assert ("target", "key_result", "苏州新签 5 家客户") in found
    assert ("removed", "key_result", "签约标杆客户 10 家") in found
    assert ("added", "key_result", "新客户 20 家") in found
    Objective.objects.filter(pk=added.pk).delete()
    third = _publish(c, message="第三版")
    assert ("removed", "objective", "做好品牌") in {(ch["change"], ch["what"], ch["title"]) for ch in third.changes}
    client = Client()
    client.force_login(c.mia)
    page = client.get(f"/publications/{second.pk}/").content.decode()
    assert "做好品牌" in page and "target changed" in page and "0 → 4 家 → 0 → 5 家" in page


def test_it_answers_the_same_publication_when_sent_twice_while_compiling(company: Company, quarter: Quarter) -> None:
    """A form sent twice before the worker compiled the first asks for one publication (and so mails once)."""
    first = publication_publish(actor=company.erin, cycle=company.quarter, message=MESSAGE, anyway=True)
    again = publication_publish(actor=company.erin, cycle=company.quarter, message=MESSAGE, anyway=True)
    assert again.pk == first.pk and Publication.objects.count() == 1
    assert Job.objects.filter(task="publish.compile").count() == 1
    assert compiled(first).state == State.PUBLISHED


def test_it_publishes_nothing_again_when_nothing_changed(company: Company, quarter: Quarter, client: Client) -> None:
    """Published again with the same OKRs, message and people missing: the compile job marks it "unchanged",
    pointing to the publication it repeats, gives it no number, and mails nobody."""
    first = _publish(company)
    again = _publish(company)
    assert again.pk != first.pk
    assert (again.state, again.same_as_id, again.number) == (State.UNCHANGED, first.pk, None)
    assert not Entry.objects.filter(publication=again).exists()
    assert Job.objects.filter(task="publish.mail").count() == 1
    client.force_login(company.erin)
    page = client.get(f"/publications/{again.pk}/progress/").content.decode()
    assert "Nothing changed" in page and f'href="/publications/{first.pk}/"' in page
    assert client.get(f"/publications/{again.pk}/")["Location"] == f"/publications/{first.pk}/"
    assert _publish(company, message="新的话").number == 2


def test_it_shows_the_message_as_text_never_as_html_PUB_3(company: Company, quarter: Quarter, client: Client) -> None:
    publication = _publish(company, message='<script>alert("x")</script><img src=x onerror=alert(1)>')
    client.force_login(company.oscar)
    page = client.get(f"/publications/{publication.pk}/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_it_downloads_one_sheet_per_part_with_formulas_neutralised_PUB_2(
    company: Company, quarter: Quarter, okrs: Okrs, client: Client
) -> None:
    objective_update(actor=company.mia, objective=okrs["mine"], data={"title": '=HYPERLINK("http://evil.example","x")'})
    publication = _publish(company)
    client.force_login(company.mia)
    response = client.get(f"/publications/{publication.pk}/publication.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:6] == [
        "Leaders' message",
        "Company annual OKRs",
        "Company quarterly OKRs",
        "Department quarterly OKRs",
        "Personal quarterly OKRs",
        "Summary of the previous quarter",
    ]
    people = workbook["Personal quarterly OKRs"]
    titles = [row[3] for row in people.iter_rows(min_row=2, values_only=True)]
    assert titles == ['\'=HYPERLINK("http://evil.example","x")']
    previous = list(workbook["Summary of the previous quarter"].iter_rows(min_row=2, values_only=True))
    assert previous[0][3] == "上季度目标" and previous[0][6] == "0 → 8 家" and previous[0][9] == "not scored"


def test_it_shows_the_previous_quarter_with_progress_and_not_scored_PUB_1(
    company: Company, quarter: Quarter, client: Client
) -> None:
    publication = _publish(company)
    client.force_login(company.oscar)
    page = client.get(f"/publications/{publication.pk}/?part=previous").content.decode()
    assert "上季度签约 8 家" in page and "75%" in page and "not scored" in page


def test_it_reads_in_chinese_PUB_2(company: Company, quarter: Quarter, client: Client) -> None:
    publication = _publish(company)
    client.force_login(company.oscar)
    page = client.get(f"/publications/{publication.pk}/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "公司季度 OKR" in page and "为什么这些 OKR 重要" in page
    assert "您" not in page


def _people(company: Company, upto: int) -> None:
    """People of sales with an address and a personal objective each, up to `upto` of them."""
    have = Person.objects.filter(username__startswith="p").count()
    for index in range(have, upto):
        person = person_create(
            actor=None,
            username=f"p{index}",
            full_name=f"员工{index}",
            department=company.sales,
            email=f"p{index}@x.example",
        )
        objective = objective_create(
            actor=person, cycle=company.quarter, level=Level.PERSON, owner=person, title=f"目标{index}"
        )
        key_result_create(actor=person, objective=objective, title=f"关键结果{index}", start_value=0, target_value=3)


@pytest.mark.parametrize(
    ("persona", "part", "expected"), [("mia", "", 8), ("mia", "person", 7), ("hank", "", 8), ("alice", "previous", 6)]
)
def test_it_reads_the_publication_page_in_the_same_number_of_queries_at_two_sizes(
    company: Company,
    quarter: Quarter,
    django_assert_num_queries: DjangoAssertNumQueries,
    persona: str,
    part: str,
    expected: int,
) -> None:
    client = Client()
    client.force_login(getattr(company, persona))
    for size in (2, 40):
        _people(company, size)
        publication = compiled(
            publication_publish(actor=company.erin, cycle=company.quarter, message=f"{MESSAGE}{size}", anyway=True)
        )
        assert Entry.objects.filter(publication=publication, part=Part.PERSON).count() == size + 1
        with django_assert_num_queries(expected):
            assert client.get(f"/publications/{publication.pk}/?part={part}").status_code == 200


def test_it_lists_a_quarters_publications_with_their_history(
    company: Company, quarter: Quarter, client: Client
) -> None:
    publication = _publish(company)
    client.force_login(company.alice)
    page = client.get(f"/publications/?cycle={company.quarter.pk}").content.decode()
    assert f"/publications/{publication.pk}/" in page and "published the OKRs" in page
    assert OutboxMail.objects.count() == 0
