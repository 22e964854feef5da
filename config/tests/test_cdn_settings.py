"""An operator chooses the CDN's purge backend with FRONTEND_CACHE; half a configuration stops
the site starting, so a CDN is never left serving pages nobody purges."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.frontend_cache import frontend_cache_from_env
from testkit.production import run_check


def test_no_cdn_by_default():
    assert frontend_cache_from_env({}) == {}


def test_cloudflare_with_its_token_and_zone():
    config = frontend_cache_from_env(
        {
            "FRONTEND_CACHE": "cloudflare",
            "CLOUDFLARE_BEARER_TOKEN": "token",
            "CLOUDFLARE_ZONE_ID": "zone",
            "FRONTEND_CACHE_HOSTNAMES": "fosterhub.example.org, www.fosterhub.example.org",
        }
    )
    assert config == {
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": "token",
            "ZONEID": "zone",
            "HOSTNAMES": ["fosterhub.example.org", "www.fosterhub.example.org"],
        }
    }


def test_varnish_by_purge_address():
    config = frontend_cache_from_env(
        {"FRONTEND_CACHE": "http", "FRONTEND_CACHE_PURGE_URL": "http://varnish.internal:6081"}
    )
    assert config["http"]["LOCATION"] == "http://varnish.internal:6081"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"FRONTEND_CACHE": "cloudflare", "CLOUDFLARE_ZONE_ID": "zone"}, "CLOUDFLARE_BEARER_TOKEN"),
        ({"FRONTEND_CACHE": "cloudfront"}, "CLOUDFRONT_DISTRIBUTION_ID"),
        ({"FRONTEND_CACHE": "akamai"}, "FRONTEND_CACHE"),
    ],
)
def test_half_a_cdn_configuration_is_refused(env, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        frontend_cache_from_env(env)


def test_production_with_a_cdn_passes_the_deploy_checks_and_refuses_half_of_one():
    cdn = {
        "FRONTEND_CACHE": "cloudflare",
        "CLOUDFLARE_BEARER_TOKEN": "a-token",
        "CLOUDFLARE_ZONE_ID": "a-zone",
    }
    configured = run_check(**cdn)
    assert configured.returncode == 0, configured.stdout + configured.stderr
    half = run_check(**(cdn | {"CLOUDFLARE_ZONE_ID": None}))
    assert half.returncode != 0
    assert "CLOUDFLARE_ZONE_ID" in half.stderr


def test_a_page_cache_lifetime_that_is_not_a_number_is_refused():
    result = run_check(PAGE_CACHE_SECONDS="five minutes")
    assert result.returncode != 0
    assert "PAGE_CACHE_SECONDS" in result.stderr
