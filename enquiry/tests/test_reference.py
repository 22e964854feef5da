"""References stay unique and consecutive when many people enquire at the same moment, and a
double click (the same form posted twice at once) saves one enquiry. Real PostgreSQL, real
concurrent transactions: each thread has its own database connection."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from enquiry.models import Enquiry, ReferenceCounter
from enquiry.services import record_enquiry
from enquiry.tests.factories import EnquiryFactory
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def at_once(count: int, work) -> tuple[list, list]:
    """Run work(n) in `count` threads released together; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            result = work(n)
            with lock:
                results.append(result)
        except Exception as error:
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def details(n: int):
    return EnquiryFactory.build(email=f"person{n}@example.org")


def test_twenty_simultaneous_enquiries_get_twenty_consecutive_references():
    year = timezone.localdate().year
    assert not ReferenceCounter.objects.filter(year=year).exists()

    results, errors = at_once(20, lambda n: record_enquiry(details(n)))

    assert errors == []
    assert all(created for _enquiry, created in results)
    references = sorted(enquiry.reference for enquiry, _created in results)
    assert references == [f"HUB-{year}-{n:06d}" for n in range(1, 21)]
    assert sorted(Enquiry.objects.values_list("reference", flat=True)) == references
    assert ReferenceCounter.objects.get(year=year).last_number == 20


def test_the_same_form_posted_five_times_at_once_saves_one_enquiry():
    token = uuid.uuid4()
    same = details(0)

    results, errors = at_once(5, lambda n: record_enquiry(same, submission_token=token))

    assert errors == []
    assert Enquiry.objects.count() == 1
    enquiry = Enquiry.objects.get()
    assert {found.pk for found, _created in results} == {enquiry.pk}
    assert sorted(created for _found, created in results) == [False] * 4 + [True]
    # One set of notifications, and no number was used up by the four repeats.
    assert OutboxMessage.objects.filter(reference=enquiry.reference).count() == 1
    assert enquiry.reference.endswith("-000001")
    assert ReferenceCounter.objects.get().last_number == 1
