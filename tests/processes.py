"""Processes started by tests — `manage.py` commands and workers — on a database of the test's own, so that they
are real processes (a worker can be killed) sharing real data with the test."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


class Database:
    """A database of the test's own, on the engine the suite runs on, for processes started by the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            settings = connection.settings_dict
            self.server = dict(
                host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"]
            )
            self.name = f"qibu_jobs_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
            self.url = f"postgres://{self.server['user']}@{self.server['host']}:{self.server['port']}/{self.name}"
        else:
            self.path = tmp_path / "jobs.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query with `%s` placeholders, on either engine."""
        if self.vendor == "postgresql":
            with psycopg.connect(dbname=self.name, autocommit=True, **self.server) as conn:
                return list(conn.execute(sql, params).fetchall())
        with sqlite3.connect(self.path, timeout=20) as conn:
            return list(conn.execute(sql.replace("%s", "?"), params).fetchall())

    def drop(self) -> None:
        if self.vendor == "postgresql":
            with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.name])
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')


def env(db: Database, **extra: str) -> dict[str, str]:
    """The environment of a process working on `db`, with short leases so that a take-over comes quickly."""
    return {
        **os.environ,
        "DATABASE_URL": db.url,
        "QIBU_TESTING": "1",
        "QIBU_JOB_LEASE_SECONDS": "2",
        "QIBU_MAIL_LEASE_SECONDS": "2",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def manage(db: Database, *args: str, **extra_env: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env(db, **extra_env),
        check=True,
        capture_output=True,
        timeout=120,
    )


def worker(db: Database, name: str, *extra: str, **extra_env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--name", name, "--poll", "0.1", *extra],
        cwd=ROOT,
        env=env(db, **extra_env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
