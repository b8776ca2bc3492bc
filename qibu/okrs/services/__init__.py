"""Writes on OKRs, one module per noun:

    objectives   objective_create, objective_update, objective_delete
    alignment    alignment_set (SET-6)
    key_results  key_result_create, key_result_update, key_result_delete, key_result_move
    drafts       draft_key_result_create, _update, _delete, draft_key_results_gather (SET-9)
    contributors key_result_contributors_set (PLAY-PROJ: who carries a key result)
    checkins     checkin_record (EXE-3, EXE-4)
    milestones   milestones_due_set (EXE-9: the due dates of a key result's milestones)
    corrections  correction_make (EXE-11: re-evaluate, revise a target or dates, change strategy or resources)
    approval     objective_submit, objective_approve, objective_return, objective_reopen (SET-1, SET-2), and
                 approval_on_change, which the writers above call when an approved objective's definition changes

Every function is one transaction: it validates (a `FieldErrors` keyed by field, in the user's language),
writes, records history and refreshes the roll-ups, or writes nothing. Who may do what is decided once, in
`qibu.okrs.access`, by the caller (page, API or command); the services keep the rules about the data itself,
including those that depend on what the actor may see (a parent objective the actor cannot see does not exist
for them)."""

from qibu.okrs.services.alignment import alignment_set
from qibu.okrs.services.approval import (
    approval_on_change,
    objective_approve,
    objective_reopen,
    objective_return,
    objective_submit,
)
from qibu.okrs.services.checkins import checkin_record
from qibu.okrs.services.contributors import key_result_contributors_set
from qibu.okrs.services.corrections import correction_make
from qibu.okrs.services.drafts import (
    draft_key_result_create,
    draft_key_result_delete,
    draft_key_result_update,
    draft_key_results_gather,
)
from qibu.okrs.services.key_results import key_result_create, key_result_delete, key_result_move, key_result_update
from qibu.okrs.services.milestones import milestones_due_set
from qibu.okrs.services.objectives import objective_create, objective_delete, objective_update

__all__ = [
    "alignment_set",
    "approval_on_change",
    "checkin_record",
    "correction_make",
    "draft_key_result_create",
    "draft_key_result_delete",
    "draft_key_result_update",
    "draft_key_results_gather",
    "key_result_contributors_set",
    "key_result_create",
    "key_result_delete",
    "key_result_move",
    "key_result_update",
    "milestones_due_set",
    "objective_approve",
    "objective_create",
    "objective_delete",
    "objective_reopen",
    "objective_return",
    "objective_submit",
    "objective_update",
]
