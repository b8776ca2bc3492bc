"""A local HTTP receiver for chat webhooks (a threaded http.server on 127.0.0.1): it keeps every request it is sent
and answers as told — a platform's "ok", an HTTP error, a platform error code in a 200 body, or no answer at all
(a hang) — so that tests see what a chat platform sees."""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> Any:
        return json.loads(self.raw)


@dataclass
class Answer:
    status: int = 200
    body: str = '{"errcode":0,"errmsg":"ok"}'
    hang_seconds: float = 0.0


@dataclass
class _State:
    received: list[Request] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)  # used in turn; the last one stays
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


class ChatReceiver:
    """`with ChatReceiver() as receiver:` … post to `receiver.url("/robot")`, then read `receiver.received`."""

    def __init__(self) -> None:
        self.state = _State()
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
                with state.lock:
                    state.received.append(Request(parts.path, query, parts.query, dict(self.headers.items()), raw))
                    answer = state.answers.pop(0) if len(state.answers) > 1 else (state.answers or [Answer()])[0]
                if answer.hang_seconds:
                    state.stop.wait(answer.hang_seconds)
                body = answer.body.encode()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/robot") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def answer(self, *answers: Answer) -> None:
        """Answer the next requests with these, in turn; the last one keeps answering."""
        with self.state.lock:
            self.state.answers = list(answers)

    @property
    def received(self) -> list[Request]:
        with self.state.lock:
            return list(self.state.received)

    def __enter__(self) -> ChatReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.state.stop.set()
        self.server.shutdown()
        self.server.server_close()
