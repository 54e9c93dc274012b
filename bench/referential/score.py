"""Pairwise scoring of a deduplication against a truth file.

    python3 bench/referential/score.py PREDICTED.csv TRUTH.csv [--input IN.csv --errors 10]

PREDICTED.csv: record_id,entity_id,probability (one row per record; records left out count as
singletons). TRUTH.csv: record_id,truth. Only records with a non-empty truth are scored:
  predicted pairs = pairs of scored records in one predicted entity,
  true pairs      = pairs of scored records with the same truth,
  precision = TP / predicted pairs, recall = TP / true pairs, F1 their harmonic mean.
(Precision is None when nothing was predicted, recall None when there is no true pair.)
With --input (the matcher's input CSV, for names and towns) and --errors N, prints N false
positive and N false negative pairs.

As a module: score(pred_path, truth_path) -> dict; blocking_recall(pairs, truth_path) -> dict;
check_examples(pred_path, input_path, examples_path, kind) -> dict (rows of examples.csv honoured).
"""
import argparse
import collections
import csv
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def read_truth(path):
    """record_id -> truth label ('' = unknown, not scored)."""
    with open(path, newline="", encoding="utf-8") as f:
        return {row["record_id"]: (row.get("truth") or "").strip() for row in csv.DictReader(f)}


def read_pred(path):
    """record_id -> entity_id."""
    with open(path, newline="", encoding="utf-8") as f:
        return {row["record_id"]: row["entity_id"] for row in csv.DictReader(f)}


def _pairs(n):
    return n * (n - 1) // 2


def score_maps(pred, truth):
    """The scores of a prediction {record_id: entity_id} against {record_id: truth}."""
    scored = [r for r, t in truth.items() if t]
    missing = [r for r in scored if r not in pred]
    unknown = [r for r in pred if r not in truth]
    # A record the matcher left out is its own entity.
    entity = {r: pred.get(r, "\0missing:" + r) for r in scored}
    by_entity = collections.Counter(entity.values())
    by_truth = collections.Counter(truth[r] for r in scored)
    cells = collections.Counter((entity[r], truth[r]) for r in scored)
    tp = sum(_pairs(n) for n in cells.values())
    predicted = sum(_pairs(n) for n in by_entity.values())
    true = sum(_pairs(n) for n in by_truth.values())
    precision = tp / predicted if predicted else None
    recall = tp / true if true else None
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall is not None and precision + recall > 0 else 0.0)
    return {"precision": precision, "recall": recall, "f1": f1, "true_positives": tp,
            "predicted_pairs": predicted, "true_pairs": true, "records_scored": len(scored),
            "records_total": len(truth), "missing_from_prediction": len(missing),
            "not_in_truth": len(unknown)}


def score(pred_path, truth_path):
    """Pairwise precision, recall and F1 of PREDICTED.csv against TRUTH.csv (see the module doc)."""
    return score_maps(read_pred(pred_path), read_truth(truth_path))


def blocking_recall(candidate_pairs, truth_path_or_map):
    """Share of the true pairs (records with a non-empty truth) found among candidate pairs
    (an iterable of (record_id, record_id), in either order)."""
    truth = truth_path_or_map if isinstance(truth_path_or_map, dict) else read_truth(truth_path_or_map)
    found, n_candidates = 0, 0
    seen = set()
    for a, b in candidate_pairs:
        key = (a, b) if a < b else (b, a)
        if a == b or key in seen:
            continue
        seen.add(key)
        n_candidates += 1
        if truth.get(a) and truth.get(a) == truth.get(b):
            found += 1
    true = sum(_pairs(n) for n in collections.Counter(t for t in truth.values() if t).values())
    n = len(truth)
    return {"blocking_recall": found / true if true else None, "true_pairs_found": found,
            "true_pairs": true, "candidate_pairs": n_candidates,
            "reduction_ratio": 1 - n_candidates / _pairs(n) if n > 1 else None}


def read_candidates(path):
    """Candidate pairs written by splink_baseline.py --candidates (record_id_l, record_id_r, ...)."""
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield row["record_id_l"], row["record_id_r"]


def errors(pred, truth, limit):
    """Up to `limit` false positive and false negative pairs among scored records."""
    scored = [r for r, t in truth.items() if t]
    fp, fn = [], []
    groups = collections.defaultdict(list)
    for r in scored:
        groups[pred.get(r, "\0" + r)].append(r)
    for members in groups.values():
        for a, b in itertools.combinations(sorted(members), 2):
            if truth[a] != truth[b] and len(fp) < limit:
                fp.append((a, b))
    groups = collections.defaultdict(list)
    for r in scored:
        groups[truth[r]].append(r)
    for members in groups.values():
        for a, b in itertools.combinations(sorted(members), 2):
            if pred.get(a, "\0" + a) != pred.get(b, "\0" + b) and len(fn) < limit:
                fn.append((a, b))
    return fp, fn


def check_examples(pred_path, input_path, examples_path, kind):
    """How many rows of examples.csv of this kind a prediction honours. A side of an example is
    every input record with that exact name and the same folded town; a 'match' holds when some
    left record and some right record share a predicted entity, a 'no-match' when none does.
    Returns {"passed", "total", "failed": [(expected, left, right), ...]}."""
    from common import fold

    pred = read_pred(pred_path)
    with open(input_path, newline="", encoding="utf-8") as f:
        index = collections.defaultdict(list)
        for row in csv.DictReader(f):
            index[(row["name"], fold(row["locality"]))].append(row["record_id"])
    passed, total, failed = 0, 0, []
    with open(examples_path, newline="", encoding="utf-8") as f:
        for ex in csv.DictReader(f):
            left = index.get((ex["left_name"], fold(ex["left_locality"])), [])
            right = index.get((ex["right_name"], fold(ex["right_locality"])), [])
            if ex["kind"] != kind or not left or not right:
                continue
            total += 1
            together = any(pred.get(a, "\0" + a) == pred.get(b, "\0" + b) for a in left for b in right if a != b)
            if together == (ex["expected"] == "match"):
                passed += 1
            else:
                failed.append((ex["expected"], f"{ex['left_name']} ({ex['left_locality']})",
                               f"{ex['right_name']} ({ex['right_locality']})"))
    return {"passed": passed, "total": total, "failed": failed}


def fmt(x):
    return "–" if x is None else f"{x:.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("predicted")
    ap.add_argument("truth")
    ap.add_argument("--input", help="matcher input CSV, to show names in --errors")
    ap.add_argument("--errors", type=int, default=0, help="print this many FP and FN pairs")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    a = ap.parse_args()
    pred, truth = read_pred(a.predicted), read_truth(a.truth)
    s = score_maps(pred, truth)
    if a.json:
        json.dump(s, sys.stdout, indent=1)
        print()
    else:
        print(f"precision {fmt(s['precision'])}  recall {fmt(s['recall'])}  F1 {fmt(s['f1'])}  "
              f"(TP {s['true_positives']}, predicted pairs {s['predicted_pairs']}, true pairs "
              f"{s['true_pairs']}, records scored {s['records_scored']}/{s['records_total']})")
    if a.errors:
        rows = {}
        if a.input:
            with open(a.input, newline="", encoding="utf-8") as f:
                rows = {r["record_id"]: r for r in csv.DictReader(f)}

        def show(r):
            row = rows.get(r, {})
            return f"{r} [{row.get('name', '')} | {row.get('locality', '')}]"
        fp, fn = errors(pred, truth, a.errors)
        for title, pairs in (("false positives", fp), ("false negatives", fn)):
            print(f"-- {title}")
            for x, y in pairs:
                print(f"   {show(x)}  ~  {show(y)}")


if __name__ == "__main__":
    main()
