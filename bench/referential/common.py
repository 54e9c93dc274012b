"""Helpers shared by the kit: the CSV contract and name folding."""
import csv
import re
import unicodedata

COLUMNS = ["record_id", "source", "name", "alt_names", "street", "locality", "region",
           "postal_code", "lat", "lon", "url", "operator", "parent_place"]
OUTPUT_COLUMNS = ["record_id", "entity_id", "probability"]


def fold(text):
    """Lower case, accents stripped, punctuation removed, spaces collapsed:
    'Théâtre Granada - Salle Sylvio-Lacharité' -> 'theatre granada salle sylvio lacharite'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^\w\s]+", " ", text).replace("_", " ")
    return " ".join(text.split())


def read_records(path):
    """The rows of a matcher input CSV (all columns as strings)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in ("record_id", "name") if c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{path}: missing columns {missing}")
        return [{c: (row.get(c) or "") for c in COLUMNS} for row in reader]


def write_entities(path, rows):
    """rows: (record_id, entity_id, probability)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(OUTPUT_COLUMNS)
        for rid, eid, p in rows:
            w.writerow([rid, eid, f"{p:.4f}"])
