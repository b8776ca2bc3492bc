"""Writing self-assessments (SELF-1, SELF-2, MEAS-7): save a draft, submit it, reopen it. One transaction each, every
step in the person's history. Only the owner writes their own (`qibu.assess.access`); the views and the API ask.

The services refuse bad input by row and field (`FieldErrors`, nothing written), the fields named
`score_<key result id>`, `score_reason_<id>`, `root_cause_<id>` …:

- a score is a number from 0.0 to 1.0 (two places);
- a score that differs from the key result's progress needs the reason (MEAS-7);
- on submit, a score below 1.0 needs its root cause (SELF-2: finding the root cause of unfinished work is the
  point); a draft may be left incomplete;
- a key result that is not the person's (not theirs, or not in the period's quarter) is refused;
- a submitted self-assessment is read-only until its owner reopens it.

Submitting writes each key result's end score and each objective's (the weighted mean of its scored key results,
MEAS-7) through `scores_apply`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.assess.models import AssessmentState, KeyResultScore, SelfAssessment
from qibu.assess.selectors import ONE, ZERO, assessed_key_results, clamped
from qibu.audit.services import history_record
from qibu.core.validation import NOTE_MAX, FieldErrors, clean_decimal, clean_text
from qibu.cycles.models import Cycle
from qibu.okrs.models import CheckIn, KeyResult, Objective
from qibu.org.models import Person

TEXTS = ("score_reason", "worked", "root_cause", "change")


def _refuse_others(errors: FieldErrors, actor: Person, person: Person) -> None:
    if actor.pk != person.pk:
        errors.add(None, _("Only %(name)s scores their own key results.") % {"name": person})


def _start_confidences(key_results: Iterable[KeyResult]) -> dict[int, int]:
    """Each key result's confidence before its first check-in (its confidence now without one): one query."""
    found: dict[int, int] = {kr.pk: kr.confidence for kr in key_results}
    seen: set[int] = set()
    for kr_id, before, after in (
        CheckIn.objects.filter(key_result__in=list(found))
        .order_by("key_result_id", "created_at", "id")
        .values_list("key_result_id", "previous_confidence", "confidence")
    ):
        if kr_id not in seen:
            seen.add(kr_id)
            found[kr_id] = before if before is not None else after
    return found


def _snapshot(score: KeyResultScore) -> dict[str, Any]:
    return {"score": str(score.score), **{f: getattr(score, f) for f in TEXTS}}


def _clean_row(
    errors: FieldErrors,
    assessment: SelfAssessment,
    kr: KeyResult,
    existing: KeyResultScore | None,
    entry: Mapping[str, Any],
    start_confidence: int | None,
) -> KeyResultScore | None:
    """One key result's row with the entry applied (unsaved), or None when its score is refused."""
    kr_id = kr.pk
    progress = clamped(kr.progress)
    raw = entry.get("score", progress if existing is None else existing.score)
    score = clean_decimal(errors, f"score_{kr_id}", raw, places=2)
    if score is not None and not ZERO <= score <= ONE:
        errors.add(f"score_{kr_id}", _("Score “%(title)s” from 0.0 to 1.0.") % {"title": kr.title})
        score = None
    texts = {}
    for field in TEXTS:
        value = entry.get(field, getattr(existing, field) if existing is not None else "")
        texts[field] = clean_text(errors, f"{field}_{kr_id}", value, max_length=NOTE_MAX)
    if score is not None and score != progress and not texts["score_reason"]:
        errors.add(
            f"score_reason_{kr_id}",
            _("Say why “%(title)s” scores %(score)s while its progress is %(progress)s.")
            % {"title": kr.title, "score": score, "progress": progress},
        )
    if score is None:
        return None
    row = existing or KeyResultScore(assessment=assessment, key_result=kr)
    row.score, row.progress, row.start_confidence = score, progress, start_confidence
    for field, value in texts.items():
        setattr(row, field, value)
    return row


def _refuse_foreign(
    errors: FieldErrors, entries: Mapping[int, Mapping[str, Any]], key_results: Mapping[int, KeyResult]
) -> None:
    for kr_id in entries:
        if kr_id not in key_results:
            errors.add(
                f"score_{kr_id}",
                _("Key result #%(id)s is not one of yours in this period: you score only your own.") % {"id": kr_id},
            )


def _require_root_causes(errors: FieldErrors, rows: Iterable[KeyResultScore]) -> None:
    """SELF-2: below 1.0, the root cause of what was not done is the point of the exercise."""
    for row in rows:
        if row.score < ONE and not row.root_cause:
            errors.add(
                f"root_cause_{row.key_result_id}",
                _("“%(title)s” scores below 1.0: name the root cause of what was not done.")
                % {"title": row.key_result.title},
            )


def _saved_rows(assessment: SelfAssessment, key_results: Mapping[int, KeyResult]) -> dict[int, KeyResultScore]:
    """The draft's rows of the key results still assessed, each with its key result (one query)."""
    saved = {}
    for row in KeyResultScore.objects.filter(assessment=assessment, key_result_id__in=list(key_results)):
        row.key_result = key_results[row.key_result_id]
        saved[row.key_result_id] = row
    return saved


def _write(
    errors: FieldErrors, *, person: Person, cycle: Cycle, entries: Mapping[int, Mapping[str, Any]], submit: bool
) -> tuple[SelfAssessment, list[KeyResultScore], dict[str, Any]]:
    """Validate and store the entries (and, on submit, the defaults of key results left out); raise on any error."""
    key_results = {kr.pk: kr for kr in assessed_key_results(person, cycle)}
    _refuse_foreign(errors, entries, key_results)
    assessment = SelfAssessment.objects.select_for_update().filter(person=person, cycle=cycle).first()
    if assessment is not None and assessment.is_submitted:
        errors.add(None, _("This self-assessment is submitted: reopen it to change it."))
    errors.raise_if_any()
    assessment = assessment or SelfAssessment.objects.create(person=person, cycle=cycle)
    saved = _saved_rows(assessment, key_results)
    confidences = _start_confidences(key_results.values())
    rows, changes = [], {}
    for kr_id, kr in key_results.items():
        entry = entries.get(kr_id)
        existing = saved.get(kr_id)
        if entry is None and (existing is not None or not submit):
            if existing is not None:
                rows.append(existing)
            continue
        before = _snapshot(existing) if existing is not None else {}
        row = _clean_row(errors, assessment, kr, existing, entry or {}, confidences.get(kr_id))
        if row is None:
            continue
        after = _snapshot(row)
        if before != after:
            changes[str(kr_id)] = after
        rows.append(row)
    if submit and not key_results:
        errors.add(None, _("You own no key result in this period's objectives: there is nothing to submit."))
    if submit:
        _require_root_causes(errors, rows)
    errors.raise_if_any()
    for row in rows:
        row.save()
    return assessment, rows, changes


@transaction.atomic
def assessment_save(
    *, actor: Person, person: Person, cycle: Cycle, entries: Mapping[int, Mapping[str, Any]]
) -> SelfAssessment:
    """Save the draft: the entries by key result id (`score`, `score_reason`, `worked`, `root_cause`, `change`)."""
    errors = FieldErrors()
    _refuse_others(errors, actor, person)
    errors.raise_if_any()
    assessment, _rows, changes = _write(errors, person=person, cycle=cycle, entries=entries, submit=False)
    history_record(
        actor=actor,
        action="self_assessment.save",
        subject=assessment,
        after={"cycle": cycle.pk, "scores": changes},
    )
    return assessment


@transaction.atomic
def assessment_submit(
    *, actor: Person, person: Person, cycle: Cycle, entries: Mapping[int, Mapping[str, Any]] | None = None
) -> SelfAssessment:
    """Submit (with any last entries): every key result scored, the end scores written (MEAS-7)."""
    errors = FieldErrors()
    _refuse_others(errors, actor, person)
    errors.raise_if_any()
    assessment, rows, changes = _write(errors, person=person, cycle=cycle, entries=entries or {}, submit=True)
    assessment.state, assessment.submitted_at = AssessmentState.SUBMITTED, timezone.now()
    assessment.save(update_fields=["state", "submitted_at", "updated_at"])
    scores_apply(scores=rows)
    history_record(
        actor=actor,
        action="self_assessment.submit",
        subject=assessment,
        before={"state": AssessmentState.DRAFT},
        after={"state": AssessmentState.SUBMITTED, "cycle": cycle.pk, "scores": changes},
    )
    return assessment


@transaction.atomic
def assessment_reopen(*, actor: Person, person: Person, cycle: Cycle) -> SelfAssessment:
    """Back to a draft its owner changes; the end scores stay those last submitted until it is submitted again."""
    errors = FieldErrors()
    _refuse_others(errors, actor, person)
    assessment = SelfAssessment.objects.select_for_update().filter(person=person, cycle=cycle).first()
    errors.raise_if_any()
    if assessment is None or not assessment.is_submitted:
        raise ValidationError(_("This self-assessment is not submitted: there is nothing to reopen."))
    assessment.state, assessment.submitted_at = AssessmentState.DRAFT, None
    assessment.save(update_fields=["state", "submitted_at", "updated_at"])
    history_record(
        actor=actor,
        action="self_assessment.reopen",
        subject=assessment,
        before={"state": AssessmentState.SUBMITTED},
        after={"state": AssessmentState.DRAFT, "cycle": cycle.pk},
    )
    return assessment


def scores_apply(*, scores: Iterable[KeyResultScore]) -> None:
    """MEAS-7: each key result's end score, and each objective's as the weighted mean (by key result weight) of
    its key results that have one. Called inside the submit's transaction."""
    scores = list(scores)
    for s in scores:
        s.key_result.score = s.score
    KeyResult.objects.bulk_update([s.key_result for s in scores], ["score"])
    objective_ids = {s.key_result.objective_id for s in scores}
    weighted: dict[int, tuple[Decimal, Decimal]] = {}
    for objective_id, weight, score in KeyResult.objects.filter(
        objective_id__in=objective_ids, score__isnull=False
    ).values_list("objective_id", "weight", "score"):
        total, weights = weighted.get(objective_id, (ZERO, ZERO))
        if score is not None:
            weighted[objective_id] = (total + weight * score, weights + weight)
    objectives = [
        Objective(pk=pk, score=(total / weights).quantize(Decimal("0.01")))
        for pk, (total, weights) in weighted.items()
        if weights
    ]
    Objective.objects.bulk_update(objectives, ["score"])
