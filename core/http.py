"""Small HTTP helpers the site's views share."""

from __future__ import annotations

from django.http import HttpResponseRedirect


class HttpResponseSeeOther(HttpResponseRedirect):
    """303: after a POST, fetch the next page with GET (a reload never posts again)."""

    status_code = 303
