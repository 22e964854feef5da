"""The production stack on 127.0.0.1, started and stopped from Python: for `make serve-prod` and
the benchmarks.

    stack = Stack()                      # a temporary directory for everything
    stack.start_postgres()               # PostgreSQL from the machine's packages (fsync off)
    stack.start_redis()                  # redis-server, no persistence
    stack.prepare(demo=True)             # migrate, demo content (or not), collectstatic
    web = stack.start_gunicorn("web", env={"PAGE_CACHE_SECONDS": "300"})
    stack.start_worker()                 # manage.py db_worker --backend outbox
    proxy = stack.start_nginx("proxy", upstream=web)   # nginx in front, as the TLS proxy
    front = stack.start_front_door(web, door)          # nginx in front, caching pages
    files = stack.start_nginx("files", root=some_dir)   # or nginx serving files
    stack.stop_process("worker"); stack.start_worker()  # kill and restart one part
    stack.stop()                         # everything, in reverse order; the directory too

Every process runs on production settings (bench/settings.py: config.settings.production with
throwaway values), logs to <workdir>/<name>.log, and listens on a free port. The database and
Redis come from testkit/postgres.py and testkit/redis_server.py, so they need only the machine's
packages (postgresql, redis-server, nginx). The Django settings of this process are set up by
`prepare()` (bench/settings.py, DATABASE_URL pointing at our PostgreSQL), so a benchmark can
count rows with the ORM.
"""

from __future__ import annotations

import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection, HTTPSConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from testkit.postgres import MigratedDatabaseCache, free_port  # noqa: E402
from testkit.postgres import start_server as start_postgres_server  # noqa: E402
from testkit.redis_server import start_server as start_redis_server  # noqa: E402

HOST = "bench.localhost"  # bench/settings.py's ALLOWED_HOSTS; Chromium resolves it to 127.0.0.1
DATABASE = "bench"
BIN = Path(sys.executable).parent

# The outbox worker as production runs it (a short poll interval: benchmarks wait on it).
WORKER_COMMAND = [
    *(sys.executable, "manage.py", "db_worker", "--backend", "outbox", "--queue-name", "outbox"),
    *("--interval", "0.2", "--no-reload", "--verbosity", "0"),
]
NGINX_PROXY = """
    location / {{
        proxy_pass http://127.0.0.1:{upstream};
        proxy_set_header Host $http_host;  # with the port, as the browser sent it
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;  # as the TLS terminator would
    }}
"""
NGINX_FILES = """
    root {root};
    location / {{ try_files $uri =404; }}
"""


class FrontDoor:
    """The ports of one front door (nginx caching pages): reserved before the site starts,
    because the site and its worker purge it through `purge_url`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.purge_port = free_port()
        self.refresh_port = free_port()

    @property
    def purge_url(self) -> str:
        return f"http://127.0.0.1:{self.purge_port}"

    @property
    def site_env(self) -> dict[str, str]:
        """What the site's processes need to purge this front door."""
        return {"FRONTEND_CACHE": "http", "FRONTEND_CACHE_PURGE_URL": self.purge_url}


class Stack:
    """PostgreSQL, Redis, gunicorn instances, the outbox worker and nginx, all on 127.0.0.1."""

    def __init__(self, workdir: Path | None = None) -> None:
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="fostering-hub-stack-"))
        self.postgres = None
        self.redis = None
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}

    # --- services ------------------------------------------------------------------------------

    def start_postgres(self):
        """A throwaway PostgreSQL (fsync off) with an empty `bench` database's URL in the env."""
        self.postgres = start_postgres_server()
        os.environ["DATABASE_URL"] = (
            f"postgresql://postgres@{self.postgres.host}:{self.postgres.port}/{DATABASE}"
        )
        return self.postgres

    def stop_postgres(self, mode: str = "fast") -> None:
        """Stop PostgreSQL but keep its data (start it again with restart_postgres)."""
        self.postgres._run("pg_ctl", "--pgdata", str(self.postgres.data_dir), "-m", mode, "stop")

    def restart_postgres(self) -> None:
        """Start the stopped PostgreSQL again on the same port."""
        result = self.postgres._run(
            "pg_ctl",
            "--pgdata",
            str(self.postgres.data_dir),
            "--log",
            str(self.postgres.log_file),
            "--wait",
            "start",
        )
        self.postgres._check(result, "restart")

    def start_redis(self):
        """A throwaway redis-server; bench/settings.py's cache points at it (BENCH_REDIS_URL)."""
        self.redis = start_redis_server()
        os.environ["BENCH_REDIS_URL"] = self.redis.url
        return self.redis

    def prepare(self, demo: bool = False) -> None:
        """Create and migrate the database (from the test suite's migrated dump when there is
        one), load the demo content if asked, and collect the static files."""
        os.environ.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            STATIC_ROOT=str(self.workdir / "static"),
            MEDIA_ROOT=str(self.workdir / "media"),
        )
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        cache = MigratedDatabaseCache(self.postgres, settings.BASE_DIR / "var" / "test-db-cache")
        if not cache.restore(DATABASE):
            self.postgres_client("createdb", DATABASE)
        call_command("migrate", verbosity=0, interactive=False)
        if demo:
            # The demo loader refuses production settings; bench/settings.py allows it only in a
            # process started with BENCH_LOAD_DEMO=1 (never in gunicorn or the worker).
            self.manage("load_demo_content", "--verbosity", "0", env={"BENCH_LOAD_DEMO": "1"})
            # Absolute links and the front door's purges name the address visitors use.
            from wagtail.models import Site

            Site.objects.filter(is_default_site=True).update(hostname=HOST, port=443)
        call_command("collectstatic", verbosity=0, interactive=False)

    def postgres_client(self, program: str, *args: str) -> None:
        connection = ["--host", self.postgres.host, "--port", str(self.postgres.port)]
        command = [str(self.postgres.bin_dir / program), *connection, "--username", "postgres"]
        subprocess.run([*command, *args], check=True, capture_output=True)

    def manage(self, *args: str, env: dict[str, str] | None = None) -> None:
        """Run a manage.py command in its own process on the bench settings."""
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **(env or {})}
        ).check_returncode()

    # --- processes -----------------------------------------------------------------------------

    def _spawn(
        self,
        name: str,
        command: list[str],
        env: dict[str, str] | None = None,
        cwd: Path = ROOT,
    ):
        log = open(self.workdir / f"{name}.log", "a")  # noqa: SIM115 (closed with the process)
        self.processes[name] = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.processes[name]

    def start_gunicorn(
        self,
        name: str = "web",
        env: dict[str, str] | None = None,
        workers: int | None = None,
        cwd: Path = ROOT,
    ) -> int:
        """gunicorn with config/gunicorn.py on the bench settings; returns its port once it
        answers /health/. env is added to this instance's environment; `cwd` is the checkout it
        runs (another commit's worktree, to compare)."""
        port = free_port()
        extra = {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": ""}
        if workers:
            extra["WEB_CONCURRENCY"] = str(workers)
        self._spawn(
            name,
            [str(BIN / "gunicorn"), "--config", "config/gunicorn.py", "config.wsgi"],
            {**extra, **(env or {})},
            cwd,
        )
        self.ports[name] = port
        self.wait_for(name, port, "/health/", {"X-Forwarded-Proto": "https"})
        return port

    def start_worker(
        self, name: str = "worker", env: dict[str, str] | None = None
    ) -> subprocess.Popen:
        """The outbox worker: `manage.py db_worker --backend outbox --queue-name outbox`."""
        return self._spawn(name, WORKER_COMMAND, env)

    def start_front_door(
        self, upstream: int, door: FrontDoor | None = None, name: str = "front", tls: bool = True
    ) -> FrontDoor:
        """nginx as the production front door: TLS, and the page cache of home/front_door.py in
        front of gunicorn port `upstream`, with its purge and refresh servers on loopback."""
        from home import front_door  # after prepare(): it reads the page models

        door = door or FrontDoor()
        directory = self.workdir / name
        directory.mkdir(parents=True, exist_ok=True)
        site = f"http://127.0.0.1:{upstream}"
        tls_lines = ""
        if tls:
            self._certificate(directory)
            tls_lines = (
                f"        ssl_certificate {directory}/cert.pem;\n"
                f"        ssl_certificate_key {directory}/key.pem;"
            )
        conf = directory / "nginx.conf"
        conf.write_text(
            front_door.standalone_front_door(
                str(directory),
                listen=f"127.0.0.1:{door.port}" + (" ssl" if tls else ""),
                server_name=HOST,
                upstream=site,
                purge_listen=f"127.0.0.1:{door.purge_port}",
                refresh_listen=f"127.0.0.1:{door.refresh_port}",
                tls_lines=tls_lines,
            )
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self._spawn(name, [nginx, "-c", str(conf), "-e", str(directory / "error.log")])
        self.ports[name] = door.port
        self.wait_for(name, door.port, "/health/", {}, tls=tls)
        return door

    def _certificate(self, directory: Path) -> None:
        """A throwaway self-signed certificate for HOST."""
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
                *("-subj", f"/CN={HOST}", "-keyout", str(directory / "key.pem")),
                *("-out", str(directory / "cert.pem")),
            ],
            check=True,
            capture_output=True,
        )

    def start_nginx(
        self,
        name: str = "nginx",
        upstream: int | None = None,
        root: Path | None = None,
        tls: bool = False,
    ) -> int:
        """Debian's nginx on its own port: a proxy in front of gunicorn port `upstream` (adding
        X-Forwarded-Proto: https, as the TLS terminator would), or serving the files in `root`.
        With `tls`, it really is the TLS terminator, with a throwaway self-signed certificate
        (a browser then keeps the site's Secure cookies, as it does in production)."""
        directory = self.workdir / name
        directory.mkdir(parents=True, exist_ok=True)
        port = free_port()
        if upstream is not None:
            body = NGINX_PROXY.format(upstream=upstream)
        else:
            body = NGINX_FILES.format(root=root)
        listen = f"127.0.0.1:{port}"
        if tls:
            self._certificate(directory)
            listen += " ssl"
            body = (
                f"        ssl_certificate {directory}/cert.pem;\n"
                f"        ssl_certificate_key {directory}/key.pem;\n" + body
            )
        from home import front_door  # after prepare(): it reads the page models

        conf = directory / "nginx.conf"
        conf.write_text(front_door.standalone_config(str(directory), listen=listen, server=body))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self._spawn(name, [nginx, "-c", str(conf), "-e", str(directory / "error.log")])
        self.ports[name] = port
        self.wait_for(name, port, "/health/" if upstream else "/", {}, tls=tls)
        return port

    def wait_for(
        self, name: str, port: int, path: str, headers: dict, timeout: float = 90, tls: bool = False
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if tls:
                    connection = HTTPSConnection(
                        "127.0.0.1", port, timeout=5, context=ssl._create_unverified_context()
                    )
                else:
                    connection = HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", path, headers={"Host": HOST, **headers})
                if connection.getresponse().status < 500:
                    return
            except OSError:
                pass
            if self.processes[name].poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not start; see {self.workdir / name}.log")

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        """Stop one process (SIGKILL to simulate a crash) and wait for it."""
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self, keep_workdir: bool = False) -> None:
        """Stop everything this stack started, newest first, and remove the directory."""
        for name in reversed(list(self.processes)):
            self.stop_process(name)
        if "django" in sys.modules and os.environ.get("DJANGO_SETTINGS_MODULE"):
            from django.db import connections

            connections.close_all()
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None
        if not keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
