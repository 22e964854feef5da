"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Every value can be changed from the environment, so one file serves a laptop check
(`make serve-prod`), the benchmarks and a server:

- WEB_CONCURRENCY: sync worker processes. Default 2 x cores + 1 (gunicorn's own advice): a
  worker waits on PostgreSQL or Redis for part of each request, so a little more than one per
  core keeps the cores busy. On this site's 2-core benchmark machine 5 gave the best requests per
  second on uncached pages (see bench/README.md); on a box shared with PostgreSQL and the outbox
  worker, 2 x cores is about right. Each worker holds one database connection (from its pool) and
  about 120 MB of memory.
- GUNICORN_BIND: where to listen; 127.0.0.1:8000 behind nginx/Caddy on the same host, or
  0.0.0.0:8000 behind a load balancer on a private network.
- GUNICORN_TIMEOUT: seconds before a stuck worker is killed and replaced (default 30: every page
  answers in well under a second, and a report's export in a few).

The access log leaves out the query string (campaign tags never hold personal data, but there is
no need to keep them: attribution stores what it needs), the client address, the referrer and
the user agent: what an operator needs to see load and errors, and nothing about a person. A
booking's cancellation token is masked wherever a line could show it (config/access_log.py).
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# A worker killed after this many seconds on one request; graceful shutdown waits as long for
# requests in flight (a deploy or a restart never cuts an enquiry off half way).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = timeout
# Keep-alive connections from the proxy in front (nginx, a load balancer) are reused.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, spread out so they never restart together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory (container file systems can be slow to update).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Lean access log on stdout: time, method, path (no query string), status, bytes, milliseconds;
# cancellation tokens masked in whatever a line shows (config/access_log.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logger_class = "config.access_log.AccessLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
