"""Times the scenarios against the database in DATABASE_URL (run by bench.cli in a
subprocess, so each database gets its own Django settings). Writes a JSON report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from typing import Any


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = statistics.quantiles(ordered, n=20)[-1] if len(ordered) >= 2 else ordered[-1]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": min(p95, ordered[-1]) * 1000}


def timed(function: Any, runs: int) -> list[float]:
    function()  # warm-up: caches, connection, compiled templates
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


class SqlClock:
    """A ``connection.execute_wrapper``: the time spent inside the database driver's
    ``execute`` (SQLite runs the statement to its first row there; the rest of the rows are
    stepped through in ``fetchmany``, outside — so a long result is undercounted a little)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def timed_with_sql(function: Any, runs: int) -> tuple[list[float], list[float]]:
    """Like ``timed``, and each run's time in SQL (``SqlClock``) beside its wall time."""
    from django.db import connection

    function()
    samples, sql = [], []
    for _ in range(runs):
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            started = time.perf_counter()
            function()
            samples.append(time.perf_counter() - started)
        sql.append(clock.seconds)
    return samples, sql


def profile(function: Any, runs: int, path: str) -> None:
    """cProfile ``runs`` calls of ``function``; the 40 costliest functions (cumulative and
    own time) written to ``path``."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        function()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(30)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(out.getvalue())


def measure_all(
    runs: int, names: list[str] | None = None, profile_dir: str | None = None
) -> dict[str, Any]:
    """Time the scenarios (all, or ``names``) on the default database; Django is set up.
    With ``profile_dir``, also write a cProfile of each page there (``<name>.txt``)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.scenarios import registered
    from sanxing.people.models import User

    chosen = registered()
    if names:
        unknown = set(names) - set(chosen)
        if unknown:
            raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
        chosen = {name: chosen[name] for name in names}

    results: dict[str, Any] = {}
    for name, scenario in chosen.items():
        client = Client()
        params: dict[str, Any] = {"today": timezone.localdate(), "now": timezone.now()}
        if scenario.user:
            user = User.objects.get(username=scenario.user)
            client.force_login(user)
            params.update(user_id=user.pk, congress_id=user.congress_id)
        if scenario.floor_params:
            params.update(scenario.floor_params(params))

        status = scenario.run(client).status_code
        page_samples, sql_samples = timed_with_sql(lambda s=scenario, c=client: s.run(c), runs)
        page = summary(page_samples)
        sql_ms = statistics.median(sql_samples) * 1000
        with CaptureQueriesContext(connection) as captured:
            scenario.run(client)
        # Counted now: the next request (request_started) empties the connection's query log.
        queries = len(captured.captured_queries)

        def floor(sql: str = scenario.floor_sql, p: dict[str, Any] = params) -> Any:
            with connection.cursor() as cursor:
                cursor.execute(sql, p)
                return cursor.fetchall()

        rows = len(floor())
        bottom = summary(timed(floor, runs))
        if profile_dir:
            profile(
                lambda s=scenario, c=client: s.run(c),
                runs,
                os.path.join(profile_dir, f"{name}.txt"),
            )
        floor_ms = max(bottom["median_ms"], 1e-6)
        results[name] = {
            "status": status,
            "median_ms": round(page["median_ms"], 3),
            "p95_ms": round(page["p95_ms"], 3),
            "queries": queries,
            "floor_median_ms": round(bottom["median_ms"], 4),
            "floor_p95_ms": round(bottom["p95_ms"], 4),
            "floor_rows": rows,
            "ratio": round(page["median_ms"] / floor_ms, 1),
            "sql_ms": round(sql_ms, 3),
            "sql_ratio": round(sql_ms / floor_ms, 1),
            "note": scenario.note,
        }
    return {
        "vendor": connection.vendor,
        "runs": runs,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scenarios": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", required=True)
    parser.add_argument("--profile-dir", default=None)
    parser.add_argument("scenarios", nargs="*")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxing.settings")
    import django

    django.setup()
    report = measure_all(args.runs, args.scenarios, args.profile_dir)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(report, handle, ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
