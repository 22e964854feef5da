"""A throwaway Redis server for the test suite (and the benchmarks' stack).

Why: production keeps the cache, the rate limits and the session cache in Redis (django-redis),
shared by every web process. The tests use the same backend, so what a test sees is what a
server does: values are pickled and sent over a socket, keys expire, the rate limit's counters
are shared. Nobody should have to run a server for that: when `REDIS_URL` is not set, the
harness starts a private `redis-server` from the machine's binary in a temporary directory and
removes it afterwards.

How:
- `redis-server` from PATH (Debian: `apt-get install redis-server`), started with a config on
  the command line: a free TCP port on 127.0.0.1 only, no persistence (no RDB snapshots, no
  AOF: the data is thrown away anyway), its directory and log inside the temporary directory.
- Each test process (each pytest-xdist worker too) starts its own, so workers never see each
  other's keys. With REDIS_URL (one server for everything) each worker gets its own database
  number and key prefix (see config/settings/test.py), so `cache.clear()` (FLUSHDB) in one
  worker never empties another's.
- `stop()` runs from a `finally` in the fixture and from `atexit`, so an interrupted or failing
  run still stops the server and removes the directory.
"""

from __future__ import annotations

import atexit
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from testkit.postgres import free_port

INSTALL_HINT = (
    "The tests need Redis. Either install its server (`apt-get install -y redis-server`; the "
    "harness starts a private one from PATH) or set REDIS_URL=redis://host:port/0 to use an "
    "existing server."
)


class RedisUnavailable(RuntimeError):
    """Neither a redis-server binary nor REDIS_URL: the suite cannot run."""


class TemporaryRedis:
    """One Redis server in a temporary directory, listening on 127.0.0.1."""

    host = "127.0.0.1"

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.directory: Path | None = None
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @property
    def log_file(self) -> Path:
        assert self.directory is not None
        return self.directory / "redis.log"

    def _answers(self) -> bool:
        """True once the server replies +PONG to a PING."""
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self, attempts: int = 3, timeout: float = 10) -> None:
        """Start the server; retry on another port if the chosen one was taken."""
        self.directory = Path(tempfile.mkdtemp(prefix="fostering-hub-redis-"))
        atexit.register(self.stop)
        for _attempt in range(attempts):
            self.port = free_port()
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--bind",
                    self.host,
                    "--port",
                    str(self.port),
                    "--dir",
                    str(self.directory),
                    "--logfile",
                    str(self.log_file),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.process.poll() is None:
                if self._answers():
                    return
                time.sleep(0.05)
            self._end_process()
        log = self.log_file.read_text() if self.log_file.exists() else ""
        raise RuntimeError(f"redis-server did not start:\n{log[-2000:]}")

    def _end_process(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        self._end_process()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


def start_server() -> TemporaryRedis:
    """Start a private server, or raise RedisUnavailable with what to do about it."""
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").is_file() else None
    )
    if binary is None:
        raise RedisUnavailable(INSTALL_HINT)
    server = TemporaryRedis(binary)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


def worker_redis_url(url: str, worker: str, port: int | None = None) -> str:
    """The address one test process uses: REDIS_URL (or our server's port) with a database
    number of its own for each pytest-xdist worker (gw0 -> 1, gw1 -> 2, ... 15, then 1 again),
    so a FLUSHDB in one worker never touches another's keys."""
    from urllib.parse import urlsplit, urlunsplit

    number = 1 + int(worker.removeprefix("gw") or 0) % 15
    parts = urlsplit(url or f"redis://127.0.0.1:{port or 6379}/0")
    if port is not None:
        parts = parts._replace(netloc=f"127.0.0.1:{port}")
    return urlunsplit(parts._replace(path=f"/{number}"))
