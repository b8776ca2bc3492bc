"""Finding @mentions (PUB-3): by full name, Chinese too, or by username, the longest name first."""

from __future__ import annotations

from pytest_django import DjangoAssertNumQueries

from qibu.discuss.mentions import mention_spans, mentions_find
from qibu.org.models import Person
from qibu.org.services import person_create
from tests.conftest import Company


def _people(*names: tuple[str, str]) -> list[Person]:
    return [Person(pk=i + 1, username=u, full_name=f) for i, (u, f) in enumerate(names)]


def test_it_takes_the_longest_name_so_zhang_sanfeng_is_not_zhang_san_PUB_3() -> None:
    people = _people(("zs", "张三"), ("zsf", "张三丰"))
    spans = mention_spans("请@张三丰看一下，@张三也看", people)
    assert [(s.name, s.person.username if s.person else None) for s in spans] == [("张三丰", "zsf"), ("张三", "zs")]


def test_it_finds_chinese_names_followed_by_text_and_usernames_in_any_case_PUB_3() -> None:
    people = _people(("mia", "米娅"), ("alice", "Alice 管理员"))
    spans = mention_spans("@米娅你好 @MIA @Alice 管理员 请看", people)
    assert [s.person.username for s in spans if s.person] == ["mia", "mia", "alice"]
    assert spans[2].name == "Alice 管理员"


def test_it_does_not_run_a_latin_name_into_a_longer_word_nor_read_an_address() -> None:
    people = _people(("mia", "米娅"))
    assert mention_spans("@miao mia@yunzhou.example", people) == []
    assert [s.name for s in mention_spans("@mia, @mia.", people)] == ["mia", "mia"]


def test_it_mentions_no_one_by_a_name_two_people_share() -> None:
    people = _people(("zhangwei", "张伟"), ("zhangwei2", "张伟"))
    (span,) = mention_spans("@张伟 请看", people)
    assert span.person is None and {p.username for p in span.sharing} == {"zhangwei", "zhangwei2"}


def test_it_reads_the_mentioned_in_one_query_whatever_the_company(
    company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(30):
        person_create(actor=None, username=f"p{i}", full_name=f"员工{i}", password="x" * 12)
    person_create(actor=None, username="zsf", full_name="张三丰", password="x" * 12)
    person_create(actor=None, username="zs", full_name="张三", password="x" * 12)
    with django_assert_num_queries(1):
        found = mentions_find("@张三丰 和 @mia 看看 100%_的 @欧斯卡")
    assert [p.username for p in found.people] == ["zsf", "mia", "oscar"]
    assert mentions_find("没有提到任何人").people == []
