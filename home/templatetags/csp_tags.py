"""`{% nonce_scripts %}…{% endnonce_scripts %}`: the request's CSP nonce on every `<script>`
inside, for third-party snippets we configure but do not write (django-analytical's tags, whose
inline scripts carry no nonce). Only for trusted output: anything inside runs."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SCRIPT_WITHOUT_NONCE = re.compile(r"<script\b(?![^>]*\bnonce=)", re.IGNORECASE)


def with_nonce(html: str, nonce: str) -> SafeString:
    """Give each `<script>` opening tag that has none a nonce attribute."""
    return mark_safe(SCRIPT_WITHOUT_NONCE.sub(f'<script nonce="{escape(nonce)}"', html))


class NonceScriptsNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        html = self.nodelist.render(context)
        request = context.get("request")
        nonce = getattr(request, "csp_nonce", None)
        if not html.strip() or nonce is None:
            return html
        return with_nonce(html, str(nonce))


@register.tag
def nonce_scripts(parser: template.base.Parser, token: template.base.Token) -> NonceScriptsNode:
    nodelist = parser.parse(("endnonce_scripts",))
    parser.delete_first_token()
    return NonceScriptsNode(nodelist)
