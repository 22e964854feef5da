"""Uploaded documents are served through Wagtail's view, with a sandbox on top.

Wagtail's serve view already sends `X-Content-Type-Options: nosniff`, `Content-Security-Policy:
default-src 'none'` and `Content-Disposition: attachment` for every type but the inline ones
(WAGTAILDOCS_INLINE_CONTENT_TYPES). The CSP `sandbox` directive adds that a document opened in
the browser (a PDF, a text file) runs no script and is treated as from no origin, so a hostile
upload cannot act on the site with a visitor's or an editor's session.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from wagtail.documents.views.serve import serve

DOCUMENT_POLICY = "default-src 'none'; sandbox"


def serve_document(request: HttpRequest, document_id: int, document_filename: str) -> HttpResponse:
    response = serve(request, document_id, document_filename)
    if response.status_code == 200 or "Content-Security-Policy" in response:
        response["Content-Security-Policy"] = DOCUMENT_POLICY
    return response
