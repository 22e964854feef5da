"""gunicorn's access log with every cancellation token masked (`logger_class` in gunicorn.py).

Why: whoever holds a cancellation link can cancel that booking until the event ends, and access
logs are read, shipped and kept by more people and systems than the bookings are. The format
(config/gunicorn.py) leaves out the query string, where emailed links carry the token now; links
emailed before issue 17 carry it in the path, and a redirect's Location or a Referer can carry
it too. So every value a log line could show (path, query, request line, headers, environ) goes
through events.links.redact, whatever the format asks for.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from events.links import redact, redact_query

QUERY_ATOMS = {"q", "{query_string}e"}


class AccessLogger(Logger):
    """gunicorn's own logger; only the values it formats access log lines from differ."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = redact_query(value) if key in QUERY_ATOMS else redact(value)
        return atoms
