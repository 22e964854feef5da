"""Media on S3-compatible object storage (django-storages), configured from the environment.

Why: with more than one web server, an image uploaded through one must be served by all, so
media cannot stay on one server's disk. Any S3-compatible store works: AWS S3, Cloudflare R2,
DigitalOcean Spaces, Scaleway, a MinIO of your own. Setting some of its variables but not the
bucket (or a key without its secret) is a mistake that would silently keep media on one disk:
the server refuses to start instead.

Variables: AWS_STORAGE_BUCKET_NAME (turns it on), AWS_S3_ENDPOINT_URL (not AWS: the provider's
https:// address), AWS_S3_REGION_NAME, AWS_S3_CUSTOM_DOMAIN (a CDN or bucket domain that serves
the files, host name only), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or neither, for a
machine role that boto3 finds itself).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)
# An object store on the same machine (e.g. MinIO behind the same firewall) may speak plain HTTP.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def object_storage(environ: Mapping[str, str]) -> dict | None:
    """The STORAGES["default"] entry for object storage, None for the local disk, or
    ImproperlyConfigured when it is half configured."""
    given = {name: environ.get(name, "").strip() for name in VARIABLES}
    if not any(given.values()):
        return None
    if not given["AWS_STORAGE_BUCKET_NAME"]:
        names = ", ".join(name for name, value in given.items() if value)
        raise ImproperlyConfigured(
            f"{names} set without AWS_STORAGE_BUCKET_NAME: set the bucket to keep media in "
            "object storage, or unset them to keep media on this server's disk."
        )
    if bool(given["AWS_ACCESS_KEY_ID"]) != bool(given["AWS_SECRET_ACCESS_KEY"]):
        raise ImproperlyConfigured(
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (a machine role)."
        )
    endpoint = given["AWS_S3_ENDPOINT_URL"]
    if endpoint:
        parts = urlsplit(endpoint)
        if not parts.hostname or not (
            parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)
        ):
            raise ImproperlyConfigured(
                "AWS_S3_ENDPOINT_URL must be an https:// address (http:// only on this machine)."
            )
    domain = given["AWS_S3_CUSTOM_DOMAIN"]
    if "/" in domain or ":" in domain:
        raise ImproperlyConfigured(
            "AWS_S3_CUSTOM_DOMAIN is a host name only (media.example.org), without https://."
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": given["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": endpoint or None,
            "region_name": given["AWS_S3_REGION_NAME"] or None,
            "custom_domain": domain or None,
            # Published images and documents are public: plain URLs a CDN can cache, not signed
            # ones that change on every page view.
            "querystring_auth": False,
            "default_acl": None,  # the bucket's policy decides (public read for media)
            # Wagtail keeps every file under its own name: never overwrite one.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    }
