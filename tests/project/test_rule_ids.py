"""No bare rule IDs: a person reads what a rule says, not "SET-7".

Every page and fragment of the permission table is rendered (in Chinese, as the persona who sees most of it, in
the world of `test_untranslated`, where pages show every state they can, the coach's warnings included). The check:
a rule ID (SET-4, EXE-4, MEAS-8 …) may appear in the text a person sees only inside an element of class "rule-id"
that has a non-empty `title` (what `{% rule_id %}` renders: the rule's statement as the title, after a sentence
that explains it), and never in an attribute read aloud or shown (aria-label, placeholder, alt, a title).

Why this form: "is there a sentence near the code?" cannot be decided from markup, but whether the code is the
marked, secondary label can; and the one template tag that makes the label also gives it the statement, so a
code with no words at all cannot pass. That the sentence before it is in the reader's language is
`test_untranslated`'s to prove.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.conftest import Company
from tests.project.test_permissions_matrix import Row, World, world  # noqa: F401  (the fixture, used by name)
from tests.project.test_untranslated import PAGES, _chinese_client, lived_in  # noqa: F401  (the fixture)

# The rule families of the method (METHOD.md): vision, set, publish, execute, self-assess, reflect, update,
# celebrate, measure, and the workshop rules; and the OKR coach's own checks (COACH-1, COACH-2: qibu.core.rules).
RULE_ID = re.compile(r"\b(?:VIS|SET|PUB|EXE|SELF|REF|UPD|CEL|MEAS|WS|COACH)-\d+\b")
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
HIDDEN_TAGS = {"script", "style", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _BareRuleIds(HTMLParser):
    """Rule IDs a person would see outside a titled "rule-id" label, and the labels seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, whether it is a titled rule-id label)
        self.hidden = 0
        self.bare: list[str] = []
        self.labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if RULE_ID.search(values.get(name) or ""):
                self.bare.append(f"{name}={values[name]!r} on <{tag}>")
        if tag in VOID_TAGS:
            return
        label = "rule-id" in (values.get("class") or "").split() and bool((values.get("title") or "").strip())
        self.labels += label
        self.open.append((tag, label))
        self.hidden += tag in HIDDEN_TAGS

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            opened, _label = self.open.pop()
            self.hidden -= opened in HIDDEN_TAGS
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.hidden or not RULE_ID.search(data) or any(label for _tag, label in self.open):
            return
        self.bare.append(" ".join(data.split())[:100])


def bare_rule_ids(page: str) -> tuple[list[str], int]:
    """The texts showing a rule ID with no explanation, and how many labelled IDs the page has."""
    parser = _BareRuleIds()
    parser.feed(page)
    return parser.bare, parser.labels


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_it_shows_no_bare_rule_id_on_any_page(row: Row, lived_in: World, company: Company) -> None:  # noqa: F811
    persona = next(p for p in ("alice", "erin", "hank", "mia", "oscar") if row.expect.get(p) == "ok")
    response = _chinese_client(getattr(company, persona)).get(row.url(lived_in, company), headers=row.headers or {})
    assert response.status_code == 200, response.status_code
    bare, _labels = bare_rule_ids(response.content.decode())
    assert not bare, f"{row.name}: a rule ID without its explanation:\n" + "\n".join(bare)


def test_it_labels_the_rule_ids_of_the_coachs_warnings(lived_in: World, company: Company) -> None:  # noqa: F811
    """The editor's warnings (SET-4 and more on the lived-in objective) carry their IDs as titled labels; so the
    scan above meets labels and would meet a bare ID if one came back."""
    client = _chinese_client(company.mia)
    for url in (
        reverse("okrs:objective_edit", args=[lived_in["mine"].pk]),
        reverse("okrs:kr_new", args=[lived_in["mine"].pk]),
        reverse("org:settings"),
    ):
        person_client = _chinese_client(company.alice) if "settings" in url else client
        bare, labels = bare_rule_ids(person_client.get(url).content.decode())
        assert not bare and labels >= 1, url
    fragment = client.post(
        reverse("okrs:editor_warnings"), {"objective": lived_in["mine"].pk}, headers={"HX-Request": "true"}
    )
    bare, labels = bare_rule_ids(fragment.content.decode())
    assert not bare and labels >= 1


def test_it_finds_a_bare_rule_id_where_there_is_one() -> None:
    """The check itself."""
    assert bare_rule_ids('<p>对齐 <abbr class="rule-id" title="每个目标都服务于公司战略">SET-6</abbr></p>') == ([], 1)
    assert bare_rule_ids('<h2>员工制定占比 <span class="tag">SET-7</span></h2>')[0] == ["SET-7"]
    assert bare_rule_ids('<p>SET-4: 4 个关键结果</p><script>"SET-3"</script>')[0] == ["SET-4: 4 个关键结果"]
    assert bare_rule_ids('<abbr class="rule-id">MEAS-8</abbr>')[0] == ["MEAS-8"]  # no statement: bare
    assert bare_rule_ids('<input placeholder="EXE-4"><br><p>ok</p>')[0] == ["placeholder='EXE-4' on <input>"]
    assert bare_rule_ids('<p><abbr class="rule-id" title="x">SET-6</abbr> 然后 SET-8</p>')[0] == ["然后 SET-8"]
