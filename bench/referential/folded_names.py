"""Naive baseline: records whose folded names are identical are one entity.

    python3 bench/referential/folded_names.py IN.csv OUT.csv

Folding: lower case, accents stripped, punctuation removed (common.fold). A record whose name
folds to nothing stays alone. Output: record_id,entity_id,probability (1.0 everywhere).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fold, read_records, write_entities  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    records = read_records(sys.argv[1])
    rows = []
    for r in records:
        key = fold(r["name"])
        rows.append((r["record_id"], "name:" + key if key else "record:" + r["record_id"], 1.0))
    write_entities(sys.argv[2], rows)


if __name__ == "__main__":
    main()
