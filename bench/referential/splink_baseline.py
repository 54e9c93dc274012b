"""Splink 4 (DuckDB) deduplication baseline on the kit's CSV contract.

    python3 bench/referential/splink_baseline.py --kind organization|place|person IN.csv OUT.csv \
        [--candidates PAIRS.csv] [--threshold 0.5] [--seed 42]

Model (Fellegi-Sunter, as set up here):
* prepared columns: name folded (lower case, accents and punctuation stripped, HTML entities
  decoded), its first, last and rarest tokens, all folded names (name + alt_names), folded
  locality and street, the street number, postal code without spaces and its first 3 characters;
* comparisons: name (exact with term-frequency adjustment / an alt name in common / Jaro-Winkler
  >= 0.95 / Levenshtein <= 2 / Jaro-Winkler >= 0.88 / >= 0.75 / else), locality (exact with
  term frequencies / Jaro-Winkler >= 0.9), postal code (exact / same first 3 characters), street
  (exact / Levenshtein <= 2 / Jaro-Winkler >= 0.85), lat/lon distance (0.1 / 1 / 10 km), and for
  persons the region; a comparison whose columns are empty in the whole input is left out;
* blocking for predictions: same first name token, same rarest name token, same postal code,
  same locality (places and organisations) or same last name token (persons);
* training: the prior from exact name + town or exact name + postal code (recall 0.7), u by random
  sampling (seeded), m by EM on two blocking rules (same postal code; same rarest name token);
* prediction on all blocked pairs, clustering at match probability >= --threshold (0.5).
Writes record_id,entity_id,probability for every input record (probability = the best link that
put the record in its cluster; 1.0 for singletons) and, with --candidates, every blocked pair
(record_id_l,record_id_r,match_probability) so that blocking recall can be computed.
"""
import argparse
import collections
import csv
import html
import logging
import re
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fold, read_records, write_entities  # noqa: E402


def prepare(records):
    """A DataFrame of the columns the model compares (None where empty)."""
    df = pd.DataFrame(records)
    df["name_fold"] = [fold(html.unescape(x)) for x in df["name"]]
    tokens = [n.split() for n in df["name_fold"]]
    freq = collections.Counter(t for toks in tokens for t in set(toks))
    df["name_first"] = [t[0] if t else "" for t in tokens]
    df["name_last"] = [t[-1] if t else "" for t in tokens]
    # The rarest token of a name (ties: the longest, then alphabetical): 'southam' in both
    # 'Southam Hall' and 'Salle Southam'.
    df["name_rare"] = [min((t for t in toks if len(t) > 1), key=lambda t: (freq[t], -len(t), t), default="")
                       for toks in tokens]
    df["names_all"] = [sorted({fold(html.unescape(x)) for x in [n] + a.split("|") if fold(html.unescape(x))})
                       for n, a in zip(df["name"], df["alt_names"])]
    df["locality_fold"] = [fold(html.unescape(x)) for x in df["locality"]]
    df["region_fold"] = [fold(x) for x in df["region"]]
    df["street_fold"] = [fold(html.unescape(x)) for x in df["street"]]
    df["street_num"] = [(re.match(r"\s*#?(\d+)", x) or [None, ""])[1] for x in df["street"]]
    df["postal_norm"] = [re.sub(r"[^0-9A-Z]", "", x.upper()) for x in df["postal_code"]]
    df["postal_3"] = [x[:3] for x in df["postal_norm"]]
    for col in ("lat", "lon"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    keep = ["record_id", "name_fold", "name_first", "name_last", "name_rare", "names_all",
            "locality_fold", "region_fold", "street_fold", "street_num", "postal_norm", "postal_3",
            "lat", "lon"]
    df = df[keep].copy()
    for col in keep:
        if col not in ("lat", "lon", "names_all"):
            df[col] = df[col].replace("", None)
    df["names_all"] = [x if x else None for x in df["names_all"]]
    return df


def has(df, col):
    return df[col].notna().any()


def comparisons(df, kind):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    # Name. No term-frequency adjustment: on a few hundred records a name seen twice is most
    # often a true pair, and the adjustment would count it against the match.
    name_levels = [cll.NullLevel("name_fold"), cll.ExactMatchLevel("name_fold")]
    if df["names_all"].map(lambda x: x is not None and len(x) > 1).any():
        name_levels.append(cll.ArrayIntersectLevel("names_all", min_intersection=1))
    name_levels += [cll.JaroWinklerLevel("name_fold", 0.95), cll.LevenshteinLevel("name_fold", 2),
                    cll.JaroWinklerLevel("name_fold", 0.88), cll.JaroWinklerLevel("name_fold", 0.75),
                    cll.ElseLevel()]
    comps = [cl.CustomComparison(output_column_name="name", comparison_levels=name_levels)]
    if kind == "person":
        # FEBRL corrupts each field on its own: separate comparisons fit the model's independence.
        if has(df, "locality_fold"):
            comps.append(cl.CustomComparison(output_column_name="locality", comparison_levels=[
                cll.NullLevel("locality_fold"),
                cll.ExactMatchLevel("locality_fold", term_frequency_adjustments=True),
                cll.JaroWinklerLevel("locality_fold", 0.9), cll.ElseLevel()]))
        if has(df, "postal_norm"):
            comps.append(cl.CustomComparison(output_column_name="postal_code", comparison_levels=[
                cll.NullLevel("postal_norm"), cll.ExactMatchLevel("postal_norm"),
                cll.ExactMatchLevel("postal_3"), cll.ElseLevel()]))
        if has(df, "street_fold"):
            comps.append(cl.CustomComparison(output_column_name="street", comparison_levels=[
                cll.NullLevel("street_fold"), cll.ExactMatchLevel("street_fold"),
                cll.LevenshteinLevel("street_fold", 2), cll.JaroWinklerLevel("street_fold", 0.85),
                cll.ElseLevel()]))
        if has(df, "region_fold"):
            comps.append(cl.ExactMatch("region_fold"))
    else:
        # Organisations and places: street, postal code and town say the same thing (where), and
        # halls of one building share all three: one comparison, so as not to count it thrice.
        both = lambda c: f'("{c}_l" IS NOT NULL AND "{c}_r" IS NOT NULL)'  # noqa: E731
        same = lambda c: f'("{c}_l" = "{c}_r")'  # noqa: E731
        town_in = ('(contains("locality_fold_l", "locality_fold_r") OR '
                   'contains("locality_fold_r", "locality_fold_l"))')
        comps.append(cl.CustomComparison(output_column_name="location", comparison_levels=[
            cll.CustomLevel(f"NOT {both('street_fold')} AND NOT {both('postal_norm')} AND "
                            f"NOT {both('locality_fold')}", "no address in common").configure(is_null_level=True),
            cll.CustomLevel(f"{same('street_fold')} AND ({same('postal_norm')} OR {same('locality_fold')})",
                            "same street address"),
            cll.CustomLevel(same("postal_norm"), "same postal code"),
            cll.CustomLevel(f"{same('locality_fold')} AND {both('street_fold')} AND "
                            f"levenshtein(\"street_fold_l\", \"street_fold_r\") <= 3", "same town, close street"),
            cll.CustomLevel(f"{same('locality_fold')} OR {town_in} OR {same('postal_3')}", "same town or area"),
            cll.ElseLevel()]))
    if has(df, "lat") and has(df, "lon"):
        comps.append(cl.DistanceInKMAtThresholds("lat", "lon", [0.1, 1, 10]))
    return comps


def blocking_rules(df, kind):
    from splink import block_on

    rules = [block_on("name_first"), block_on("name_rare")]
    if has(df, "postal_norm"):
        rules.append(block_on("postal_norm"))
    if kind == "person":
        rules.append(block_on("name_last"))
    elif has(df, "locality_fold"):
        rules.append(block_on("locality_fold"))
    return rules


def smoothed(linker, df, floor):
    """The trained model with every trained m probability at least `floor` (then renormalised):
    on little data EM gives m = 0 to levels it never saw among matches (a town spelt differently,
    say), which would veto a match whatever the name says."""
    from splink import DuckDBAPI, Linker

    model = linker.misc.save_model_to_json()
    for comp in model["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        if any(lv.get("m_probability") is None for lv in levels):
            continue
        ms = [max(lv["m_probability"], floor) for lv in levels]
        for lv, m in zip(levels, ms):
            lv["m_probability"] = m / sum(ms)
    return Linker(df, model, db_api=DuckDBAPI())


def run(records, kind, threshold=0.5, seed=42, log=print):
    """Train, predict and cluster. Returns (entities rows, candidate pairs DataFrame)."""
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = prepare(records)
    settings = SettingsCreator(
        link_type="dedupe_only", unique_id_column_name="record_id",
        comparisons=comparisons(df, kind), blocking_rules_to_generate_predictions=blocking_rules(df, kind),
        retain_matching_columns=False, retain_intermediate_calculation_columns=False)
    linker = Linker(df, settings, db_api=DuckDBAPI())
    t0 = time.perf_counter()
    deterministic = ["l.name_fold = r.name_fold and l.locality_fold = r.locality_fold"]
    if has(df, "postal_norm"):
        deterministic.append("l.name_fold = r.name_fold and l.postal_norm = r.postal_norm")
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    # m by EM, on pairs with the same folded name (trains town, postal code, street, distance: the
    # name is excluded) then on pairs sharing their rarest name token (trains the name). Blocking
    # on an address instead makes EM take "same building" for the match class, as halls of one
    # building and organisations sharing an office agree on everything but the name.
    for rule in (block_on("name_fold"), block_on("name_rare")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as e:  # EM can fail on tiny data (no pair in a block): keep going
            log(f"EM blocked on {rule}: {e}")
    linker = smoothed(linker, df, 0.01)
    t1 = time.perf_counter()
    pred = linker.inference.predict()  # all blocked pairs, scored
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
    pairs = pred.as_pandas_dataframe()[["record_id_l", "record_id_r", "match_probability"]]
    cl_df = clusters.as_pandas_dataframe()[["record_id", "cluster_id"]]
    t2 = time.perf_counter()
    log(f"splink: {len(df)} records, {len(pairs)} candidate pairs, training {t1 - t0:.1f} s, "
        f"predict+cluster {t2 - t1:.1f} s")
    # Probability of a record: its best link at or above the threshold (1.0 when alone).
    best = collections.defaultdict(float)
    for a, b, p in pairs[pairs.match_probability >= threshold].itertuples(index=False):
        best[a], best[b] = max(best[a], p), max(best[b], p)
    cluster_of = dict(zip(cl_df.record_id, cl_df.cluster_id))
    rows = [(r["record_id"], f"splink:{cluster_of.get(r['record_id'], r['record_id'])}",
             best.get(r["record_id"], 1.0)) for r in records]
    return rows, pairs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kind", required=True, choices=["organization", "place", "person"])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--candidates", help="write the blocked (candidate) pairs here")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("splink").setLevel(logging.WARNING)
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    rows, pairs = run(read_records(a.input), a.kind, a.threshold, a.seed, log)
    write_entities(a.output, rows)
    if a.candidates:
        pairs.to_csv(a.candidates, index=False, quoting=csv.QUOTE_MINIMAL, float_format="%.6f")


if __name__ == "__main__":
    main()
