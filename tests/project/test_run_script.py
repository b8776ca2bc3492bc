"""`make run`'s script: migrates, loads the demo company, serves with gunicorn beside the worker, and
stops both cleanly. Runs the real processes on SQLite in a temporary folder, on a free local port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_it_starts_the_product_with_the_demo_company_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"PORT": str(port), "QIBU_VAR_DIR": str(tmp_path), "WEB_CONCURRENCY": "1", "PYTHONUNBUFFERED": "1"})
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "run.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        page = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:
                    page = response.read().decode()
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                time.sleep(0.5)
        assert "csrfmiddlewaretoken" in page, "the sign-in page did not come up"
        assert (tmp_path / "qibu.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    assert process.returncode == 0, output
    assert "demo" in output and f"http://127.0.0.1:{port}/" in output
    assert str(tmp_path / "qibu.sqlite3") in output
    # Nothing it started is left behind.
    leftovers = subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True, text=True).stdout.split()
    assert leftovers == []
