"""Mail you can trust: queued in the action's transaction, sent by a worker over one SMTP connection per batch,
each message marked sent the moment the server took it, retried with back-off, never sent twice by design.

SMTP has no transactions: if a worker dies in the instant between the server's "250 OK" and the row marked
sent, that one message is sent again when its lease runs out, with the same Message-ID (derived from the
message's key), which mail providers use to show it once. Everything else is sent exactly once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
import traceback
from collections.abc import Sequence
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.jobs import services as jobs
from qibu.notify.models import MailStatus, OutboxMail
from qibu.org.models import Person

# How long a claim on a batch holds; the sender renews it while it works through the batch.
MAIL_LEASE = dt.timedelta(seconds=getattr(settings, "QIBU_MAIL_LEASE_SECONDS", 300))
BATCH_SIZE = 100
ERROR_MAX = 5_000
# A drain job per this many queued messages: a mailing to 10,000 people makes 100 jobs, not 10,000, and workers
# share them; each job drains whatever is due, so the later ones often find nothing left.
MAILS_PER_DRAIN_JOB = 100


def mail_sends() -> bool:
    """Whether a mail server is configured; without one, mail is kept in the outbox to be read in the product."""
    return bool(getattr(settings, "QIBU_MAIL_SENDS", False))


def _message_id(key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "qibu.local"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def mail_queue(
    *,
    key: str,
    kind: str,
    subject: str,
    text: str,
    html: str = "",
    recipient: Person | None = None,
    to_address: str = "",
    language: str = "",
) -> OutboxMail:
    """One message, written in the caller's transaction (it exists only if the action commits) with a job that
    will send it. Queueing the same `key` again answers the message already there: publishing twice never
    mails anyone twice. A recipient without an address is recorded as failed, with the reason, at once."""
    existing = OutboxMail.objects.filter(key=key).first()
    if existing is not None:
        return existing
    address = to_address or (recipient.email if recipient is not None else "")
    mail = OutboxMail(
        key=key,
        kind=kind,
        recipient=recipient,
        to_address=address,
        language=language,
        subject=subject[:300],
        text=text,
        html=html,
        message_id=_message_id(key),
    )
    if not address:
        mail.status = MailStatus.FAILED
        mail.last_error = _("%(person)s has no e-mail address.") % {"person": recipient or _("The recipient")}
    try:
        with transaction.atomic():  # a savepoint: a race on the key must not spoil the caller's transaction
            mail.save()
    except IntegrityError:
        return OutboxMail.objects.get(key=key)
    if mail.status == MailStatus.QUEUED:
        jobs.enqueue("notify.send_mail", key=f"notify.send_mail:{mail.pk // MAILS_PER_DRAIN_JOB}")
    return mail


# Due mail, most overdue first, taken for one worker in one statement (see qibu.jobs.services for why).
_CLAIM_SQL = """\
UPDATE {mail} SET status = %s, worker = %s, lease_until = %s, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM {mail}
    WHERE (status = %s AND next_attempt_at <= %s) OR (status = %s AND lease_until < %s)
    ORDER BY next_attempt_at, id
    LIMIT %s{skip_locked}
)
RETURNING *
"""


def claim(worker: str, *, limit: int = BATCH_SIZE, now: dt.datetime | None = None) -> list[OutboxMail]:
    """Take up to `limit` due messages for `worker`: queued and due, or sending under a lease that ran out."""
    now = now or timezone.now()
    sql = _CLAIM_SQL.format(
        mail=connection.ops.quote_name(OutboxMail._meta.db_table),
        skip_locked=" FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else "",
    )
    sending, queued = MailStatus.SENDING.value, MailStatus.QUEUED.value
    params = [sending, worker, now + MAIL_LEASE, queued, now, sending, now, limit]
    mails = list(OutboxMail.objects.raw(sql, params))
    return sorted(mails, key=lambda mail: (mail.next_attempt_at, mail.pk))


def _held(mail: OutboxMail, worker: str) -> None:
    OutboxMail.objects.filter(pk=mail.pk, worker=worker).update(status=MailStatus.HELD, lease_until=None)


def _sent(mail: OutboxMail, worker: str) -> None:
    OutboxMail.objects.filter(pk=mail.pk, worker=worker, status=MailStatus.SENDING).update(
        status=MailStatus.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    )


def _error_text(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(error)).strip()[:ERROR_MAX]


def _later(mails: Sequence[OutboxMail], worker: str, error: BaseException) -> None:
    """A failure of the connection, not of the message: these go again after a back-off, or fail for good after
    their last attempt."""
    now, text = timezone.now(), _error_text(error)
    for mail in mails:
        held = OutboxMail.objects.filter(pk=mail.pk, worker=worker, status=MailStatus.SENDING)
        if mail.attempts >= mail.max_attempts:
            held.update(status=MailStatus.FAILED, lease_until=None, last_error=text)
        else:
            held.update(
                status=MailStatus.QUEUED,
                lease_until=None,
                next_attempt_at=now + jobs.backoff(mail.attempts),
                last_error=text,
            )


def _refused(mail: OutboxMail, worker: str, error: BaseException) -> None:
    """The server refused this message for good (an unknown address, a refused sender): failed, not retried."""
    OutboxMail.objects.filter(pk=mail.pk, worker=worker, status=MailStatus.SENDING).update(
        status=MailStatus.FAILED, lease_until=None, last_error=_error_text(error)
    )


def _email(mail: OutboxMail, backend: BaseEmailBackend) -> EmailMultiAlternatives:
    name = str(mail.recipient) if mail.recipient is not None else ""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((name, mail.to_address)) if name else mail.to_address],
        headers={"Message-ID": mail.message_id, "Auto-Submitted": "auto-generated"},
        connection=backend,
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def _permanent(error: BaseException) -> bool:
    """Whether the server refused the message itself (5xx), so that sending it again cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    return isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600


def send_batch(worker: str, *, size: int = BATCH_SIZE) -> tuple[int, int]:
    """Claim up to `size` due messages and send them over one SMTP connection; answers (claimed, sent)."""
    mails = claim(worker, limit=size)
    if not mails:
        return 0, 0
    # The recipients' names for the To: header, in one query rather than one a message.
    prefetch_related_objects(mails, "recipient")
    if not mail_sends():
        for mail in mails:
            _held(mail, worker)
        return len(mails), 0
    backend = get_connection(fail_silently=False)
    try:
        backend.open()
    except (OSError, smtplib.SMTPException) as error:
        _later(mails, worker, error)
        return len(mails), 0
    return len(mails), _send_each(backend, mails, worker)


def _send_each(backend: BaseEmailBackend, mails: list[OutboxMail], worker: str) -> int:
    sent = 0
    renewed = timezone.now()
    try:
        for index, mail in enumerate(mails):
            if timezone.now() - renewed > MAIL_LEASE / 3:
                renewed = timezone.now()
                OutboxMail.objects.filter(pk__in=[m.pk for m in mails[index:]], worker=worker).update(
                    lease_until=renewed + MAIL_LEASE
                )
            try:
                _email(mail, backend).send()
            except (OSError, smtplib.SMTPException) as error:
                if _permanent(error):
                    _refused(mail, worker, error)
                    continue
                _later(mails[index:], worker, error)
                break
            _sent(mail, worker)
            sent += 1
    finally:
        backend.close()
    return sent


def drain(worker: str) -> int:
    """Send batches until nothing is due (what failed waits for its back-off); answers how many were sent."""
    total = 0
    while True:
        claimed, sent = send_batch(worker)
        total += sent
        if not claimed:
            return total


def retry(mail: OutboxMail) -> OutboxMail:
    """An administrator's retry of a failed (or kept) message: queued now, its attempts counted afresh."""
    if mail.status in (MailStatus.FAILED, MailStatus.HELD):
        OutboxMail.objects.filter(pk=mail.pk).update(
            status=MailStatus.QUEUED, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        jobs.enqueue("notify.send_mail", key=f"notify.send_mail:retry:{mail.pk}:{timezone.now().isoformat()}")
    mail.refresh_from_db()
    return mail
