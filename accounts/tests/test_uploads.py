"""What editors may upload, and how uploaded documents are served.

No SVG images (an SVG can carry script), whatever the file is called; documents only of the
listed types, downloaded unless they are PDF or plain text, and served with nosniff and a CSP
sandbox; size limits with a clear error.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from testkit.html import parse

pytestmark = pytest.mark.django_db

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
)
MB = 1024 * 1024


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "x")
    client.force_login(user)
    return client


def png(width: int = 20, height: int = 20, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def upload_image(client, name: str, content: bytes):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def upload_document(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def refused(response, message: str) -> None:
    assert response.status_code == 200  # the form again, with the reason
    assert parse(response).has_text(message), parse(response).text[:2000]


def test_a_png_image_uploads(editor):
    response = upload_image(editor, "photo.png", png())
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="photo.png").exists()


def test_an_svg_image_is_refused(editor):
    refused(upload_image(editor, "logo.svg", SVG), "Not a supported image format")
    assert not get_image_model().objects.exists()


def test_an_svg_renamed_to_png_is_refused(editor):
    refused(upload_image(editor, "logo.png", SVG), "Not a valid .png image")
    assert not get_image_model().objects.exists()


def test_an_image_over_10_mb_is_refused_with_the_limit(editor):
    big = png() + b"\0" * (10 * MB)
    refused(upload_image(editor, "big.png", big), "Maximum filesize 10.0\xa0MB")
    assert not get_image_model().objects.exists()


def test_an_image_of_too_many_pixels_is_refused(editor):
    huge = png(8000, 7000, mode="1")  # 56 megapixels in a small file
    assert len(huge) < 10 * MB
    refused(upload_image(editor, "huge.png", huge), "has too many pixels")


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "script.js", "archive.zip"])
def test_documents_outside_the_allowed_types_are_refused(editor, name):
    refused(upload_document(editor, name, b"<script>alert(1)</script>"), "File extension")
    assert not get_document_model().objects.exists()


def test_a_document_over_10_mb_is_refused_with_the_limit(editor):
    refused(
        upload_document(editor, "minutes.pdf", b"%PDF-1.4\n" + b"0" * (10 * MB)),
        "Maximum filesize 10.0\xa0MB",
    )


def served(editor, name: str, content: bytes):
    assert upload_document(editor, name, content).status_code == 302
    document = get_document_model().objects.get(title=name)
    assert document.url.startswith("/documents/")  # through the view, not the media folder
    return editor.get(document.url)


@pytest.mark.parametrize(
    ("name", "content", "disposition"),
    [
        ("leaflet.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "inline"),
        ("notes.txt", b"Plain words.", "inline"),
        ("figures.csv", b"a,b\n1,2\n", "attachment"),
        ("form.docx", b"PK\x03\x04 not really", "attachment"),
        ("sheet.xlsx", b"PK\x03\x04 not really", "attachment"),
    ],
)
def test_documents_are_served_sandboxed_and_downloaded_unless_safe_to_show(
    editor, name, content, disposition
):
    response = served(editor, name, content)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith(disposition)
    if disposition == "attachment":
        assert name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_text_document_holding_html_is_still_plain_text(editor):
    response = served(editor, "trick.txt", b"<html><script>alert(1)</script></html>")
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_request_body_over_the_limit_is_refused(editor):
    """Form fields (not files) beyond DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB) get a 400."""
    response = editor.post(reverse("wagtailimages:add"), {"title": "x" * (6 * MB)})
    assert response.status_code == 400
