"""An analytics service switched on or off within a test (django-analytical)."""

from __future__ import annotations

from django.template import engines


def reload_analytics() -> None:
    """django-analytical picks its services when its tags load and templates are cached
    compiled: both must start afresh when the configured service changes."""
    from analytical.templatetags import analytical

    analytical.template_nodes = analytical._load_template_nodes()
    for loader in engines["django"].engine.template_loaders:
        if hasattr(loader, "reset"):
            loader.reset()
