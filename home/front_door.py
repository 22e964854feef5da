"""The front door's page cache: nginx holding the same bytes the page cache holds, keyed alike.

Why nginx and not only Redis: a page nginx keeps costs no Python at all, so the pages most
visitors see are served at the speed of a static file. What nginx cannot do is record where a
visitor came from (a signed cookie, attribution.capture), so every request that carries
something to record goes through to the site, which answers it from its own page cache:

- kept and served by nginx: GETs with no session, messages or cookie-choices cookie, no
  campaign tag or ad click id and no outside referrer (`valid_referers`); keyed by host, path
  and only the query parameters some page declares that it reads (`cache_query_parameters`),
  so `/?x=1` is the stored `/`; for as long as the site's `s-maxage` says;
- passed through, never kept: everything else, and whatever the site marks private, no-store
  or `s-maxage=0` (a query with parameters the page does not read, a stale copy);
- refreshed, not dropped, when content changes: Wagtail's frontend cache sends `PURGE <path>`
  to the refresh port; nginx turns it into a GET that skips the stored copy, fetches a new one
  (`X-Hub-Cache-Refresh`, so the site renders rather than answering from Redis) and stores it
  in place. Visitors keep getting the previous copy until the new one is in, so a publish
  during a spike never sends the spike to the site; an expired copy is likewise served while
  one request fetches the next (`proxy_cache_use_stale updating`, `proxy_cache_lock`).

Its access log (`log_format hub_access`) is gunicorn's line: time, method, the path without the
query string, status, bytes, seconds, and whether the cache answered; a cancellation link's
token is masked (events.links), and nothing about the visitor (address, Referer, user agent).

`nginx_http_config()` is the part for nginx's `http {}` block, `nginx_site_locations()` the
access log and locations of the public server, `nginx_refresh_servers()` the two loopback servers the worker
purges through. bench/stack.py builds `make serve-prod`'s nginx from them, and
`manage.py front_door_nginx` prints them for a real server (docs/deployment.md).
"""

from __future__ import annotations

import re

from django.apps import apps
from wagtail.models import Page

from attribution import sources
from attribution.consent import COOKIE_NAME as CHOICES_COOKIE
from events import links
from home.consent_views import CONFIRMATION_PARAM

from .page_cache import parameters_read_by

# The header nginx's refresh server sends (and the public server never passes on).
REFRESH_HEADER = "X-Hub-Cache-Refresh"
ZONE = "hub_pages"
LOG_FORMAT = "hub_access"


def declared_query_parameters() -> list[str]:
    """Every query parameter some page type reads, and the cookie banner's confirmation."""
    names = {CONFIRMATION_PARAM}
    for model in apps.get_models():
        if issubclass(model, Page):
            names.update(parameters_read_by(model))
    return sorted(names)


def captured_parameters_pattern() -> str:
    """A regular expression (PCRE, for nginx) matching a query string that carries anything
    attribution capture reads."""
    names = "|".join(re.escape(name) for name in sources.CAPTURED_PARAMETERS)
    prefixes = "|".join(re.escape(prefix) for prefix in sources.CAPTURED_PARAMETER_PREFIXES)
    return rf"(^|&)((?:{prefixes})[^=&]*|(?:{names}))(=|&|$)"


def cache_key() -> str:
    """nginx's cache key: host, path and the declared parameters, nothing else."""
    declared = "&".join(f"{name}=$arg_{name}" for name in declared_query_parameters())
    return f"$host$hub_path?{declared}"


def nginx_http_config(cache_dir: str, max_size: str = "1g") -> str:
    """The `http {}` part: the cache's storage and the maps the locations use."""
    return f"""
    proxy_cache_path {cache_dir} levels=1:2 keys_zone={ZONE}:10m max_size={max_size}
                     inactive=1h use_temp_path=off;
    # The path alone, as the visitor sent it.
    map $request_uri $hub_path {{ "~^(?<path>[^?]*)" $path; }}
    # The access log's line: the path alone, as gunicorn's, with the token of a cancellation
    # link emailed before issue 17 masked (events.links; today's links carry it in the query
    # string, which no line shows). Never $request, $request_uri, $args or $http_referer.
    map $hub_path $hub_log_path {{
        default $hub_path;
        "{cancel_token_in_path_pattern()}" "${{hub_log_before}}{links.MASK}${{hub_log_after}}";
    }}
    log_format {LOG_FORMAT} '$time_iso8601 "$request_method $hub_log_path" $status '
                          '$body_bytes_sent ${{request_time}}s $upstream_cache_status';
    # A campaign tag, an ad click id or a short link: attribution capture must see it.
    map $args $hub_tagged {{ default 0; "~*{captured_parameters_pattern()}" 1; }}
    # Someone with a session (signed in, or a reference to show), a message or cookie choices
    # gets the site's own answer (its page cache holds each choice's version).
    map $http_cookie $hub_personal {{
        default 0;
        "~(^|;)\\s*(sessionid|messages|{CHOICES_COOKIE})=" 1;
    }}
"""


def cancel_token_in_path_pattern() -> str:
    """A regular expression (PCRE, for nginx's map) for a path holding a cancellation token,
    capturing what comes before and after it."""
    prefix = re.escape(links.PATH_TOKEN_PREFIX)
    return rf"~^(?<hub_log_before>.*{prefix})[^/]+(?<hub_log_after>/.*)?$"


def access_log_line(path: str | None) -> str:
    """The public server's access log: in the front door's format (never nginx's `combined`,
    which logs the whole address and the Referer), or none."""
    return f"access_log {path} {LOG_FORMAT};" if path else "access_log off;"


def _proxy_to_site(upstream: str) -> str:
    return f"""
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header {REFRESH_HEADER} "";"""


def nginx_site_locations(
    upstream: str, static_root: str | None = None, access_log: str | None = None
) -> str:
    """The public server's access log and locations: pages through the cache, the rest
    straight through."""
    static = (
        f"""
        location /static/ {{
            alias {static_root.rstrip("/")}/;
            expires max;
            add_header Cache-Control "public, immutable";
            access_log off;
        }}"""
        if static_root
        else ""
    )
    return f"""
        {access_log_line(access_log)}
        valid_referers none blocked server_names;
        {static}
        location / {{{_proxy_to_site(upstream)}
            proxy_cache {ZONE};
            proxy_cache_key "{cache_key()}";
            proxy_cache_bypass $hub_tagged $invalid_referer $hub_personal $http_authorization;
            proxy_no_cache $hub_tagged $invalid_referer $hub_personal $http_authorization;
            # The key says everything a stored page depends on (the site's Vary: Cookie is for
            # browsers; visitors' other cookies would split the cache for nothing).
            proxy_ignore_headers Vary;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 5s;
            proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;
            proxy_cache_background_update on;
            add_header X-Front-Door-Cache $upstream_cache_status always;
        }}
"""


def nginx_refresh_servers(upstream: str, purge_listen: str, refresh_listen: str) -> str:
    """Two loopback servers: `purge_listen` takes Wagtail's PURGE and asks `refresh_listen`
    with a GET (nginx caches GETs only), which fetches a new copy and stores it in place."""
    return f"""
    server {{
        listen {purge_listen};
        allow 127.0.0.1;
        deny all;
        location / {{
            proxy_method GET;
            proxy_pass http://{refresh_listen};
            proxy_set_header Host $http_host;
        }}
    }}
    server {{
        listen {refresh_listen};
        allow 127.0.0.1;
        deny all;
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header {REFRESH_HEADER} 1;
            proxy_set_header Cookie "";
            proxy_cache {ZONE};
            proxy_cache_key "{cache_key()}";
            proxy_cache_bypass 1;
            proxy_ignore_headers Vary;
        }}
    }}
"""


STANDALONE = """
worker_processes 1;
daemon off;
user root;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
{http}
    server {{
        listen {listen};
        server_name {server_name};
{server}
    }}
{servers}
}}
"""


def standalone_config(
    directory: str,
    *,
    listen: str,
    server: str,
    server_name: str = "_",
    http: str = "",
    servers: str = "",
) -> str:
    """A whole nginx.conf that keeps everything in `directory` (as root, in the foreground):
    for `make serve-prod`, the benchmarks and the tests, which start their own nginx."""
    return STANDALONE.format(
        directory=directory,
        listen=listen,
        server_name=server_name,
        server=server,
        http=http,
        servers=servers,
    )


def standalone_front_door(
    directory: str,
    *,
    listen: str,
    server_name: str,
    upstream: str,
    purge_listen: str,
    refresh_listen: str,
    tls_lines: str = "",
    access_log: str | None = None,
) -> str:
    """The front door as a whole nginx.conf: the page cache in `directory`/cache; no access
    log unless `access_log` names a file."""
    return standalone_config(
        directory,
        listen=listen,
        server_name=server_name,
        server=tls_lines + nginx_site_locations(upstream, access_log=access_log),
        http=nginx_http_config(f"{directory}/cache"),
        servers=nginx_refresh_servers(upstream, purge_listen, refresh_listen),
    )
