"""The quality coach: warnings shown while an objective is drafted, and what to push first today.

Pure functions on plain values and page data (no queries), so the editor can call them on every keystroke
and the tests can exercise each rule by its ID. Every warning is an `Advice`: its rule's ID (SET-3 …) and a
sentence that explains it in words with the policy number it applies; when the organisation's policy departs from
the method's default, the sentence says so. Pages show the sentence, the ID only as a small label after it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.okrs.models import KeyResultKind, Level, Priority
from qibu.org.models import Organisation

NUMERIC_KINDS = (KeyResultKind.INCREASE, KeyResultKind.DECREASE)


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _departure(organisation: Organisation, policy_field: str) -> str:
    """ " (the method's default is N)" when the organisation's policy departs from it, else ""."""
    default = Organisation.policy_default(policy_field)
    if getattr(organisation, policy_field) == default:
        return ""
    return " " + _("(your organisation's policy; the method's default is %(default)d)") % {"default": default}


@dataclass(frozen=True)
class Advice:
    """One warning of the coach: the rule it applies (an ID such as "SET-4", for pages to show as a small label
    and for clients to key on) and a sentence that says it in words, standing alone."""

    rule: str
    text: str

    def __str__(self) -> str:
        return self.text


def _too_many_objectives(organisation: Organisation, count: int, *, saved: bool) -> Advice | None:
    """SET-3: `count` objectives for the owner in the cycle, counting the one being written (or just saved)."""
    most = organisation.max_objectives_per_owner
    if count <= most:
        return None
    values = {"n": count, "have": count - 1, "max": most}
    if saved:
        text = _(
            "The owner now has %(n)d objectives in this cycle. The method keeps at most %(max)d per owner, the "
            "most important ones, so that each gets real effort: consider merging two or moving one to a later cycle."
        )
    else:
        text = ngettext(
            "The owner already has %(have)d objective in this cycle; this one would make %(n)d. The method keeps at "
            "most %(max)d per owner, the most important ones, so that each gets real effort: consider merging two "
            "or moving one to a later cycle.",
            "The owner already has %(have)d objectives in this cycle; this one would make %(n)d. The method keeps at "
            "most %(max)d per owner, the most important ones, so that each gets real effort: consider merging two "
            "or moving one to a later cycle.",
            count - 1,
        )
    return Advice("SET-3", text % values + _departure(organisation, "max_objectives_per_owner"))


def _key_result_count(organisation: Organisation, count: int, *, saved: bool | None) -> Advice | None:
    """SET-4: `count` key results on the objective. `saved` None: the objective being drafted with its rows;
    False: a key result about to be added, counted; True: one just added, counted."""
    fewest, limit = organisation.min_key_results, organisation.max_key_results
    if fewest <= count <= limit:
        return None
    departure = _departure(organisation, "min_key_results") or _departure(organisation, "max_key_results")
    values = {"n": count, "have": count - 1, "min": fewest, "max": limit}
    if count < fewest:
        text = ngettext(
            "This objective has %(n)d key result; the method asks for %(min)d to %(max)d, so that its success "
            "can be measured.",
            "This objective has %(n)d key results; the method asks for %(min)d to %(max)d, so that its success "
            "can be measured.",
            count,
        )
    elif saved is None:
        text = _(
            "This objective has %(n)d key results. The method keeps %(min)d to %(max)d per objective so that each "
            "one gets attention: consider merging two or moving one to another objective."
        )
    elif saved:
        text = _(
            "This objective now has %(n)d key results. The method keeps %(min)d to %(max)d per objective so that "
            "each one gets attention: consider merging two or moving one to another objective."
        )
    else:
        text = ngettext(
            "This objective already has %(have)d key result; this one would make %(n)d. The method keeps %(min)d "
            "to %(max)d per objective so that each one gets attention: consider merging two or moving one to "
            "another objective.",
            "This objective already has %(have)d key results; this one would make %(n)d. The method keeps %(min)d "
            "to %(max)d per objective so that each one gets attention: consider merging two or moving one to "
            "another objective.",
            count - 1,
        )
    return Advice("SET-4", text % values + departure)


def addition_warnings(
    *,
    organisation: Organisation,
    owner_objective_count: int | None = None,
    key_result_count: int | None = None,
    saved: bool,
) -> list[Advice]:
    """SET-3, SET-4 when something is added: the owner's objectives in the cycle and the objective's key
    results, each counting what is being added (`saved` False: on the form, before saving) or was just added
    (`saved` True: the message after saving, the API's answer). Warnings, never refusals: the method advises
    and the owner decides. Pages and the API call this one function, so they say the same."""
    found: list[Advice | None] = []
    if owner_objective_count is not None:
        found.append(_too_many_objectives(organisation, owner_objective_count, saved=saved))
    # Adding only makes "too few" better: that one is the editor's to say, not the addition's.
    if key_result_count is not None and key_result_count > organisation.max_key_results:
        found.append(_key_result_count(organisation, key_result_count, saved=saved))
    return [a for a in found if a is not None]


# --- SET-5: a key result reads as an outcome, not as a task ------------------------------------------------
# A key result says what will have changed ("30 stores use the new till"), not what will be done ("hold three
# trainings"): the activity belongs in the action plan (EXE-8). The coach recognises a title that starts with a
# task verb, or has one as its main verb after a time or manner phrase ("按时完成…", "By June, launch …").

# Chinese task verbs, longest first where one begins another.
TASK_VERBS_ZH = (
    "完成",
    "开展",
    "组织",
    "召开",
    "参加",
    "参与",
    "举办",
    "举行",
    "推进",
    "推动",
    "落实",
    "负责",
    "协助",
    "配合",
    "做好",
    "进行",
    "跟进",
    "执行",
    "实施",
    "启动",
    "筹备",
    "安排",
    "准备",
    "制定",
    "策划",
    "开会",
    "搞好",
)
# What turns a task verb into a noun: 完成率, 组织架构, 参加人数 … are measures or things, not tasks.
_NOUN_AFTER_VERB_ZH = (
    "率",
    "度",
    "情况",
    "架构",
    "能力",
    "结构",
    "效能",
    "效率",
    "氛围",
    "文化",
    "力",
    "比例",
    "水平",
    "质量",
    "周期",
    "时间",
    "时长",
    "成本",
    "人数",
    "次数",
    "进度",
    "中",
)
# 完成量 (the amount done) is a measure, 完成量产 (to reach mass production) a task.
_MEASURE_ZH = re.compile(r"量(?!产)")
# Time and manner phrases that may come before the main verb.
_LEAD_ZH = re.compile(
    r"^(?:(?:本|每|全|下)?(?:年度?|季度?|月度?|周|半年)(?:内|底前|末前|中)?|年内|季度内|月内|年底前|月底前|"
    r"\d{1,2}月(?:\d{1,2}日)?(?:前|之前|底前)?|[于在].{1,12}?(?:前|之前|内)|第.季度|"
    r"按时|按期|如期|及时|全面|顺利|积极|认真|持续|高质量地?|高效地?|有效地?|定期|[,,、\s])+"
)
TASK_VERBS_EN = (
    "launch",
    "hold",
    "attend",
    "organise",
    "organize",
    "run",
    "do",
    "complete",
    "finish",
    "conduct",
    "help",
    "support",
    "work on",
    "participate",
    "host",
    "arrange",
    "prepare",
    "implement",
    "execute",
    "coordinate",
    "assist",
    "carry out",
    "kick off",
    "set up",
)
# A word after the verb that makes it a noun: "support tickets", "run rate", "help desk", "hold time".
_NOUN_AFTER_VERB_EN = frozenset(
    [
        "rate",
        "rates",
        "time",
        "times",
        "desk",
        "desks",
        "ticket",
        "tickets",
        "request",
        "requests",
        "case",
        "cases",
        "cost",
        "costs",
        "satisfaction",
        "queue",
        "backlog",
        "score",
        "scores",
        "level",
        "levels",
        "quality",
        "volume",
        "ratio",
        "share",
        "speed",
        "date",
        "dates",
        "team",
        "teams",
        "staff",
        "budget",
    ]
)
_LEAD_EN = re.compile(
    r"^(?:(?:by|before|in|during|within|until)\s+[^,]{1,30},\s*|to\s+|we\s+will\s+|(?:successfully|fully|"
    r"jointly|actively|regularly|quickly|effectively)\s+)+",
    re.IGNORECASE,
)
_TASK_EN = re.compile(
    r"^(" + "|".join(verb.replace(" ", r"\s+") for verb in TASK_VERBS_EN) + r")(?![\w-])\s*(\S*)", re.IGNORECASE
)
# "KR1:", "1.", "(2)", "①", "- " before the text of a title.
_MARKER = re.compile(r"^\s*(?:kr\s*\d+\s*[:：.、]?|\(?\d{1,2}[).、:]|[①-⑳]|[-•*·])?\s*", re.IGNORECASE)


# A measured change stated with its numbers ("从 3 次降至 0 次", "保持在 99.9% 以上", "达到 500 人") makes a
# title an outcome, whatever verb it starts with: "负责服务可用性保持在 99.9%" measures the service in one's charge.
_MEASURED_ZH = re.compile(
    r"从.{0,20}?\d.{0,20}?(?:到|至|清零|归零|降为|减为)|(?:提升|提高|增长|增加|降低|减少|下降|降|升|压缩|缩短)(?:到|至)|"
    r"(?:提升|提高|增长|增加|新增|降低|减少|下降|缩短|节省|节约)\s*\d|达到|保持在|不低于|不高于|不少于|不超过|低于|高于|超过"
)


def _task_verb_zh(text: str) -> str | None:
    has_number = any(c.isdigit() for c in text)
    if has_number and _MEASURED_ZH.search(text):
        return None
    rest = _LEAD_ZH.sub("", text)
    for verb in TASK_VERBS_ZH:
        # 负责 with a number is "in one's charge" (负责账号新增关注 3000 人); without one, a role (负责华东区销售).
        if rest.startswith(verb) and not (verb == "负责" and has_number):
            after = rest[len(verb) :].lstrip()
            if any(after.startswith(noun) for noun in _NOUN_AFTER_VERB_ZH) or _MEASURE_ZH.match(after):
                return None
            return verb
    return None


def _task_verb_en(text: str) -> str | None:
    found = _TASK_EN.match(_LEAD_EN.sub("", text))
    if found is None:
        return None
    following = found.group(2).lower().strip(".,;:!?")
    if following in _NOUN_AFTER_VERB_EN:
        return None
    return " ".join(found.group(1).split())


def task_verb(title: str) -> str | None:
    """The task verb a key result's title is built on ("完成", "launch"), or None when it reads as an outcome."""
    text = _MARKER.sub("", title.strip(), count=1)
    return _task_verb_zh(text) or _task_verb_en(text)


# --- an objective that is itself a number --------------------------------------------------------------------

# A quantity: digits with their magnitude and unit ("5000 万", "5M", "30%", "¥200k"); a year ("2026 年") or a
# label ("Q4", "O1", "KR2") is not one.
_QUANTITY = re.compile(
    r"(?<![A-Za-z\d])[$¥¥€£]?\s*\d[\d,]*(?:\.\d+)?\s*(?:%|‰|个百分点|百分点|[kmb](?![a-z])|(?:thousand|million|"
    r"billion|percent|pts|points)\b|[万亿千百]+|元|块|美元|人民币)?(?:元|人|家|个|次|单|分|天|小时|台|套|场|篇|位|名)?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Words that only say "reach" or "grow" around a number; what is left is the metric.
_NUMBER_FILLER_ZH = re.compile(
    r"达到|达成|实现|突破|超过|提升到|提升至|提高到|提高至|增长到|增长至|增加到|增加至|降低到|降低至|减少到|减少至|"
    r"提升|提高|增长|增加|降低|减少|翻番|翻倍|以上|以下|左右|至少|不低于|不少于|不超过|从|到|至|为"
)
_NUMBER_FILLER_EN = frozenset(
    [
        "reach",
        "reaches",
        "hit",
        "hits",
        "exceed",
        "exceeds",
        "grow",
        "grows",
        "increase",
        "increases",
        "raise",
        "reduce",
        "cut",
        "achieve",
        "achieves",
        "to",
        "of",
        "at",
        "least",
        "over",
        "above",
        "below",
        "under",
        "by",
        "from",
        "more",
        "than",
        "a",
        "an",
        "the",
        "in",
        "per",
    ]
)
_WORDS_EN = re.compile(r"[A-Za-z][A-Za-z'&-]*")
_HAN = re.compile(r"[\u3400-\u9fff]")
# At most this much besides the number, and the title is the number with the name of a metric.
_METRIC_HAN_MAX = 6
_METRIC_WORDS_MAX = 3


def objective_number(title: str) -> str | None:
    """The quantity an objective's title consists of ("5000 万" in "营收 5000 万", "5M" in "Revenue 5M"), or
    None when the title says something in words. The title is "a number" when, without its quantities and the
    words that only say "reach" or "grow", little more than a metric's name is left."""
    quantities = [
        match.group(0).strip()
        for match in _QUANTITY.finditer(title)
        if not _YEAR.match(match.group(0).strip().replace(",", ""))
    ]
    if not quantities:
        return None
    rest = _NUMBER_FILLER_ZH.sub("", _QUANTITY.sub(" ", title))
    words = [word for word in _WORDS_EN.findall(rest) if word.lower() not in _NUMBER_FILLER_EN]
    han = len(_HAN.findall(rest))
    if han <= _METRIC_HAN_MAX and len(words) <= _METRIC_WORDS_MAX and (han or words):
        return quantities[-1]
    return None


# --- the advice on an objective being written ----------------------------------------------------------------

_NUMBER_IN_TEXT = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class _Subject:
    """How a sentence names the key result: by its place and title on the objective's editor, as "this key
    result" on its own form; put into words only when there is something to say (a report checks thousands)."""

    position: int | None
    title: str

    def __str__(self) -> str:
        if self.position is None:
            return _("This key result")
        return _("Key result %(n)d “%(title)s”") % {"n": self.position, "title": self.title}


def _measure_advice(kr: Mapping[str, Any], subject: _Subject, title: str) -> Advice | None:
    """SET-5: what the key result is measured by, as its kind needs it."""
    kind = kr.get("kind") or KeyResultKind.INCREASE
    values = {"kr": subject}
    if kind in NUMERIC_KINDS:
        target = _number(kr.get("target_value"))
        start = _number(kr.get("start_value")) or Decimal(0)
        if target is None:
            named = _NUMBER_IN_TEXT.search(title)
            if named is not None:
                text = _(
                    "%(kr)s has no target value. Enter the number its title names (%(number)s) as its target, "
                    "so that progress can be measured."
                )
                return Advice("SET-5", text % {**values, "number": named.group(0)})
            text = _(
                "%(kr)s has no number: neither its title nor a target says how much. A key result is measurable: "
                "say how much, by when, so that progress can be measured."
            )
            return Advice("SET-5", text % values)
        if target == start:
            return Advice("SET-5", _("%(kr)s has its target equal to its start: there is nothing to measure.") % values)
    elif kind == KeyResultKind.BAND and (_number(kr.get("band_low")) is None or _number(kr.get("band_high")) is None):
        text = _("%(kr)s keeps a value within a band but does not say which: enter its low and high limits.")
        return Advice("SET-5", text % values)
    elif kind == KeyResultKind.MILESTONES and kr.get("milestones") is not None and not kr.get("milestones"):
        text = _("%(kr)s is measured by milestones but has none: list the steps whose completion measures it.")
        return Advice("SET-5", text % values)
    return None


def key_result_warnings(kr: Mapping[str, Any], position: int | None = None) -> list[Advice]:
    """The method's advice on one key result: measurable (SET-5: a number, a target, what its kind needs),
    worded as an outcome rather than a task (SET-5), and dated (SET-8, when its dates are asked for).

    `kr` has "title", "kind", "start_value", "target_value", and may have "band_low", "band_high",
    "milestones" (how many; a list, or a count) and "start_date", "end_date" (the keys present only where the
    form asks for them). `position` names it on the objective's editor; None: its own form."""
    title = str(kr.get("title") or "").strip()
    subject = _Subject(position, title)
    found: list[Advice | None] = [_measure_advice(kr, subject, title)]
    verb = task_verb(title)
    if verb is not None:
        text = _(
            "%(kr)s reads as a task (“%(verb)s …”): it says what will be done, not what will have changed. A key "
            "result is an outcome: describe the result the work brings, with a number, and put the work itself "
            "in the action plan. For example, not “hold 3 trainings” but “30 store managers use the new till”."
        )
        found.append(Advice("SET-5", text % {"kr": subject, "verb": verb}))
    if ("start_date" in kr or "end_date" in kr) and (kr.get("start_date") is None or kr.get("end_date") is None):
        text = _("%(kr)s has no start and end dates; the objective's dates will be used.")
        found.append(Advice("SET-8", text % {"kr": subject}))
    return [advice for advice in found if advice is not None]


def _objective_number_advice(title: str) -> Advice | None:
    number = objective_number(title)
    if number is None:
        return None
    text = _(
        "This objective is a number (“%(number)s”). An objective says in words where you want to go and why it "
        "matters, so that it inspires; the numbers that show you got there are its key results. Write the ambition "
        "in words and move “%(number)s” into a key result."
    )
    return Advice("COACH-1", text % {"number": number})


def _alignment_advice(level: str, has_alignment: bool, strategic_goal: bool | None) -> Advice | None:
    """SET-6 for objectives below the company (a strategic goal counts as alignment: it is the company's
    strategy), VIS-2 for the company's own (when the caller knows whether one is chosen)."""
    if level == Level.COMPANY:
        if strategic_goal is False:
            text = _(
                "This company objective serves no strategic goal. Choose the strategic goal it serves, so that "
                "the strategy leads to the objectives and everyone sees why this one matters (administrators "
                "record the strategic goals under Settings → Strategy)."
            )
            return Advice("VIS-2", text)
        return None
    if has_alignment or strategic_goal:
        return None
    text = _(
        "This objective is not aligned. Link it to a parent objective or key result so that everyone sees which "
        "company goal it serves."
    )
    return Advice("SET-6", text)


def _priority_advice(priority_chosen: bool | None) -> Advice | None:
    if priority_chosen is not False:
        return None
    text = _(
        "No priority is chosen, so it will be %(default)s. The method orders plans and resources by priority: "
        "choose P0 for what must happen this cycle, down to P3 for what would be nice."
    )
    return Advice("SET-10", text % {"default": Priority.P1.label})


def objective_warnings(
    *,
    organisation: Organisation,
    owner_objective_count: int,
    key_results: Sequence[Mapping[str, Any]],
    has_alignment: bool,
    level: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
    title: str = "",
    strategic_goal: bool | None = None,
    priority_chosen: bool | None = None,
) -> list[Advice]:
    """The method's advice on an objective being drafted, in the order of the rules.

    `owner_objective_count` counts the owner's objectives in the cycle including this one; `key_results` are
    dicts for `key_result_warnings` (raw strings or Decimals); rows without a title are drafts not yet begun and
    are not counted. `strategic_goal` and `priority_chosen`: whether one is chosen, None when the caller does
    not ask (no VIS-2, no SET-10 then). Near-duplicates need the stored objectives: `qibu.okrs.coach` adds them.
    """
    warnings: list[Advice | None] = [_too_many_objectives(organisation, owner_objective_count, saved=False)]
    rows = [kr for kr in key_results if str(kr.get("title") or "").strip()]
    warnings.append(_key_result_count(organisation, len(rows), saved=None))
    warnings.append(_objective_number_advice(title))
    for position, kr in enumerate(rows, start=1):
        warnings.extend(key_result_warnings(kr, position))
    warnings.append(_alignment_advice(level, has_alignment, strategic_goal))
    if start_date is None or end_date is None:
        warnings.append(Advice("SET-8", _("No start and end dates are set; the cycle's dates will be used.")))
    warnings.append(_priority_advice(priority_chosen))
    return [w for w in warnings if w is not None]


def policy_departures(organisation: Organisation) -> list[str]:
    """One line per policy number the organisation set away from the method's default."""
    lines = []
    for name in organisation.departures_from_method():
        label = getattr(Organisation._meta.get_field(name), "verbose_name", name)
        lines.append(
            _("%(policy)s: %(value)s (the method's default: %(default)s)")
            % {"policy": label, "value": getattr(organisation, name), "default": Organisation.policy_default(name)}
        )
    return lines
