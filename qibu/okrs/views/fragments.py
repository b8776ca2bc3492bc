"""The HTML a page repeats for every key result, written in Python: a key result with its inline check-in form
(EXE-3, EXE-4), as my OKRs, the objective page and the check-in answer show it, and an objective's numbers.

Why Python and not an included template: Django's template engine pays for every node (each variable, filter,
tag, `{% trans %}` and the `{% include %}` itself resolves, converts and escapes on its own), and the former
`okrs/_key_result.html` and `okrs/_checkin_form.html` held some 130 nodes that each do almost nothing.
Measured on the demo company at 10,000 people (SQLite, the benchmark's sales member, zh-Hans, in-process
requests, same queries and same HTML whitespace aside): one key result took about 430 µs through those
templates and 120 µs here; my OKRs 12.3 ms against 10.3 ms, the objective page 12.6 ms against 11.8 ms (p50).
These pages' budget is three times a one-query view (bench/README.md), so those milliseconds count. The cost
follows the key results on the page, never the size of the company.

Every text put in is escaped: titles, units, names, translations, the values typed back into a refused form
and the error messages all go through `_esc` (`html.escape`: the same five characters as Django's `escape`);
what is not is an int (`pk`, confidence), a `SafeString` of `okr_tags` (badges, bars), or a part built here
the same way (`_errors`, `_csrf_input`, the form). So `mark_safe` is only ever given escaped parts.
tests/test_pages_okrs.py and tests/browser/test_html_is_shown_not_run.py check that typed markup shows as text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qibu.core.numbers import plain
from qibu.okrs.access import may_check_in_now
from qibu.okrs.models import KeyResult, KeyResultKind, Objective
from qibu.okrs.templatetags.okr_tags import health_badge, kr_measure, pct, progress_bar
from qibu.org.models import Person

_CHECKIN_FIELDS = ("value", "milestones_done", "confidence", "confidence_reason", "note")


@dataclass
class CheckInState:
    """What the check-in form shows: the values typed, the errors, and whether it was just saved."""

    value: str
    confidence: str
    confidence_reason: str = ""
    note: str = ""
    milestones_done: set[int] = field(default_factory=set)
    errors: dict[str, list[str]] = field(default_factory=dict)
    saved: bool = False

    @property
    def ask_reason(self) -> bool:
        """EXE-4: the reason box appears once the fall has been refused (or a reason was typed)."""
        return "confidence_reason" in self.errors or bool(self.confidence_reason)

    @property
    def general_errors(self) -> list[str]:
        return [m for key, msgs in self.errors.items() if key not in _CHECKIN_FIELDS for m in msgs]

    @property
    def value_errors(self) -> list[str]:
        return [*self.errors.get("value", []), *self.errors.get("milestones_done", [])]


def _fresh_checkin(kr: KeyResult) -> CheckInState:
    """The form as it first shows: the key result's current value and confidence, its milestones done."""
    milestones = kr.milestones.all() if kr.kind == KeyResultKind.MILESTONES else []
    boolean = kr.kind == KeyResultKind.BOOLEAN
    value = ("1" if kr.current_value >= 1 else "0") if boolean else plain(kr.current_value)
    return CheckInState(
        value=value, confidence=str(kr.confidence), milestones_done={m.pk for m in milestones if m.done}
    )


def _prepare_key_results(objective: Objective, krs: list[KeyResult], editable: bool, person: Person) -> None:
    """Set what `_key_result_html` needs beside the decorations: whether the viewer may check in now
    (`access.may_check_in_now`), and the form's state as it first shows."""
    for kr in krs:
        kr.can_checkin = may_check_in_now(person, objective, kr, editable=editable)  # type: ignore[attr-defined]
        kr.checkin = _fresh_checkin(kr)  # type: ignore[attr-defined]


def _esc(text: Any) -> str:
    """Django's `escape` (the same five characters) without its lazy-string wrapper, for loops."""
    return html.escape(str(text))


def _errors(messages_: list[Any], label: str = "") -> str:
    prefix = f"{_esc(label)}: " if label else ""
    return "".join(f'<p class="error" role="alert">{prefix}{_esc(message)}</p>' for message in messages_)


def _key_result_html(kr: KeyResult, *, owner_name: str, next_url: str, csrf_input: str) -> SafeString:
    """The fragment of one key result: needs `decorate_key_results` and its pace, `kr.can_checkin` and
    `kr.checkin` (the form's state) set first, and milestones loaded for a key result made of them."""
    state: CheckInState = kr.checkin  # type: ignore[attr-defined]
    can_checkin: bool = kr.can_checkin  # type: ignore[attr-defined]
    anchor = f"kr-{kr.pk}"
    stale = f'<span class="tag stale">{_esc(_("Stale: no recent check-in"))}</span>' if kr.stale else ""
    behind = f'<span class="tag behind">{_esc(_("Behind pace"))}</span>' if getattr(kr, "behind_pace", False) else ""
    owner = f'<span class="muted small">{_esc(owner_name)}</span>' if owner_name else ""
    milestones = ""
    if kr.kind == KeyResultKind.MILESTONES and not can_checkin:
        items = "".join(f"<li>{'☑' if m.done else '☐'} {_esc(m.title)}</li>" for m in kr.milestones.all())
        milestones = f'\n  <ul class="milestones small">{items}</ul>\n  '
    saved = f'<p class="saved" role="status">{_esc(_("Checked in."))}</p>' if state.saved else ""
    form = _checkin_form_html(kr, state, anchor, next_url, csrf_input) if can_checkin else ""
    progress = pct(kr.progress_raw)
    return mark_safe(  # built from escaped parts only
        f'<div class="kr" id="{anchor}">\n'
        f'  <div class="row kr-head">\n'
        f'    <span class="kr-title">{_esc(kr.title)}</span>\n'
        f"    {health_badge(kr.health)}\n"
        f"    {stale}\n"
        f"    {behind}\n"
        f"  </div>\n"
        f'  <div class="row numbers kr-numbers">\n'
        f"    <span>{_esc(kr_measure(kr))}</span>\n"
        f'    <span>{_esc(_("Progress"))} <strong class="kr-progress">{_esc(progress)}</strong></span>\n'
        f"    {progress_bar(kr.progress_raw, kr.title)}\n"
        f'    <span>{_esc(_("Confidence"))} <strong class="kr-confidence">{kr.confidence}%</strong></span>\n'
        f"    {owner}\n"
        f"  </div>\n"
        f"  {milestones}\n"
        f"  {_errors(state.general_errors)}\n"
        f"  {saved}\n"
        f"  {form}\n"
        f"</div>\n"
    )


def _checkin_form_html(kr: KeyResult, state: CheckInState, anchor: str, next_url: str, csrf_input: str) -> str:
    """EXE-3 the inline check-in: the new value (or milestones done), confidence, and a note; EXE-4 the
    reason once a fall of confidence was refused without one."""
    url = _esc(reverse("okrs:checkin", args=[kr.pk]))
    label = _esc(_("Check in on “%(title)s”") % {"title": kr.title})
    value_errors = state.value_errors
    if kr.kind == KeyResultKind.MILESTONES:
        boxes = "".join(
            f'\n      <label class="check"><input type="checkbox" name="milestones_done" value="{m.pk}"'
            f"{' checked' if m.pk in state.milestones_done else ''}> {_esc(m.title)}</label>\n      "
            for m in kr.milestones.all()
        )
        value_field = (
            f'    <fieldset class="field">\n'
            f"      <legend>{_esc(_('Milestones done'))}</legend>\n"
            f"      {boxes}\n"
            f"      {_errors(value_errors, _('Milestones'))}\n"
            f"    </fieldset>\n"
        )
    elif kr.kind == KeyResultKind.BOOLEAN:
        done = state.value == "1"
        value_field = (
            f'    <fieldset class="field">\n'
            f"      <legend>{_esc(_('Done?'))}</legend>\n"
            f'      <label class="check"><input type="radio" id="{anchor}-done" name="value" value="1"'
            f"{' checked' if done else ''}> {_esc(_('Done'))}</label>\n"
            f'      <label class="check"><input type="radio" id="{anchor}-not-done" name="value" value="0"'
            f"{'' if done else ' checked'}> {_esc(_('Not done yet'))}</label>\n"
            f"      {_errors(value_errors, _('Done?'))}\n"
            f"    </fieldset>\n"
        )
    else:
        unit = f" ({_esc(kr.unit)})" if kr.unit else ""
        value_invalid = ' aria-invalid="true"' if value_errors else ""
        value_field = (
            f'    <div class="field">\n'
            f'      <label for="{anchor}-value">{_esc(_("New value"))}{unit}</label>\n'
            f'      <input id="{anchor}-value" name="value" inputmode="decimal" autocomplete="off" '
            f'value="{_esc(state.value)}"{value_invalid}>\n'
            f"      {_errors(value_errors, _('New value'))}\n"
            f"    </div>\n"
        )
    errors = state.errors
    reason = ""
    if state.ask_reason:
        reason_invalid = ' aria-invalid="true" autofocus' if errors.get("confidence_reason") else ""
        reason = (
            f'  <div class="field reason">\n'
            f'    <label for="{anchor}-confidence_reason">'
            f"{_esc(_('Why did confidence fall, and what changed?'))}</label>\n"
            f"    {_errors(errors.get('confidence_reason', []))}\n"
            f'    <textarea id="{anchor}-confidence_reason" name="confidence_reason" rows="2"{reason_invalid}>'
            f"{_esc(state.confidence_reason)}</textarea>\n"
            f"  </div>\n"
        )
    confidence_label = _("Confidence (%)")
    confidence_invalid = ' aria-invalid="true"' if errors.get("confidence") else ""
    return (
        f'\n<form class="checkin" method="post" action="{url}"\n'
        f'      hx-post="{url}" hx-target="#{anchor}" hx-swap="outerHTML"\n'
        f'      aria-label="{label}">\n'
        f"  {csrf_input}\n"
        f'  <input type="hidden" name="next" value="{_esc(next_url)}">\n'
        f'  <div class="checkin-fields">\n'
        f"{value_field}"
        f'    <div class="field">\n'
        f'      <label for="{anchor}-confidence">{_esc(confidence_label)}</label>\n'
        f'      <input id="{anchor}-confidence" name="confidence" type="number" min="0" max="100" step="1" '
        f'inputmode="numeric" value="{_esc(state.confidence)}"{confidence_invalid}>\n'
        f"      {_errors(errors.get('confidence', []), confidence_label)}\n"
        f"    </div>\n"
        f"  </div>\n"
        f"{reason}"
        f'  <div class="field">\n'
        f'    <label for="{anchor}-note">{_esc(_("Note"))}</label>\n'
        f'    <textarea id="{anchor}-note" name="note" rows="1">{_esc(state.note)}</textarea>\n'
        f"    {_errors(errors.get('note', []), _('Note'))}\n"
        f"  </div>\n"
        f'  <button type="submit" class="primary">{_esc(_("Check in"))}</button>\n'
        f"</form>\n"
    )


def _objective_numbers_html(objective: Objective, *, out_of_band: bool = False) -> SafeString:
    """An objective's health, progress and confidence (MEAS-4 … MEAS-6); needs `decorate_objectives`.
    The check-in answer sends it out of band, so that the numbers above the key results follow."""
    progress_label = _("Progress")
    confidence = f"{_esc(floatformat(objective.confidence, 0))}%" if objective.confidence is not None else "—"
    oob = ' hx-swap-oob="true"' if out_of_band else ""
    behind = ""
    if objective.behind_pace:
        elapsed = _("%(elapsed)s of the time has passed.") % {"elapsed": pct(objective.elapsed)}
        behind = f'<span class="tag behind" title="{_esc(elapsed)}">{_esc(_("Behind pace"))}</span>'
    return mark_safe(  # built from escaped parts only
        f'<div class="row numbers objective-numbers" id="objective-{objective.pk}-numbers"{oob}>\n'
        f"  {health_badge(objective.health)}\n"
        f"  <span>{_esc(progress_label)} <strong>{_esc(pct(objective.progress))}</strong></span>\n"
        f"  {progress_bar(objective.progress, progress_label)}\n"
        f"  <span>{_esc(_('Confidence'))} <strong>{confidence}</strong></span>\n"
        f"  {behind}\n"
        f"</div>\n"
    )


def _csrf_input(request: HttpRequest) -> str:
    """What `{% csrf_token %}` writes, for the forms written above."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_esc(get_token(request))}">'
