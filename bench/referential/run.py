"""Entity-resolution benchmark: Ensemble's matcher, Splink and a naive baseline, side by side.

    python3 bench/referential/run.py [--sets organization place febrl3] [--data ../shared/real-data]

From the repository root. Builds the development gold set (devset.py: organisations and places
from real Artsdata pipeline outputs) and the FEBRL sets (febrl.py) into bench/referential/results/,
then runs on each set, each as a subprocess whose wall time and peak memory (max RSS) are measured:
  * Ensemble, if target/release/ensemble exists and answers `referential dedupe --help`:
    ensemble referential dedupe --kind KIND IN.csv --output OUT.csv --candidates CANDIDATES.csv
    (with its blocking recall);
  * Splink 4 on DuckDB (splink_baseline.py), with its blocking recall;
  * identical folded names (folded_names.py).
Scores pairwise precision / recall / F1 (score.py) and, on the development set, the hand-picked
pairs of examples.csv; prints a Markdown table and writes results/results.json. Needs: pip install "splink>=4,<5" duckdb pandas rdflib recordlinkage.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

import devset  # noqa: E402
import febrl  # noqa: E402
import score  # noqa: E402

DEV_SETS = {"organization": "organization", "place": "place"}  # set name -> kind
FEBRL_SETS = febrl.SETS
ENSEMBLE = ROOT / "target" / "release" / "ensemble"


def measured(cmd, log_path):
    """Run cmd through measure.py; return (exit code, wall seconds, peak RSS in MiB) of cmd alone."""
    report = log_path.with_suffix(".measure.json")
    report.unlink(missing_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        rc = subprocess.run([sys.executable, str(HERE / "measure.py"), str(report), "--"] + cmd,
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT).returncode
    if not report.exists():  # the command could not even start
        return rc, 0.0, 0.0
    m = json.loads(report.read_text())
    return m["exit_code"], m["wall_s"], m["peak_rss_mib"]


def ensemble_ready():
    if not ENSEMBLE.exists():
        return False
    try:
        r = subprocess.run([str(ENSEMBLE), "referential", "dedupe", "--help"], capture_output=True,
                           timeout=60, cwd=ROOT)
        return r.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def matchers(kind, inp, out_dir, with_ensemble):
    """(name, command, output path, candidates path or None) for one set."""
    py = sys.executable
    found = []
    if with_ensemble:
        out, cand = out_dir / "ensemble.csv", out_dir / "ensemble-candidates.csv"
        found.append(("Ensemble", [str(ENSEMBLE), "referential", "dedupe", "--kind", kind, str(inp),
                                   "--output", str(out), "--candidates", str(cand)], out, cand))
    out, cand = out_dir / "splink.csv", out_dir / "splink-candidates.csv"
    found.append(("Splink 4 (DuckDB)", [py, str(HERE / "splink_baseline.py"), "--kind", kind, str(inp),
                                        str(out), "--candidates", str(cand)], out, cand))
    out = out_dir / "folded.csv"
    found.append(("folded names", [py, str(HERE / "folded_names.py"), str(inp), str(out)], out, None))
    return found


def fmt(x, digits=3):
    return "–" if x is None else f"{x:.{digits}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=["organization", "place", "febrl3"],
                    choices=list(DEV_SETS) + list(FEBRL_SETS))
    ap.add_argument("--data", default=os.environ.get("ENSEMBLE_REAL_DATA", str(devset.DEFAULT_DATA)),
                    help="the shared real-data folder (default: ../shared/real-data)")
    a = ap.parse_args()

    RESULTS.mkdir(exist_ok=True)
    sets = {}
    if any(s in DEV_SETS for s in a.sets):
        print(f"== development set from {a.data}")
        summary = devset.build(a.data, RESULTS / "devset")
        for s in a.sets:
            if s in DEV_SETS:
                k = summary["kinds"][DEV_SETS[s]]
                sets[s] = {"kind": DEV_SETS[s], "input": RESULTS / "devset" / f"{s}.csv",
                           "truth": RESULTS / "devset" / f"{s}-truth.csv",
                           "records": k["records"], "records_with_truth": k["with_truth"],
                           "true_pairs": k["true_pairs"]}
        suspect_ids = summary["suspect_ids"]
    for s in a.sets:
        if s in FEBRL_SETS:
            c = febrl.build(s, RESULTS / "febrl")
            print(f"== {s}: {c['records']} records, {c['true_pairs']} true pairs")
            sets[s] = {"kind": "person", "input": RESULTS / "febrl" / f"{s}.csv",
                       "truth": RESULTS / "febrl" / f"{s}-truth.csv", "records": c["records"],
                       "records_with_truth": c["records"], "true_pairs": c["true_pairs"]}

    with_ensemble = ensemble_ready()
    if not with_ensemble:
        print("Ensemble: not built (cargo build --release -p ensemble)")
    rows = []
    for name in a.sets:
        info = sets[name]
        out_dir = RESULTS / name
        out_dir.mkdir(exist_ok=True)
        info["matchers"] = {}
        for matcher, cmd, out, cand in matchers(info["kind"], info["input"], out_dir, with_ensemble):
            log = out.with_suffix(".log")
            print(f"-- {name}: {matcher} ...", flush=True)
            rc, wall, rss = measured(cmd, log)
            res = {"exit_code": rc, "wall_s": round(wall, 2), "peak_rss_mib": round(rss, 1),
                   "command": " ".join("python3" if c == sys.executable else
                                       os.path.relpath(c, ROOT) if os.path.isabs(c) else c for c in cmd)}
            if rc != 0:
                print(f"   failed (exit {rc}), see {os.path.relpath(log, ROOT)}:")
                print("   " + "\n   ".join(log.read_text(encoding="utf-8").splitlines()[-8:]))
            else:
                res.update(score.score(out, info["truth"]))
                if cand is not None:
                    res.update(score.blocking_recall(score.read_candidates(cand), str(info["truth"])))
                if name in DEV_SETS:  # the hand-picked pairs of examples.csv
                    ex = score.check_examples(out, info["input"], HERE / "examples.csv", info["kind"])
                    res["examples"] = ex
                    for expected, left, right in ex["failed"]:
                        print(f"   example failed ({expected}): {left} ~ {right}")
            info["matchers"][matcher] = res
            rows.append((name, matcher, res))

    print()
    print("| set | records (with truth) | true pairs | matcher | precision | recall | F1 | "
          "predicted pairs | time (s) | peak RSS (MiB) | blocking recall | examples.csv |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, matcher, r in rows:
        info = sets[name]
        if r["exit_code"] != 0:
            cells = ["failed"] + [""] * 4
        else:
            cells = [fmt(r["precision"]), fmt(r["recall"]), fmt(r["f1"]), str(r["predicted_pairs"]),
                     fmt(r["wall_s"], 2)]
        br = fmt(r.get("blocking_recall")) if "blocking_recall" in r else ""
        ex = f"{r['examples']['passed']}/{r['examples']['total']}" if "examples" in r else ""
        print(f"| {name} | {info['records']} ({info['records_with_truth']}) | {info['true_pairs']} | "
              f"{matcher} | " + " | ".join(cells) + f" | {r['peak_rss_mib']:.0f} | {br} | {ex} |")

    versions = {}
    for mod in ("splink", "duckdb", "pandas", "rdflib", "recordlinkage"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # not installed: the matcher that needs it failed above
            versions[mod] = None
    report = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join(["python3 bench/referential/run.py"] + sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "versions": versions, "ensemble_built": with_ensemble,
        "sets": {k: {kk: (str(os.path.relpath(v, ROOT)) if isinstance(v, Path) else v)
                     for kk, v in info.items()} for k, info in sets.items()},
    }
    if any(s in DEV_SETS for s in a.sets):
        report["suspect_place_ids"] = suspect_ids
    (RESULTS / "results.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    print(f"\nwrote {os.path.relpath(RESULTS / 'results.json', ROOT)}")


if __name__ == "__main__":
    main()
