"""Mailing a publication to everyone (issue 7, item 10): Qibu's worker path against plain smtplib, same sink.

Run from the repository root (SQLite, a fresh database in a temporary folder per size):

    .venv/bin/python bench/publish_mail.py                 # 10,000 people
    SIZES=1000 .venv/bin/python bench/publish_mail.py      # a quick run

For each size a child process migrates a fresh database, generates the demo company (`generate_company`, two weeks
of check-ins), starts a local SMTP sink (aiosmtpd on 127.0.0.1, `tests/smtp_sink.py`) and publishes the current
quarter as its administrator (the form's POST: readiness, the publication "compiling", its job; timed). Then a
`qibu.jobs` worker runs the queue as `make run` does: the compile (the snapshot; timed on its own, before the
worker, whose compile job then finds it done), the publication's jobs (the plan, then one job per
500 people building their mails into the outbox), then the outbox's drain jobs (`send_batch`, 100 messages per
SMTP connection, each row marked sent). Then plain `smtplib` sends the very same messages (the outbox rows' bytes,
built before the clock starts) to the same sink over one connection, and again composing each message with the
standard library's `email.message.EmailMessage` as a plain script would. Every message must arrive exactly once
(counted by Message-ID) in each phase. Target: Qibu's sending rate at least half of smtplib's composing the same
messages; the share of the prebuilt-bytes rate is printed beside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
TARGET_SHARE = 0.5


# The publish request at 10,000 people before the snapshot moved into the worker's job (the request copied the
# 25,000 objectives itself), measured on the same machine: printed beside today's figure.
REQUEST_BEFORE_S = 6.2


def _phase_publish() -> tuple[Any, float]:
    """The publish request as the administrator sends it (the form's POST through Django's test client: the
    session, the view, readiness, the publication "compiling", its job, the redirect to the progress page)."""
    from django.test import Client

    from qibu.cycles.selectors import cycle_current
    from qibu.org.models import Person, Role
    from qibu.publish.models import Publication

    admin = Person.objects.filter(role=Role.ADMIN).order_by("pk").first()
    quarter = cycle_current()
    assert admin is not None and quarter is not None
    client = Client()
    client.force_login(admin)
    url = f"/publications/quarters/{quarter.pk}/publish/"
    assert client.get(url).status_code == 200  # the form, as the administrator opens it (and the first-request costs)
    started = time.perf_counter()
    response = client.post(url, {"message": "为什么这些 OKR 重要。", "anyway": "on"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return Publication.objects.get(), elapsed


def _phase_compile(publication: Any) -> float:
    """The compile job's work (`publication_compile`, the snapshot the request used to write), timed on its own;
    the queued `publish.compile` job then finds it compiled and does nothing (a job run twice compiles once)."""
    from qibu.jobs.models import Job, JobStatus
    from qibu.publish.services import publication_compile

    assert Job.objects.filter(task="publish.compile", status=JobStatus.QUEUED).count() == 1
    started = time.perf_counter()
    publication_compile(publication.pk)
    elapsed = time.perf_counter() - started
    publication.refresh_from_db()
    assert publication.state == "published", (publication.state, publication.error)
    return elapsed


def _phase_worker() -> tuple[float, float]:
    from qibu.jobs.models import Job, JobStatus
    from qibu.jobs.worker import Worker

    worker = Worker(name="bench")
    started = time.perf_counter()
    while Job.objects.filter(task__startswith="publish.", status=JobStatus.QUEUED).exists():
        worker.run_one()
    built = time.perf_counter()
    if os.environ.get("PROFILE"):
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            worker.run(until_empty=True)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    else:
        worker.run(until_empty=True)
    return built - started, time.perf_counter() - built


def _smtplib(port: int, messages: list[tuple[str, str, bytes]]) -> float:
    import smtplib

    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as server:
        for sender, recipient, data in messages:
            server.sendmail(sender, [recipient], data)
    return time.perf_counter() - started


def _smtplib_composing(port: int, rows: list[tuple[str, str, str, str, str]]) -> float:
    """Plain smtplib as a script would use it: each message composed with the standard library, then sent."""
    import smtplib
    from email.message import EmailMessage

    from django.conf import settings

    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as server:
        for to, subject, text, html, message_id in rows:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"], message["Message-ID"] = (
                settings.DEFAULT_FROM_EMAIL,
                to,
                subject,
                message_id,
            )
            message.set_content(text)
            message.add_alternative(html, subtype="html")
            server.send_message(message)
    return time.perf_counter() - started


def _same_messages(publication: Any) -> tuple[list[tuple[str, str, bytes]], set[str]]:
    """The outbox's messages as bytes, built the way Qibu builds them (text and HTML parts, its Message-ID)."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    from qibu.notify.models import OutboxMail
    from qibu.publish.selectors import mail_key_prefix

    rows = OutboxMail.objects.filter(key__startswith=mail_key_prefix(publication)).order_by("pk")
    messages, ids = [], set()
    for mail in rows.iterator(2000):
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to_address],
            headers={"Message-ID": mail.message_id},
        )
        message.attach_alternative(mail.html, "text/html")
        # Django's MIME classes take `linesep`, as its SMTP backend passes it (the stubs know only the stdlib's).
        data = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
        messages.append((settings.DEFAULT_FROM_EMAIL, mail.to_address, data))
        ids.add(mail.message_id)
    return messages, ids


def _once(received: list[Any], expected: set[str]) -> bool:
    counts = Counter(r.message_id for r in received)
    return set(counts) == expected and all(n == 1 for n in counts.values())


def child(size: int, out_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qibu.settings")
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from qibu.demo.generator import generate_company
    from qibu.notify.models import MailStatus, OutboxMail
    from tests.smtp_sink import SmtpSink

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    generate_company(people=size, checkin_weeks=2, finished_quarter=False)
    print(f"  {size}: generated in {time.perf_counter() - t0:.1f} s", flush=True)
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.QIBU_MAIL_SENDS = True
        publication, publish_s = _phase_publish()
        compile_s = _phase_compile(publication)
        build_s, send_s = _phase_worker()
        qibu_received = sink.received
        messages, ids = _same_messages(publication)
        sent = OutboxMail.objects.filter(id__isnull=False, status=MailStatus.SENT, kind="publication").count()
        qibu_once = _once(qibu_received, ids) and sent == len(ids) == publication.recipients
        sink.handler.received.clear()
        smtplib_s = _smtplib(sink.port, messages)
        smtplib_once = _once(sink.received, ids)
        rows = list(
            OutboxMail.objects.filter(kind="publication")
            .order_by("pk")
            .values_list("to_address", "subject", "text", "html", "message_id")
        )
        sink.handler.received.clear()
        composing_s = _smtplib_composing(sink.port, rows)
        composing_once = _once(sink.received, ids)
    n = len(ids)
    result = {
        "size": size,
        "recipients": publication.recipients,
        "delivered_qibu": len(qibu_received),
        "delivered_smtplib": len(messages),
        "exactly_once_qibu": qibu_once,
        "exactly_once_smtplib": smtplib_once and composing_once,
        "smtplib_composing_rate": round(n / composing_s, 1) if composing_s else None,
        "publish_request_s": round(publish_s, 2),
        "compile_s": round(compile_s, 2),
        "build_s": round(build_s, 2),
        "send_s": round(send_s, 2),
        "smtplib_s": round(smtplib_s, 2),
        "qibu_send_rate": round(n / send_s, 1) if send_s else None,
        "qibu_end_to_end_rate": round(n / (build_s + send_s), 1) if build_s + send_s else None,
        "smtplib_rate": round(n / smtplib_s, 1) if smtplib_s else None,
    }
    Path(out_path).write_text(json.dumps(result), encoding="utf-8")


def _run_child(size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="qibu-bench-mail-") as folder:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "DJANGO_SETTINGS_MODULE": "qibu.settings",
                "QIBU_TESTING": "1",
                "QIBU_DEBUG": "0",
                "SECRET_KEY": "bench-" + "x" * 50,
                "ALLOWED_HOSTS": "testserver,localhost",
            }
        )
        out = f"{folder}/result.json"
        subprocess.run([sys.executable, __file__, "--child", str(size), out], env=env, cwd=ROOT, check=True)
        result: dict[str, Any] = json.loads(Path(out).read_text(encoding="utf-8"))
        return result


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3])
        return 0
    sizes = [int(s) for s in os.environ.get("SIZES", "10000").split(",") if s.strip()]
    print(f"Publication mailing: sizes {sizes}, Qibu's worker (jobs + outbox) against smtplib, one SMTP sink")
    ok = True
    for size in sizes:
        r = _run_child(size)
        share = r["qibu_send_rate"] / r["smtplib_composing_rate"] if r["smtplib_composing_rate"] else 0.0
        wire = r["qibu_send_rate"] / r["smtplib_rate"] if r["smtplib_rate"] else 0.0
        passed = share >= TARGET_SHARE and r["exactly_once_qibu"] and r["exactly_once_smtplib"]
        ok &= passed
        print(
            f"  {size} people, {r['recipients']} recipients: publish request {r['publish_request_s']} s "
            f"(before the snapshot moved into the worker: {REQUEST_BEFORE_S} s at 10,000 people); the worker "
            f"compiled the snapshot in {r['compile_s']} s, built the mails in {r['build_s']} s and sent them in "
            f"{r['send_s']} s\n"
            f"    Qibu:    {r['qibu_send_rate']} messages/s sending ({r['qibu_end_to_end_rate']} /s building and "
            f"sending), {r['delivered_qibu']} delivered, each once: {r['exactly_once_qibu']}\n"
            f"    smtplib: {r['smtplib_rate']} messages/s with the messages' bytes built beforehand, "
            f"{r['smtplib_composing_rate']} /s composing each with the standard library; {r['delivered_smtplib']} "
            f"delivered, each once: {r['exactly_once_smtplib']}\n"
            f"    {'PASS' if passed else 'FAIL'}  Qibu sends at {share:.0%} of smtplib's rate composing the same "
            f"messages (target ≥ 50 %), every message exactly once; {wire:.0%} of smtplib sending prebuilt bytes"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
