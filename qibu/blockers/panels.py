"""The objective page's panel of open blockers on its key results (registered with `qibu.okrs.panels`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from qibu.blockers.selectors import key_result_blockers
from qibu.okrs.panels import PanelPage


def objective_panel(page: PanelPage) -> dict[str, Any]:
    """One query (none when the objective has no key results)."""
    lines = key_result_blockers(
        viewer=page.viewer, key_result_ids=[kr.pk for kr in page.key_results], now=timezone.now()
    )
    titles = {kr.pk: kr.title for kr in page.key_results}
    return {
        "lines": [(line, titles.get(line.key_result_id, "")) for line in lines],
        "raise_url": reverse("blockers:new") + f"?key_result={page.key_results[0].pk}" if page.key_results else "",
        "takes_check_ins": page.objective.takes_check_ins,
    }
