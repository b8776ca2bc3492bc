"""Telling people: mail through an outbox, (later) the in-product inbox, chat and reminders.

    models     `OutboxMail`: one row per recipient and message, with its status, attempts, lease and last error
    services   `mail_queue` (in the caller's transaction), `send_batch` (one SMTP connection per batch), `retry`
    tasks      the worker's tasks that drain the outbox

Mail is written in the transaction of the action that causes it and sent by a background worker
(`qibu.jobs`): a user's action never waits for, or fails because of, a mail server. Without SMTP settings
(`EMAIL_HOST`), mail is kept in the outbox for administrators to read in the product, as it would be sent.
"""
