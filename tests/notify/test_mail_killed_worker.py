"""A worker killed with `kill -9` in the middle of a mailing, and started again, leaves every recipient with exactly
one message (issue 7): real worker processes, a real SMTP server (aiosmtpd on 127.0.0.1), a database of the test's
own. The message the server took in the instant the worker died may arrive twice, with the same Message-ID (which
mail providers show once); none is lost, none other is repeated."""

from __future__ import annotations

import os
import signal
from collections import Counter

import pytest

from tests.processes import Database, manage, wait_for, worker
from tests.smtp_sink import SmtpSink

RECIPIENTS = 120


@pytest.mark.django_db
def test_it_mails_everyone_once_after_a_worker_is_killed_mid_mailing(own_database: Database) -> None:
    database = own_database
    manage(database, "migrate", "--verbosity", "0")
    queue = (
        "from qibu.notify.services import mail_queue\n"
        f"for n in range({RECIPIENTS}):\n"
        "    mail_queue(key=f'mailing:1:{n}', kind='test', to_address=f'p{n}@yunzhou.example',\n"
        "               subject=f'第 {n} 封', text='本季度的 OKR 已发布。')\n"
    )
    manage(database, "shell", "-c", queue)
    with SmtpSink() as sink:
        sink.slow(0.01)  # the mailing takes over a second: long enough to be stopped in the middle
        mail_env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port)}
        first = worker(database, "first", **mail_env)
        try:
            wait_for(lambda: len(sink.received) >= RECIPIENTS // 3, "a third of the mailing to be sent")
        finally:
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        sent_when_killed = len(sink.received)
        assert sent_when_killed < RECIPIENTS, "killed in the middle, not after"

        def everything_sent() -> bool:
            again = worker(database, "second", "--until-empty", **mail_env)
            assert again.wait(timeout=90) == 0
            sent: int = database.rows("SELECT count(*) FROM notify_outboxmail WHERE status = 'sent'")[0][0]
            return sent == RECIPIENTS

        wait_for(everything_sent, "the second worker to send the rest", seconds=120)
        received = sink.received

    per_recipient = Counter(r.to[0] for r in received)
    distinct = {(r.to[0], r.message_id) for r in received}
    assert set(per_recipient) == {f"p{n}@yunzhou.example" for n in range(RECIPIENTS)}, "nobody missed"
    assert len(distinct) == RECIPIENTS, "one message (one Message-ID) per recipient"
    assert len(received) - RECIPIENTS <= 1, f"at most the one in flight repeated: {per_recipient.most_common(3)}"
    statuses = database.rows("SELECT status, count(*) FROM notify_outboxmail GROUP BY status")
    assert statuses == [("sent", RECIPIENTS)]
