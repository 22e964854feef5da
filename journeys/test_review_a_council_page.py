"""Hub review end to end in Chromium, as both roles of the demo.

Derby's comms officer changes their council's page and submits it to Hub review; the hub's comms
officer finds it awaiting their review on the dashboard, opens it (not locked to them) and
approves it; the change is then live on the public page, and both were told by email (queued in
the outbox for its worker).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TITLE = "Fostering with Derby City Council"
NEW_INTRO = "Derby's foster carers now meet every month at the Silk Mill."


@pytest.fixture
def derby_page(demo_server, django_db_blocker):
    """Derby's council page; afterwards its earlier version is live again and the emails this
    journey queued are gone, as the other journeys expect."""
    from wagtail.models import Locale

    from councils.models import CouncilPage
    from outbox.models import OutboxMessage

    with django_db_blocker.unblock():
        page = CouncilPage.objects.get(council__short_name="derby", locale=Locale.get_default())
        before = page.live_revision
        already_queued = set(OutboxMessage.objects.values_list("pk", flat=True))
    yield page
    with django_db_blocker.unblock():
        before.as_object().save_revision().publish()
        OutboxMessage.objects.filter(topic__startswith="workflow.").exclude(
            pk__in=already_queued
        ).delete()


def more_actions(tab, action: str) -> None:
    """Open the editor's action menu and press one of its actions."""
    tab.get_by_role("button", name="More actions").click()
    with tab.expect_navigation():
        tab.get_by_role("button", name=action, exact=True).click()


def test_a_council_page_is_submitted_reviewed_and_published(
    chromium, demo_server, derby_page, sign_in_as, django_db_blocker
):
    edit = f"{demo_server}/admin/pages/{derby_page.pk}/edit/"

    # Derby's comms officer changes the introduction and submits it.
    council = chromium.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    officer = council.new_page()
    sign_in_as(officer, "derby.comms")
    officer.goto(edit)
    officer.locator("#id_intro").fill(NEW_INTRO)
    more_actions(officer, "Submit to Hub review")
    assert "Moderators" not in officer.content()
    officer.goto(f"{demo_server}/admin/")
    in_a_workflow = officer.get_by_role("region", name="Your pages and snippets in a workflow")
    assert TITLE in in_a_workflow.inner_text()

    # Not live yet.
    public = chromium.new_context(locale="en-GB").new_page()
    public.goto(demo_server + derby_page.url)
    assert NEW_INTRO not in public.content()

    # The hub's comms officer finds it on the dashboard and approves it.
    hub_context = chromium.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    hub = hub_context.new_page()
    sign_in_as(hub, "hub.comms")
    hub.goto(f"{demo_server}/admin/")
    awaiting = hub.get_by_role("region", name="Awaiting your review")
    with hub.expect_navigation():
        awaiting.get_by_role("link", name=TITLE).click()
    assert "Only reviewers for this task can edit" not in hub.content()
    assert hub.locator("#id_intro").input_value() == NEW_INTRO
    more_actions(hub, "Approve and Publish")

    public.goto(demo_server + derby_page.url)
    assert NEW_INTRO in public.content()
    hub.goto(f"{demo_server}/admin/")
    assert hub.get_by_role("region", name="Awaiting your review").count() == 0

    with django_db_blocker.unblock():
        from outbox.models import OutboxMessage

        emails = {
            (message.recipient, message.subject)
            for message in OutboxMessage.objects.filter(topic__startswith="workflow.")
        }
    domain = "fostertogether-em.example"
    assert (
        f"hub.comms@{domain}",
        f'The page "{TITLE}" has been submitted for approval in moderation stage "Hub review"',
    ) in emails
    assert (f"derby.comms@{domain}", f'The page "{TITLE}" has been approved in "Hub review".') in (
        emails
    )
    assert not [address for address, _subject in emails if address.startswith("admin@")]

    council.close()
    hub_context.close()
    public.context.close()
