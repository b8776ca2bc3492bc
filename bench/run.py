"""The Qibu benchmark: do the pages cost the same for 100 people as for 10,000?

Run from the repository root:

    .venv/bin/python bench/run.py                      # SQLite, sizes 100, 1000, 10000
    SIZES=100 .venv/bin/python bench/run.py            # a quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/run.py   # SQLite and PostgreSQL

For every database and size, a child process builds a fresh database (SQLite: a temporary file;
PostgreSQL: a database `qibu_bench_<size>` created and dropped beside the one DATABASE_URL names),
migrates it, generates the demo company with 12 weekly check-ins per key result, signs in as a sales
member who has OKRs and times each measure in-process with django.test.Client. The rows go to
bench/results/<date>-<db>.json; the table and the PASS/FAIL checks go to the terminal (see README.md).
"""

from __future__ import annotations

import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
REQUESTS = int(os.environ.get("REQUESTS", "50"))
WARMUP = 3
CHECKIN_WEEKS = 12
MEASURES = [
    "baseline",
    "layout",
    "my_okrs",
    "objective",
    "department",
    "company",
    "tree",
    "planning",
    "checkin_form",
    "checkin_post",
    "objectives_api",
]
# p95 at most this many times the baseline's p95.
TARGETS = {"my_okrs": 3, "objective": 3, "checkin_form": 3, "checkin_post": 3, "department": 5, "company": 5, "tree": 5,
           "planning": 5}  # fmt: skip


# --- the baseline view, mounted by bench/bench_urls.py ------------------------------------------------


def baseline(request: Any) -> Any:
    """The cheapest signed-in page: the middleware's work plus one query."""
    from django.http import HttpResponse

    from qibu.org.models import Person

    found = Person.objects.filter(pk=int(request.GET.get("pk", "0"))).exists()
    return HttpResponse("yes" if found else "no", content_type="text/plain")


def layout(request: Any) -> Any:
    """For reading the table, not checked: the page layout (base.html) around nothing, plus one query."""
    from django.shortcuts import render

    from qibu.org.models import Person

    Person.objects.filter(pk=int(request.GET.get("pk", "0"))).exists()
    return render(request, "base.html", {})


# --- the child: one database, one size -----------------------------------------------------------------


def _percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _measure(
    requests: dict[str, Any], connection: Any
) -> tuple[dict[str, int], dict[str, list[float]], dict[str, str]]:
    """Warm up each measure, set aside the ones that do not answer, count one request's queries, then time
    rounds of one request per measure, so that whatever else the machine does weighs on all alike."""
    from django.test.utils import CaptureQueriesContext

    skipped: dict[str, str] = {}
    query_counts: dict[str, int] = {}
    for name in MEASURES:
        try:
            for _ in range(WARMUP):
                response = requests[name]()
                if response.status_code >= 400:
                    raise RuntimeError(f"answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                requests[name]()
            query_counts[name] = len(queries.captured_queries)  # read now: the next request resets the log
        except Exception as exc:  # a page still being written is reported, not fatal
            skipped[name] = f"{type(exc).__name__}: {exc}"[:200]
    samples: dict[str, list[float]] = {name: [] for name in query_counts}
    for _ in range(REQUESTS):
        for name in query_counts:
            t0 = time.perf_counter()
            requests[name]()
            samples[name].append((time.perf_counter() - t0) * 1000)
    return query_counts, samples, skipped


def child(size: int, out_path: str) -> None:
    sys.modules.setdefault("run", sys.modules[__name__])  # bench_urls imports the baseline view from here
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qibu.settings")
    # No collected static files in a fresh checkout; WhiteNoise's warning about it is noise here.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, clear_url_caches, reverse
    from django.utils import timezone

    from qibu.cycles.models import Cycle, CycleKind
    from qibu.demo.generator import generate_company
    from qibu.okrs.models import KeyResult, Objective
    from qibu.org.models import Person

    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    summary = generate_company(people=size, checkin_weeks=CHECKIN_WEEKS, finished_quarter=False)
    if connection.vendor == "postgresql":
        # Fresh planner statistics, as autovacuum would gather them soon after a load this size.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    generated = time.perf_counter()
    print(
        f"  {connection.vendor} {size}: migrated in {migrated - started:.1f} s, generated in "
        f"{generated - migrated:.1f} s ({summary.objectives} objectives, {summary.key_results} key results, "
        f"{summary.check_ins} check-ins)",
        flush=True,
    )

    member = Person.objects.get(username=next(s.username for s in summary.sign_ins if s.role == "member"))
    today = timezone.localdate()
    quarter = Cycle.objects.get(kind=CycleKind.QUARTER, start__lte=today, end__gte=today)
    objective = Objective.objects.filter(owner=member, cycle=quarter).order_by("priority", "id").first()
    assert objective is not None, "the bench member has no objective"
    kr = KeyResult.objects.filter(owner=member, kind="increase", objective__cycle=quarter).order_by("id").first()
    assert kr is not None, "the bench member has no numeric key result"

    client = Client()
    client.force_login(member)

    # Two values inside the range, alternated, so every check-in moves the progress.
    span = kr.target_value - kr.start_value
    values = [str(kr.start_value + span * Decimal(share)) for share in ("0.4", "0.6")] if span else ["1", "2"]
    confidence = kr.confidence
    try:
        checkin_url = reverse("okrs:checkin", args=[kr.pk])
        checkin_api = False
    except NoReverseMatch:
        checkin_url, checkin_api = "/api/v1/check-ins", True
    posted = [0]

    def post_checkin() -> Any:
        posted[0] += 1
        value = values[posted[0] % 2]
        if checkin_api:
            body = {"key_result": kr.pk, "value": value, "confidence": confidence, "note": "bench"}
            return client.post(checkin_url, body, content_type="application/json")
        return client.post(
            checkin_url, {"value": value, "confidence": confidence, "note": "bench"}, headers={"HX-Request": "true"}
        )

    requests = {
        "baseline": lambda: client.get("/__bench__/baseline/", {"pk": member.pk}),
        "layout": lambda: client.get("/__bench__/layout/", {"pk": member.pk}),
        "my_okrs": lambda: client.get("/"),
        "objective": lambda: client.get(f"/objectives/{objective.pk}/"),
        "department": lambda: client.get(f"/departments/{member.department_id}/"),
        "company": lambda: client.get("/company/"),
        "tree": lambda: client.get("/alignment/"),
        "planning": lambda: client.get("/planning/", {"cycle": quarter.pk}),
        "checkin_form": lambda: client.get(checkin_url, {"next": "/"}, headers={"HX-Request": "true"}),
        "checkin_post": post_checkin,
        "objectives_api": lambda: client.get("/api/v1/objectives", {"cycle": quarter.pk}),
    }
    query_counts, samples, skipped = _measure(requests, connection)
    rows = [
        {
            "db": connection.vendor,
            "size": size,
            "name": name,
            "queries": query_counts[name],
            "p50_ms": round(statistics.median(samples[name]), 2),
            "p95_ms": round(_percentile(samples[name], 0.95), 2),
        }
        for name in query_counts
    ]
    Path(out_path).write_text(
        json.dumps({"rows": rows, "skipped": skipped, "generate_s": round(generated - migrated, 1)}),
        encoding="utf-8",
    )


# --- the parent: databases, sizes, the report ----------------------------------------------------------


def _postgres_admin(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def _postgres_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _run_child(size: int, database_url: str) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "qibu.settings",
            # Test-like settings: plain static files (no collectstatic manifest), tasks run inline,
            # a fixed key; DEBUG stays off so that nothing records queries unless asked.
            "QIBU_TESTING": "1",
            "QIBU_DEBUG": "0",
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "testserver,localhost",
        }
    )
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    try:
        subprocess.run([sys.executable, __file__, "--child", str(size), out], env=env, cwd=ROOT, check=True)
        result: dict[str, Any] = json.loads(Path(out).read_text(encoding="utf-8"))
        return result
    finally:
        Path(out).unlink(missing_ok=True)


def run_database(
    db: str, base_url: str | None, sizes: list[int]
) -> tuple[list[dict[str, Any]], dict[str, set[str]], bool]:
    rows: list[dict[str, Any]] = []
    notes: dict[str, set[str]] = {}
    for size in sizes:
        if db == "sqlite":
            with tempfile.TemporaryDirectory(prefix="qibu-bench-") as folder:
                result = _run_child(size, f"sqlite:///{folder}/bench-{size}.sqlite3")
        else:
            assert base_url is not None
            name = f"qibu_bench_{size}"
            with _postgres_admin(base_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                result = _run_child(size, _postgres_url(base_url, name))
            finally:
                with _postgres_admin(base_url) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        rows.extend(result["rows"])
        for name, reason in result["skipped"].items():
            notes.setdefault(name, set()).add(f"{size}: {reason}")
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{datetime.date.today():%Y-%m-%d}-{db}.json"
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    ok = report(db, rows, sizes, notes)
    print(f"Results written to {path.relative_to(ROOT)}\n")
    return rows, notes, ok


def report(db: str, rows: list[dict[str, Any]], sizes: list[int], notes: dict[str, set[str]]) -> bool:
    by = {(r["name"], r["size"]): r for r in rows}
    print(f"\n== {db} ==")
    header = f"{'measure':<16}" + "".join(f"{f'{s} people':>34}" for s in sizes)
    print(header)
    print(f"{'':<16}" + "".join(f"{'queries  p50 ms  p95 ms  ×base':>34}" for _ in sizes))
    for name in MEASURES:
        cells = []
        for size in sizes:
            row = by.get((name, size))
            base = by.get(("baseline", size))
            if row is None:
                cells.append(f"{'skipped':>34}")
                continue
            ratio = row["p95_ms"] / base["p95_ms"] if base and base["p95_ms"] else float("nan")
            cells.append(f"{row['queries']:>15}{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}{ratio:>7.1f}")
        print(f"{name:<16}" + "".join(cells))

    ok = True
    print("\nChecks:")
    for name in MEASURES:
        measured = [by[(name, s)] for s in sizes if (name, s) in by]
        if not measured:
            print(f"  SKIP  {name}: not measured ({'; '.join(sorted(notes.get(name, {'no data'})))})")
            continue
        counts = {r["queries"] for r in measured}
        same = len(counts) == 1 and len(measured) == len(sizes)
        ok &= same
        detail = ", ".join(f"{r['size']}: {r['queries']}" for r in measured)
        print(f"  {'PASS' if same else 'FAIL'}  {name}: same number of queries at every size ({detail})")
        if name in TARGETS:
            limit = TARGETS[name]
            ratios = []
            for r in measured:
                base = by.get(("baseline", r["size"]))
                if base and base["p95_ms"]:
                    ratios.append((r["size"], r["p95_ms"] / base["p95_ms"]))
            within = bool(ratios) and all(ratio <= limit for _size, ratio in ratios)
            ok &= within
            detail = ", ".join(f"{size}: {ratio:.1f}×" for size, ratio in ratios)
            print(f"  {'PASS' if within else 'FAIL'}  {name}: p95 ≤ {limit}× baseline p95 ({detail})")
        for note in sorted(notes.get(name, ())):
            print(f"        note: skipped at {note}")
    return ok


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3])
        return 0
    sizes = [int(s) for s in os.environ.get("SIZES", "100,1000,10000").split(",") if s.strip()]
    database_url = os.environ.get("DATABASE_URL", "")
    databases: list[tuple[str, str | None]] = [("sqlite", None)]
    if database_url.startswith(("postgres://", "postgresql://")):
        databases.append(("postgresql", database_url))
    print(f"Qibu benchmark: sizes {sizes}, {REQUESTS} requests per measure, {CHECKIN_WEEKS} weekly check-ins")
    all_ok = True
    for db, url in databases:
        _rows, _notes, ok = run_database(db, url, sizes)
        all_ok &= ok
    print("All checks passed." if all_ok else "Some checks failed (see above).")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
