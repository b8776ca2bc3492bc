"""Near-duplicate objectives in one department (COACH-2): Chinese compared by its words (jieba), not by its
characters, English by lowercased words; jieba is loaded only by the comparison, never by importing Qibu or by a
page with nothing to compare, and offline (its dictionary ships with it)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qibu.okrs import coach
from qibu.okrs.coach import DUPLICATE_THRESHOLD, near_duplicates, similarity, title_words
from qibu.okrs.models import Level, Visibility
from qibu.okrs.services import objective_create
from tests.conftest import Company, Okrs
from tests.processes import ROOT

# Pairs a reader takes for one objective twice, and the threshold (DUPLICATE_THRESHOLD) keeps.
DUPLICATES = [
    ("提升华东区客户满意度", "提高华东客户的满意度"),  # synonyms, a particle, a longer place name
    ("打开苏州市场", "开拓苏州市场"),
    ("成为华东市场第一", "成为华东市场的第一名"),
    ("提升产品质量", "产品质量提升"),  # the same words in another order
    ("建设高绩效销售团队", "打造高绩效的销售团队"),
    ("提升客户满意度", "提升华东客户满意度"),
    ("让门店用上新收银系统", "让更多门店用上新的收银系统"),
    ("Improve customer satisfaction in East China", "Raise customer satisfaction in East China"),
    ("Launch the mobile app", "Launch our mobile app"),
    ("Win more enterprise customers", "Win enterprise clients"),
]
# Pairs that share words, or most of their characters, and say different things.
DIFFERENT = [
    ("打开苏州市场", "打开无锡市场"),  # another city
    ("提高产品销量", "提高销售产量"),  # five characters of six in common, one word of five
    ("提升客户满意度", "提升员工满意度"),
    ("提升客户满意度", "降低客户流失率"),
    ("建设高绩效销售团队", "建设市场团队"),
    ("成为华东市场第一", "打开苏州市场"),
    ("Open the Suzhou market", "Open the Wuxi market"),
    ("Improve customer satisfaction", "Improve employee satisfaction"),
]


def _characters(first: str, second: str) -> float:
    a, b = set(first), set(second)
    return len(a & b) / len(a | b)


@pytest.mark.parametrize(("first", "second"), DUPLICATES)
def test_it_finds_near_duplicates_by_their_words(first: str, second: str) -> None:
    """COACH-2."""
    assert similarity(title_words(first), title_words(second)) >= DUPLICATE_THRESHOLD
    assert near_duplicates({1: first, 2: second}) == {1: [2], 2: [1]}


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_it_tells_apart_objectives_that_share_words_or_characters(first: str, second: str) -> None:
    """COACH-2."""
    assert similarity(title_words(first), title_words(second)) < DUPLICATE_THRESHOLD
    assert near_duplicates({1: first, 2: second}) == {}


def test_it_compares_chinese_by_words_not_by_characters() -> None:
    """COACH-2: 提高产品销量 and 提高销售产量 have most characters in common, and one word (提高)."""
    first, second = "提高产品销量", "提高销售产量"
    assert _characters(first, second) > DUPLICATE_THRESHOLD
    assert title_words(first) == {"提升", "产品", "销量"}  # 提高 and 提升 are one word here
    assert title_words(second) == {"提升", "销售", "产量"}


def test_it_drops_stop_words_and_punctuation_and_lowercases_english() -> None:
    assert title_words("提升 华东区的 客户满意度!") == title_words("提升华东区客户满意度")
    assert title_words("The Customers, in EAST China") == {"customer", "east", "china"}


def test_it_lists_the_most_alike_first() -> None:
    found = near_duplicates({1: "打开苏州市场", 2: "开拓苏州的新市场", 3: "开拓苏州市场"})
    assert found[1] == [3, 2]


def test_it_looks_among_the_owners_own_personal_objectives(okrs: Okrs, company: Company) -> None:
    """COACH-2: mia saying the same twice; not a colleague in her role writing alike (hank), nor marketing, nor
    one she may not see."""
    c = company
    objective_create(actor=c.hank, cycle=c.quarter, level=Level.PERSON, owner=c.hank, title="开拓苏州市场")
    objective_create(actor=c.oscar, cycle=c.quarter, level=Level.PERSON, owner=c.oscar, title="打开苏州市场")
    assert coach.objective_advice(organisation=c.org, objective=okrs["mine"], viewer=c.mia) == []
    twin = objective_create(actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="开拓苏州的市场")
    advice = coach.objective_advice(organisation=c.org, objective=okrs["mine"], viewer=c.mia)
    assert [a.rule for a in advice] == ["COACH-2"]
    assert advice[0].text.startswith("This objective says nearly the same as “开拓苏州的市场”, another objective of")
    assert "of the same owner in this cycle" in advice[0].text
    assert "merge them, or make plain what each achieves" in advice[0].text
    twin.visibility = Visibility.PRIVATE
    twin.save(update_fields=["visibility"])
    assert coach.objective_advice(organisation=c.org, objective=okrs["mine"], viewer=c.oscar) == []
    assert coach.objective_advice(organisation=c.org, objective=okrs["mine"]) == []  # no viewer: what all see


def test_it_looks_among_the_departments_objectives_of_the_same_level(okrs: Okrs, company: Company) -> None:
    """COACH-2: two department objectives of sales; not marketing's, nor a personal one."""
    c = company
    objective_create(actor=c.oscar, cycle=c.quarter, level=Level.DEPARTMENT, department=c.marketing,
                     owner=c.oscar, title="销售部拿下十家标杆客户")  # fmt: skip
    objective_create(actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="拿下十家标杆客户")
    assert coach.objective_advice(organisation=c.org, objective=okrs["department"], viewer=c.hank) == []
    objective_create(actor=c.hank, cycle=c.quarter, level=Level.DEPARTMENT, department=c.sales, owner=c.hank,
                     title="拿下十家标杆客户")  # fmt: skip
    advice = coach.objective_advice(organisation=c.org, objective=okrs["department"], viewer=c.hank)
    assert [a.rule for a in advice] == ["COACH-2"]
    assert "another objective of the same department in this cycle" in advice[0].text
    with translation.override("zh-hans"):
        advice = coach.objective_advice(organisation=c.org, objective=okrs["department"], viewer=c.hank)
    assert advice[0].text.startswith("这个目标与同一部门这个周期内的另一个目标“拿下十家标杆客户”说法几乎相同。")


def test_it_compares_company_objectives_with_the_companys(okrs: Okrs, company: Company) -> None:
    """COACH-2 among company objectives (VIS-2 aside: no strategic goals here)."""
    c = company
    objective_create(actor=c.erin, cycle=c.quarter, level=Level.COMPANY, owner=c.erin, title="成为华东市场的第一名")
    advice = coach.objective_advice(organisation=c.org, objective=okrs["company"], viewer=c.erin)
    assert [a.rule for a in advice] == ["VIS-2", "COACH-2"]
    assert "another company objective in this cycle" in advice[1].text


def test_it_compares_what_is_typed_with_the_department_in_the_editor(okrs: Okrs, company: Company) -> None:
    """COACH-2 as one types, among the owner's objectives."""
    objective_create(
        actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="提升华东区客户满意度"
    )
    client = Client()
    client.force_login(company.mia)
    data = {"title": "提高华东客户的满意度", "level": "person", "cycle": company.quarter.pk, "owner": company.mia.pk}
    html = client.post(reverse("okrs:editor_warnings"), data, headers={"HX-Request": "true"}).content.decode()
    assert "This objective says nearly the same as “提升华东区客户满意度”, another objective of the same owner" in html
    data["title"] = "打开无锡市场"
    html = client.post(reverse("okrs:editor_warnings"), data, headers={"HX-Request": "true"}).content.decode()
    assert "nearly the same" not in html


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "qibu.settings", "PYTHONPATH": str(ROOT)}
    environment |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'coach.sqlite3'}", "QIBU_TESTING": "1"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_it_loads_jieba_only_to_compare_titles(tmp_path: Path) -> None:
    """In a process of its own (this one may have loaded jieba already): importing every module of Qibu, migrating,
    and rendering the pages people use — the objective page with its coach for its owner, the editor, the key result's
    form, the quality report — with nothing to compare leave jieba unloaded; the editor comparing what is typed with
    a stored objective of the department loads it."""
    result = _run(
        """
        import importlib, pkgutil, sys
        import django
        django.setup()
        import qibu
        for module in pkgutil.walk_packages(qibu.__path__, "qibu."):
            if ".migrations" not in module.name and not module.name.endswith(".tests"):
                importlib.import_module(module.name)
        assert "jieba" not in sys.modules, "importing Qibu loaded jieba"
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        from django.test import Client
        from django.test.utils import setup_test_environment
        setup_test_environment()
        from qibu.cycles.models import Cycle
        from qibu.cycles.services import cycles_generate_year
        from qibu.okrs.models import Level
        from qibu.okrs.services import key_result_create, objective_create
        from qibu.org.models import Organisation, Role
        from qibu.org.services import department_create, person_create
        Organisation.objects.create(pk=1, name="云舟", default_language="zh-hans")
        cycles_generate_year(actor=None, fiscal_year=2026)
        quarter = Cycle.objects.filter(kind="quarter").order_by("start").first()
        sales = department_create(actor=None, name="销售部")
        mia = person_create(actor=None, username="mia", full_name="米娅", password="x" * 20, department=sales)
        admin = person_create(actor=None, username="alice", full_name="Alice", password="x" * 20, role=Role.ADMIN)
        mine = objective_create(actor=mia, cycle=quarter, level=Level.PERSON, owner=mia, title="打开苏州市场")
        kr = key_result_create(actor=mia, objective=mine, title="完成 4 家签约", start_value=0, target_value=4)
        from django.urls import reverse
        client = Client()
        client.force_login(mia)
        typed = {"title": "开拓苏州市场", "level": "person", "owner": mia.pk, "cycle": quarter.pk}
        pages = [
            client.get("/"),
            client.get(reverse("okrs:my")),
            client.get(reverse("okrs:objective", args=[mine.pk])),
            client.get(reverse("okrs:objective_edit", args=[mine.pk])),
            client.get(reverse("okrs:kr_new", args=[mine.pk])),
            client.get(reverse("okrs:kr_edit", args=[kr.pk])),
            client.post(reverse("okrs:editor_warnings"), {**typed, "level": "department"}),
            client.post(reverse("okrs:kr_warnings"), {"objective": mine.pk, "title": "召开培训会"}),
            client.get(reverse("reports:quality"), {"cycle": quarter.pk}),
            client.get(reverse("reports:company"), {"cycle": quarter.pk}),
        ]
        client.force_login(admin)
        pages.append(client.get(reverse("org:coach")))
        assert [p.status_code for p in pages] == [200] * len(pages), [p.status_code for p in pages]
        assert "完成" in pages[2].content.decode()  # the key result, on its objective's page
        assert "jieba" not in sys.modules, "a page loaded jieba"
        client.force_login(mia)
        html = client.post(reverse("okrs:editor_warnings"), typed).content.decode()
        assert "打开苏州市场" in html, html
        assert "jieba" in sys.modules
        print("ok")
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")


def test_it_does_not_cut_titles_that_share_too_few_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """COACH-2 costs jieba's cutting only where a near-duplicate is possible at all."""

    def refuse(title: str) -> frozenset[str]:
        raise AssertionError(f"cut {title}")

    monkeypatch.setattr(coach, "title_words", refuse)
    assert near_duplicates({1: "打开苏州市场", 2: "降低客户流失率", 3: "Ship the Y3 till"}) == {}
