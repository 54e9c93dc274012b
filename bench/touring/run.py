"""Ensemble's touring optimiser and the OR-Tools reference solver, side by side, in one run.

Instances: the kit's tour_K20/40/80 (instances/) and instances of our own, written by the kit's
generator with another seed (7000 + K) for K = 40, 80 and 100 (into results/own/, the same on
every run). On each, Ensemble's optimiser runs for the time given (1 s by default) with several
seeds, and OR-Tools (solve_ortools.py: guided local search) for each of its time limits (1 s and
60 s by default). Every route, ours included, is re-checked by the kit's own `check`.

Usage, from the repository root (needs `pip install ortools` and cargo):
    python3 bench/touring/run.py                      # 1 s for Ensemble, OR-Tools 1 s and 60 s
    python3 bench/touring/run.py --ortools 1 10 --seeds 3
Writes results/side_by_side.json and prints a Markdown table.
"""
import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import gen_tour  # noqa: E402
import solve_ortools  # noqa: E402


def instances():
    found = []
    for k in (20, 40, 80):
        path = HERE / "instances" / f"tour_K{k}.json"
        found.append(("kit", path, json.loads(path.read_text())))
    own = HERE / "results" / "own"
    own.mkdir(parents=True, exist_ok=True)
    for k in (40, 80, 100):
        inst = gen_tour.make_instance(k, 7000 + k)
        inst["name"] = f"own_K{k}"
        path = own / f"own_K{k}.json"
        path.write_text(json.dumps(inst, ensure_ascii=False))
        found.append(("own", path, inst))
    return found


def ensemble(binary, path, inst, seconds, seed):
    out = subprocess.run([str(binary), str(path), str(seconds), str(seed)], check=True,
                         capture_output=True, text=True).stdout
    result = json.loads(out)
    route = [tuple(stop) for stop in result["route"]]
    checked = solve_ortools.check(inst, route)  # raises when a rule is broken
    assert abs(checked["profit"] - result["profit"]) < 0.2, (checked["profit"], result["profit"])
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=1.0, help="Ensemble's time per run")
    ap.add_argument("--seeds", type=int, default=5, help="Ensemble's runs per instance (seeds 1..N)")
    ap.add_argument("--ortools", type=float, nargs="+", default=[1, 60], help="OR-Tools time limits")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "ensemble-touring", "--example", "solve"],
                   cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "examples" / "solve"
    import ortools
    rows = []
    print(f"Ensemble {a.seconds:g} s, {a.seeds} seeds; OR-Tools {ortools.__version__}, "
          f"guided local search, limits {', '.join(f'{x:g}' for x in a.ortools)} s; one thread each\n")
    header = ["instance", "K", "Ensemble profit (worst / median of seeds)", "km", "visits", "s"]
    for limit in a.ortools:
        header += [f"OR-Tools {limit:g} s profit", "km", "visits"]
    header.append(f"Ensemble worst ÷ OR-Tools {max(a.ortools):g} s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for origin, path, inst in instances():
        ours = [ensemble(binary, path, inst, a.seconds, seed) for seed in range(1, a.seeds + 1)]
        worst = min(ours, key=lambda r: r["profit"])
        median = statistics.median(r["profit"] for r in ours)
        theirs = [solve_ortools.solve(inst, limit) for limit in a.ortools]
        row = {"origin": origin, "instance": inst["name"], "K": inst["K"], "ensemble": ours,
               "ortools": [{k: v for k, v in r.items() if k != "route"} for r in theirs]}
        rows.append(row)
        cells = [inst["name"], str(inst["K"]), f"{worst['profit']:,.0f} / {median:,.0f}",
                 f"{worst['km']:,.0f}", f"{worst['visits']}", f"{max(r['seconds'] for r in ours):.2f}"]
        for r in theirs:
            if r.get("feasible"):
                cells += [f"{r['profit']:,.0f}", f"{r['km']:,.0f}", str(r["visits"])]
            else:
                cells += ["no route", "", ""]
        last = theirs[-1]
        cells.append(f"{worst['profit'] / last['profit']:.4f}" if last.get("feasible") else "n/a")
        print("| " + " | ".join(cells) + " |", flush=True)
    out = HERE / "results" / "side_by_side.json"
    out.write_text(json.dumps({"ortools": ortools.__version__, "seconds": a.seconds, "rows": rows},
                              ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
