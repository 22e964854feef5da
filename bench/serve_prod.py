#!/usr/bin/env python
"""`make serve-prod`: the production stack on 127.0.0.1, for checks and benchmarks.

PostgreSQL and Redis from the machine's packages in a temporary directory, migrations, the demo
content, collectstatic, gunicorn (config/gunicorn.py) on production settings (bench/settings.py)
with the page cache on, the outbox worker, and nginx in front as the front door: it terminates
TLS (a throwaway certificate), caches anonymous pages (home/front_door.py) and is refreshed by
the worker when content changes. Prints the address; Ctrl+C stops everything and removes the
directory. `FRONT_DOOR_TLS=0` serves plain HTTP (still telling the site it came over HTTPS).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import HOST, FrontDoor, Stack


def main() -> int:
    stack = Stack()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print("Starting PostgreSQL and Redis, migrating, loading the demo content...", flush=True)
        door = FrontDoor()
        tls = os.environ.get("FRONT_DOOR_TLS", "1") != "0"
        stack.start_postgres()
        stack.start_redis()
        stack.prepare(demo=True)
        env = {"PAGE_CACHE_SECONDS": os.environ.get("PAGE_CACHE_SECONDS", "300"), **door.site_env}
        web = stack.start_gunicorn(
            "web", env=env, workers=int(os.environ.get("WEB_CONCURRENCY", "0"))
        )
        stack.start_worker(env=env)
        port = stack.start_front_door(web, door, tls=tls).port
        scheme = "https" if tls else "http"
        print(
            f"\nProduction stack (gunicorn on production settings, Redis, PostgreSQL, outbox "
            f"worker) behind nginx as the front door (page cache, purged by the worker):\n\n"
            f"    {scheme}://{HOST}:{port}/        admin: {scheme}://{HOST}:{port}/admin/ "
            f"(demo logins, password demo-fostering-2026)\n\n"
            f"gunicorn itself: 127.0.0.1:{web} (send X-Forwarded-Proto: https and Host: {HOST})."
            f"\nLogs: {stack.workdir}/*.log. Ctrl+C stops everything.",
            flush=True,
        )
        while all(process.poll() is None for process in stack.processes.values()):
            time.sleep(1)
        print(f"A process stopped; see {stack.workdir}/*.log")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        print("\nStopping...", flush=True)
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
