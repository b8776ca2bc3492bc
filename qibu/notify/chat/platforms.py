"""Each chat platform's message format, size limit, signature and answer: pure functions, no database.

| platform | format | signed | limit |
|---|---|---|---|
| Feishu / Lark | interactive card (`msg_type: interactive`) | `timestamp`, `sign` in the JSON body | 20 KB a body |
| DingTalk | `msgtype: markdown` | `timestamp`, `sign` as query parameters | 20 messages a minute per robot |
| WeCom | `msgtype: markdown` | no | 4,096 bytes of markdown; 20 messages a minute per robot |
| Slack | blocks | no | 3,000 characters a section |

Feishu signs an empty message with HMAC-SHA256 keyed by `timestamp_s + "\\n" + secret`; DingTalk signs
`timestamp_ms + "\\n" + secret` with HMAC-SHA256 keyed by the secret. Both send the digest base64-encoded (DingTalk's
URL-encoded too). Both refuse a timestamp more than an hour old, so a message is signed when it is sent.

Text from people (titles, reasons) goes into plain-text fields where the platform has them (Feishu's card, Slack's
header); where it is markdown, what would mention or ping people is neutralised (Slack's `<!channel>`, WeCom's
`<@user>`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.notify.models import ChatPlatform

TITLE_MAX = 150  # Slack's header block holds 150 characters; the others show about as much
LINE_MAX = 1000
FEISHU_BODY_MAX = 20 * 1024  # bytes of the JSON body
SIGNATURE_ROOM = 120  # bytes the timestamp and signature add to a Feishu body
DINGTALK_BODY_MAX = 20_000  # bytes of the JSON body
WECOM_CONTENT_MAX = 4096  # bytes of the markdown content
SLACK_SECTION_MAX = 3000  # characters of a section's text
# Robots that take at most this many messages a minute (more are refused, so the sender waits).
PER_MINUTE = {ChatPlatform.DINGTALK.value: 20, ChatPlatform.WECOM.value: 20}
SIGNED = {ChatPlatform.DINGTALK.value, ChatPlatform.FEISHU.value}

Payload = dict[str, Any]


def encode(body: Payload) -> bytes:
    """The body as it is posted (and measured against the limits): compact JSON in UTF-8."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Built:
    payload: Payload
    shortened: bool


def _slack_text(text: str) -> str:
    # Slack reads <…> as links and mentions (<!channel> pings everyone): escaped as its documentation asks.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wecom_text(text: str) -> str:
    # WeCom's markdown reads <@userid> as a mention and <font> as colour: shown instead of read.
    return text.replace("<", "＜").replace(">", "＞")


def _feishu(title: str, lines: list[str], link: str, link_text: str) -> Payload:
    elements: list[dict[str, Any]] = []
    if lines:
        elements.append({"tag": "div", "text": {"tag": "plain_text", "content": "\n".join(lines)}})
    if link:
        button = {"tag": "button", "text": {"tag": "plain_text", "content": link_text}, "url": link, "type": "primary"}
        elements.append({"tag": "action", "actions": [button]})
    card = {
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": title}, "template": "blue"},
        "elements": elements,
    }
    return {"msg_type": "interactive", "card": card}


def _dingtalk(title: str, lines: list[str], link: str, link_text: str) -> Payload:
    parts = [f"### {title}", *(f"- {line}" for line in lines)]
    if link:
        parts.append(f"[{link_text}]({link})")
    return {"msgtype": "markdown", "markdown": {"title": title, "text": "\n\n".join(parts)}}


def _wecom(title: str, lines: list[str], link: str, link_text: str) -> Payload:
    parts = [f"**{_wecom_text(title)}**", *(_wecom_text(line) for line in lines)]
    if link:
        parts.append(f"[{link_text}]({link})")
    return {"msgtype": "markdown", "markdown": {"content": "\n".join(parts)}}


def _slack(title: str, lines: list[str], link: str, link_text: str) -> Payload:
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    if lines:
        text = "\n".join(_slack_text(line) for line in lines)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    if link:
        button = {"type": "button", "text": {"type": "plain_text", "text": link_text}, "url": link}
        blocks.append({"type": "actions", "elements": [button]})
    return {"text": title, "blocks": blocks}


Format = Callable[[str, list[str], str, str], Payload]
FORMATS: dict[str, Format] = {
    ChatPlatform.FEISHU.value: _feishu,
    ChatPlatform.DINGTALK.value: _dingtalk,
    ChatPlatform.WECOM.value: _wecom,
    ChatPlatform.SLACK.value: _slack,
}


def _fits(platform: str, payload: Payload) -> bool:
    if platform == ChatPlatform.FEISHU:
        return len(encode(payload)) <= FEISHU_BODY_MAX - SIGNATURE_ROOM
    if platform == ChatPlatform.DINGTALK:
        return len(encode(payload)) <= DINGTALK_BODY_MAX
    if platform == ChatPlatform.WECOM:
        return len(payload["markdown"]["content"].encode()) <= WECOM_CONTENT_MAX
    sections = [b for b in payload["blocks"] if b["type"] == "section"]
    return all(len(b["text"]["text"]) <= SLACK_SECTION_MAX for b in sections)


def _left_out(platform: str, count: int) -> str:
    name = ChatPlatform(platform).label
    return ngettext(
        "… %(count)d more line left out to fit %(platform)s's size limit; the link shows everything.",
        "… %(count)d more lines left out to fit %(platform)s's size limit; the link shows everything.",
        count,
    ) % {"count": count, "platform": name}


def _clip(text: str, most: int) -> str:
    text = " ".join(text.split())  # one line each: a line break inside would break the markdown's list
    return text if len(text) <= most else text[: most - 1] + "…"


def build(platform: str, *, title: str, lines: list[str], link: str = "", link_text: str = "") -> Built:
    """The platform's payload for a title, lines and a link (unsigned). Lines that do not fit the platform's limit
    are left out from the end, and a last line says how many (the most lines that fit are kept)."""
    make = FORMATS[platform]
    title = _clip(title, TITLE_MAX)
    lines = [_clip(line, LINE_MAX) for line in lines]
    link_text = link_text or _("Open in Qibu")
    whole = make(title, lines, link, link_text)
    if _fits(platform, whole):
        return Built(whole, shortened=False)
    # The most lines kept (with the note) that still fit: fitting only gets easier with fewer lines.
    low, high = 0, len(lines) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(platform, make(title, [*lines[:middle], _left_out(platform, len(lines) - middle)], link, link_text)):
            low = middle
        else:
            high = middle - 1
    return Built(make(title, [*lines[:low], _left_out(platform, len(lines) - low)], link, link_text), shortened=True)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """base64(HMAC-SHA256(key=secret, message=f"{timestamp_ms}\\n{secret}")), before URL-encoding."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """base64(HMAC-SHA256(key=f"{timestamp_s}\\n{secret}", message=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(platform: str, url: str, secret: str, payload: Payload, now: dt.datetime) -> tuple[str, bytes]:
    """The address and body to post, signed for `now` when the platform signs and the robot has a secret."""
    if platform == ChatPlatform.DINGTALK and secret:
        timestamp_ms = int(now.timestamp() * 1000)
        query = urllib.parse.urlencode({"timestamp": timestamp_ms, "sign": dingtalk_sign(secret, timestamp_ms)})
        return f"{url}{'&' if '?' in url else '?'}{query}", encode(payload)
    if platform == ChatPlatform.FEISHU and secret:
        timestamp_s = int(now.timestamp())
        return url, encode({"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **payload})
    return url, encode(payload)


def refusal(platform: str, status: int, text: str) -> str | None:
    """What went wrong, from the platform's answer, or None when it took the message. DingTalk, WeCom and Feishu
    answer HTTP 200 with an error code in the body; Slack answers "ok" or an HTTP error."""
    if not 200 <= status < 300:
        return _("HTTP %(status)d: %(body)s") % {"status": status, "body": text[:500]}
    if platform == ChatPlatform.SLACK:
        return None
    try:
        answer = json.loads(text)
    except ValueError:
        return _("The answer is not JSON: %(body)s") % {"body": text[:500]}
    if not isinstance(answer, dict):
        return _("The answer is not JSON: %(body)s") % {"body": text[:500]}
    name, message = ("code", "msg") if platform == ChatPlatform.FEISHU else ("errcode", "errmsg")
    code = answer.get(name, answer.get("StatusCode", 0) if platform == ChatPlatform.FEISHU else None)
    if code == 0:
        return None
    return _("%(platform)s refused the message: %(field)s %(code)s, %(message)s") % {
        "platform": ChatPlatform(platform).label,
        "field": name,
        "code": code,
        "message": answer.get(message, ""),
    }
