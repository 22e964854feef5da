"""The shape of a cancellation link, for what must recognise one without Django running: the
access logs, which mask its token (gunicorn's logger, config/access_log.py; the front door's
nginx log format, home/front_door.py).

A link holds a signed random token (events.emails.cancel_token), and whoever holds the link can
cancel the booking until the event ends. It travels in the query string,
`<events index>/cancel/?token=…`, which the access logs leave out (and the page is no-store,
sends no Referer and loads no analytics). Links emailed before issue 17 carried it in the path,
`<events index>/cancel/<token>/`; they still work until their event ends, and the logs mask
that part of the path. Standard library only: gunicorn reads this before Django starts.
"""

from __future__ import annotations

import re

TOKEN_PARAMETER = "token"
MASK = "REDACTED"

# The path segment after "cancel/" (the events index's route, under any language prefix).
PATH_TOKEN_PREFIX = "/cancel/"
PATH_TOKEN = re.compile(rf"({re.escape(PATH_TOKEN_PREFIX)})[^/?#\s]+")
# The token parameter's value in a query string (or a whole address).
QUERY_TOKEN = re.compile(rf"([?&]{TOKEN_PARAMETER}=)[^&#\s]*")


def redact(text: str) -> str:
    """`text` (a path, an address, a request line) with every cancellation token masked."""
    return QUERY_TOKEN.sub(rf"\g<1>{MASK}", PATH_TOKEN.sub(rf"\g<1>{MASK}", text))


def redact_query(query: str) -> str:
    """A query string (without its "?") with the token's value masked."""
    return redact(f"?{query}")[1:] if query else query
