"""`make run`: prepare the database, load the demo company when it is empty, then serve.

Starts the production web server (gunicorn) and the background worker (`manage.py run_worker`) side by
side, and stops both when either ends or on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def manage(*args: str) -> None:
    subprocess.run([*MANAGE, *args], check=True, cwd=ROOT)


def main() -> int:
    port = os.environ.get("PORT", "8000")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qibu.settings")
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("load_demo", "--if-empty")
    # Said before anything starts; a password in DATABASE_URL is not printed.
    database = os.environ.get("DATABASE_URL", "").split("@")[-1] or str(
        Path(os.environ.get("QIBU_VAR_DIR", ROOT / "var")) / "qibu.sqlite3"
    )
    workers = os.environ.get("WEB_CONCURRENCY", "3")
    # A workshop's screens each hold a live stream (server-sent events) on a thread: 3 workers × 32 threads serve
    # 60 open streams and the pages beside them (bench/workshop_load.py); a waiting stream holds no database
    # connection, so the threads do not multiply connections.
    threads = os.environ.get("WEB_THREADS", "32")
    web = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "qibu.wsgi:application",
            "--bind",
            f"{os.environ.get('HOST', '127.0.0.1')}:{port}",
            "--workers",
            workers,
            "--threads",
            threads,
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
    )
    worker = subprocess.Popen([*MANAGE, "run_worker"], cwd=ROOT)
    print(
        f"\n  Qibu is running at http://127.0.0.1:{port}/  (database: {database})\n"
        "  Demo sign-ins (password “demo”) are listed above.\n"
        "  Stop with Ctrl-C.\n",
        flush=True,
    )
    children = [web, worker]

    def stop(*_args: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(child.poll() is None for child in children):
            try:
                children[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    # Stopped by the signal passed on above is a clean stop, whichever of gunicorn's states it found it in.
    return 0 if web.returncode in (0, -signal.SIGTERM) else web.returncode


if __name__ == "__main__":
    sys.exit(main())
