"""`manage.py front_door_nginx`: print the nginx configuration of the front door's page cache.

The key, the bypass rules and the refresh servers come from the code (which query parameters
pages read, which parameters attribution capture needs to see), so print them from the release
being deployed rather than copying them by hand; docs/deployment.md shows where each part goes.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from home import front_door


class Command(BaseCommand):
    help = "Print nginx's front door configuration (page cache, bypass rules, refresh servers)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--upstream", default="http://127.0.0.1:8000", help="gunicorn")
        parser.add_argument("--cache-dir", default="/var/cache/nginx/hub-pages")
        parser.add_argument("--max-size", default="1g", help="the cache's size on disk")
        parser.add_argument("--purge-listen", default="127.0.0.1:8081")
        parser.add_argument("--refresh-listen", default="127.0.0.1:8082")
        parser.add_argument("--static-root", default="", help="serve /static/ from here")
        parser.add_argument(
            "--access-log",
            default="/var/log/nginx/hub-access.log",
            help="the public server's access log, in the hub_access format ('' for none)",
        )

    def handle(self, *args, **options) -> None:
        upstream = options["upstream"]
        self.stdout.write("# --- in http { } ---------------------------------------------------")
        self.stdout.write(front_door.nginx_http_config(options["cache_dir"], options["max_size"]))
        self.stdout.write(
            front_door.nginx_refresh_servers(
                upstream, options["purge_listen"], options["refresh_listen"]
            )
        )
        self.stdout.write("# --- in the public server { } (TLS, server_name) ---------------------")
        self.stdout.write(
            front_door.nginx_site_locations(
                upstream, options["static_root"] or None, options["access_log"] or None
            )
        )
        self.stdout.write(
            f"# The site: FRONTEND_CACHE=http FRONTEND_CACHE_PURGE_URL=http://"
            f"{options['purge_listen']}"
        )
