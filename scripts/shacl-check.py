"""Validates published JSON-LD against Artsdata's SHACL shapes with pySHACL (a real validator).

    python3 scripts/shacl-check.py GRAPH.jsonld

Reads the graph (its context is inline), validates it against Artsdata's shapes
(crates/ensemble-opendata/tests/data/shacl_artsdata.ttl), and must find it conforming; then
plants a non-conforming copy (the first event without its start, its place's address without
its postal code, the first series without its performances) and must find it refused, with
every fault reported. Prints "SHACL: N events and M series conform to Artsdata's shapes; the
planted faults are refused" or fails with the validator's report.
"""
import copy
import json
import pathlib
import sys

import pyshacl
import rdflib

SHAPES = pathlib.Path(__file__).resolve().parent.parent / "crates/ensemble-opendata/tests/data"


def validate(document):
    data = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    results = []
    for name in ("shacl_artsdata.ttl",):
        shapes = rdflib.Graph().parse(SHAPES / name, format="turtle")
        conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
        results.append((name, conforms, text))
    return data, results


def main():
    document = json.loads(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"))
    events = [node for node in document["@graph"] if node.get("@type") == "Event"]
    if not events:
        sys.exit("SHACL: the graph holds no event")
    _, results = validate(document)
    for name, conforms, text in results:
        if not conforms:
            sys.exit(f"SHACL: the published graph does not conform to {name}:\n{text}")

    planted = copy.deepcopy(document)
    first = [node for node in planted["@graph"] if node.get("@type") == "Event"][0]
    del first["startDate"]
    # The place is written in each of its events: its postal code goes from all of them (a
    # series only names its place).
    for event in planted["@graph"]:
        location = event.get("location", {})
        if location.get("@id") == first["location"]["@id"] and "address" in location:
            location["address"].pop("postalCode", None)
    faults = ["startDate", "postalCode"]
    # A series without its performances.
    planted_series = [node for node in planted["@graph"] if node.get("@type") == "EventSeries"]
    if planted_series:
        del planted_series[0]["subEvent"]
        faults.append("subEvent")
    _, results = validate(planted)
    for name, conforms, text in results:
        if conforms:
            sys.exit(f"SHACL: the planted faults were not refused by {name}")
    if any(fault not in results[0][2] for fault in faults):
        sys.exit(f"SHACL: the report does not name every planted fault ({faults}):\n{results[0][2]}")
    series = [node for node in document["@graph"] if node.get("@type") == "EventSeries"]
    print(f"SHACL: {len(events)} events and {len(series)} series conform to Artsdata's shapes; the planted faults are refused")


if __name__ == "__main__":
    main()
