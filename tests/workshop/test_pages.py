"""The workshop's pages, as each person sees them (WS-1 … WS-7): the list, creating, preparing, the sheet, a
group's screen through the steps, the plenary, the decision and the record."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from qibu.org.models import Person
from qibu.workshop.models import Group, GroupPhase, Note, WorkshopState
from tests.conftest import PASSWORD, Company
from tests.workshop.conftest import NOTES, Setup, signed_in


def _room_url(setup: Setup, number: int) -> str:
    return f"/workshops/{setup.workshop.pk}/groups/{setup.group(number).pk}/"


def test_the_list_create_and_prepare_pages(company: Company, setup: Setup) -> None:
    erin = signed_in(company.erin)
    assert setup.workshop.topic in erin.get("/workshops/").content.decode()
    page = erin.get("/workshops/new/")
    assert page.status_code == 200 and "This year&#x27;s company objectives" in page.content.decode()
    refused = erin.post("/workshops/new/", {"cycle": "", "topic": "", "scheduled_for": ""})
    assert refused.status_code == 400
    assert "choose an annual cycle" in refused.content.decode()
    created = erin.post(
        "/workshops/new/",
        {"cycle": setup.year.pk, "topic": "年度目标", "scheduled_for": "2027-01-09T09:00", "observer": setup.ceo.pk},
    )
    assert created.status_code == 302
    prepare = erin.get(f"/workshops/{setup.workshop.pk}/prepare/").content.decode()
    assert "Draw the groups again" in prepare and str(setup.leader(1)) in prepare
    assert signed_in(company.mia).get(f"/workshops/{setup.workshop.pk}/prepare/").status_code == 403
    assert signed_in(company.alice).get(f"/workshops/{setup.workshop.pk}/").status_code == 200
    sheet = erin.get(f"/workshops/{setup.workshop.pk}/sheet/").content.decode()
    assert "five notes" in sheet and str(setup.leader(2)) in sheet


def test_an_outsider_sees_no_workshop(company: Company, setup: Setup) -> None:
    outsider = Person.objects.create_user(username="zed", password=PASSWORD, full_name="Zed")
    client = signed_in(outsider)
    for url in (f"/workshops/{setup.workshop.pk}/", _room_url(setup, 1), f"/workshops/{setup.workshop.pk}/live/"):
        assert client.get(url).status_code == 404
    assert setup.workshop.topic not in client.get("/workshops/").content.decode()


def test_ws_1_preparing_by_hand_and_starting_through_the_page(company: Company, setup: Setup) -> None:
    erin = signed_in(company.erin)
    url = f"/workshops/{setup.workshop.pk}/prepare/"
    leader = setup.leader(1)
    erin.post(url + "move/", {"person": leader.pk, "group": setup.group(2).pk})
    refused = erin.post(url + "start/")
    assert refused.status_code == 400 and "has no leader" in refused.content.decode()
    erin.post(url + "leader/", {"person": setup.members(1)[0].pk, "group": setup.group(1).pk})
    assert erin.post(url + "start/").status_code == 302
    assert setup.workshop.__class__.objects.get(pk=setup.workshop.pk).state == WorkshopState.RUNNING


def test_ws_3_a_hidden_note_never_reaches_another_screen_before_the_reveal(running: Setup) -> None:
    author, other = running.followers(1)[0], running.followers(1)[1]
    author_client = signed_in(author)
    url = _room_url(running, 1)
    assert author_client.post(url + "note/", {"text": "提升老客户复购率到三成"}).status_code == 302
    refused = author_client.post(url + "note/", {"text": "太短了"})
    assert refused.status_code == 400 and "this one has 3" in refused.content.decode()
    for viewer in (other, running.leader(1), running.ceo, running.company.erin):
        page = signed_in(viewer).get(url).content.decode()
        assert "提升老客户复购率到三成" not in page
    assert "提升老客户复购率到三成" in author_client.get(url).content.decode()
    running.to_phase(1, GroupPhase.COMBINE)
    assert "提升老客户复购率到三成" in signed_in(other).get(url).content.decode()


def test_html_in_a_note_is_shown_as_text(running: Setup) -> None:
    author = running.followers(1)[0]
    url = _room_url(running, 1)
    signed_in(author).post(url + "note/", {"text": "<script>alert(1)</script>提升客户满意度"})
    page = signed_in(author).get(url).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_member_posting_a_leader_action_is_refused_and_nothing_changes(running: Setup) -> None:
    member = running.followers(1)[0]
    answer = signed_in(member).post(_room_url(running, 1) + "phase/", {"phase": "combine"})
    assert answer.status_code == 403
    assert running.group(1).phase == GroupPhase.BRAINSTORM


def test_every_step_renders_for_leader_member_and_observer(running: Setup) -> None:
    url = _room_url(running, 1)
    running.write_all(1)
    viewers = (running.leader(1), running.followers(1)[0], running.ceo, running.company.erin)
    for phase in (GroupPhase.COMBINE,):
        running.to_phase(1, phase)
    leader = signed_in(running.leader(1))
    leader.post(url + "column/", {"title": "客户"})
    leader.post(url + "propose/")
    for viewer in viewers:
        assert signed_in(viewer).get(url).status_code == 200
    column = running.group(1).columns.get()
    for note in Note.objects.filter(group=running.group(1)):
        leader.post(url + "move/", {"note": note.pk, "column": column.pk, "version": note.version})
    assert not Note.objects.filter(group=running.group(1), column__isnull=True).exists()
    running.to_phase(1, GroupPhase.DISTIL)
    assert "Key words" in leader.get(url).content.decode()
    coach = leader.get(url + f"coach/?column={column.pk}&objective=收入1000万").content.decode()
    assert "COACH-1" in coach
    leader.post(url + "objective/", {"column": column.pk, "objective": "让老客户离不开我们"})
    running.to_phase(1, GroupPhase.RANK)
    for viewer in viewers:
        page = signed_in(viewer).get(url)
        assert page.status_code == 200 and "让老客户离不开我们" in page.content.decode()


@pytest.mark.parametrize("notes", [1, 5])
def test_the_room_makes_the_same_queries_whatever_the_number_of_notes(
    running: Setup, notes: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    group = running.group(1)
    for person in running.members(1):
        for text in NOTES[:notes]:
            Note.objects.create(group=group, author=person, text=text)
    client = signed_in(running.leader(1))
    client.get(_room_url(running, 1))
    with django_assert_num_queries(14):
        assert client.get(_room_url(running, 1)).status_code == 200


def test_the_plenary_decision_and_the_record(setup: Setup) -> None:
    from tests.workshop.test_result import _to_presented

    setup.start()
    _to_presented(setup, 1)
    _to_presented(setup, 2)
    erin = signed_in(setup.company.erin)
    assert erin.post(f"/workshops/{setup.workshop.pk}/plenary/").status_code == 302
    plenary = Group.objects.get(workshop=setup.workshop, is_plenary=True)
    url = f"/workshops/{setup.workshop.pk}/groups/{plenary.pk}/"
    erin.post(url + "column/", {"title": "全部"})
    column = plenary.columns.get()
    for note in Note.objects.filter(group=plenary):
        erin.post(url + "move/", {"note": note.pk, "column": column.pk})
    erin.post(url + "phase/", {"phase": "distil"})
    erin.post(url + "objective/", {"column": column.pk, "objective": "成为华东客户首选的伙伴"})
    member_page = signed_in(setup.followers(1)[0]).get(url).content.decode()
    assert "The CEO speaks last" in member_page
    assert erin.post(url + "decide/", {"chosen": [column.pk]}).status_code == 403
    ceo = signed_in(setup.ceo)
    assert "You speak last and decide" in ceo.get(url).content.decode()
    assert ceo.post(url + "decide/", {"chosen": [column.pk], "statement": "就这么定"}).status_code == 302
    detail = signed_in(setup.followers(1)[0]).get(f"/workshops/{setup.workshop.pk}/").content.decode()
    assert "成为华东客户首选的伙伴" in detail
    record = signed_in(setup.followers(1)[0]).get(f"/workshops/{setup.workshop.pk}/record/")
    assert record.status_code == 200 and "就这么定" in record.content.decode()
    xlsx = erin.get(f"/workshops/{setup.workshop.pk}/record.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # WS-7: the objective's own page says where it came from, anyone who sees it.
    column.refresh_from_db()
    origin = signed_in(setup.company.oscar).get(f"/objectives/{column.result_id}/").content.decode()
    assert "Where this objective came from" in origin and "让老客户离不开我们" in origin


def test_the_record_waits_for_the_decision_for_participants(running: Setup) -> None:
    url = f"/workshops/{running.workshop.pk}/record/"
    assert signed_in(running.followers(1)[0]).get(url).status_code == 404
    assert signed_in(running.company.erin).get(url).status_code == 200
