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
from collections import Counter
from dataclasses import dataclass
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


# The goal of issues 3 and 4: a page is fast enough when its median is under GOAL_MEDIAN_MS
# and its own SQL, replayed and fetched in full as the floor is, within GOAL_SQL_RATIO × the
# floor.
GOAL_MEDIAN_MS = 100.0
GOAL_SQL_RATIO = 2.0
GOALS = ("met", "not met: median", "not met: sql ratio", "not met: median and sql ratio")

# The request the shell's cost is measured on: /about/ is a static page (web.views.about
# renders a template with no context), so everything it runs is what base.html and the
# middleware run for any signed-in page: session, user, roles, header person, unread count.
SHELL_PATH = "/about/"

# Statements replayed: those that only read. Anything else a GET runs (a session save, a
# savepoint) is counted and reported, never replayed.
READS = ("SELECT", "WITH", "VALUES")


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any
    many: bool

    @property
    def reads(self) -> bool:
        words = self.sql.lstrip(" \n\t(").split(None, 1)
        return bool(words) and words[0].upper() in READS


class Recorder:
    """A ``connection.execute_wrapper`` that keeps each statement of a request."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append(Statement(sql, params, many))
        return execute(sql, params, many, context)


def record(function: Any) -> list[Statement]:
    from django.db import connection

    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        function()
    return recorder.statements


def replay(statements: list[Statement]) -> None:
    """Run ``statements`` again on the default connection, each executed and fetched in full,
    as the floor is. Only reads are given (see ``READS``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            if statement.many:
                cursor.executemany(statement.sql, statement.params)
            else:
                cursor.execute(statement.sql, statement.params)
            if cursor.description is not None:
                cursor.fetchall()


def replayed_ms(statements: list[Statement], runs: int) -> float:
    """The median time of replaying ``statements`` (reads only), ``runs`` times; 0 for none."""
    reads = [s for s in statements if s.reads]
    if not reads:
        return 0.0
    return summary(timed(lambda: replay(reads), runs))["median_ms"]


def split_shell(
    statements: list[Statement], shell: list[Statement]
) -> tuple[list[Statement], list[Statement]]:
    """(shell's, view's own): a statement is the shell's when its SQL text (parameters aside)
    is one the shell request ran, each of the shell's statements claimed once — so a view
    that runs the shell's query again keeps that second run as its own."""
    left = Counter(s.sql for s in shell)
    mine, theirs = [], []
    for statement in statements:
        if left[statement.sql] > 0:
            left[statement.sql] -= 1
            theirs.append(statement)
        else:
            mine.append(statement)
    return theirs, mine


def goal(median_ms: float, sql_ratio: float) -> str:
    slow = median_ms >= GOAL_MEDIAN_MS
    heavy = sql_ratio > GOAL_SQL_RATIO
    return GOALS[slow + 2 * heavy]


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
    from django.utils import timezone

    from bench.scenarios import registered
    from sanxing.people.models import User

    chosen = registered()
    if names:
        unknown = set(names) - set(chosen)
        if unknown:
            raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
        chosen = {name: chosen[name] for name in names}

    def client_for(username: str | None) -> tuple[Client, User | None]:
        client = Client()
        user = User.objects.get(username=username) if username else None
        if user is not None:
            client.force_login(user)
        return client, user

    # The shell of each persona (its statements differ in parameters only, but the roles and
    # the menu may not be the same queries for everyone): recorded once per user.
    shells: dict[str | None, list[Statement]] = {}

    def shell_of(username: str | None) -> list[Statement]:
        if username not in shells:
            client = client_for(username)[0]
            client.get(SHELL_PATH)
            shells[username] = record(lambda: client.get(SHELL_PATH))
        return shells[username]

    shell_user = "clerk"
    client = client_for(shell_user)[0]
    status = client.get(SHELL_PATH).status_code
    shell_page = summary(timed(lambda c=client: c.get(SHELL_PATH), runs))
    shell = shell_of(shell_user)
    shell_row = {
        "status": status,
        "path": SHELL_PATH,
        "user": shell_user,
        "median_ms": round(shell_page["median_ms"], 3),
        "p95_ms": round(shell_page["p95_ms"], 3),
        "queries": len(shell),
        "page_sql_ms": round(replayed_ms(shell, runs), 3),
        "not_replayed": sum(not s.reads for s in shell),
    }

    results: dict[str, Any] = {}
    for name, scenario in chosen.items():
        client, user = client_for(scenario.user)
        params: dict[str, Any] = {"today": timezone.localdate(), "now": timezone.now()}
        if user is not None:
            params.update(user_id=user.pk, congress_id=user.congress_id)
        if scenario.floor_params:
            params.update(scenario.floor_params(params))

        status = scenario.run(client).status_code
        page_samples, sql_samples = timed_with_sql(lambda s=scenario, c=client: s.run(c), runs)
        page = summary(page_samples)
        sql_ms = statistics.median(sql_samples) * 1000
        statements = record(lambda s=scenario, c=client: s.run(c))
        _shells, own = split_shell(statements, shell_of(scenario.user))

        def floor(sql: str = scenario.floor_sql, p: dict[str, Any] = params) -> Any:
            with connection.cursor() as cursor:
                cursor.execute(sql, p)
                return cursor.fetchall()

        rows = len(floor())
        bottom = summary(timed(floor, runs))
        page_sql_ms = replayed_ms(statements, runs)
        view_sql_ms = replayed_ms(own, runs)
        if profile_dir:
            profile(
                lambda s=scenario, c=client: s.run(c),
                runs,
                os.path.join(profile_dir, f"{name}.txt"),
            )
        floor_ms = max(bottom["median_ms"], 1e-6)
        sql_ratio = view_sql_ms / floor_ms
        results[name] = {
            "status": status,
            "median_ms": round(page["median_ms"], 3),
            "p95_ms": round(page["p95_ms"], 3),
            "queries": len(statements),
            "view_queries": len(own),
            "not_replayed": sum(not s.reads for s in statements),
            "floor_median_ms": round(bottom["median_ms"], 4),
            "floor_p95_ms": round(bottom["p95_ms"], 4),
            "floor_rows": rows,
            "ratio": round(page["median_ms"] / floor_ms, 1),
            "sql_ms": round(sql_ms, 3),
            "page_sql_ms": round(page_sql_ms, 3),
            "view_sql_ms": round(view_sql_ms, 3),
            "sql_ratio": round(sql_ratio, 2),
            "goal": goal(page["median_ms"], sql_ratio),
            "note": scenario.note,
        }
    return {
        "vendor": connection.vendor,
        "runs": runs,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "goal": {"median_ms": GOAL_MEDIAN_MS, "sql_ratio": GOAL_SQL_RATIO},
        "shell": shell_row,
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
