"""OKR pages: my OKRs, the objective page, the editor with its warnings, key results, and the inline check-in.

Views parse input, look permissions up through `qibu.okrs.access`, call services (writes) and selectors
(reads), and render templates with typed page data (`selectors.ObjectiveCard`, `KeyResultCard`, …): no HTML is
written here. A page and its htmx fragments share one template file through django-template-partials
(`okrs/_cards.html#key_result`, `okrs/objective.html#pace`). Pages read a fixed number of queries whatever the
size of the company: stored roll-ups, prefetches, and limited lists.

    _common       lenient parsing of submitted values, the undo of a half-done user action
    history       the objective page's check-in list, and the names the ids of it and of history stand for
    pages         my OKRs and the objective page, with the chart
    checkin       the inline check-in: its form on demand, and the check-in
    advice        the coach while one types: the editor's and the key result form's warnings
    editor        objective new, edit, delete, with alignment
    key_results   key result new, edit, delete
    milestones    the due dates of a key result's milestones (EXE-9)
    corrections   the correction form of an objective or key result (EXE-11)
    approval      submit, approve, return with comments, reopen (SET-1, SET-2), and the approval's own page
    key_results   key result new, edit, move, delete
    drafts        key results first: the pool of drafted key results, gathered under objectives (SET-9)
    strategy      the vision, the mission and the strategic goals with the objectives tracing to them (VIS-1, VIS-2)

The views `qibu.okrs.urls` routes to are imported here."""

from qibu.okrs.views.advice import editor_warnings, key_result_warnings
from qibu.okrs.views.approval import (
    objective_approval,
    objective_approve_view,
    objective_reopen_view,
    objective_return_view,
    objective_submit_view,
)
from qibu.okrs.views.checkin import checkin
from qibu.okrs.views.corrections import key_result_correct, objective_correct
from qibu.okrs.views.drafts import draft_delete, draft_edit, drafts_add, key_results_first
from qibu.okrs.views.editor import objective_delete_view, objective_edit, objective_new
from qibu.okrs.views.key_results import key_result_delete_view, key_result_edit, key_result_move_view, key_result_new
from qibu.okrs.views.milestones import key_result_milestones
from qibu.okrs.views.pages import my_focus, my_okrs, objective_detail
from qibu.okrs.views.strategy import (
    goal_delete,
    goal_edit,
    goal_history,
    goal_move,
    goal_new,
    strategy,
    strategy_vision,
)

__all__ = [
    "checkin",
    "draft_delete",
    "draft_edit",
    "drafts_add",
    "editor_warnings",
    "goal_delete",
    "goal_edit",
    "goal_history",
    "goal_move",
    "goal_new",
    "key_result_correct",
    "key_result_delete_view",
    "key_result_edit",
    "key_result_milestones",
    "key_result_move_view",
    "key_result_new",
    "key_result_warnings",
    "key_results_first",
    "my_focus",
    "my_okrs",
    "objective_approval",
    "objective_approve_view",
    "objective_correct",
    "objective_delete_view",
    "objective_detail",
    "objective_edit",
    "objective_new",
    "objective_reopen_view",
    "objective_return_view",
    "objective_submit_view",
    "strategy",
    "strategy_vision",
]
