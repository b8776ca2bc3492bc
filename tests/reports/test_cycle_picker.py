"""The cycle picker of the report pages and closing a cycle (issue 6, item 2: cycles)."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse

from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.selectors import cycle_for_request, cycle_picker
from qibu.cycles.services import cycle_create
from qibu.okrs.models import Level
from qibu.okrs.services import objective_create
from qibu.org.models import Person
from tests.conftest import Company


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _options(html: str) -> list[str]:
    """The names of the picker's options, in the order shown."""
    start = html.index('<select id="cycle-select"')
    select = html[start : html.index("</select>", start)]
    return [name.split(" · ")[0].strip() for name in re.findall(r"<option [^>]*>([^<]*)</option>", select)]


def test_it_lists_the_current_cycle_first_then_each_kind_newest_first(company: Company) -> None:
    cycle_create(actor=None, name="新品项目", start=dt.date(2026, 3, 1), end=dt.date(2026, 8, 31), kind="project_stage")
    picker = cycle_picker(today=dt.date(2026, 5, 17))
    assert picker.current is not None and picker.current.name == "2026 Q2"
    groups = {str(group.label): [c.name for c in group.cycles] for group in picker.groups}
    assert groups["Quarters"] == ["2026 Q4", "2026 Q3", "2026 Q1"]
    assert groups["Years"] == ["2026"]
    assert groups["Months"] == [f"2026-{m:02}" for m in range(12, 0, -1)]
    assert groups["Custom cycles and project stages"] == ["新品项目"]


def test_it_shows_the_current_cycle_first_in_the_page_picker(company: Company) -> None:
    html = client_for(company.mia).get(reverse("reports:company")).content.decode()
    current = cycle_for_request(None)
    assert current is not None
    names = _options(html)
    assert names[0] == current.name
    assert names.count(current.name) == 1


def test_it_reaches_a_monthly_cycle_from_the_picker(company: Company) -> None:
    """Months were left out of every cycle list, so a monthly objective could not be shown."""
    november = Cycle.objects.get(kind=CycleKind.MONTH, start=dt.date(2026, 11, 1))
    objective_create(actor=company.mia, cycle=november, level=Level.PERSON, owner=company.mia, title="十一月冲刺")
    client = client_for(company.mia)
    html = client.get(reverse("reports:company")).content.decode()
    assert "2026-11" in _options(html)
    response = client.get(reverse("reports:person", args=[company.mia.pk]), {"cycle": november.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{november.pk}" selected>' in page
    assert "十一月冲刺" in page


def test_it_lists_monthly_cycles_on_the_cycles_settings_page(company: Company) -> None:
    html = client_for(company.alice).get(reverse("cycles:list")).content.decode()
    assert "2026-11" in html


def test_it_asks_before_closing_a_cycle(company: Company) -> None:
    """A close without the confirmation shows what closing stops and changes nothing; works without JavaScript."""
    objective_create(actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title="目标")
    client = client_for(company.alice)
    url = reverse("cycles:close", args=[company.quarter.pk])
    settings_page = client.get(reverse("cycles:list")).content.decode()
    assert f'href="{url}"' in settings_page  # a link to the confirmation page, not a direct close
    for response in (client.get(url), client.post(url, {"closed": "1"})):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Close the cycle “2026 Q4”?" in html
        assert "Its 1 objective takes no more check-ins or edits" in html
        assert 'name="confirm" value="1"' in html
        assert not Cycle.objects.get(pk=company.quarter.pk).is_closed
    response = client.post(url, {"closed": "1", "confirm": "1"})
    assert response.status_code == 302
    assert Cycle.objects.get(pk=company.quarter.pk).is_closed


def test_it_reopens_a_closed_cycle_at_once(company: Company) -> None:
    client = client_for(company.alice)
    url = reverse("cycles:close", args=[company.quarter.pk])
    client.post(url, {"closed": "1", "confirm": "1"})
    assert client.post(url, {"closed": "0"}).status_code == 302
    assert not Cycle.objects.get(pk=company.quarter.pk).is_closed
