"""The CDN or HTTP cache in front of the site, from the environment (production settings).

Wagtail's frontend cache backends purge it when content changes (home/page_cache.py). One
backend is chosen with FRONTEND_CACHE; each needs its own variables, and a half-configured one
stops the site starting rather than leaving a CDN that is never purged.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "cloudflare": (
        "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        {"BEARER_TOKEN": "CLOUDFLARE_BEARER_TOKEN", "ZONEID": "CLOUDFLARE_ZONE_ID"},
    ),
    "cloudfront": (
        "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        {"DISTRIBUTION_ID": "CLOUDFRONT_DISTRIBUTION_ID"},
    ),
    "azure": (
        "wagtail.contrib.frontend_cache.backends.AzureFrontDoorBackend",
        {
            "RESOURCE_GROUP_NAME": "AZURE_RESOURCE_GROUP",
            "FRONT_DOOR_NAME": "AZURE_FRONT_DOOR_NAME",
        },
    ),
    # Varnish, Squid, nginx with a purge module: PURGE requests to this address.
    "http": (
        "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        {"LOCATION": "FRONTEND_CACHE_PURGE_URL"},
    ),
}


def frontend_cache_from_env(env: Mapping[str, str]) -> dict:
    """WAGTAILFRONTENDCACHE for FRONTEND_CACHE=cloudflare|cloudfront|azure|http (empty: none)."""
    name = env.get("FRONTEND_CACHE", "").strip().lower()
    if not name:
        return {}
    if name not in BACKENDS:
        raise ImproperlyConfigured(
            f"FRONTEND_CACHE must be one of {', '.join(sorted(BACKENDS))} (or unset), not {name!r}."
        )
    backend, variables = BACKENDS[name]
    params: dict[str, object] = {"BACKEND": backend}
    for param, variable in variables.items():
        value = env.get(variable, "").strip()
        if not value:
            raise ImproperlyConfigured(f"FRONTEND_CACHE={name} needs the {variable} variable.")
        params[param] = value
    hostnames = [h.strip() for h in env.get("FRONTEND_CACHE_HOSTNAMES", "").split(",") if h.strip()]
    if hostnames:
        params["HOSTNAMES"] = hostnames
    return {name: params}
