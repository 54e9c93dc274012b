#!/usr/bin/env python3
"""Import benchmark: a one-million-line Eventbrite attendee export, generated from the demo,
imported by Ensemble into SQLite (full validation, pseudonymisation, natural keys, provenance),
side by side with DuckDB (read_csv + keyed SHA-256 into a DuckDB file) and pandas (read_csv +
HMAC-SHA-256 per row + to_sql into sqlite3), and with the floor of the store itself: SQLite
inserting a million ticket rows and their natural keys in Ensemble's schema with nothing else to
do (crates/ensemble-store/examples/sqlite_floor.rs).

Run from the repository root:

    python3 bench/import/run.py [--lines 1000000] [--runs 3]

It builds the release binary, creates a Python virtual environment with duckdb and pandas under
target/bench-venv (PyPI), writes everything under target/bench-import, and prints a Markdown
table of wall time and peak memory (resident set size) per tool, with ratios to Ensemble.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "target" / "bench-import"
VENV = ROOT / "target" / "bench-venv"
BIN = ROOT / "target" / "release" / "ensemble"
MEMBER = "deux-rivieres"

DUCKDB_SCRIPT = r"""
import sys, duckdb
csv_path, db_path, key = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(db_path)
con.execute("SET threads TO 2")
con.execute(f'''
CREATE TABLE ticket_sales AS
SELECT
    "Order #" AS order_id,
    "Attendee #" AS line_id,
    "Event Name" AS event_name,
    "Event ID" AS event_id,
    CAST("Order Date" AS TIMESTAMP) AS sold_at,
    CAST(replace(CAST("Total Paid" AS VARCHAR), ',', '.') AS DECIMAL(12, 2)) AS price,
    CAST("Quantity" AS INTEGER) AS quantity,
    "Ticket Type" AS price_type,
    sha256('{key}' || 'email:' || lower(trim("Email"))) AS buyer_key,
    upper(left(replace("Home Zip", ' ', ''), 3)) AS fsa,
    sha256('{key}' || 'record' || "Order #" || "Attendee #") AS natural_key
FROM read_csv('{csv_path}', header = true, all_varchar = true)
WHERE "Attendee Status" NOT IN ('Refunded', 'Cancelled')
''')
print(con.execute("SELECT count(*) FROM ticket_sales").fetchone()[0])
con.close()
"""

PANDAS_SCRIPT = r"""
import sys, hmac, hashlib, sqlite3
import pandas as pd
csv_path, db_path, key = sys.argv[1], sys.argv[2], sys.argv[3].encode()
df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
df = df[~df["Attendee Status"].isin(["Refunded", "Cancelled"])]
mac = lambda text: hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
out = pd.DataFrame({
    "order_id": df["Order #"],
    "line_id": df["Attendee #"],
    "event_name": df["Event Name"],
    "event_id": df["Event ID"],
    "sold_at": pd.to_datetime(df["Order Date"]),
    "price": df["Total Paid"].str.replace(",", ".").astype(float),
    "quantity": df["Quantity"].astype(int),
    "price_type": df["Ticket Type"],
    "buyer_key": ("email:" + df["Email"].str.strip().str.lower()).map(mac),
    "fsa": df["Home Zip"].str.replace(" ", "").str[:3].str.upper(),
    "natural_key": ("record" + df["Order #"] + df["Attendee #"]).map(mac),
})
con = sqlite3.connect(db_path)
out.to_sql("ticket_sales", con, index=False, chunksize=50000)
con.commit()
print(len(out))
"""


def run(command):
    """Runs a command; returns (seconds, peak resident memory in MiB, stdout). Output goes to
    files, so that a large report never blocks the process on a full pipe."""
    out_path, err_path = WORK / "last.out", WORK / "last.err"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{err_path.read_text()}")
    return elapsed, usage.ru_maxrss / 1024, out_path.read_text()


def prepare(lines):
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "-p", "ensemble", "-p", "ensemble-demo",
                    "--example", "eventbrite-export"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "-p", "ensemble-store", "--example", "sqlite-floor"],
                   cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "-p", "ensemble"], cwd=ROOT, check=True)
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "duckdb", "pandas"], check=True)
    base = WORK / "base.db"
    if not base.exists():
        subprocess.run([str(BIN), "demo", "--scale", "small", "--database", f"sqlite://{base}"], check=True,
                       stdout=subprocess.DEVNULL)
    csv_path = WORK / f"eventbrite-attendees-{lines}.csv"
    if not csv_path.exists():
        subprocess.run([str(ROOT / "target" / "release" / "examples" / "eventbrite-export"),
                        "--database", f"sqlite://{base}", "--member", MEMBER,
                        "--lines", str(lines), "--output", str(csv_path)], check=True)
    return base, csv_path


def fresh_copy(base, name):
    target = WORK / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, target)
    shutil.copy(base.with_suffix(".key"), target.with_suffix(".key"))
    os.chmod(target.with_suffix(".key"), 0o600)
    return target


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base, csv_path = prepare(args.lines)
    key = base.with_suffix(".key").read_text().strip()
    size = csv_path.stat().st_size / 2**20
    results = {"Ensemble (SQLite)": [], "DuckDB": [], "pandas + sqlite3": [],
               "SQLite floor: rows and keys only": []}
    for _ in range(args.runs):
        db = fresh_copy(base, "ensemble.db")
        results["Ensemble (SQLite)"].append(run([str(BIN), "import", "--member", MEMBER, str(csv_path), "--json",
                                                 "--database", f"sqlite://{db}"])[:2])
        duck = WORK / "duck.duckdb"
        duck.unlink(missing_ok=True)
        results["DuckDB"].append(run([str(VENV / "bin" / "python"), "-c", DUCKDB_SCRIPT, str(csv_path), str(duck),
                                      key])[:2])
        lite = WORK / "pandas.db"
        lite.unlink(missing_ok=True)
        results["pandas + sqlite3"].append(run([str(VENV / "bin" / "python"), "-c", PANDAS_SCRIPT, str(csv_path),
                                                str(lite), key])[:2])
        floor = fresh_copy(base, "floor.db")
        results["SQLite floor: rows and keys only"].append(
            run([str(ROOT / "target" / "release" / "examples" / "sqlite-floor"), str(floor), "keys"])[:2])
    reference = statistics.median(t for t, _ in results["Ensemble (SQLite)"])
    print(f"File: {csv_path.name}, {args.lines:,} lines, {size:.0f} MiB; median of {args.runs} runs\n")
    print("| tool | wall time (s) | peak memory (MiB) | time ÷ Ensemble's |")
    print("|---|---|---|---|")
    for tool, runs in results.items():
        seconds = statistics.median(t for t, _ in runs)
        memory = max(m for _, m in runs)
        print(f"| {tool} | {seconds:.2f} | {memory:.0f} | {seconds / reference:.2f} |")


if __name__ == "__main__":
    main()
