"""`{% rule_id "SET-6" %}`: a rule's ID as a small label after the sentence that explains it (`qibu.core.rules`)."""

from __future__ import annotations

from typing import Any

from django import template

from qibu.core.rules import rule_statement

register = template.Library()


@register.inclusion_tag("core/_rule_id.html")
def rule_id(rule: str) -> dict[str, Any]:
    return {"rule": rule, "statement": rule_statement(rule)}
