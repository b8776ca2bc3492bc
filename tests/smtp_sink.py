"""A real SMTP server for tests (aiosmtpd on 127.0.0.1): it keeps what it receives, can refuse addresses, and
counts sessions, so that tests see what a mail server sees."""

from __future__ import annotations

import email
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    to: list[str]
    message: Message

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class _Handler:
    refuse: set[str] = field(default_factory=set)
    delay_seconds: float = 0.0
    received: list[Received] = field(default_factory=list)
    sessions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay_seconds:
            time.sleep(self.delay_seconds)  # a slow server, so that a test can stop a sender mid-mailing
        parsed = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpSink:
    def __init__(self) -> None:
        self.handler = _Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    @property
    def sessions(self) -> int:
        return self.handler.sessions

    def refuse(self, *addresses: str) -> None:
        self.handler.refuse.update(addresses)

    def slow(self, seconds: float) -> None:
        self.handler.delay_seconds = seconds


def part_text(message: Message, content_type: str) -> str:
    """The text of a message's first part of this type, its transfer encoding undone."""
    part = next(part for part in message.walk() if part.get_content_type() == content_type)
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()
