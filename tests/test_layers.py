"""The enquiry app sits below the events app: it imports nothing from it, at module level or
inside a function. Where enquiry code must act on bookings, the events app plugs in from its
`ready()` (data protection's registrations, the quarantine's kinds, `enquiry_recorded`)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_the_enquiry_app_imports_nothing_from_the_events_app():
    app = Path(settings.BASE_DIR) / "enquiry"
    upward = {
        f"{path.relative_to(app)}: {module}"
        for path in app.rglob("*.py")
        if "migrations" not in path.parts
        for module in imported_modules(path)
        if module == "events" or module.startswith("events.")
    }
    assert upward == set()
