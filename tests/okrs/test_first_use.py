"""What new users tripped over on the OKR pages (issue 6, item 2), each as the person would notice it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qibu.okrs.models import Level
from qibu.okrs.services import key_result_create, objective_create
from tests.conftest import Company


@pytest.fixture(autouse=True)
def english(client: Client) -> None:
    client.cookies["qibu_language"] = "en"


# --- my OKRs for someone whose objectives are annual ------------------------------------------------


def test_it_shows_the_years_objectives_to_someone_with_none_this_quarter(client: Client, company: Company) -> None:
    """The CEO sets annual objectives only: the landing page shows them under the year's name instead of
    saying there are none in the quarter."""
    annual = objective_create(
        actor=company.erin, cycle=company.year, level=Level.COMPANY, owner=company.erin, title="全年收入翻一番"
    )
    key_result_create(actor=company.erin, objective=annual, title="收入达到 2 亿元", start_value=1, target_value=2)
    client.force_login(company.erin)
    html = client.get(reverse("okrs:my")).content.decode()
    assert "全年收入翻一番" in html
    assert "收入达到 2 亿元" in html
    assert f"My objectives in {company.year.name}<" in html
    assert "You have no objectives in" not in html


def test_it_lists_the_quarter_before_the_year_each_under_its_name(client: Client, company: Company) -> None:
    objective_create(
        actor=company.erin, cycle=company.year, level=Level.PERSON, owner=company.erin, title="年度个人目标"
    )
    objective_create(
        actor=company.erin, cycle=company.quarter, level=Level.PERSON, owner=company.erin, title="季度个人目标"
    )
    client.force_login(company.erin)
    html = client.get(reverse("okrs:my")).content.decode()
    quarter_head = html.index(f"My objectives in {company.quarter.name}<")
    year_head = html.index(f"My objectives in {company.year.name}<")
    assert quarter_head < html.index("季度个人目标") < year_head < html.index("年度个人目标")


def test_it_shows_only_the_cycle_picked(client: Client, company: Company) -> None:
    objective_create(
        actor=company.erin, cycle=company.year, level=Level.PERSON, owner=company.erin, title="年度个人目标"
    )
    client.force_login(company.erin)
    html = client.get(reverse("okrs:my") + f"?cycle={company.quarter.pk}").content.decode()
    assert "年度个人目标" not in html
    assert f"You have no objectives in {company.quarter.name}." in html
