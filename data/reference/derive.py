#!/usr/bin/env python3
"""Regenerate the derived reference files of data/reference/ from data/reference/raw/.

Usage:
    python3 data/reference/derive.py           # rewrite vocabularies/*.csv and geo/fsa-centroids-qc.csv
    python3 data/reference/derive.py --check   # write nothing; fail if a derived file is stale, or if
                                               # geo/municipality-regions.csv misses a Québec city of
                                               # raw/artsdata-scenepro/entities.json

Standard library only. Turtle is read by a small purpose-made reader that covers what the
Artsdata SKOS files use (prefixes, prefixed names, IRIs, plain/long strings with language tags
or datatypes, numbers, booleans, ';' and ',' lists, '[ ]' blank nodes, '( )' collections).
It is not a general Turtle parser. JSON-LD is read with json plus a small expander that covers
the Datascène vocabularies (expanded form with full IRIs, or compact form with an inline
@context, default @language, prefixes, @type: @id, language maps).
"""

import csv
import io
import json
import re
import sys
import unicodedata
from collections import namedtuple
from pathlib import Path
from urllib.parse import urljoin

HERE = Path(__file__).resolve().parent
RAW = HERE / "raw"

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"
SKOS_CONCEPT = SKOS + "Concept"
SKOS_PREFLABEL = SKOS + "prefLabel"
SKOS_BROADER = SKOS + "broader"

VOCAB_HEADER = ["code", "iri", "label_fr", "label_en", "broader"]

# output file (under vocabularies/), source format, source file (under raw/)
VOCABULARIES = [
    ("disciplines-asq.csv", "jsonld", "datascene/vocabularies/disciplines-asq.jsonld"),
    ("public-cible.csv", "jsonld", "datascene/vocabularies/publicCible.skos.jsonld"),
    ("contribution-types.csv", "jsonld", "datascene/vocabularies/contributionType.skos.jsonld"),
    ("warnings.csv", "jsonld", "datascene/vocabularies/avertissement.skos.jsonld"),
    ("hall-configurations.csv", "jsonld", "datascene/vocabularies/configurationSalleTermes.skos.jsonld"),
    ("content-types.csv", "jsonld", "datascene/vocabularies/contenusType.skos.jsonld"),
    ("artsdata-genres.csv", "turtle", "artsdata-vocabularies/skos-genres.ttl"),
    ("artsdata-event-types.csv", "turtle", "artsdata-vocabularies/skos-event-types.ttl"),
    ("artsdata-organization-types.csv", "turtle", "artsdata-vocabularies/skos-organization-types.ttl"),
    ("artsdata-place-types.csv", "turtle", "artsdata-vocabularies/skos-place-types.ttl"),
]

FSA_SOURCE = "geo/fsa-centroids-ca.csv"
FSA_OUTPUT = "geo/fsa-centroids-qc.csv"
FSA_HEADER = ["fsa", "name", "latitude", "longitude"]
FSA_QUEBEC = {"Quebec", "Québec", "QC"}

ENTITIES = "artsdata-scenepro/entities.json"
REGIONS = "geo/quebec-administrative-regions.csv"
MUNICIPALITIES = "geo/municipality-regions.csv"
QUEBEC_STATE = {"Québec", "Quebec", "QC"}

Literal = namedtuple("Literal", "value lang datatype")


class BNode(str):
    """A blank node label (kept apart from IRIs, which are plain str)."""


def warn(msg):
    print("warning: " + msg, file=sys.stderr)


# --------------------------------------------------------------------------- Turtle reader

_TURTLE_TOKEN = re.compile(
    r"""
     (?P<ws>\s+|\#[^\n]*)
    |(?P<iri><[^<>"{}|^`\\\s]*>)
    |(?P<lstr>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
    |(?P<str>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    |(?P<at>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<dt>\^\^)
    |(?P<bnode>_:[\w\-.]*[\w\-])
    |(?P<num>[+-]?(?:\d*\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+))
    |(?P<pname>(?:[^\W\d_][\w\-.]*)?:(?:(?:[\w\-:%]|\\[^\s])(?:(?:[\w\-.:%]|\\[^\s])*(?:[\w\-:%]|\\[^\s]))?)?)
    |(?P<word>[A-Za-z]+)
    |(?P<punct>[.;,\[\]()])
    """,
    re.X,
)

_STRING_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_SIMPLE_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(s):
    def sub(m):
        e = m.group(1)
        if e[0] in "uU" and len(e) > 1:
            return chr(int(e[1:], 16))
        if e in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[e]
        raise ValueError("bad string escape \\" + e)

    return _STRING_ESCAPE.sub(sub, s)


def _turtle_tokens(text, name):
    pos, line = 0, 1
    out = []
    while pos < len(text):
        m = _TURTLE_TOKEN.match(text, pos)
        if not m:
            raise ValueError("%s:%d: cannot read Turtle near %r" % (name, line, text[pos:pos + 40]))
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group(), line))
        line += m.group().count("\n")
        pos = m.end()
    out.append(("eof", "", line))
    return out


class TurtleReader:
    XSD = "http://www.w3.org/2001/XMLSchema#"
    RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    def __init__(self, text, name="<turtle>"):
        self.name = name
        self.toks = _turtle_tokens(text, name)
        self.i = 0
        self.prefixes = {}
        self.base = ""
        self.triples = []
        self.bnodes = 0

    # token helpers
    def peek(self):
        return self.toks[self.i]

    def next(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def fail(self, msg):
        kind, val, line = self.peek()
        raise ValueError("%s:%d: %s (found %s %r)" % (self.name, line, msg, kind, val))

    def expect(self, punct):
        if self.peek()[:2] != ("punct", punct):
            self.fail("expected %r" % punct)
        self.next()

    def new_bnode(self):
        self.bnodes += 1
        return BNode("_:b%d" % self.bnodes)

    # grammar
    def parse(self):
        while self.peek()[0] != "eof":
            kind, val, _ = self.peek()
            if kind == "at" and val in ("@prefix", "@base"):
                self.next()
                self.directive(val[1:].lower())
                self.expect(".")
            elif kind == "word" and val.lower() in ("prefix", "base"):
                self.next()
                self.directive(val.lower())
            else:
                self.triples_statement()
                self.expect(".")
        return self.triples

    def directive(self, which):
        if which == "prefix":
            kind, val, _ = self.next()
            if kind != "pname" or not val.endswith(":"):
                self.fail("expected a prefix name")
            self.prefixes[val[:-1]] = self.iri_token()
        else:
            self.base = self.iri_token()

    def iri_token(self):
        kind, val, _ = self.next()
        if kind != "iri":
            self.i -= 1
            self.fail("expected <IRI>")
        return urljoin(self.base, _unescape(val[1:-1])) if self.base else _unescape(val[1:-1])

    def pname(self, val):
        prefix, _, local = val.partition(":")
        if prefix not in self.prefixes:
            self.i -= 1
            self.fail("undeclared prefix %r" % prefix)
        return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)

    def triples_statement(self):
        kind, val, _ = self.peek()
        if (kind, val) == ("punct", "["):
            subject = self.blank_node_property_list()
            if self.peek()[:2] == ("punct", "."):
                return
        else:
            subject = self.subject()
        self.predicate_object_list(subject)

    def subject(self):
        kind, val, _ = self.next()
        if kind == "iri":
            self.i -= 1
            return self.iri_token()
        if kind == "pname":
            return self.pname(val)
        if kind == "bnode":
            return BNode(val)
        if (kind, val) == ("punct", "("):
            return self.collection()
        self.i -= 1
        self.fail("expected a subject")

    def predicate_object_list(self, subject):
        while True:
            verb = self.verb()
            self.object_list(subject, verb)
            if self.peek()[:2] != ("punct", ";"):
                return
            while self.peek()[:2] == ("punct", ";"):
                self.next()
            kind, val, _ = self.peek()
            if kind == "punct" and val in ".]":
                return

    def verb(self):
        kind, val, _ = self.next()
        if (kind, val) == ("word", "a"):
            return RDF_TYPE
        if kind == "iri":
            self.i -= 1
            return self.iri_token()
        if kind == "pname":
            return self.pname(val)
        self.i -= 1
        self.fail("expected a predicate")

    def object_list(self, subject, verb):
        while True:
            self.triples.append((subject, verb, self.object()))
            if self.peek()[:2] != ("punct", ","):
                return
            self.next()

    def object(self):
        kind, val, _ = self.next()
        if kind == "iri":
            self.i -= 1
            return self.iri_token()
        if kind == "pname":
            return self.pname(val)
        if kind == "bnode":
            return BNode(val)
        if kind in ("str", "lstr"):
            q = 3 if kind == "lstr" else 1
            text = _unescape(val[q:-q])
            nk, nv, _ = self.peek()
            if nk == "at":
                self.next()
                return Literal(text, nv[1:].lower(), None)
            if nk == "dt":
                self.next()
                dk, dv, _ = self.next()
                if dk == "iri":
                    self.i -= 1
                    return Literal(text, None, self.iri_token())
                if dk == "pname":
                    return Literal(text, None, self.pname(dv))
                self.i -= 1
                self.fail("expected a datatype")
            return Literal(text, None, self.XSD + "string")
        if kind == "num":
            if re.fullmatch(r"[+-]?\d+", val):
                return Literal(val, None, self.XSD + "integer")
            if "e" in val.lower():
                return Literal(val, None, self.XSD + "double")
            return Literal(val, None, self.XSD + "decimal")
        if kind == "word" and val in ("true", "false"):
            return Literal(val, None, self.XSD + "boolean")
        if (kind, val) == ("punct", "["):
            self.i -= 1
            return self.blank_node_property_list()
        if (kind, val) == ("punct", "("):
            return self.collection()
        self.i -= 1
        self.fail("expected an object")

    def blank_node_property_list(self):
        self.expect("[")
        node = self.new_bnode()
        if self.peek()[:2] != ("punct", "]"):
            self.predicate_object_list(node)
        self.expect("]")
        return node

    def collection(self):
        # the opening '(' has been consumed
        items = []
        while self.peek()[:2] != ("punct", ")"):
            items.append(self.object())
        self.next()
        if not items:
            return self.RDF + "nil"
        head = node = self.new_bnode()
        for n, item in enumerate(items):
            self.triples.append((node, self.RDF + "first", item))
            rest = self.new_bnode() if n + 1 < len(items) else self.RDF + "nil"
            self.triples.append((node, self.RDF + "rest", rest))
            node = rest
        return head


def read_turtle(path):
    text = path.read_text(encoding="utf-8")
    return TurtleReader(text, str(path.relative_to(HERE))).parse()


# --------------------------------------------------------------------------- JSON-LD reader

_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$")


class JsonLdReader:
    """Turns a JSON-LD document into triples (subject, predicate, object) like the Turtle reader."""

    def __init__(self, name):
        self.name = name
        self.triples = []
        self.bnodes = 0

    def new_bnode(self):
        self.bnodes += 1
        return BNode("_:j%d" % self.bnodes)

    @staticmethod
    def merge_context(active, local):
        ctx = dict(active)
        for item in local if isinstance(local, list) else [local]:
            if item is None:
                ctx = {}
            elif isinstance(item, str):
                warn("remote @context %r not fetched; terms it defines stay unexpanded" % item)
            elif isinstance(item, dict):
                ctx.update(item)
        return ctx

    def expand_iri(self, value, ctx, vocab):
        if not isinstance(value, str):
            raise ValueError("%s: expected a string IRI, got %r" % (self.name, value))
        if value.startswith("@") or value.startswith("_:"):
            return value
        if vocab and value in ctx:
            d = ctx[value]
            target = d if isinstance(d, str) else (d or {}).get("@id")
            if target and target != value:
                return self.expand_iri(target, ctx, vocab)
        if ":" in value:
            prefix, _, suffix = value.partition(":")
            if not suffix.startswith("//") and prefix in ctx:
                d = ctx[prefix]
                base = d if isinstance(d, str) else (d or {}).get("@id")
                if base:
                    return self.expand_iri(base, ctx, True) + suffix
            return value
        if vocab and "@vocab" in ctx:
            return ctx["@vocab"] + value
        if "@base" in ctx and ctx["@base"]:
            return urljoin(ctx["@base"], value)
        return value

    def read(self, doc):
        self.node(doc, {}) if isinstance(doc, dict) else [self.node(x, {}) for x in doc]
        return self.triples

    def node(self, obj, ctx):
        if "@context" in obj:
            ctx = self.merge_context(ctx, obj["@context"])
        keys = [k for k in obj if k != "@context"]
        if keys == ["@graph"] or (set(keys) <= {"@graph", "@id"} and "@graph" in obj):
            for item in obj["@graph"]:
                self.node(item, ctx)
            return None
        subject = self.expand_iri(obj["@id"], ctx, False) if "@id" in obj else self.new_bnode()
        if isinstance(subject, str) and subject.startswith("_:"):
            subject = BNode(subject)
        for key, value in obj.items():
            if key in ("@context", "@id"):
                continue
            if key == "@graph":
                for item in value:
                    self.node(item, ctx)
                continue
            if key == "@type" or self.expand_iri(key, ctx, True) == "@type":
                for t in value if isinstance(value, list) else [value]:
                    self.triples.append((subject, RDF_TYPE, self.expand_iri(t, ctx, True)))
                continue
            if key.startswith("@"):
                continue
            term = ctx.get(key)
            term = term if isinstance(term, dict) else {}
            pred = self.expand_iri(key, ctx, True)
            container = term.get("@container")
            if container == "@language" or (isinstance(value, dict) and self.looks_like_language_map(value)):
                for lang, texts in value.items():
                    for text in texts if isinstance(texts, list) else [texts]:
                        if text is not None:
                            self.triples.append((subject, pred, Literal(text, lang.lower(), None)))
                continue
            for v in value if isinstance(value, list) else [value]:
                o = self.value(v, term, ctx)
                if o is not None:
                    self.triples.append((subject, pred, o))
        return subject

    @staticmethod
    def looks_like_language_map(value):
        return bool(value) and all(
            not k.startswith("@") and _LANG_TAG.match(k) and isinstance(v, (str, list)) for k, v in value.items()
        )

    def value(self, v, term, ctx):
        if v is None:
            return None
        if isinstance(v, dict):
            if "@value" in v:
                lang = v.get("@language")
                dt = self.expand_iri(v["@type"], ctx, True) if "@type" in v else None
                return Literal(v["@value"], lang.lower() if lang else None, dt)
            if set(v) == {"@id"}:
                return self.expand_iri(v["@id"], ctx, False)
            return self.node(v, ctx)
        if isinstance(v, bool):
            return Literal("true" if v else "false", None, TurtleReader.XSD + "boolean")
        if isinstance(v, (int, float)):
            return Literal(str(v), None, TurtleReader.XSD + ("integer" if isinstance(v, int) else "double"))
        coerce = term.get("@type")
        if coerce in ("@id", "@vocab"):
            return self.expand_iri(v, ctx, coerce == "@vocab")
        if coerce:
            return Literal(v, None, self.expand_iri(coerce, ctx, True))
        lang = term["@language"] if "@language" in term else ctx.get("@language")
        return Literal(v, lang.lower() if lang else None, None)


def read_jsonld(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    return JsonLdReader(str(path.relative_to(HERE))).read(doc)


# --------------------------------------------------------------------------- SKOS -> rows

def local_name(iri):
    if "#" in iri:
        return iri.rsplit("#", 1)[1]
    return iri.rstrip("/").rsplit("/", 1)[-1]


def is_true(lit):
    return isinstance(lit, Literal) and str(lit.value).strip().lower() in ("true", "1")


def clean_label(text, where):
    text = str(text)
    if unicodedata.normalize("NFC", text) != text:
        warn("%s: label %r is not in Unicode NFC form; normalised" % (where, text))
        text = unicodedata.normalize("NFC", text)
    if text != text.strip() or "  " in text:
        warn("%s: label %r has stray spaces; trimmed" % (where, text))
        text = " ".join(text.split())
    return text


def concept_rows(triples, source):
    """Return (rows, notes). One row per non-deprecated skos:Concept."""
    graph = {}
    for s, p, o in triples:
        graph.setdefault(s, {}).setdefault(p, []).append(o)
    concepts = {s for s, props in graph.items() if SKOS_CONCEPT in props.get(RDF_TYPE, [])}
    deprecated = {s for s in concepts if any(is_true(o) for o in graph[s].get(OWL_DEPRECATED, []))}
    kept = sorted(concepts - deprecated, key=local_name)
    notes = {"deprecated_skipped": len(deprecated), "no_fr": [], "no_en": [], "broader_dropped": [],
             "multi_broader": [], "duplicate_codes": []}

    codes = {}
    for s in kept:
        codes.setdefault(local_name(s), []).append(s)
    for code, iris in codes.items():
        if len(iris) > 1:
            notes["duplicate_codes"].append(code)
            warn("%s: code %r used by %s" % (source, code, ", ".join(iris)))
    kept_set = set(kept)

    rows = []
    for s in kept:
        code = local_name(s)
        where = "%s %s" % (source, code)
        labels = {}
        for lit in graph[s].get(SKOS_PREFLABEL, []):
            if not isinstance(lit, Literal):
                continue
            lang = (lit.lang or "").split("-")[0]
            if not lang:
                warn("%s: prefLabel %r has no language tag; ignored" % (where, lit.value))
                continue
            if lang in labels and labels[lang] != lit.value:
                warn("%s: several @%s prefLabels (%r, %r); kept the first" % (where, lang, labels[lang], lit.value))
                continue
            labels.setdefault(lang, lit.value)
        fr = clean_label(labels["fr"], where) if "fr" in labels else ""
        en = clean_label(labels["en"], where) if "en" in labels else ""
        if not fr:
            notes["no_fr"].append(code)
        if not en:
            notes["no_en"].append(code)
        broader = []
        for b in graph[s].get(SKOS_BROADER, []):
            if b in kept_set:
                broader.append(local_name(b))
            else:
                why = "deprecated" if b in deprecated else "not a concept of this file"
                notes["broader_dropped"].append("%s -> <%s> (%s)" % (code, b, why))
        broader = sorted(set(broader))
        if len(broader) > 1:
            notes["multi_broader"].append("%s -> %s" % (code, "|".join(broader)))
        rows.append([code, s, fr, en, "|".join(broader)])
    rows.sort(key=lambda r: r[0])
    return rows, notes


def build_vocabularies():
    out = {}
    for filename, fmt, src in VOCABULARIES:
        path = RAW / src
        triples = read_jsonld(path) if fmt == "jsonld" else read_turtle(path)
        rows, notes = concept_rows(triples, src)
        out["vocabularies/" + filename] = (VOCAB_HEADER, rows, notes)
    return out


def build_fsa():
    with open(RAW / FSA_SOURCE, encoding="utf-8", newline="") as f:
        rows = [[r["fsa"].strip(), r["name"].strip(), r["latitude"].strip(), r["longitude"].strip()]
                for r in csv.DictReader(f) if r["province"].strip() in FSA_QUEBEC]
    rows.sort(key=lambda r: r[0])
    return {FSA_OUTPUT: (FSA_HEADER, rows, None)}


def to_csv(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def summarise(name, rows, notes):
    line = "%-44s %4d rows" % (name, len(rows))
    if notes:
        extra = []
        if notes["deprecated_skipped"]:
            extra.append("%d deprecated skipped" % notes["deprecated_skipped"])
        if notes["no_fr"]:
            extra.append("%d without fr label" % len(notes["no_fr"]))
        if notes["no_en"]:
            extra.append("%d without en label" % len(notes["no_en"]))
        if notes["multi_broader"]:
            extra.append("%d with several broader" % len(notes["multi_broader"]))
        if notes["broader_dropped"]:
            extra.append("broader dropped: " + ", ".join(notes["broader_dropped"]))
        if notes["duplicate_codes"]:
            extra.append("DUPLICATE codes: " + ", ".join(notes["duplicate_codes"]))
        if extra:
            line += " (" + "; ".join(extra) + ")"
    return line


# --------------------------------------------------------------------------- checks

def check_derived(derived):
    ok = True
    for name, (header, rows, notes) in derived.items():
        path = HERE / name
        if not path.exists():
            print("FAIL %s is missing (run derive.py)" % name)
            ok = False
        elif path.read_text(encoding="utf-8") != to_csv(header, rows):
            print("FAIL %s is stale (run derive.py)" % name)
            ok = False
        if notes and notes["duplicate_codes"]:
            print("FAIL %s has duplicate codes: %s" % (name, ", ".join(notes["duplicate_codes"])))
            ok = False
    if ok:
        print("ok   %d derived files are up to date" % len(derived))
    return ok


def check_municipalities():
    ok = True
    with open(RAW / REGIONS, encoding="utf-8", newline="") as f:
        regions = {r["code"]: r["name"] for r in csv.DictReader(f)}
    table = {}
    with open(HERE / MUNICIPALITIES, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != ["municipality", "region_code"]:
            print("FAIL %s: header is %r" % (MUNICIPALITIES, header))
            ok = False
        for n, row in enumerate(reader, start=2):
            if len(row) != 2:
                print("FAIL %s:%d: expected 2 fields, got %r" % (MUNICIPALITIES, n, row))
                ok = False
                continue
            name, code = row
            if name != name.strip() or not name:
                print("FAIL %s:%d: municipality %r is empty or has stray spaces" % (MUNICIPALITIES, n, name))
                ok = False
            if code not in regions:
                print("FAIL %s:%d: %r has unknown region code %r" % (MUNICIPALITIES, n, name, code))
                ok = False
            if name in table:
                print("FAIL %s:%d: %r listed twice" % (MUNICIPALITIES, n, name))
                ok = False
            table[name] = code

    entities = json.loads((RAW / ENTITIES).read_text(encoding="utf-8"))
    seen, foreign, empty = {}, set(), 0
    for presenter in entities["diffusers"]:
        for e in [presenter] + list(presenter.get("venues") or []):
            city = (e.get("city") or "").strip()
            if not city:
                empty += 1
                continue
            if (e.get("otherState") or "").strip() not in QUEBEC_STATE:
                foreign.add("%s (%s)" % (city, e.get("otherState")))
                continue
            seen.setdefault(city, 0)
            seen[city] += 1
    missing = sorted(c for c in seen if c not in table)
    for c in missing:
        print("FAIL Québec city %r of %s has no row in %s" % (c, ENTITIES, MUNICIPALITIES))
    ok = ok and not missing
    wrong = sorted(c.split(" (")[0] for c in foreign if c.split(" (")[0] in table)
    for c in wrong:
        print("FAIL non-Québec city %r is listed in %s" % (c, MUNICIPALITIES))
    ok = ok and not wrong
    if not missing:
        print("ok   all %d distinct Québec city spellings of %s resolve to a region "
              "(%d rows in table; ignored: %d empty cities, non-Québec: %s)"
              % (len(seen), ENTITIES, len(table), empty, ", ".join(sorted(foreign)) or "none"))
    return ok


# --------------------------------------------------------------------------- main

def main(argv):
    check = "--check" in argv[1:]
    unknown = [a for a in argv[1:] if a != "--check"]
    if unknown:
        print(__doc__, file=sys.stderr)
        return 2
    derived = {}
    derived.update(build_vocabularies())
    derived.update(build_fsa())
    if check:
        ok = check_derived(derived)
        ok = check_municipalities() and ok
        return 0 if ok else 1
    for name, (header, rows, notes) in derived.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_csv(header, rows), encoding="utf-8", newline="")
        print(summarise(name, rows, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
