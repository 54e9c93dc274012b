#!/usr/bin/env python3
"""Market barometer and audience benchmark on the full demo consortium (`ensemble demo --scale full`): a
season's barometer and the one before it (regions and hall sizes, five measures, by discipline),
released from scratch, timed end to end with the release binary (process start, the pool, the
settlements read, every table protected, the releases kept and audited, the JSON written), then
read back as released; side by side with DuckDB computing the same region-by-discipline sums of
the same two seasons from the same SQLite tables (loaded once with pandas, query timed apart).
Then a presenter's audience for the season (`ensemble audience --json`: its ticket lines read,
seven distributions protected), beside DuckDB computing the buyers, tickets and buyers by channel
and by new or returning from the same ticket lines. Every figure Ensemble shows must equal
DuckDB's.

Run from the repository root:

    python3 bench/barometer/run.py [--runs 5] [--fresh]

It builds the release binary, generates the full demo under target/bench-barometer (kept between
runs; --fresh makes it again), uses the virtual environment target/bench-venv (duckdb and pandas
from PyPI, created when missing) and prints a Markdown table of median wall times.
"""

import argparse
import csv
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "target" / "bench-barometer"
VENV = ROOT / "target" / "bench-venv"
BIN = ROOT / "target" / "release" / "ensemble"
SEASON = "2024-2025"
PRESENTER = "deux-rivieres"
VOCABULARY = ROOT / "data" / "reference" / "vocabularies" / "disciplines-asq.csv"

# One settlement per performance of the pool (the presenter's copy when it shares it, else the
# pooled member's with the lowest number), cancelled performances out, by the region of the
# venue and the top discipline of the show's first discipline, for the seasons asked.
DUCKDB_SCRIPT = r"""
import sys, time, sqlite3, duckdb, pandas, json
db, pool, tops, seasons = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4].split(",")
source = sqlite3.connect(db)
con = duckdb.connect()
began = time.perf_counter()
for table in ["performances", "settlements", "members", "shows", "halls", "places"]:
    frame = pandas.read_sql(f"SELECT * FROM {table}", source)
    con.register(f"{table}_frame", frame)
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM {table}_frame")
con.register("tops_frame", pandas.DataFrame(sorted(tops.items()), columns=["code", "top"]))
con.execute("CREATE TABLE tops AS SELECT * FROM tops_frame")
loaded = time.perf_counter()
answers = {}
for season in seasons:
    first, second = season.split("-")
    rows = con.execute(f'''
    WITH chosen AS (
      SELECT s.*, row_number() OVER (
        PARTITION BY s.performance_id
        ORDER BY CASE WHEN m.organization_id = p.presenter_id THEN 0 ELSE 1 END, s.member_id) AS rank
      FROM settlements s JOIN performances p ON p.id = s.performance_id
      LEFT JOIN members m ON m.id = s.member_id
      WHERE s.member_id IN ({pool})
    )
    SELECT coalesce(pl.region_code, 'inconnue') AS region,
           coalesce(t.top, 'autre') AS discipline,
           count(*), sum(c.capacity_offered), sum(c.paid + c.complimentary + c.free_admissions),
           sum(c.paid), sum(greatest(c.gross - c.taxes, 0) // 100)
    FROM chosen c JOIN performances p ON p.id = c.performance_id
    JOIN shows sh ON sh.id = p.show_id
    JOIN halls h ON h.id = p.hall_id JOIN places pl ON pl.id = h.place_id
    LEFT JOIN tops t ON t.code = json_extract_string(sh.disciplines, '$[0]')
    WHERE c.rank = 1 AND p.status <> 'cancelled'
      AND CAST(timezone('America/Toronto', CAST(p.starts_at AS TIMESTAMPTZ)) AS DATE) >= DATE '{first}-09-01'
      AND CAST(timezone('America/Toronto', CAST(p.starts_at AS TIMESTAMPTZ)) AS DATE) < DATE '{second}-09-01'
    GROUP BY ALL
    ''').fetchall()
    answers[season] = {f"{r[0]}|{r[1]}": [int(v) for v in r[2:]] for r in rows}
done = time.perf_counter()
print(json.dumps({"load": loaded - began, "query": done - loaded, "answers": answers}))
"""


# A member's buyers for the performances of a season: distinct buyers, tickets, buyers by channel,
# and buyers new or returning (bought from the member for an earlier performance).
AUDIENCE_SCRIPT = r"""
import sys, time, sqlite3, duckdb, pandas, json
db, member, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
source = sqlite3.connect(db)
con = duckdb.connect()
began = time.perf_counter()
for table in ["performances", "ticket_sales"]:
    frame = pandas.read_sql(f"SELECT * FROM {table}", source)
    con.register(f"{table}_frame", frame)
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM {table}_frame")
loaded = time.perf_counter()
con.execute(f"CREATE TEMP TABLE lines AS SELECT t.*, CAST(timezone('America/Toronto', CAST(p.starts_at AS TIMESTAMPTZ)) AS DATE) AS day FROM ticket_sales t JOIN performances p ON p.id = t.performance_id WHERE t.member_id = {member}")
season = f"day >= DATE '{first}-09-01' AND day < DATE '{first + 1}-09-01'"
buyers, tickets = con.execute(f"SELECT count(DISTINCT buyer_key), sum(quantity) FROM lines WHERE {season}").fetchone()
channels = dict(con.execute(f"SELECT channel, count(DISTINCT buyer_key) FROM lines WHERE {season} AND buyer_key IS NOT NULL GROUP BY 1").fetchall())
returning = dict(con.execute(
    f"WITH earlier AS (SELECT DISTINCT buyer_key FROM lines WHERE day < DATE '{first}-09-01' AND buyer_key IS NOT NULL) "
    f"SELECT CASE WHEN e.buyer_key IS NULL THEN 'nouveaux' ELSE 'revenants' END, count(DISTINCT l.buyer_key) "
    f"FROM lines l LEFT JOIN earlier e ON e.buyer_key = l.buyer_key WHERE {season} AND l.buyer_key IS NOT NULL GROUP BY 1"
).fetchall())
done = time.perf_counter()
print(json.dumps({"load": loaded - began, "query": done - loaded, "buyers": buyers, "tickets": int(tickets),
                  "channel": channels, "returning": returning}))
"""


def ensemble(*args, capture=False):
    database = f"sqlite://{WORK}/full.db"
    command = [str(BIN), "--database", database, "--key-file", f"{WORK}/full.key", *args]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return time.perf_counter() - started, done.stdout


def forget_releases():
    with sqlite3.connect(WORK / "full.db") as db:
        db.execute("DELETE FROM pooled_releases WHERE figure = 'barometer'")


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


def top_terms():
    """Each discipline code's top term (the vocabulary's broader chain followed up)."""
    broader = {}
    with VOCABULARY.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            broader[row["code"]] = row["broader"] or None
    tops = {}
    for code in broader:
        top = code
        while broader.get(top):
            top = broader[top]
        tops[code] = top
    return tops


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    prepare(args.fresh)
    released, read_back = [], []
    for _ in range(args.runs):
        forget_releases()
        released.append(ensemble("barometer", "--season", SEASON, "--json")[0])
        read_back.append(ensemble("barometer", "--season", SEASON, "--json")[0])
    _, text = ensemble("barometer", "--season", SEASON, "--json", capture=True)
    both = json.loads(text)

    pool = ",".join(str(row[0]) for row in sqlite3.connect(WORK / "full.db").execute(
        "SELECT DISTINCT provider_id FROM sharing_agreements WHERE recipient_member_id IS NULL "
        "AND dataset = 'settlements' AND purpose = 'pooled-statistics' ORDER BY 1"))
    first = int(SEASON.split("-")[0])
    seasons = [SEASON, f"{first - 1}-{first}"]
    duck_load, duck_query, answers = [], [], None
    for _ in range(args.runs):
        line = subprocess.run(
            [str(VENV / "bin" / "python"), "-c", DUCKDB_SCRIPT, str(WORK / "full.db"), pool,
             json.dumps(top_terms()), ",".join(seasons)],
            check=True, capture_output=True, text=True).stdout
        result = json.loads(line)
        duck_load.append(result["load"])
        duck_query.append(result["query"])
        answers = result["answers"]

    # Every shown figure of the region view against DuckDB's sums.
    compared, differing, hidden = 0, [], 0
    for release in [both["season"], both["previous"]]:
        view = release["views"][0]
        sums = answers[release["season"]]
        for index, measure in enumerate(view["measures"]):
            for row, cells in zip(view["rows"], measure["figures"]["cells"]):
                for column, figure in zip(release["disciplines"], cells):
                    expected = sums.get(f"{row}|{column}", [0, 0, 0, 0, 0])[index]
                    if "shown" in figure:
                        compared += 1
                        if figure["shown"] != expected:
                            differing.append((release["season"], row, column, measure["measure"]))
                    else:
                        hidden += 1
    # A presenter's audience.
    member = sqlite3.connect(WORK / "full.db").execute(
        "SELECT id FROM members WHERE slug = ?", (PRESENTER,)).fetchone()[0]
    audience_runs, audience_text = [], None
    for _ in range(args.runs):
        elapsed, audience_text = ensemble("audience", "--member", PRESENTER, "--season", SEASON, "--json",
                                          capture=True)
        audience_runs.append(elapsed)
    audience = json.loads(audience_text)
    duck_audience = []
    for _ in range(args.runs):
        duck_audience.append(json.loads(subprocess.run(
            [str(VENV / "bin" / "python"), "-c", AUDIENCE_SCRIPT, str(WORK / "full.db"), str(member), str(first)],
            check=True, capture_output=True, text=True).stdout))
    truth = duck_audience[-1]
    audience_compared, audience_differing = 0, []
    for name in ["buyers", "tickets"]:
        audience_compared += 1
        if audience[name].get("shown") != truth[name]:
            audience_differing.append(name)
    for distribution in audience["distributions"]:
        expected = truth.get(distribution["dimension"])
        if expected is None:
            continue
        for row, figure in zip(distribution["rows"], distribution["buyers"]):
            if "shown" in figure:
                audience_compared += 1
                if figure["shown"] != expected.get(row, 0):
                    audience_differing.append((distribution["dimension"], row))

    median = statistics.median
    ours = median(released)
    print("| task | tool | median wall time (s) | runs |")
    print("|---|---|---|---|")
    print(f"| barometer {SEASON} and {seasons[1]}: released (computed, protected, kept, audited), JSON | Ensemble | {ours:.3f} | {args.runs} |")
    print(f"| the same, read back as released | Ensemble | {median(read_back):.3f} | {args.runs} |")
    print(f"| region × discipline sums of the two seasons | DuckDB: load 6 tables from SQLite (pandas) | {median(duck_load):.3f} | {args.runs} |")
    print(f"| region × discipline sums of the two seasons | DuckDB: query | {median(duck_query):.3f} | {args.runs} |")
    print(f"| {PRESENTER}'s audience {SEASON}: lines read, 7 distributions protected, JSON | Ensemble | {median(audience_runs):.3f} | {args.runs} |")
    print(f"| buyers, tickets, by channel, new or returning | DuckDB: load 2 tables from SQLite (pandas) | {median(d['load'] for d in duck_audience):.3f} | {args.runs} |")
    print(f"| buyers, tickets, by channel, new or returning | DuckDB: query | {median(d['query'] for d in duck_audience):.3f} | {args.runs} |")
    print()
    duck = median(duck_load) + median(duck_query)
    print(f"Ensemble's release ÷ DuckDB's load and query: {ours / duck:.2f}")
    print(f"{compared} shown figures of the region view compared with DuckDB's, {len(differing)} differ; "
          f"{hidden} hidden")
    duck_audience_total = median(d["load"] + d["query"] for d in duck_audience)
    print(f"Ensemble's audience ÷ DuckDB's load and query: {median(audience_runs) / duck_audience_total:.2f}")
    print(f"{audience_compared} shown audience figures compared with DuckDB's, {len(audience_differing)} differ")
    if differing or compared == 0 or audience_differing or audience_compared < 5:
        print(differing[:10], audience_differing[:10])
        sys.exit(1)


if __name__ == "__main__":
    main()
