"""Every project page in Chinese (PLAY-PROJ, VIS-3): no English text that bypassed the catalogue, no rule ID without
its explanation; a refusal's message in Chinese too."""

from __future__ import annotations

import pytest

from tests.conftest import Company
from tests.project.test_permissions_matrix import (
    Row,
    world,  # noqa: F401  (the fixture, used by name)
)
from tests.project.test_rule_ids import bare_rule_ids
from tests.project.test_untranslated import _assert_chinese, _chinese_client
from tests.projects.test_permissions import (
    ROWS,
    ProjectMatrix,
    project_world,  # noqa: F401  (the fixture, used by name)
)

PAGES = [row for row in ROWS if row.method == "get" and not row.api and row.name != "no such project"]


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_it_shows_every_project_page_in_chinese_VIS_3(
    row: Row,
    project_world: ProjectMatrix,  # noqa: F811
    company: Company,
) -> None:
    """VIS-3: the project's vision and mission, and everything around them, in the reader's language."""
    persona = next(p for p in ("hank", "mia", "alice", "erin", "oscar") if row.expect.get(p) == "ok")
    response = _chinese_client(getattr(company, persona)).get(row.url(project_world, company))
    assert response.status_code == 200, response.status_code
    _assert_chinese(response, row.name, company)
    bare, _labels = bare_rule_ids(response.content.decode())
    assert not bare, bare


def test_it_refuses_a_stage_outside_the_project_in_chinese_PLAY_PROJ(
    project_world: ProjectMatrix,  # noqa: F811
    company: Company,
) -> None:
    """PLAY-PROJ 步骤四."""
    response = _chinese_client(company.hank).post(
        f"/projects/{project_world['project'].pk}/stages/new/",
        {"name": "复盘", "start": "2027-03-01", "end": "2027-04-30"},
    )
    assert response.status_code == 400
    _assert_chinese(response, "refused stage", company)
    text = response.content.decode()
    assert "阶段的结束日期" in text and "不在项目期间内" in text, text[
        text.find("error") - 100 : text.find("error") + 400
    ]
