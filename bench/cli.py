"""`python -m bench [--scale 10] [--runs 30] [scenario ...]`

1. Builds (once per scale and schema) a dataset with `sanxing seed --scale N`: a SQLite file
   in bench/data/, and, when DATABASE_URL names PostgreSQL, that database too.
2. Times each scenario on each database in a subprocess (bench.run): a warm-up request,
   then N timed ones; median, p95 and the query count, beside the floor (one SQL query
   returning the same facts). The page's statements are recorded and replayed, fetched in
   full as the floor is; those the signed-in shell runs (/about/, the `shell` row) are set
   apart, and the view's own SQL over the floor is the `sql ratio`. The goal: median under
   100 ms and sql ratio at most 2.
3. Prints a table and writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src" / "sanxing"


def dataset_key(scale: int) -> str:
    """Changes when the schema or any demo builder changes, so a stale dataset is rebuilt."""
    digest = hashlib.sha256(f"scale={scale}".encode())
    files = sorted(SRC.glob("*/migrations/0*.py")) + sorted(SRC.glob("*/demo.py"))
    files += sorted((SRC / "demo").glob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(SRC)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        SANXING_ENV="development",
        DEBUG="0",  # as in production: no query log, cached templates
        SANXING_DATA_DIR=str(data_dir),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


def seed(url: str, scale: int, data_dir: Path, *, reset: bool) -> None:
    command = [sys.executable, "-m", "sanxing.cli", "seed", "--scale", str(scale)]
    if reset:
        command.append("--reset")
    subprocess.run(command, env={**base_env(data_dir), "DATABASE_URL": url}, check=True)


def sqlite_dataset(scale: int, data_dir: Path) -> str:
    key = dataset_key(scale)
    path = data_dir / f"scale-{scale}-{key}.sqlite3"
    if not path.exists():
        print(f"building the scale-{scale} SQLite dataset in {path} …", flush=True)
        with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
            building = Path(tmp) / path.name
            seed(f"sqlite:///{building}", scale, data_dir, reset=False)
            building.rename(path)
        # Older datasets go only once the new one is in place, and only when they are a day
        # old: a run still reading one (another checkout's schema) keeps its file.
        day_ago = time.time() - 24 * 3600
        for stale in data_dir.glob(f"scale-{scale}-*.sqlite3*"):
            if not stale.name.startswith(path.name) and stale.stat().st_mtime < day_ago:
                stale.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_dataset(url: str, scale: int, data_dir: Path) -> str:
    key = dataset_key(scale) + hashlib.sha256(url.encode()).hexdigest()[:8]
    marker = data_dir / "postgres.key"
    if not marker.exists() or marker.read_text() != f"{scale}:{key}":
        print(f"seeding the scale-{scale} dataset into PostgreSQL …", flush=True)
        seed(url, scale, data_dir, reset=True)
        marker.write_text(f"{scale}:{key}")
    return url


def measure(
    url: str, runs: int, scenarios: list[str], data_dir: Path, profile_dir: Path | None = None
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", dir=data_dir) as out:
        command = [sys.executable, "-m", "bench.run", "--runs", str(runs), "--out", out.name]
        if profile_dir is not None:
            command += ["--profile-dir", str(profile_dir)]
        env = {**base_env(data_dir), "DATABASE_URL": url}
        subprocess.run([*command, *scenarios], env=env, check=True)
        return json.loads(Path(out.name).read_text())


def table(reports: list[dict[str, Any]]) -> str:
    head = (
        "database",
        "scenario",
        "median ms",
        "p95 ms",
        "queries",
        "view q",
        "view sql ms",
        "floor ms",
        "sql ratio",
        "ratio",
        "goal",
    )
    rows = [head]
    notes: dict[str, str] = {}
    for report in reports:
        shell = report.get("shell")
        if shell:
            rows.append(
                (
                    report["vendor"],
                    "shell",
                    f"{shell['median_ms']:.2f}",
                    f"{shell['p95_ms']:.2f}",
                    str(shell["queries"]),
                    *("–" * 6),
                )
            )
            notes["shell"] = (
                f"GET {shell['path']} as {shell['user']}, a page with nothing but the signed-in"
                f" shell: its {shell['queries']} statements (SQL replayed:"
                f" {shell['page_sql_ms']:.2f} ms on {report['vendor']}) are the fixed cost of"
                " every page; in each scenario the statements with the same SQL text are the"
                " shell's, the rest (`view q`) the view's own"
            )
        for name, r in report["scenarios"].items():
            rows.append(
                (
                    report["vendor"],
                    name,
                    f"{r['median_ms']:.2f}",
                    f"{r['p95_ms']:.2f}",
                    str(r["queries"]),
                    str(r["view_queries"]),
                    f"{r['view_sql_ms']:.2f}",
                    f"{r['floor_median_ms']:.3f}",
                    f"{r['sql_ratio']:.2f}×",
                    f"{r['ratio']:.0f}×",
                    r["goal"],
                )
            )
            if r["note"]:
                notes[name] = r["note"]
            if r["not_replayed"]:
                notes[f"{name} ({report['vendor']})"] = (
                    f"{r['not_replayed']} statement(s) that do not only read (not replayed)"
                )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(
            cell.ljust(w) if i < 2 or i == len(head) - 1 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    lines += [""] + [f"{name}: {note}" for name, note in notes.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10, help="years of data (default 10)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs after one warm-up")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=None,
        help="default: bench/results (or DATA_DIR/results)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also cProfile each page (--runs requests) into RESULTS_DIR/profile-<db>/<name>.txt",
    )
    parser.add_argument("scenarios", nargs="*", help="names (default: all)")
    args = parser.parse_args(argv)
    from bench.scenarios import registered

    unknown = set(args.scenarios) - set(registered())
    if unknown:
        parser.error(
            f"unknown scenarios: {', '.join(sorted(unknown))} (known: {', '.join(registered())})"
        )
    data_dir: Path = args.data_dir.resolve()
    (data_dir / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT, for WhiteNoise
    results_dir = args.results_dir or (
        HERE / "results" if args.data_dir == HERE / "data" else data_dir / "results"
    )

    urls = [sqlite_dataset(args.scale, data_dir)]
    env_url = os.environ.get("DATABASE_URL", "")
    if env_url.startswith(("postgres://", "postgresql://")):
        urls.append(postgres_dataset(env_url, args.scale, data_dir))

    reports = []
    for url in urls:
        profile_dir = None
        if args.profile:
            vendor = "postgresql" if url.startswith("postgres") else "sqlite"
            profile_dir = (results_dir / f"profile-{vendor}").resolve()
            profile_dir.mkdir(parents=True, exist_ok=True)
        report = measure(url, args.runs, args.scenarios, data_dir, profile_dir)
        report["scale"] = args.scale
        reports.append(report)
    print(table(reports))
    results_dir.mkdir(parents=True, exist_ok=True)
    latest = results_dir / "latest.json"
    latest.write_text(
        json.dumps({"scale": args.scale, "databases": reports}, ensure_ascii=False, indent=2)
    )
    print(f"\nwritten to {latest}")
    return 0
