"""The blocker pages in Chinese (EXE-2): a blocker raised, changed, escalated and resolved shows its page, its history,
the list and the form with no English that did not pass through the catalogue and no bare rule ID."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qibu.blockers.escalation import blockers_escalate
from qibu.blockers.services import blocker_create, blocker_resolve, blocker_update
from qibu.org.models import Organisation
from tests.conftest import Company, Okrs
from tests.project.test_rule_ids import bare_rule_ids
from tests.project.test_untranslated import PRODUCT_WORDS, _chinese_client, _user_data, english_words, visible_text


def test_the_blocker_pages_are_chinese_EXE_2(company: Company, okrs: Okrs) -> None:
    c = company
    old = blocker_create(
        actor=c.mia,
        title="合同卡在法务",
        owner=c.mia,
        concerned=[c.oscar],
        team=c.sales_team,
        key_result=okrs["my_kr"],
        source="stand_up",
        source_id=3,
        now=timezone.now() - dt.timedelta(days=6),
    )
    blockers_escalate(policy=Organisation.objects.get(pk=1))
    blocker_update(actor=c.mia, blocker=old, owner=c.hank, concerned=[c.oscar, c.mia], title="合同卡在法务总监")
    done = blocker_create(actor=c.hank, title="演示环境", owner=c.hank, team=c.sales_team)
    blocker_resolve(actor=c.hank, blocker=done, resolution="借到了")
    client = _chinese_client(c.hank)
    for url in (
        "/blockers/",
        "/blockers/?status=all",
        "/blockers/?status=resolved&tier=team",
        f"/blockers/{old.pk}/",
        f"/blockers/{done.pk}/",
        f"/blockers/{old.pk}/edit/",
        "/blockers/new/",
        f"/objectives/{okrs['mine'].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        leaked = english_words(visible_text(page), PRODUCT_WORDS | _user_data(c))
        assert not leaked, f"{url}: English on a Chinese page:\n" + "\n".join(leaked)
        if url.startswith("/blockers/"):  # the objective page's other sections are their apps' to check
            assert bare_rule_ids(page)[0] == [], url
    refused = client.post(f"/blockers/{done.pk}/resolve/", {"resolution": "再来"})
    assert refused.status_code == 400 and "这个障碍已经解决了。" in refused.content.decode()
