"""Every admin URL our apps register, walked for each role against another council's rows.

The row rules (`Enquiry.objects.for_user`, `events.querysets`, `attribution.access`,
`HeldSubmission.objects.for_user`, the councils' model permissions and Wagtail's page
permissions) only protect what the views read through them. So the URL list is not written
by hand: it is built from the URL resolver, every named pattern under /admin/ with an argument
naming a row (an object id, a page id, a user id) that belongs to one of our apps' viewsets or
views, or is one of Wagtail's views of pages or of "any model" (app label and model name in
the address). A view added later without the rule is walked too, and fails here.

Each is called with GET as Derby's comms officer, Derby's fostering officer and a marketing
lead, against Nottingham's rows: its enquiry, event booking, local campaign, a post held as
suspected spam, an outgoing message, the council itself, one of its staff, its council page
and a draft event of its comms team (with online joining details) in moderation. A view that
only takes a POST (405 to the GET) is posted to, empty. Refusals are:

- 404 (the row rules: a row you may not see is like one that does not exist),
- 403, or a 302 to the dashboard (Wagtail's "Sorry, you do not have permission"),
- a 302 to the sign-in page,
- a 302 to another admin page that refuses in turn (e.g. a page's revisions go to its
  history), or, from the page explorer, to the person's own part of the page tree.

Anything else (a 200, a redirect elsewhere, an error) fails, unless the URL is in ALLOWED
below: the few views that are public to every admin user by design, each with why.

The same roles then open the views of our viewsets that take no row (lists, their results and
CSV exports, choosers, add forms), which must not name any of Nottingham's rows; and every
admin link to one of these rows (the site history's) must resolve.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.models import EditingSession
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.models import Page

from accounts.roles import sync_roles
from attribution.access import visible_campaigns
from attribution.tests.factories import CampaignFactory
from core.tests.factories import child_index
from councils.tests.factories import CouncilPageFactory
from enquiry.models import HeldSubmission, RejectedSubmission
from events.models import EventFormat, EventIndexPage, Registration
from events.tests.factories import EventIndexPageFactory, EventPageFactory
from outbox.models import OutboxMessage
from testkit.admin import comms_group

pytestmark = pytest.mark.django_db

# Our apps: a view in one of their modules, or a viewset of one of their models, is walked.
OUR_APPS = {
    "accounts",
    "attribution",
    "core",
    "councils",
    "demo",
    "enquiry",
    "events",
    "fostering_types",
    "home",
    "outbox",
    "reporting",
}
# URL arguments that name a row: the walk puts another council's row in them.
ROW_ARGUMENTS = {
    "pk",
    "object_id",
    "page_id",
    "parent_page_id",
    "page_to_move_id",
    "page_pk",
    "user_id",
}
PAGE_ARGUMENTS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk"}
# Wagtail's views of pages whose page argument is called `pk`.
PAGE_NAMESPACES = {"wagtailadmin_pages", "wagtailadmin_api:pages"}

ROLES = ["derby_comms", "derby", "marketing"]

# Public to every admin user by design, (URL name, kind of row) -> why. Nothing else may answer.
ALLOWED = {
    # A partner council's name (the only thing these answer with: id, name, edit link) is
    # public on every page of the site, and every form that names a council needs it.
    ("wagtailsnippetchoosers_councils_council:chosen", "council"): "a council's public name",
    ("wagtail_localize:snippets_api_detail", "council"): "a council's public name",
    # Wagtail's "Publish page" modal says whether, and at which step of which workflow, a page
    # is in moderation (no title, no content) to anyone who asks; nothing of the page is in it.
    ("wagtailadmin_pages:confirm_workflow_cancellation", "council page"): "a workflow's name",
    ("wagtailadmin_pages:confirm_workflow_cancellation", "draft event"): "a workflow's name",
    # Wagtail's page chooser lists every page's title, for linking one page from another.
    ("wagtailadmin_choose_page_child", "council page"): "page titles, for links",
    ("wagtailadmin_choose_page_child", "draft event"): "page titles, for links",
    # Council comms officers may add events under the events index, so Wagtail's explorer
    # shows them every event there (title, status, type; never a draft's content), as it
    # shows every editor the pages beside the ones they may change.
    ("wagtailadmin_explore", "draft event", "derby_comms"): "the explorer, under the events",
    ("wagtailadmin_explore_results", "draft event", "derby_comms"): "the explorer's list",
    ("wagtailadmin_api:pages:detail", "draft event", "derby_comms"): "the explorer's menu",
}


# Rows the row rule itself lets a role see: not walked for that role.
SEEN_BY_RULE = {
    ("marketing", "campaign"): "marketing leads read every campaign (view_all_campaigns)",
}
# Models of our viewsets that belong to no council: the hub's own, the same for every council.
HUB_WIDE = {"enquiry.hearaboutoption"}


def allowed(name: str, kind: str, role: str) -> str | None:
    return ALLOWED.get((name, kind, role)) or ALLOWED.get((name, kind))


@dataclass(frozen=True)
class Pattern:
    name: str
    arguments: frozenset[str]
    model: type[Model] | None
    module: str


def admin_patterns() -> list[Pattern]:
    """Every named pattern under /admin/, with its arguments and the model of its view."""
    found: list[Pattern] = []

    def walk(patterns, namespace: str | None, arguments: set[str], under_admin: bool, path: str):
        for entry in patterns:
            route = str(entry.pattern)
            here = path + route
            names = set(getattr(entry.pattern, "converters", {})) or set(
                entry.pattern.regex.groupindex
            )
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(
                    entry.url_patterns,
                    inner,
                    arguments | names,
                    under_admin or here.startswith("admin/"),
                    here,
                )
            elif isinstance(entry, URLPattern) and entry.name and under_admin:
                every = frozenset(arguments | names)
                callback = entry.callback
                view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
                model = (getattr(callback, "view_initkwargs", None) or {}).get("model") or getattr(
                    view_class, "model", None
                )
                module = (view_class or callback).__module__
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append(
                    Pattern(name, every, model if isinstance(model, type) else None, module)
                )

    walk(get_resolver().url_patterns, None, set(), False, "")
    return found


def our_viewset_models() -> dict[str, type[Model]]:
    """The URL namespace of each registered viewset of one of our models -> the model."""
    namespaces = {}
    for viewset in admin_viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if isinstance(model, type) and model._meta.app_label in OUR_APPS:
            namespaces[viewset.url_namespace] = model
    return namespaces


def ours(module: str) -> bool:
    return module.split(".")[0] in OUR_APPS


@pytest.fixture
def nottingham(councils, people, make_user, enquiries):
    """Nottingham's rows, each of a kind the walk knows how to put in a URL."""
    council = councils["nottingham"]
    page = CouncilPageFactory(council=council, title="Fostering with Nottingham")
    child_index(EventIndexPage, EventIndexPageFactory)
    sync_roles()  # the council page and the events index give the comms teams their rights
    comms = make_user("nottingham-comms", comms_group(council))
    draft = EventPageFactory(
        title="Nottingham online Q&A",
        hosts=[council],
        format=EventFormat.ONLINE,
        venue_name="",
        venue_address="",
        venue_postcode="",
        joining_details="https://meet.example.org/nottingham-secret-room",
        owner=comms,
        live=False,
    )
    revision = draft.save_revision(user=comms)
    draft.get_workflow().start(draft, comms)
    published = EventPageFactory(title="Nottingham morning", hosts=[council])
    booking = Registration.objects.create(
        event=published,
        first_name="Nell",
        last_name="Booker",
        email="nell@example.org",
        postcode="NG1 1AA",
        places=1,
        status=Registration.Status.CONFIRMED,
    )
    held = HeldSubmission.objects.create(
        kind=HeldSubmission.Kind.ENQUIRY,
        reason=RejectedSubmission.Reason.TOO_FAST,
        submission_token=uuid.uuid4(),
        fingerprint="f" * 64,
        email="nina@example.org",
        name="Nina Held",
        answers={"council": "nottingham", "first_name": "Nina", "last_name": "Held"},
    )
    enquiry = enquiries["nottingham"]
    rows = {
        "enquiry": enquiry,
        "booking": booking,
        "campaign": CampaignFactory(
            council=council, name="Nottingham teenagers", code="nottingham-teenagers"
        ),
        "held post": held,
        "outgoing message": OutboxMessage.objects.filter(reference=enquiry.reference).first(),
        "council": council,
        "user": people["nottingham"],
        "council page": page,
        "draft event": draft,
    }
    assert all(rows.values())
    # Someone of Nottingham is editing each row (an editing session names who).
    for row in rows.values():
        EditingSession.objects.create(
            user=comms,
            content_type=ContentType.objects.get_for_model(row),
            object_id=str(row.pk),
            last_seen_at=timezone.now(),
        )
    return {"rows": rows, "revision": revision, "comms": comms}


def kind_of(model: type[Model], rows: dict[str, Model]) -> list[str]:
    return [kind for kind, row in rows.items() if isinstance(row, model)]


def targets(pattern: Pattern, rows: dict[str, Model], namespaces) -> list[str]:
    """The kinds of Nottingham row this pattern is walked with (none: not ours to walk)."""
    namespace = pattern.name.rpartition(":")[0]
    row_arguments = pattern.arguments & ROW_ARGUMENTS
    if not row_arguments:
        return []
    if namespace in namespaces:
        if namespaces[namespace]._meta.label_lower in HUB_WIDE:
            return []
        kinds = kind_of(namespaces[namespace], rows)
        assert kinds, f"{pattern.name}: give the walk a Nottingham row of {namespaces[namespace]}"
        return kinds
    is_page_view = bool(row_arguments & PAGE_ARGUMENTS) or namespace in PAGE_NAMESPACES
    if is_page_view:
        return kind_of(Page, rows)
    if {"app_label", "model_name"} <= pattern.arguments:
        return list(rows)  # a view of any model: each of our rows
    if ours(pattern.module) or (pattern.model and pattern.model._meta.app_label in OUR_APPS):
        if row_arguments == {"user_id"}:
            return ["user"]
        if pattern.model is not None and (kinds := kind_of(pattern.model, rows)):
            return kinds
        pytest.fail(f"{pattern.name}: tell the walk which row {sorted(row_arguments)} names")
    return []


def url_for(pattern: Pattern, row: Model, nottingham: dict) -> str:
    rows = nottingham["rows"]
    draft = rows["draft event"]
    workflow_state = draft.workflow_states.first()
    values = {
        "app_label": row._meta.app_label,
        "model_name": row._meta.model_name,
        "kind": "svg",
        # Adding a page under a row: a standard page (which fits under a council page).
        "content_type_app_name": "home",
        "content_type_model_name": "standardpage",
        "revision_id": nottingham["revision"].pk,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "destination_id": row.get_parent().pk if isinstance(row, Page) else None,
        "action_name": "copy" if pattern.name.startswith("wagtailadmin_api") else "approve",
        "task_state_id": workflow_state.current_task_state_id,
        "task_id": workflow_state.current_task_state.task_id,
        "workflow_state_id": workflow_state.pk,
        "workflow_pk": workflow_state.workflow_id,
        "session_id": EditingSession.objects.get(
            content_type=ContentType.objects.get_for_model(row), object_id=str(row.pk)
        ).pk,
    }
    kwargs = {}
    for argument in pattern.arguments:
        if argument in ROW_ARGUMENTS:
            kwargs[argument] = row.pk
        elif values.get(argument) is not None:
            kwargs[argument] = values[argument]
        else:
            pytest.fail(f"{pattern.name}: tell the walk what to put in <{argument}>")
    return reverse(pattern.name, kwargs=kwargs)


def refusal(client, response, row: Model | None = None) -> str | None:
    """How the admin refused (None: it did not)."""
    explorer = reverse("wagtailadmin_explore", args=[0]).removesuffix("0/")
    if (
        response.status_code == 302
        and isinstance(row, Page)
        and response.url.startswith(explorer)
        and not response.url.startswith(reverse("wagtailadmin_explore", args=[row.pk]))
    ):
        return "302 to their own part of the page tree"
    hops = []
    for _hop in range(3):
        if response.status_code in (403, 404):
            return " -> ".join([*hops, str(response.status_code)])
        if response.status_code != 302:
            return None
        if response.url == reverse("wagtailadmin_home"):
            return " -> ".join([*hops, "302 to the dashboard"])
        if response.url.startswith(reverse("wagtailadmin_login")):
            return " -> ".join([*hops, "302 to sign in"])
        if not response.url.startswith(reverse("wagtailadmin_home")):
            return None
        hops.append(f"302 to {response.url}")  # to another admin page, which must refuse too
        response = client.get(response.url)
    return None


def test_no_admin_url_shows_another_councils_row(nottingham, people, client_as):
    rows = nottingham["rows"]
    namespaces = our_viewset_models()
    walked: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for pattern in admin_patterns():
        for kind in targets(pattern, rows, namespaces):
            url = url_for(pattern, rows[kind], nottingham)
            if url in seen:  # two names for one view (Wagtail's and ours)
                continue
            seen.add(url)
            walked.append((pattern.name, kind, url))
    # The walk reaches every kind of row and every viewset of ours.
    assert {kind for _name, kind, _url in walked} == set(rows)
    council_rows = {
        ns for ns, model in namespaces.items() if model._meta.label_lower not in HUB_WIDE
    }
    assert {name.rpartition(":")[0] for name, _kind, _url in walked} >= council_rows

    assert visible_campaigns(people["marketing"]).filter(pk=rows["campaign"].pk).exists()

    failures = []
    for role in ROLES:
        client = client_as(role)
        for name, kind, url in walked:
            if (role, kind) in SEEN_BY_RULE:
                continue
            response = client.get(url)
            if response.status_code == 405:  # a POST-only view: post to it, empty
                response = client.post(url, {})
            if refusal(client, response, rows[kind]) or allowed(name, kind, role):
                continue
            where = f" -> {response.url}" if response.status_code == 302 else ""
            failures.append(f"{role} {kind} {name} {url}: {response.status_code}{where}")
    assert not failures, "\n".join(failures)


# What would give a Nottingham row away in a page or a file (a council's name is public).
REVEALING = {
    "enquiry": lambda enquiry: [enquiry.reference, enquiry.email],
    "booking": lambda booking: [booking.reference, booking.email],
    "campaign": lambda campaign: [campaign.name, campaign.code],
    "held post": lambda held: [held.name, held.email],
    "outgoing message": lambda message: [message.reference],
}


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


def test_no_admin_list_export_or_chooser_shows_another_councils_row(nottingham, client_as):
    """The same roles, on the views of our viewsets that take no row (lists, their results
    and CSV exports, choosers, add forms, the link builder): a refusal, or a page that names
    none of Nottingham's rows."""
    rows = nottingham["rows"]
    namespaces = our_viewset_models()
    urls = []
    for pattern in admin_patterns():
        namespace = pattern.name.rpartition(":")[0]
        if pattern.arguments or namespace not in namespaces:
            continue
        urls.append(reverse(pattern.name))
        if pattern.name.endswith(":index"):
            urls.append(reverse(pattern.name) + "?export=csv")
    assert reverse("campaigns:index") + "?export=csv" in urls
    assert reverse("wagtailsnippetchoosers_councils_council:choose") in urls

    failures = []
    for role in ROLES:
        client = client_as(role)
        words = [
            word
            for kind, reveal in REVEALING.items()
            if (role, kind) not in SEEN_BY_RULE
            for word in reveal(rows[kind])
        ]
        for url in urls:
            response = client.get(url)
            if refusal(client, response):
                continue
            if response.status_code != 200:
                failures.append(f"{role} {url}: {response.status_code}")
                continue
            text = body(response)
            failures += [f"{role} {url}: shows {word}" for word in words if word in text]
    assert not failures, "\n".join(failures)


def test_every_admin_link_to_one_of_our_rows_resolves(nottingham):
    """Wagtail links rows (the site history does) through the URL finder each viewset
    registers; one that names a view the viewset does not have answers 500 for the page."""
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    finder = AdminURLFinder(superuser)
    for kind, row in nottingham["rows"].items():
        if row._meta.app_label in OUR_APPS:
            url = finder.get_edit_url(row)
            assert url is None or url.startswith("/admin/"), kind
