"""The Chat settings form: it parses input (the target as the department or team the person may choose); the rules
live in `qibu.notify.chat.services`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_input
from qibu.core.validation import SHORT_NAME_MAX
from qibu.notify.chat import access
from qibu.notify.chat.services import SECRET_MAX, URL_MAX, Target
from qibu.notify.models import ChatPlatform, ChatWebhook
from qibu.org.models import Person


class ChatWebhookForm(forms.Form):
    target = forms.ChoiceField(label=_("department or team"))
    name = forms.CharField(label=_("name"), widget=text_input(SHORT_NAME_MAX), help_text=_("e.g. the group's name"))
    platform = forms.ChoiceField(label=_("platform"), choices=[("", "—"), *ChatPlatform.choices])
    url = forms.CharField(
        label=_("webhook address"),
        widget=text_input(URL_MAX, autocomplete="off", spellcheck="false"),
        help_text=_("The robot's address from the chat group's settings, starting with https://."),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        widget=forms.PasswordInput(attrs={"maxlength": str(SECRET_MAX), "autocomplete": "off"}),
        help_text=_("DingTalk and Feishu robots with signing (加签): their secret. Leave it empty otherwise."),
    )

    def __init__(self, *args: Any, person: Person, webhook: ChatWebhook | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        departments = list(access.departments_for(person).only("pk", "name", "path"))
        teams = list(access.teams_for(person).only("pk", "name", "department__name"))
        target_field = cast("forms.ChoiceField", self.fields["target"])
        target_field.choices = [
            ("", "—"),
            (str(_("Departments")), [(f"department:{d.pk}", "\u2003" * d.depth + d.name) for d in departments]),
            (str(_("Teams")), [(f"team:{t.pk}", f"{t.department.name} · {t.name}") for t in teams]),
        ]
        self._departments = {d.pk: d for d in departments}
        self._teams = {t.pk: t for t in teams}
        if webhook is not None:
            # An empty address or secret keeps the stored one, which the page shows masked and never sends.
            self.fields["url"].required = False
            self.fields["url"].help_text = _("Leave it empty to keep the address stored.")
            self.fields["secret"].help_text = _("Leave it empty to keep the secret stored.")
            if webhook.secret:
                self.fields["forget_secret"] = forms.BooleanField(label=_("remove the secret"), required=False)
            if not self.is_bound:
                target = f"team:{webhook.team_id}" if webhook.team_id else f"department:{webhook.department_id}"
                self.initial = {"target": target, "name": webhook.name, "platform": webhook.platform}

    def chosen_target(self) -> Target | None:
        kind, _sep, pk = str(self.cleaned_data.get("target") or "").partition(":")
        if not pk.isdigit():
            return None
        if kind == "department":
            return self._departments.get(int(pk))
        return self._teams.get(int(pk)) if kind == "team" else None

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments = {k: data.get(k, "") for k in ("name", "platform", "url", "secret")}
        return arguments | {"target": self.chosen_target()}
