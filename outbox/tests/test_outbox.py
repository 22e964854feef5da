"""Nothing is lost: an enquiry's emails survive a mail server that is down, go exactly once when
it returns, give up visibly after the last retry, and never carry the person's details.

Real parts only: PostgreSQL, Django's SMTP backend talking to a real aiosmtpd server on a local
port (nothing listening there while "mail is down"), and the real `db_worker` loop.
"""

from __future__ import annotations

import logging
import re
import smtplib
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from councils.tests.factories import CouncilFactory
from enquiry.models import Enquiry
from enquiry.services import admin_url
from enquiry.tests.factories import EnquiryFactory
from outbox.models import OutboxMessage
from outbox.tasks import deliver, describe_error, enqueue_delivery, retry
from testkit.clients import StaffClient
from testkit.database import transactional
from testkit.outbox import (
    HUB_INBOX,
    Inbox,
    make_retries_due,
    run_worker,
    set_hub_inbox,
    smtp_server,
    smtp_settings,
)
from testkit.postgres import free_port

# --- helpers of these tests (the shared ones are in testkit/outbox.py) ---------------------------


def worker_in_thread(worker_id: str, errors: list) -> threading.Thread:
    """The worker loop in a thread (signals can only be set in the main thread, so the command's
    own wrapper is skipped); the thread closes its own database connection."""

    def run() -> None:
        try:
            Worker(
                queue_names=["outbox"],
                interval=0,
                batch=True,
                backend_name="outbox",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
        except Exception as error:  # surfaced by the test
            errors.append(error)
        finally:
            connection.close()

    return threading.Thread(target=run)


def admin_user(client: Client, make_user, name: str = "outbox.officer"):
    """Someone who may look at outgoing messages (the permission hub enquiry officers get)."""
    user = make_user(name)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="outbox", codename="view_outboxmessage"),
    )
    client.force_login(user)
    return user


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


# --- the mail server is down, then comes back ---------------------------------------------------


@transactional
def test_enquiry_is_saved_while_mail_is_down_and_each_email_goes_once_when_it_returns():
    set_hub_inbox()
    council = CouncilFactory()
    port = free_port()
    with smtp_settings(port):
        enquiry = EnquiryFactory(council=council, email="robin@example.org")

        # Saved, with three emails waiting: acknowledgement, hub, council.
        assert Enquiry.objects.filter(pk=enquiry.pk).exists()
        messages = OutboxMessage.objects.filter(reference=enquiry.reference)
        assert sorted(messages.values_list("topic", flat=True)) == [
            "enquiry.acknowledgement",
            "enquiry.council_notification",
            "enquiry.hub_notification",
        ]
        assert set(messages.values_list("status", flat=True)) == {"pending"}

        # Nothing listens on the port: every attempt fails and is recorded with a backoff.
        run_worker()
        for message in messages.all():
            assert message.status == "pending"
            assert message.attempts == 1
            assert "refused" in message.last_error.lower()
            assert message.next_attempt_at - message.last_attempt_at == timedelta(seconds=60)

        make_retries_due()
        run_worker()
        for message in messages.all():
            assert message.attempts == 2
            assert message.next_attempt_at - message.last_attempt_at == timedelta(seconds=120)

        # Mail returns on the same port; the retries come due; the worker sends each once.
        with smtp_server(port) as inbox:
            make_retries_due()
            run_worker()
            assert sorted(inbox.keys()) == sorted(
                [
                    (("robin@example.org",), m.subject)
                    if m.topic == "enquiry.acknowledgement"
                    else ((m.recipient,), m.subject)
                    for m in messages.all()
                ]
            )
            assert len(inbox.messages) == 3
            assert set(messages.values_list("status", flat=True)) == {"sent"}
            assert all(m.last_error == "" and m.sent_at for m in messages.all())

            # Running the worker again, even with every task forced due, sends nothing more.
            make_retries_due()
            DBTaskResult.objects.update(status="READY", run_after=timezone.now())
            run_worker()
            assert len(inbox.messages) == 3


@transactional
def test_two_workers_on_the_same_due_messages_send_each_once():
    set_hub_inbox()
    port = free_port()
    with smtp_settings(port), smtp_server(port, delay=0.2) as inbox:
        references = [EnquiryFactory().reference for _ in range(3)]
        messages = list(OutboxMessage.objects.filter(reference__in=references))
        assert len(messages) == 6  # acknowledgement and hub notification each
        # Every message has a second task (as after a retry or a requeue), so both workers
        # reach the same rows at the same time.
        for message in messages:
            enqueue_delivery(message)

        errors: list = []
        workers = [worker_in_thread(f"worker-{n}", errors) for n in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert not errors
        assert len(inbox.messages) == 6
        assert len(set(inbox.keys())) == 6
        assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}


@transactional
def test_a_locked_message_is_skipped_by_a_second_deliverer():
    """The row lock itself: two deliveries of one message at the same instant send it once."""
    set_hub_inbox("")
    port = free_port()
    with smtp_settings(port), smtp_server(port, delay=0.3) as inbox:
        enquiry = EnquiryFactory()
        message = OutboxMessage.objects.get(reference=enquiry.reference)
        barrier = threading.Barrier(2)
        results: list[str] = []

        def send() -> None:
            try:
                barrier.wait()
                results.append(deliver(message.pk))
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(results) == ["locked; will look again", "sent"]
        assert len(inbox.messages) == 1
        # The second look finds it sent.
        make_retries_due()
        run_worker()
        assert len(inbox.messages) == 1


@transactional
def test_a_message_locked_by_someone_else_is_looked_at_again_not_dropped():
    """A task that meets its message locked by another transaction (a staff retry, a bulk
    update) must not finish quietly: it may be the message's only task."""
    set_hub_inbox("")
    enquiry = EnquiryFactory()
    message = OutboxMessage.objects.get(reference=enquiry.reference)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    assert locked.wait(timeout=10)
    DBTaskResult.objects.update(status="SUCCESSFUL")  # its queued task is the one running now
    assert deliver(message.pk) == "locked; will look again"
    release.set()
    holder.join(timeout=10)

    assert DBTaskResult.objects.filter(status="READY").count() == 1
    make_retries_due()
    run_worker()
    message.refresh_from_db()
    assert message.status == "sent"
    assert [email.to for email in mail.outbox] == [[enquiry.email]]


# --- giving up, and "Retry now" -----------------------------------------------------------------


@transactional
def test_after_the_last_attempt_the_message_fails_is_listed_and_retry_now_sends_it(make_user):
    set_hub_inbox("")
    port = free_port()
    with smtp_settings(port), override_settings(OUTBOX_MAX_ATTEMPTS=2):
        enquiry = EnquiryFactory(email="kit@example.org", first_name="Kit")
        message = OutboxMessage.objects.get(reference=enquiry.reference)
        run_worker()
        make_retries_due()
        run_worker()
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("failed", 2)
        assert "refused" in message.last_error.lower()
        # No task is left waiting for a message that gave up.
        assert not DBTaskResult.objects.filter(status="READY").exists()

        client = StaffClient(enforce_csrf_checks=True)
        admin_user(client, make_user)
        listing = client.get("/admin/outbox/", {"status": "failed"})
        assert listing.status_code == 200
        html = listing.content.decode()
        assert enquiry.reference in html
        assert "Failed (gave up)" in html
        assert re.search(
            rf'action="/admin/outbox/retry/{message.pk}/" method="post">\s*'
            r'<input type="hidden" name="csrfmiddlewaretoken"',
            html,
        )
        # The list never shows whom a message was for, nor what it says.
        assert "kit@example.org" not in html
        assert message.body.splitlines()[0] not in html

        # The detail page shows the recipient, never the body.
        detail = client.get(f"/admin/outbox/inspect/{message.pk}/")
        assert detail.status_code == 200
        assert "kit@example.org" in detail.content.decode()
        assert message.body.splitlines()[0] not in detail.content.decode()

        # Retry now is a POST with a CSRF token; a GET does nothing.
        assert client.get(f"/admin/outbox/retry/{message.pk}/").status_code == 405
        assert client.post(f"/admin/outbox/retry/{message.pk}/").status_code == 403  # no token
        with smtp_server(port) as inbox:
            # The list's own "Retry now" form carries its CSRF token.
            response = client.post(
                f"/admin/outbox/retry/{message.pk}/", {"csrfmiddlewaretoken": csrf_token(html)}
            )
            assert response.status_code == 302
            message.refresh_from_db()
            assert (message.status, message.attempts) == ("pending", 0)
            run_worker()
            message.refresh_from_db()
            assert message.status == "sent"
            assert [m["to"] for m in inbox.messages] == [("kit@example.org",)]

            # A sent message cannot be retried (it would go twice).
            again = client.post(
                f"/admin/outbox/retry/{message.pk}/",
                {"csrfmiddlewaretoken": csrf_token(detail.content.decode())},
            )
            assert again.status_code == 302
            run_worker()
            message.refresh_from_db()
            assert message.status == "sent"
            assert len(inbox.messages) == 1


@pytest.mark.django_db
def test_the_outbox_admin_is_read_only_and_for_permitted_staff_only(make_user):
    set_hub_inbox()
    enquiry = EnquiryFactory()
    message = OutboxMessage.objects.filter(reference=enquiry.reference).first()

    stranger = StaffClient()
    stranger.force_login(make_user("no.outbox", is_superuser=False))
    assert stranger.get("/admin/outbox/").status_code == 302  # no admin access at all

    client = StaffClient()
    admin_user(client, make_user)
    assert client.get("/admin/outbox/").status_code == 200
    assert client.get("/admin/outbox/", {"q": enquiry.reference}).status_code == 200
    for path in (f"/admin/outbox/edit/{message.pk}/", f"/admin/outbox/delete/{message.pk}/"):
        assert client.get(path).status_code == 404
    assert client.get("/admin/outbox/new/").status_code == 404

    superuser = StaffClient()
    superuser.force_login(make_user("root", is_superuser=True))
    html = superuser.get("/admin/outbox/").content.decode()
    assert "Add outgoing message" not in html
    assert enquiry.reference in html


@pytest.mark.django_db
def test_the_outbox_list_filters_and_searches(make_user):
    set_hub_inbox()
    first, second = EnquiryFactory(), EnquiryFactory()
    OutboxMessage.objects.filter(reference=first.reference).update(status="failed")
    client = StaffClient()
    admin_user(client, make_user)

    def references(**params) -> set[str]:
        html = client.get("/admin/outbox/results/", params).content.decode()
        return set(re.findall(r"HUB-\d{4}-\d{6}", html))

    assert references() == {first.reference, second.reference}
    assert references(status="failed") == {first.reference}
    assert references(status="pending") == {second.reference}
    assert references(q=second.reference) == {second.reference}
    assert references(topic="enquiry.hub_notification", status="failed") == {first.reference}
    assert references(kind="webhook") == set()


@pytest.mark.django_db
def test_the_dashboard_counts_failed_messages_for_outbox_staff(make_user):
    set_hub_inbox()
    EnquiryFactory()
    OutboxMessage.objects.update(status="failed")
    client = StaffClient()
    admin_user(client, make_user)
    html = client.get("/admin/").content.decode()
    assert "2 messages gave up after every retry." in html
    assert "/admin/outbox/?status=failed" in html

    other = StaffClient()
    user = make_user("no.view")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    other.force_login(user)
    assert "gave up after every retry" not in other.get("/admin/").content.decode()


# --- what the emails say -------------------------------------------------------------------------


@transactional
def test_emails_carry_the_reference_and_admin_link_never_the_persons_details():
    set_hub_inbox()
    council = CouncilFactory()
    enquiry = EnquiryFactory(
        council=council,
        first_name="Marigold",
        last_name="Quenby",
        email="marigold.quenby@example.org",
        phone="07700 900456",
        postcode="ZZ9 9ZZ",
        question="Can I foster with my three dogs?",
    )
    run_worker()
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {
        ("marigold.quenby@example.org",),
        (HUB_INBOX,),
        (council.handover_email,),
    }
    personal = ["Marigold", "Quenby", "07700 900456", "ZZ9 9ZZ", "ZZ9", "three dogs"]
    for email in mail.outbox:
        text = email.subject + "\n" + email.body
        assert enquiry.reference in text
        for detail in personal:
            assert detail not in text, (email.to, detail)
    for staff in (HUB_INBOX, council.handover_email):
        email = by_recipient[(staff,)]
        assert admin_url(enquiry) in email.body
        assert "marigold.quenby" not in (email.subject + email.body).lower()


@transactional
def test_a_rolled_back_enquiry_leaves_no_message_and_no_task():
    set_hub_inbox()
    with pytest.raises(RuntimeError), transaction.atomic():
        EnquiryFactory()
        assert OutboxMessage.objects.exists() and DBTaskResult.objects.exists()
        raise RuntimeError("the request failed after saving")
    assert not Enquiry.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


# --- backoff with the real settings: no overflow, the last attempt gives up ---------------------


def test_backoff_with_the_default_settings_stays_at_the_hour_however_many_attempts():
    """60 * 2**41 seconds is too long for a timedelta: the delay is clamped before one is made."""
    assert settings.OUTBOX_MAX_ATTEMPTS == 55  # the default these attempts are about
    assert [OutboxMessage.backoff(n) for n in (1, 2, 3, 7)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
    ]
    for attempts in range(41, 55):
        assert OutboxMessage.backoff(attempts) == timedelta(hours=1), attempts
    assert OutboxMessage.backoff(10**6) == timedelta(hours=1)


@transactional
def test_late_attempts_are_rescheduled_and_the_55th_failure_gives_up_visibly():
    set_hub_inbox("")
    port = free_port()  # nothing listens: every attempt fails
    with smtp_settings(port):
        enquiry = EnquiryFactory(email="late.attempts@example.org")
        message = OutboxMessage.objects.get(reference=enquiry.reference)
        for attempts in range(41, settings.OUTBOX_MAX_ATTEMPTS):
            OutboxMessage.objects.filter(pk=message.pk).update(attempts=attempts - 1)
            make_retries_due()
            run_worker()
            message.refresh_from_db()
            assert (message.status, message.attempts) == ("pending", attempts)
            assert message.next_attempt_at - message.last_attempt_at == timedelta(hours=1)

        make_retries_due()
        run_worker()  # attempt 55 fails: the message gives up and says so
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("failed", 55)
        assert "refused" in message.last_error.lower()
        assert not DBTaskResult.objects.filter(status="READY").exists()
        # No task crashed (a crash would roll the attempt back and store a traceback).
        assert not DBTaskResult.objects.filter(status="FAILED").exists()
        assert set(DBTaskResult.objects.values_list("return_value", flat=True)) == {"failed"}


# --- no address in last_error or the logs ---------------------------------------------------------


class RefusingInbox(Inbox):
    """A mail server that refuses every recipient, repeating the address as real servers do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


@transactional
def test_a_refused_recipient_leaves_no_address_in_last_error_or_the_logs(caplog, make_user):
    caplog.set_level(logging.DEBUG)
    set_hub_inbox("")
    port = free_port()
    address = "refused.person@example.org"
    controller = Controller(RefusingInbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtp_settings(port), override_settings(OUTBOX_MAX_ATTEMPTS=2):
            enquiry = EnquiryFactory(email=address)
            message = OutboxMessage.objects.get(reference=enquiry.reference)
            run_worker()
            make_retries_due()
            run_worker()
    finally:
        controller.stop()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 2)
    assert message.last_error.startswith("SMTPRecipientsRefused: 550 5.1.1")
    assert "Recipient address rejected" in message.last_error
    assert "[address removed]" in message.last_error
    assert "refused.person" not in message.last_error
    assert "@" not in message.last_error
    # Our logs (and the worker's) say what failed and which message, never whom it was for.
    # (The test mail server's own log, "mail.log", is not ours and records every recipient.)
    ours = [record for record in caplog.records if record.name != "mail.log"]
    assert any(
        record.getMessage() == f"Outbox message {message.pk} failed for good "
        "(SMTPRecipientsRefused)"
        for record in ours
    )
    for record in ours:
        text = record.getMessage() + (record.exc_text or "")
        assert "refused.person" not in text, record.name
    # Nor does the staff list, which shows last_error.
    client = StaffClient()
    admin_user(client, make_user)
    html = client.get("/admin/outbox/", {"status": "failed"}).content.decode()
    assert enquiry.reference in html
    assert "refused.person" not in html


def test_addresses_are_removed_from_any_error_text():
    refused = smtplib.SMTPRecipientsRefused(
        {
            "a.person@example.org": (550, b"5.1.1 <a.person@example.org>: unknown"),
            "b@example.org": (451, b"try later"),
        }
    )
    assert describe_error(refused) == (
        "SMTPRecipientsRefused: 550 5.1.1 <[address removed]>: unknown; 451 try later"
    )
    other = smtplib.SMTPSenderRefused(553, b"bad <x@y.example>", "hub@hub.example")
    assert "@" not in describe_error(other)
    assert describe_error(ValueError('"Jo Bloggs"@example.org, jo+x@mail.example')) == (
        "ValueError: [address removed], [address removed]"
    )
    assert describe_error(ConnectionRefusedError(111, "Connection refused")) == (
        "ConnectionRefusedError: [Errno 111] Connection refused"
    )


# --- "Retry now" while a worker holds the row ---------------------------------------------------


@transactional
def test_retry_now_does_not_wait_for_a_row_a_worker_is_sending():
    set_hub_inbox("")
    enquiry = EnquiryFactory()
    message = OutboxMessage.objects.get(reference=enquiry.reference)
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", attempts=55)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:  # as deliver() does while it sends
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        message.refresh_from_db()
        started = time.monotonic()
        assert retry(message) is False
        assert time.monotonic() - started < 2  # no waiting for the lock
        assert message.status == "failed"
    finally:
        release.set()
        holder.join(timeout=10)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 55)  # untouched

    # Once the row is free, Retry now works.
    assert retry(message) is True
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    run_worker()
    message.refresh_from_db()
    assert message.status == "sent"
