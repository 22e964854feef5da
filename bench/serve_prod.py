#!/usr/bin/env python
"""`make serve-prod`: the production stack on 127.0.0.1, for checks and benchmarks.

PostgreSQL and Redis from the machine's packages in a temporary directory, migrations, the demo
content, collectstatic, gunicorn (config/gunicorn.py) on production settings (bench/settings.py)
plus the outbox worker, and nginx in front as the TLS proxy would be (it adds
X-Forwarded-Proto: https, so HTTPS redirects and secure cookies behave as on a server). Prints
the address; Ctrl+C stops everything and removes the directory.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import HOST, Stack


def main() -> int:
    stack = Stack()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print("Starting PostgreSQL and Redis, migrating, loading the demo content...", flush=True)
        stack.start_postgres()
        stack.start_redis()
        stack.prepare(demo=True)
        web = stack.start_gunicorn("web", workers=int(os.environ.get("WEB_CONCURRENCY", "0")))
        stack.start_worker()
        port = stack.start_nginx("proxy", upstream=web)
        print(
            f"\nProduction stack (gunicorn on production settings, Redis, PostgreSQL, outbox "
            f"worker) behind nginx:\n\n    http://{HOST}:{port}/        admin: "
            f"http://{HOST}:{port}/admin/ (demo logins, password demo-fostering-2026)\n\n"
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
