"""Hub review: a council comms officer's page goes to the hub's comms officers before it is live.

Driven through the admin views a person uses (the page editor, the dashboard, the workflow
actions), with the emails delivered by the real outbox worker to the test mail box.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Task, Workflow, WorkflowPage, WorkflowState
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from accounts.roles import HUB_COMMS, sync_roles
from councils.tests.factories import CouncilPageFactory
from events.tests.factories import EventIndexPageFactory
from home.tests.factories import StandardPageFactory
from outbox.models import OutboxMessage
from outbox.tasks import deliver
from testkit.admin import comms_group
from testkit.clients import signed_in
from testkit.html import soup

pytestmark = pytest.mark.django_db

LOCKED = "Only reviewers for this task can edit"
TITLE = "Fostering with Derby City Council"
SUBMITTED = f'The page "{TITLE}" has been submitted for approval in moderation stage "Hub review"'
APPROVED = f'The page "{TITLE}" has been approved in "Hub review".'
CHANGES_REQUESTED = f'The page "{TITLE}" has been rejected during "Hub review".'


@pytest.fixture
def derby_page(councils):
    return CouncilPageFactory(council=councils["derby"], title=TITLE)


@pytest.fixture
def reviewers(people, make_user):
    """Every kind of person the submission email could reach, by what they are."""
    no_email = make_user("hub-comms-no-email", HUB_COMMS)
    no_email.email = ""
    no_email.save()
    return {
        "hub": people["hub_comms"],
        "second hub": make_user("hub-comms-2", HUB_COMMS),
        "hub, left": make_user("hub-comms-left", HUB_COMMS, is_active=False),
        "hub, no email": no_email,
        "superuser": get_user_model().objects.create_superuser(
            "site-admin", "site-admin@example.org", "not-used"
        ),
    }


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def post_edit(client, page, action: dict[str, str], intro: str):
    """Change the council page's introduction in the editor and press one of its buttons."""
    form = client.get(edit_url(page))
    assert form.status_code == 200
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    data.update(
        nested_form_data(
            {
                "intro": intro,
                "body": streamfield([("rich_text", rich_text("<p>Our carers say we listen.</p>"))]),
                **action,
            }
        )
    )
    return client.post(edit_url(page), data)


SUBMIT = {"action-submit": "action-submit"}


def approve(comment: str = "") -> dict[str, str]:
    return {
        "action-workflow-action": "true",
        "workflow-action-name": "approve",
        "workflow-action-extra-data": json.dumps({"comment": comment}),
    }


def deliver_the_outbox() -> None:
    """What the worker does for each message waiting. (The worker command commits its own
    transactions, so it runs only in transactional tests, as in outbox/tests.)"""
    for message in OutboxMessage.objects.pending():
        deliver(message.pk)


def sent() -> list[tuple[tuple[str, ...], str]]:
    """What the outbox delivered: (recipients, subject), in order."""
    deliver_the_outbox()
    delivered = [(tuple(message.to), message.subject) for message in mail.outbox]
    mail.outbox.clear()
    return delivered


def scheduled_revision(page):
    """The page's revision approved to go live later, if any."""
    return page.revisions.filter(approved_go_live_at__isnull=False).first()


def action_labels(response) -> list[str]:
    """The labels of the editor's action menu (its buttons and the dropdown's)."""
    footer = soup(response.content).select_one("form#page-edit-form footer")
    return [" ".join(button.get_text().split()) for button in footer.select("button, a.button")]


# --- The workflow every installation has ------------------------------------------------------


def test_sync_roles_sends_every_page_to_hub_review_instead_of_moderators_approval(derby_page):
    hub_review = Workflow.objects.get(name="Hub review", active=True)
    (task,) = [task.specific for task in hub_review.tasks]
    assert task.name == "Hub review"
    assert list(task.groups.values_list("name", flat=True)) == [HUB_COMMS]

    root = Page.get_first_root_node()
    assert WorkflowPage.objects.get(page=root).workflow == hub_review
    events = EventIndexPageFactory()
    assert derby_page.get_workflow() == hub_review
    assert events.get_workflow() == hub_review
    assert not Workflow.objects.filter(name="Moderators approval", active=True).exists()

    before = (Workflow.objects.count(), Task.objects.count(), WorkflowPage.objects.count())
    sync_roles()
    assert (Workflow.objects.count(), Task.objects.count(), WorkflowPage.objects.count()) == before


def test_a_council_comms_officer_submits_to_hub_review(derby_page, people, councils):
    officer = signed_in(people["derby_comms"])
    labels = action_labels(officer.get(edit_url(derby_page)))
    assert "Submit to Hub review" in labels
    assert not [label for label in labels if "Moderators" in label]

    events = EventIndexPageFactory()
    sync_roles()  # council comms officers may draft events under the new events index
    add_event = reverse("wagtailadmin_pages:add", args=["events", "eventpage", events.pk])
    labels = action_labels(officer.get(add_event))
    assert "Submit to Hub review" in labels


def test_a_reviewer_added_to_the_task_stays_when_the_roles_are_synced_again(councils):
    """How to change the reviewers (README): add a group to the Hub review task in the admin."""
    task = Task.objects.get(name="Hub review").specific
    task.groups.add(comms_group(councils["nottingham"]))
    sync_roles()
    assert task.groups.count() == 2


def test_a_page_left_waiting_in_moderators_approval_goes_back_to_its_editor(home, make_user):
    """Before this, council officers' submissions waited for a group nobody was in."""
    moderators = Workflow.objects.get(name="Moderators approval")
    moderators.active = True
    moderators.save()
    WorkflowPage.objects.update_or_create(
        page=Page.get_first_root_node(), defaults={"workflow": moderators}
    )
    page = CouncilPageFactory()
    editor = make_user("someone")
    page.save_revision(user=editor)
    moderators.start(page, editor)
    assert page.workflow_in_progress

    sync_roles()

    page.refresh_from_db()
    assert not page.workflow_in_progress
    assert page.get_workflow().name == "Hub review"


# --- Submit, review, publish ------------------------------------------------------------------


def test_a_council_officers_change_is_reviewed_and_published_by_the_hub(
    derby_page, people, reviewers
):
    officer = signed_in(people["derby_comms"])
    response = post_edit(officer, derby_page, SUBMIT, "Derby's new introduction.")
    assert response.status_code == 302
    derby_page.refresh_from_db()
    assert derby_page.workflow_in_progress
    assert derby_page.intro != "Derby's new introduction.", "not live until the hub approves"

    assert sorted(sent()) == [
        (("hub-comms-2@example.org",), SUBMITTED),
        (("hub-comms@example.org",), SUBMITTED),
    ]
    # The submitter sees where it is; the hub sees what waits for it.
    waiting = officer.get(reverse("wagtailadmin_home")).content.decode()
    assert "Your pages and snippets in a workflow" in waiting and TITLE in waiting
    hub = signed_in(reviewers["hub"])
    dashboard = hub.get(reverse("wagtailadmin_home")).content.decode()
    assert "Awaiting your review" in dashboard and TITLE in dashboard

    response = post_edit(
        hub, derby_page, approve("Lovely, thank you."), "Derby's new introduction."
    )
    assert response.status_code == 302
    derby_page.refresh_from_db()
    assert derby_page.live and not derby_page.has_unpublished_changes
    assert derby_page.intro == "Derby's new introduction."
    assert not derby_page.workflow_in_progress

    (approval,) = sent()
    assert approval == (("derby-comms@example.org",), APPROVED)


def test_the_approval_email_carries_the_reviewers_comment(derby_page, people):
    post_edit(signed_in(people["derby_comms"]), derby_page, SUBMIT, "Derby's new introduction.")
    sent()
    post_edit(
        signed_in(people["hub_comms"]),
        derby_page,
        approve("I tightened the second sentence."),
        "Derby's new introduction, tightened.",
    )
    deliver_the_outbox()
    (approval,) = mail.outbox
    assert approval.subject == APPROVED
    assert "I tightened the second sentence." in approval.body
    derby_page.refresh_from_db()
    assert derby_page.intro == "Derby's new introduction, tightened."


def test_requested_changes_go_back_to_the_submitter_with_the_comment(derby_page, people):
    officer = signed_in(people["derby_comms"])
    post_edit(officer, derby_page, SUBMIT, "Derby's new introduction.")
    sent()
    task_state = WorkflowState.objects.get(status="in_progress").current_task_state
    hub = signed_in(people["hub_comms"])
    response = hub.post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=[derby_page.pk, "reject", task_state.pk]
        ),
        {"comment": "Please add the date of the next information evening."},
    )
    assert response.status_code == 302

    deliver_the_outbox()
    (email,) = mail.outbox
    assert (email.to, email.subject) == (["derby-comms@example.org"], CHANGES_REQUESTED)
    assert "Please add the date of the next information evening." in email.body
    derby_page.refresh_from_db()
    assert derby_page.intro != "Derby's new introduction."
    # Back with the submitter: they can edit it and resubmit.
    editor = officer.get(edit_url(derby_page))
    assert LOCKED not in editor.content.decode()
    assert "Resubmit to Hub review" in action_labels(editor)


def test_a_hub_comms_officer_can_edit_a_page_in_review(derby_page, people):
    post_edit(signed_in(people["derby_comms"]), derby_page, SUBMIT, "Derby's new introduction.")
    hub = signed_in(people["hub_comms"])
    editor = hub.get(edit_url(derby_page))
    assert LOCKED not in editor.content.decode()
    labels = action_labels(editor)
    assert {"Approve and Publish", "Approve with comment and Publish", "Request changes"} <= set(
        labels
    )

    response = post_edit(hub, derby_page, {}, "Derby's introduction, edited in review.")
    assert response.status_code == 302
    derby_page.refresh_from_db()
    assert derby_page.workflow_in_progress, "saving an edit keeps it in review"
    latest = derby_page.get_latest_revision_as_object()
    assert latest.intro == "Derby's introduction, edited in review."


def test_no_email_is_sent_from_inside_the_request(derby_page, people, reviewers):
    """Mail goes through the outbox (retried by the worker), so a mail server that is down
    neither slows the editor nor loses the message."""
    post_edit(signed_in(people["derby_comms"]), derby_page, SUBMIT, "Derby's new introduction.")
    assert mail.outbox == []
    assert len(sent()) == 2


# --- A cancelled schedule stays cancelled -----------------------------------------------------


def test_a_cancelled_schedule_does_not_come_back_with_the_next_draft(derby_page, people):
    hub = signed_in(people["hub_comms"])
    go_live = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)
    form = hub.get(edit_url(derby_page))
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    data.update(
        nested_form_data(
            {
                "intro": "Our summer campaign starts soon.",
                "body": streamfield([("rich_text", rich_text("<p>Our carers say we listen.</p>"))]),
                "go_live_at": timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M"),
                "action-publish": "action-publish",
            }
        )
    )
    assert hub.post(edit_url(derby_page), data).status_code == 302
    scheduled = scheduled_revision(derby_page)
    assert scheduled is not None, "the change is scheduled"

    unschedule = reverse(
        "wagtailadmin_pages:revisions_unschedule", args=[derby_page.pk, scheduled.pk]
    )
    assert hub.post(unschedule).status_code == 302
    assert scheduled_revision(derby_page) is None

    # The editor opens the page again: no go-live date; a draft saved now keeps none either.
    form = hub.get(edit_url(derby_page))
    go_live_field = soup(form.content).find("input", attrs={"name": "go_live_at"})
    assert not go_live_field.get("value")
    response = post_edit(hub, derby_page, {}, "Our summer campaign starts soon, really.")
    assert response.status_code == 302
    derby_page.refresh_from_db()
    assert derby_page.get_latest_revision_as_object().go_live_at is None
    assert derby_page.go_live_at is None

    # So the next publish is live at once, not quietly held until the old date.
    response = post_edit(hub, derby_page, {"action-publish": "action-publish"}, "Live now.")
    assert response.status_code == 302
    derby_page.refresh_from_db()
    assert derby_page.live and derby_page.intro == "Live now."
    assert scheduled_revision(derby_page) is None


def test_a_cancelled_schedule_of_a_page_never_published_stays_cancelled(derby_page, people):
    """A new page scheduled for its first publication keeps its date on the page row too."""
    page = StandardPageFactory(parent=derby_page, live=False, title="Derby support groups")
    page.go_live_at = timezone.now() + datetime.timedelta(days=3)
    page.save_revision(user=people["hub_comms"]).publish(user=people["hub_comms"])
    page.refresh_from_db()
    assert not page.live and page.go_live_at is not None
    scheduled = scheduled_revision(page)

    hub = signed_in(people["hub_comms"])
    unschedule = reverse("wagtailadmin_pages:revisions_unschedule", args=[page.pk, scheduled.pk])
    assert hub.post(unschedule).status_code == 302

    page.refresh_from_db()
    assert page.go_live_at is None
    assert page.get_latest_revision_as_object().go_live_at is None
