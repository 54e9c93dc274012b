#!/usr/bin/env python3
"""Report benchmark on the full demo consortium (`ensemble demo --scale full`): one member's
whole annual report set (the four shipped templates, each an Excel workbook) and the
consortium-wide OCCQ table, timed end to end with the release binary (process start, reading,
grant and audit entry, computing, writing the workbook), side by side with DuckDB computing the
consortium's OCCQ total from the same SQLite tables (loaded once with pandas, query timed apart),
whose figures must equal Ensemble's.

Run from the repository root:

    python3 bench/reports/run.py [--runs 5] [--fresh]

It builds the release binary, generates the full demo under target/bench-reports (kept between
runs; --fresh makes it again), uses the virtual environment target/bench-venv (duckdb and pandas
from PyPI, created when missing) and prints a Markdown table of median wall times.
"""

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "target" / "bench-reports"
VENV = ROOT / "target" / "bench-venv"
BIN = ROOT / "target" / "release" / "ensemble"
MEMBER = "aurore-boreale"
PERIOD = "2025-2026"
TEMPLATES = ["occq", "calq", "conseil-des-arts-du-canada", "cadac"]

# The consortium's OCCQ total (paid general-public performances of the season settled by a member
# pooling its settlements; one settlement per performance: the presenter's when pooled, else the
# pooled member's with the lowest number), computed by DuckDB.
DUCKDB_SCRIPT = r"""
import sys, time, sqlite3, duckdb, pandas
db, pool, start, end = sys.argv[1], [int(m) for m in sys.argv[2].split(",")], sys.argv[3], sys.argv[4]
source = sqlite3.connect(db)
con = duckdb.connect()
began = time.perf_counter()
for table in ["performances", "settlements", "members"]:
    frame = pandas.read_sql(f"SELECT * FROM {table}", source)
    con.register(f"{table}_frame", frame)
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM {table}_frame")
loaded = time.perf_counter()
marks = ",".join(str(m) for m in pool)
row = con.execute(f'''
WITH chosen AS (
  SELECT s.*, row_number() OVER (
    PARTITION BY s.performance_id
    ORDER BY CASE WHEN m.organization_id = p.presenter_id THEN 0 ELSE 1 END, s.member_id) AS rank
  FROM settlements s JOIN performances p ON p.id = s.performance_id
  LEFT JOIN members m ON m.id = s.member_id
  WHERE s.member_id IN ({marks})
)
SELECT count(*), sum(c.capacity_offered), sum(c.paid + c.complimentary + c.free_admissions), sum(c.paid),
       sum(c.gross - c.taxes)
FROM chosen c JOIN performances p ON p.id = c.performance_id
WHERE c.rank = 1 AND p.status <> 'cancelled' AND p.school = 0 AND NOT (c.paid = 0 AND c.gross = 0)
  AND CAST(timezone('America/Toronto', CAST(p.starts_at AS TIMESTAMPTZ)) AS DATE) >= DATE '{start}'
  AND CAST(timezone('America/Toronto', CAST(p.starts_at AS TIMESTAMPTZ)) AS DATE) < DATE '{end}'
''').fetchone()
done = time.perf_counter()
print("%f %f %s" % (loaded - began, done - loaded, ",".join(str(v) for v in row)))
"""


def ensemble(*args):
    database = f"sqlite://{WORK}/full.db"
    command = [str(BIN), "--database", database, "--key-file", f"{WORK}/full.key", *args]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def prepare(fresh):
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "ensemble"], cwd=ROOT, check=True)
    if fresh and WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    if not (WORK / "full.db").exists():
        print("generating the full demo consortium ...", file=sys.stderr)
        ensemble("demo", "--scale", "full")
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "duckdb", "pandas"], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    prepare(args.fresh)
    out = WORK / "out"
    out.mkdir(exist_ok=True)

    member_sets = []
    for _ in range(args.runs):
        member_sets.append(sum(
            ensemble("report", "--member", MEMBER, "--template", template, "--period", PERIOD,
                     "--output", str(out / f"{template}.xlsx"))
            for template in TEMPLATES))
    consortium = [
        ensemble("report", "--consortium", "--template", "occq", "--period", PERIOD, "--output",
                 str(out / "occq-consortium.xlsx"))
        for _ in range(args.runs)
    ]
    ensemble("report", "--consortium", "--template", "occq", "--period", PERIOD, "--format", "json",
             "--output", str(out / "occq-consortium.json"))
    report = json.loads((out / "occq-consortium.json").read_text())
    values = report["tables"][0]["total"]["values"]
    ours = [values[i]["value"] for i in range(5)]

    pool = [row[0] for row in sqlite3.connect(WORK / "full.db").execute(
        "SELECT DISTINCT provider_id FROM sharing_agreements WHERE recipient_member_id IS NULL "
        "AND dataset = 'settlements' AND purpose = 'pooled-statistics' ORDER BY 1")]
    first, second = PERIOD.split("-")
    duck_load, duck_query, duck_total = [], [], None
    for _ in range(args.runs):
        line = subprocess.run(
            [str(VENV / "bin" / "python"), "-c", DUCKDB_SCRIPT, str(WORK / "full.db"),
             ",".join(str(m) for m in pool), f"{first}-09-01", f"{second}-09-01"],
            check=True, capture_output=True, text=True).stdout.split()
        duck_load.append(float(line[0]))
        duck_query.append(float(line[1]))
        duck_total = [int(v) for v in line[2].split(",")]
    # Ensemble gives dollars for box office; DuckDB sums cents.
    agree = ours[:4] == duck_total[:4] and ours[4] == duck_total[4]
    median = statistics.median
    print(f"| task | tool | median wall time (s) | runs |")
    print("|---|---|---|---|")
    print(f"| {MEMBER}: 4 reports ({', '.join(TEMPLATES)}), xlsx | Ensemble | {median(member_sets):.3f} | {args.runs} |")
    print(f"| consortium OCCQ table, xlsx | Ensemble | {median(consortium):.3f} | {args.runs} |")
    print(f"| consortium OCCQ total | DuckDB: load 3 tables from SQLite (pandas) | {median(duck_load):.3f} | {args.runs} |")
    print(f"| consortium OCCQ total | DuckDB: query | {median(duck_query):.3f} | {args.runs} |")
    print()
    print(f"Ensemble's consortium total: {ours}; DuckDB's: {duck_total}; "
          f"{'the same' if agree else 'DIFFERENT'}")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
