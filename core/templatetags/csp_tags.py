"""`{% hashed_inline %}…{% endhashed_inline %}`: allow the inline `<script>` and `<style>`
elements inside by their hashes, in this response's Content-Security-Policy.

Why hashes, not nonces: a nonce is new in every response, so a page carrying one could never be
the same bytes for every visitor, and no shared cache could hold it (home.page_cache). A hash
names exactly the code that may run, is the same for everyone, and changes only when the code
does (the brand colours, the analytics tags after consent). Only for trusted output: the hash
allows whatever is inside.
"""

from __future__ import annotations

import base64
import hashlib
import re

from django import template
from django.http import HttpRequest

register = template.Library()

# Set on the request: {"script-src": {"'sha256-…'"}, "style-src": {…}}, read by
# core.security.ContentSecurityPolicyMiddleware.
INLINE_HASHES = "_hub_csp_inline_hashes"
_INLINE = re.compile(
    r"<(?P<tag>script|style)\b(?P<attrs>[^>]*)>(?P<body>.*?)</(?P=tag)\s*>", re.I | re.S
)
_EXTERNAL = re.compile(r"\bsrc\s*=", re.I)
_DATA_BLOCK = re.compile(r"\btype\s*=\s*[\"']?application/(ld\+)?json", re.I)


def csp_hash(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def allow_inline(request: HttpRequest | None, html: str) -> None:
    """Record the hash of each inline script and style in `html` on the request."""
    if request is None:
        return
    hashes = getattr(request, INLINE_HASHES, None)
    if hashes is None:
        hashes = {"script-src": set(), "style-src": set()}
        setattr(request, INLINE_HASHES, hashes)
    for match in _INLINE.finditer(html):
        tag, attrs, body = match.group("tag").lower(), match.group("attrs"), match.group("body")
        if tag == "script" and (_EXTERNAL.search(attrs) or _DATA_BLOCK.search(attrs)):
            continue  # a file from an allowed origin, or data that never runs
        if body:
            hashes[f"{tag}-src"].add(csp_hash(body))


def inline_hashes(request: HttpRequest) -> dict[str, list[str]]:
    """The CSP sources this response's inline elements need, per directive."""
    hashes = getattr(request, INLINE_HASHES, None) or {}
    return {directive: sorted(values) for directive, values in hashes.items() if values}


class HashedInlineNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        html = self.nodelist.render(context)
        if html.strip():
            allow_inline(context.get("request"), html)
        return html


@register.tag
def hashed_inline(parser: template.base.Parser, token: template.base.Token) -> HashedInlineNode:
    nodelist = parser.parse(("endhashed_inline",))
    parser.delete_first_token()
    return HashedInlineNode(nodelist)
