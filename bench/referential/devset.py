"""Development gold set for entity resolution, built from real published Artsdata pipeline outputs.

Reads the sources under ../shared/real-data (Scène Pro, National Arts Centre, IPAA, OSAC, two
Wikidata extracts, Spektrix clients, PACT) and writes five files into --out:

  organization.csv, place.csv      matcher input, columns COLUMNS below (no Wikidata/Artsdata id
                                   anywhere: record ids are opaque, urls to the id hosts are dropped)
  organization-truth.csv,          record_id,truth: records sharing a Wikidata Q-id or an Artsdata
  place-truth.csv                  K-id are one entity (connected components); empty truth = the
                                   record carries no id (a distractor, ignored by the scorer)
  suspect-ids.csv                  place ids that cannot define the truth as given (one id on venues in
                                   different towns; a hall's id on a part of it), with the records detached

Usage, from the repository root:
    python3 bench/referential/devset.py --out bench/referential/results/devset
"""
import argparse
import collections
import csv
import glob
import hashlib
import html
import json
import math
import os
import re
import sys
import unicodedata
from pathlib import Path

import rdflib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "real-data"

sys.path.insert(0, str(HERE))
from common import COLUMNS  # noqa: E402  (the CSV contract)

KINDS = ("organization", "place")

SDO = "http://schema.org/"
# schema.org types read as organisations / places (subtypes seen in Artsdata or likely to be).
ORG_TYPES = {SDO + t for t in (
    "Organization", "PerformingGroup", "MusicGroup", "DanceGroup", "TheaterGroup", "Corporation",
    "NGO", "GovernmentOrganization", "EducationalOrganization", "LocalBusiness",
    "PerformingArtsOrganization", "Consortium", "OnlineBusiness")}
PLACE_TYPES = {SDO + t for t in (
    "Place", "CivicStructure", "PerformingArtsTheater", "EventVenue", "MusicVenue", "Landmark",
    "LandmarksOrHistoricalBuildings", "TouristAttraction", "Museum", "Park", "StadiumOrArena",
    "PlaceOfWorship", "Church", "School", "CollegeOrUniversity", "Library", "MovieTheater")}

# Ids that define the truth: Wikidata Q-ids and Artsdata K-ids, whatever the URL form.
WIKIDATA_RE = re.compile(r"wikidata\.org/(?:entity|wiki)/(Q\d+)", re.I)
ARTSDATA_RE = re.compile(r"kg\.artsdata\.ca/(?:resource/)?(K\d+-\d+)", re.I)
BARE_ID_RE = re.compile(r"^\s*(Q\d+|K\d+-\d+)\s*$")
ID_HOSTS = ("wikidata.org", "artsdata.ca")


# --------------------------------------------------------------------------- helpers

def fold(text):
    """Lower case, accents stripped, punctuation to spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKD", html.unescape(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^\w]+", " ", text.replace("_", " "))
    return " ".join(text.split())


def ids_in(value):
    """The Q-/K-ids found in one value (a URL, a bare id)."""
    value = str(value)
    found = {m.group(1).upper() for m in WIKIDATA_RE.finditer(value)}
    found |= {m.group(1).upper() for m in ARTSDATA_RE.finditer(value)}
    bare = BARE_ID_RE.match(value)
    if bare:
        found.add(bare.group(1).upper())
    return found


def clean(value):
    return " ".join(str(value).split()) if value is not None else ""


def number(value):
    """A coordinate, or '' (OSAC writes '@52.86', '-109.5464057,17')."""
    m = re.match(r"\s*@?\s*(-?\d+(?:\.\d+)?)", str(value))  # also '-109.5464057,17'
    return f"{float(m.group(1)):.6f}" if m else ""


def fix_url(url):
    """Drop links to the id hosts; repair OSAC's relative links resolved against the event page."""
    url = clean(url)
    if not url or any(h in url for h in ID_HOSTS):
        return ""
    m = re.match(r"https?://www\.osac\.ca/performing-arts/event/[^/]+/(.+)$", url)
    if m and "." in m.group(1).split("/")[0]:
        url = "https://" + m.group(1)
    return url


def record(source, kind, name, ids, **fields):
    rec = {c: "" for c in COLUMNS}
    rec.update(source=source, name=clean(name))
    for k, v in fields.items():
        rec[k] = clean(v)
    rec["_kind"], rec["_ids"] = kind, set(ids)
    return rec


# --------------------------------------------------------------------------- Scène Pro (JSON)

def read_scenepro(data):
    """167 Québec presenters (organisations) and their venues (places, operator = presenter)."""
    doc = json.loads((data / "artsdata-scenepro/entities.json").read_text(encoding="utf-8"))
    out = []

    def ids_of(node):
        found = set()
        for key in ("artsdataId", "wikidataId", "artsdataUri", "wikidataUri"):
            if node.get(key):
                found |= ids_in(node[key])
        return found

    def address(node):
        street = " ".join(x for x in (node.get("address1"), node.get("address2")) if x)
        return dict(street=street, locality=node.get("city") or "",
                    region=node.get("otherState") or "", postal_code=node.get("zipCode") or "")

    for org in doc["diffusers"]:
        out.append(record("scenepro", "organization", org["name"], ids_of(org),
                          record_id=f"scenepro:org-{org['id']}", url=fix_url(org.get("website")),
                          **address(org)))
        for venue in org.get("venues") or []:
            out.append(record("scenepro", "place", venue["name"], ids_of(venue),
                              record_id=f"scenepro:venue-{venue['id']}",
                              url=fix_url(venue.get("website")), operator=org["name"],
                              **address(venue)))
    return out


# --------------------------------------------------------------------------- RDF sources

def literals(g, node, prop):
    """Values of one property, names first in no language, then en, fr, others."""
    order = {None: 0, "": 0, "en": 1, "fr": 2}
    vals = [o for o in g.objects(node, rdflib.URIRef(SDO + prop))]
    vals.sort(key=lambda o: (order.get(getattr(o, "language", None), 3), str(o)))
    return [clean(v) for v in vals if clean(v)]


def node_ids(g, node):
    """Q-/K-ids of a node: its own IRI, sameAs, identifier (literal or PropertyValue), url."""
    found = ids_in(node) if isinstance(node, rdflib.URIRef) else set()
    for prop in ("sameAs", "identifier", "url"):
        for o in g.objects(node, rdflib.URIRef(SDO + prop)):
            found |= ids_in(o)
            if not isinstance(o, rdflib.Literal):  # a PropertyValue node: read its value
                for sub in ("value", "url", "sameAs"):
                    for v in g.objects(o, rdflib.URIRef(SDO + sub)):
                        found |= ids_in(v)
    return found


def wikidata_locality(g, node):
    """Wikidata extracts have no address; their English description names the town."""
    for d in literals(g, node, "disambiguatingDescription"):
        # "presenting organization in Fredericton, NB, Canada" -> Fredericton, NB; "school
        # district in British Columbia, Canada" names no town.
        m = re.search(r"\bin ([^,]+), ([^,]+)$", re.sub(r",\s*Canada\s*$", "", d))
        if m:
            return m.group(1).strip(), m.group(2).strip()
    return "", ""


def read_rdf(path, source, fmt, skip=None):
    """Organisations and places of one RDF file, one record per node."""
    g = rdflib.Graph()
    g.parse(str(path), format=fmt)
    rdf_type = rdflib.RDF.type
    out = []
    for node in sorted(set(g.subjects(rdf_type, None)), key=str):
        types = {str(t).replace("https://schema.org/", SDO) for t in g.objects(node, rdf_type)}
        kind = "organization" if types & ORG_TYPES else "place" if types & PLACE_TYPES else None
        if kind is None:
            continue
        names = []
        for prop in ("name", "alternateName", "legalName"):
            for n in literals(g, node, prop):
                if fold(n) and fold(n) not in {fold(x) for x in names}:
                    names.append(n)
        if not names:
            continue
        ids = node_ids(g, node)
        if skip and skip(g, node, types, ids):
            continue
        fields = {}
        addr = g.value(node, rdflib.URIRef(SDO + "address"))
        if isinstance(addr, rdflib.Literal):
            fields["street"] = addr
        elif addr is not None:
            for col, prop in (("street", "streetAddress"), ("locality", "addressLocality"),
                              ("region", "addressRegion"), ("postal_code", "postalCode")):
                vals = literals(g, addr, prop)
                fields[col] = vals[0] if vals else ""
        geo = g.value(node, rdflib.URIRef(SDO + "geo"))
        if geo is not None:
            fields["lat"] = number(g.value(geo, rdflib.URIRef(SDO + "latitude")) or "")
            fields["lon"] = number(g.value(geo, rdflib.URIRef(SDO + "longitude")) or "")
        if not fields.get("locality"):  # Wikidata extracts: the town is in the description
            fields["locality"], fields["region"] = wikidata_locality(g, node)
        urls = [fix_url(u) for u in g.objects(node, rdflib.URIRef(SDO + "url"))]
        urls = sorted(u for u in urls if u)
        fields["url"] = urls[0] if urls else ""
        rec = record(source, kind, names[0], ids, alt_names="|".join(names[1:]), **fields)
        # Node key: the IRI without its fragment (NAC writes one node per venue and event, e.g.
        # .../venue/southam-hall#Place-2026-09-19...); blank and generated nodes have no key.
        iri = str(node)
        blank = isinstance(node, rdflib.BNode) or "/genid/" in iri
        rec["_node"] = "" if blank else iri.split("#")[0]
        out.append(rec)
    return out


def nac_skip(g, node, types, ids):
    """NAC types individual performers as schema:Organization; keep only groups, organizers and
    performers that Artsdata identifies (people are out of scope)."""
    if types & {SDO + "MusicGroup", SDO + "DanceGroup", SDO + "TheaterGroup", SDO + "PerformingGroup"}:
        return False
    if SDO + "Organization" in types and not ids:
        return (None, rdflib.URIRef(SDO + "organizer"), node) not in g
    return False


def read_all(data):
    recs = read_scenepro(data)
    recs += read_rdf(data / "artsdata-nac/entities.jsonld", "nac", "json-ld", skip=nac_skip)
    dev = data / "artsdata-devset"
    recs += read_rdf(dev / "ipaa-entities.jsonld", "ipaa", "json-ld")
    recs += read_rdf(dev / "osac-performance.jsonld", "osac", "json-ld")
    recs += read_rdf(dev / "wikidata-atlantic-presenters.jsonld", "atlantic-presenters", "json-ld")
    recs += read_rdf(dev / "wikidata-bclive-members.jsonld", "bclive-members", "json-ld")
    recs += read_rdf(dev / "pact-entities.ttl", "pact", "turtle")
    for path in sorted(glob.glob(str(dev / "spektrix/*.ttl"))):
        if os.path.getsize(path) == 0:  # several client files are empty
            continue
        client = Path(path).name.removeprefix("spektrix-").removesuffix("-entities.ttl")
        for rec in read_rdf(path, "spektrix", "turtle"):
            rec["_client"] = client
            recs.append(rec)
    return recs


# --------------------------------------------------------------------------- dedupe, ids

def content_key(rec):
    return json.dumps([rec["_kind"], rec.get("_client", "")] + [rec[c] for c in COLUMNS[1:]]
                      + sorted(rec["_ids"]), ensure_ascii=False)


def dedupe_and_name(recs):
    """Collapse exact duplicates of one source (same node, or blank nodes with the same content),
    then give every RDF record an opaque, stable id: source[:client]:hash of node and content."""
    seen, out = set(), []
    for rec in recs:
        key = (rec["source"], rec.get("_node", rec["record_id"]), content_key(rec))
        if key in seen:
            continue
        seen.add(key)
        if not rec["record_id"]:
            h = hashlib.sha1((rec.get("_node", "") + "\n" + content_key(rec)).encode()).hexdigest()[:10]
            prefix = rec["source"] + (":" + rec["_client"] if rec.get("_client") else "")
            rec["record_id"] = f"{prefix}:{rec['_kind'][0]}{h}"
        out.append(rec)
    ids = collections.Counter(r["record_id"] for r in out)
    assert max(ids.values()) == 1, [k for k, v in ids.items() if v > 1]
    return out


def km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"])))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def clearly_apart(a, b):
    """Two place records in clearly different towns: different folded localities (neither one
    inside the other), not in one postal area (FSA), and not within 25 km when both are geocoded."""
    la, lb = fold(a["locality"]), fold(b["locality"])
    if not la or not lb or la == lb or la in lb or lb in la:
        return False
    pa, pb = fold(a["postal_code"]).replace(" ", "")[:3], fold(b["postal_code"]).replace(" ", "")[:3]
    if len(pa) == 3 and pa == pb:
        return False
    if a["lat"] and b["lat"] and km(a, b) < 25:
        return False
    return True


def suspect_place_ids(places):
    """Place ids that the truth cannot take as they are. Returns {id: (rule, detached record ids,
    reason)}. Two rules:
    * towns: the id joins records in clearly different towns (one id given to several venues):
      every record holding it is detached from it;
    * part: within one source, the id is on a hall and on a part of it whose name extends the
      hall's ("Southam Hall" / "Southam Hall Mezzanine Foyer"): the part is detached."""
    by_id = collections.defaultdict(list)
    for rec in places:
        for i in rec["_ids"]:
            by_id[i].append(rec)
    suspects = {}
    for i, recs in sorted(by_id.items()):
        if any(clearly_apart(a, b) for n, a in enumerate(recs) for b in recs[n + 1:]):
            towns = sorted({r["locality"] for r in recs})
            names = sorted({r["name"] for r in recs})
            suspects[i] = ("towns", [r["record_id"] for r in recs],
                           f"{len(recs)} place records in {len(towns)} towns: " + "; ".join(towns)
                           + " (names: " + "; ".join(names) + ")")
            continue
        parts = []
        for a in recs:
            for b in recs:
                fa, fb = fold(a["name"]), fold(b["name"])
                if a["source"] == b["source"] and fa != fb and fa.startswith(fb + " "):
                    parts.append((a, b))
        if parts:
            suspects[i] = ("part", sorted({a["record_id"] for a, _ in parts}),
                           "; ".join(f"'{a['name']}' is a part of '{b['name']}' ({a['source']}, "
                                     f"{a['locality']})" for a, b in parts))
    return suspects


def truth_labels(recs, suspects):
    """Connected components over shared ids. A record detached from a suspect id keeps a
    qualified label (id@town for the towns rule, id@name for the part rule) so that records of one
    town stay together and the others apart; a record with no id gets an empty label."""
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys = {}
    for rec in recs:
        rid, mine = rec["record_id"], []
        for i in sorted(rec["_ids"]):
            rule, detached, _ = suspects.get(i, (None, [], ""))
            if rid not in detached:
                mine.append(i)
            else:
                mine.append(f"{i}@{fold(rec['locality'] if rule == 'towns' else rec['name'])}")
        if mine:
            keys[rid] = mine
            for k in mine[1:]:
                parent[find(k)] = find(mine[0])
            find(mine[0])
    # A readable, stable label per component: its smallest key.
    comp = collections.defaultdict(list)
    for k in list(parent):
        comp[find(k)].append(k)
    canon = {root: min(ks) for root, ks in comp.items()}
    return {rec["record_id"]: canon[find(keys[rec["record_id"]][0])] if rec["record_id"] in keys else ""
            for rec in recs}


def true_pair_count(labels, rids=None):
    counts = collections.Counter(t for r, t in labels.items() if t and (rids is None or r in rids))
    return sum(n * (n - 1) // 2 for n in counts.values())


# --------------------------------------------------------------------------- main

def build(data, out_dir, quiet=False):
    """Write the five files into out_dir; return a summary dict."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    recs = dedupe_and_name(read_all(Path(data)))
    by_kind = {k: sorted((r for r in recs if r["_kind"] == k), key=lambda r: r["record_id"]) for k in KINDS}
    suspects = suspect_place_ids(by_kind["place"])
    summary = {"suspect_ids": len(suspects), "kinds": {}}
    for kind, krecs in by_kind.items():
        labels = truth_labels(krecs, suspects if kind == "place" else {})
        with open(out_dir / f"{kind}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, COLUMNS, extrasaction="ignore")
            w.writeheader()
            w.writerows(krecs)
        with open(out_dir / f"{kind}-truth.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["record_id", "truth"])
            w.writerows((r["record_id"], labels[r["record_id"]]) for r in krecs)
        # Counts per source: records, with truth, true pairs inside the source and across.
        rows = {}
        for src in sorted({r["source"] for r in krecs}):
            rids = {r["record_id"] for r in krecs if r["source"] == src}
            inside = true_pair_count({r: t for r, t in labels.items() if r in rids})
            touching = sum(1 for a, b in pairs_of(labels) if a in rids or b in rids)
            rows[src] = {"records": len(rids), "with_truth": sum(1 for r in rids if labels[r]),
                         "pairs_within": inside, "pairs_across": touching - inside}
        summary["kinds"][kind] = {"records": len(krecs), "with_truth": sum(1 for t in labels.values() if t),
                                  "entities": len({t for t in labels.values() if t}),
                                  "true_pairs": true_pair_count(labels), "by_source": rows}
    with open(out_dir / "suspect-ids.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "kind", "rule", "detached_records", "reason"])
        w.writerows((i, "place", rule, "|".join(rids), why) for i, (rule, rids, why) in sorted(suspects.items()))
    leak_check(out_dir)
    if not quiet:
        print_summary(summary)
    return summary


def pairs_of(labels):
    groups = collections.defaultdict(list)
    for r, t in labels.items():
        if t:
            groups[t].append(r)
    for members in groups.values():
        members.sort()
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                yield a, b


def leak_check(out_dir):
    """The matcher input must not carry the ids that define the truth."""
    pat = re.compile(r"wikidata|artsdata|\bQ\d{3,}\b|\bK\d+-\d+\b", re.I)
    for kind in KINDS:
        text = (Path(out_dir) / f"{kind}.csv").read_text(encoding="utf-8")
        hits = pat.findall(text)
        if hits:
            sys.exit(f"id leak in {kind}.csv: {hits[:5]}")


def print_summary(s):
    print(f"{'kind':13} {'source':18} {'records':>7} {'w/truth':>7} {'pairs in':>8} {'pairs x':>7}")
    for kind, k in s["kinds"].items():
        for src, r in k["by_source"].items():
            print(f"{kind:13} {src:18} {r['records']:7} {r['with_truth']:7} {r['pairs_within']:8} {r['pairs_across']:7}")
        print(f"{kind:13} {'ALL':18} {k['records']:7} {k['with_truth']:7} "
              f"true pairs {k['true_pairs']}, entities with truth {k['entities']}")
    print(f"suspect place ids: {s['suspect_ids']} (see suspect-ids.csv)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder to write the five CSV files into")
    ap.add_argument("--data", default=os.environ.get("ENSEMBLE_REAL_DATA", str(DEFAULT_DATA)),
                    help="the shared real-data folder (default: ../shared/real-data)")
    a = ap.parse_args()
    build(a.data, a.out)


if __name__ == "__main__":
    main()
