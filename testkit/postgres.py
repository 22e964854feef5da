"""A throwaway PostgreSQL server for the test suite.

Why: the site runs on PostgreSQL in production (full-text search, JSON StreamField queries,
locking), so the tests run on PostgreSQL too rather than on SQLite. Nobody should have to install
and configure a server to run them: when `DATABASE_URL` is not set, the harness starts a private
server from the machine's PostgreSQL binaries in a temporary directory and removes it afterwards.

How:
- The newest installed version is used (`/usr/lib/postgresql/<version>/bin`, Debian's layout),
  falling back to `initdb`/`pg_ctl` on PATH.
- `initdb` and `pg_ctl` refuse to run as root. Our sessions often run as root, so then the
  binaries run as the `postgres` user (`runuser -u postgres --`) on a directory it owns.
- The server listens on a free TCP port on 127.0.0.1 (and a unix socket inside the directory,
  so it never touches /var/run/postgresql), trusts local connections, and skips durability
  (fsync, synchronous_commit, full_page_writes off): the data is thrown away anyway.
- `stop()` runs from a `finally` in the fixture and from `atexit`, so an interrupted or failing
  run still stops the server and removes the directory.
- Running ~200 migrations (mostly Wagtail's) takes about 30 seconds, far longer than the tests.
  `MigratedDatabaseCache` keeps a `pg_dump` of the freshly migrated test database in
  var/test-db-cache/, named by a fingerprint of every migration file (and the settings that
  shape migrated data). The next run restores it in a second and Django's `migrate` finds
  nothing to do. Any change to a migration gives a new fingerprint, so a stale dump is never
  used. Set TEST_DB_CACHE=0 to always migrate from scratch.
"""

from __future__ import annotations

import atexit
import glob
import hashlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SERVICE_USER = "postgres"
INSTALL_HINT = (
    "The tests need PostgreSQL. Either install its binaries (`apt-get install -y postgresql`; "
    "the harness starts a private server from /usr/lib/postgresql/<version>/bin) or set "
    "DATABASE_URL=postgresql://user:password@host:port/name to use an existing server."
)


class PostgresUnavailable(RuntimeError):
    """Neither PostgreSQL binaries nor DATABASE_URL: the suite cannot run."""


def find_bin_dir() -> Path | None:
    """The bin directory of the newest installed PostgreSQL that has initdb and pg_ctl."""

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([0-9.]+)/bin$", path)
        return tuple(int(part) for part in match.group(1).split(".") if part) if match else ()

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    for candidate in candidates:
        path = Path(candidate)
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file():
            return path
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryPostgres:
    """One PostgreSQL server in a temporary directory, for one test process."""

    superuser = "postgres"
    host = "127.0.0.1"

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.as_root = os.geteuid() == 0
        self.directory: Path | None = None
        self.port: int | None = None
        self.running = False

    @property
    def data_dir(self) -> Path:
        assert self.directory is not None
        return self.directory / "data"

    @property
    def log_file(self) -> Path:
        assert self.directory is not None
        return self.directory / "server.log"

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", SERVICE_USER, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    def _check(self, result: subprocess.CompletedProcess, what: str) -> None:
        if result.returncode != 0:
            log = self.log_file.read_text() if self.log_file.exists() else ""
            raise RuntimeError(
                f"PostgreSQL {what} failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}\n{log}"
            )

    def start(self, attempts: int = 3) -> None:
        """initdb and start the server; retry on another port if the chosen one was taken."""
        self.directory = Path(tempfile.mkdtemp(prefix="fostering-hub-pg-"))
        atexit.register(self.stop)
        if self.as_root:
            shutil.chown(self.directory, user=SERVICE_USER, group=SERVICE_USER)
        self._check(
            self._run(
                "initdb",
                "--pgdata",
                str(self.data_dir),
                "--username",
                self.superuser,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C.UTF-8",
                "--no-sync",
            ),
            "initdb",
        )
        for attempt in range(attempts):
            self.port = free_port()
            options = " ".join(
                [
                    f"-p {self.port}",
                    f"-k {self.directory}",
                    f"-c listen_addresses={self.host}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=50",
                ]
            )
            result = self._run(
                "pg_ctl",
                "--pgdata",
                str(self.data_dir),
                "--log",
                str(self.log_file),
                "--options",
                options,
                "--wait",
                "start",
            )
            if result.returncode == 0:
                self.running = True
                return
            if attempt == attempts - 1:
                self._check(result, "start")

    def stop(self) -> None:
        """Stop the server (immediately: nothing is worth keeping) and remove its directory."""
        if self.running:
            self._run("pg_ctl", "--pgdata", str(self.data_dir), "--mode", "immediate", "stop")
            self.running = False
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def settings(self) -> dict[str, str]:
        """What to merge into settings.DATABASES['default'] to use this server."""
        return {"HOST": self.host, "PORT": str(self.port), "USER": self.superuser, "PASSWORD": ""}


def start_server() -> TemporaryPostgres:
    """Start a private server, or raise PostgresUnavailable with what to do about it."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(INSTALL_HINT)
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("Running as root needs `runuser` to start PostgreSQL.")
        try:
            pwd.getpwnam(SERVICE_USER)
        except KeyError:
            raise PostgresUnavailable(
                f"Running as root needs a `{SERVICE_USER}` system user to start PostgreSQL "
                "(`apt-get install -y postgresql` creates it), or set DATABASE_URL."
            ) from None
    server = TemporaryPostgres(bin_dir)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


def migrations_fingerprint() -> str:
    """A hash of everything that decides what a freshly migrated database contains."""
    import django
    from django.apps import apps
    from django.conf import settings

    digest = hashlib.sha256()
    for part in (
        sys.version,
        django.__version__,
        settings.LANGUAGE_CODE,
        repr(getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", None)),
        settings.AUTH_USER_MODEL,
    ):
        digest.update(part.encode() + b"\0")
    for app_config in sorted(apps.get_app_configs(), key=lambda a: a.label):
        migrations = Path(app_config.path) / "migrations"
        for path in sorted(migrations.rglob("*.py")) if migrations.is_dir() else []:
            digest.update(f"{app_config.label}/{path.relative_to(migrations)}".encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


class MigratedDatabaseCache:
    """A dump of the migrated test database, reused while the migrations stay the same."""

    def __init__(self, server: TemporaryPostgres, directory: Path) -> None:
        self.server = server
        self.directory = directory
        self.dump = directory / f"migrated-{migrations_fingerprint()}.dump"
        self.database = ""

    def _client(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """Client programs connect over TCP, so they run as whoever we are (root included)."""
        connection = ["--host", self.server.host, "--port", str(self.server.port)]
        command = [str(self.server.bin_dir / program), *connection, "--username", "postgres"]
        return subprocess.run([*command, *args], capture_output=True, text=True, check=False)

    def restore(self, database: str) -> bool:
        """Create `database` from the dump; False (and no database) when there is no usable dump."""
        self.database = database
        if not self.dump.is_file():
            return False
        created = self._client("createdb", "--template", "template0", database)
        restored = created.returncode == 0 and (
            self._client(
                "pg_restore", "--no-owner", "--exit-on-error", "--dbname", database, str(self.dump)
            ).returncode
            == 0
        )
        if not restored:  # a damaged dump: forget it and migrate as usual
            self._client("dropdb", "--if-exists", database)
            self.dump.unlink(missing_ok=True)
        return restored

    def save(self) -> None:
        """Dump the just-migrated database, replacing dumps of older migrations."""
        database = self.database
        if not database or self.dump.is_file():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self.dump.with_suffix(f".{os.getpid()}.partial")
        result = self._client("pg_dump", "--format", "custom", "--file", str(partial), database)
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            return
        os.replace(partial, self.dump)  # atomic: parallel workers never read half a dump
        for old in self.directory.glob("migrated-*.dump"):
            if old != self.dump:
                old.unlink(missing_ok=True)
