//! JSON-LD documents (schema.org, Artsdata), expanded or compact, read offline.
//!
//! A small normaliser first turns the document into nodes: an id, types, and properties under
//! their schema.org names (other vocabularies keep their full IRIs), each value a text with its
//! language or a reference to a node or an IRI. Nested nodes become nodes too. Well-known remote
//! contexts are mapped locally: nothing is ever fetched. The mapping then makes performances
//! (with their show, place, hall, presenter and offers), shows from event series, places,
//! organisations and credited people. Each top-level node is one row of the report; page markup
//! (Open Graph tags, XHTML roles, web pages, images) is skipped with a notice.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use ensemble_model::identifiers::{is_artsdata_id, is_isni, is_neq, is_wikidata_id};
use ensemble_model::*;
use ensemble_privacy::Pseudonymizer;
use ensemble_store::{ListFilter, StoreError};
use serde_json::{Map, Value as Json};

use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::{Collector, ImportError};
use crate::source::SourceError;
use crate::target::{MASK, Outcome, looks_personal};
use crate::values::{self, DateOrder};
use crate::writer::{Linked, OrganizationCandidate, PlaceCandidate, Writer};

/// The zone of performances in Québec and Ontario; venues elsewhere get their province's.
const TIME_ZONE: &str = "America/Toronto";
/// The currency of prices that do not say theirs.
const CURRENCY: &str = "CAD";

// ------------------------------------------------------------------------------------------------
// The normaliser: JSON-LD in any of its shapes to nodes with schema.org property names.

const SCHEMA: &str = "http://schema.org/";
/// Bases under which terms are schema.org terms.
const SCHEMA_BASES: &[&str] = &["http://schema.org/", "https://schema.org/"];
const DATASCENE_BASES: &[&str] = &["http://datascene.ca/", "https://datascene.ca/"];
/// Datascène names read as their schema.org equivalents (Datascène records proper are read by
/// the Datascène reader; this lets a JSON-LD file that borrows its context be read here).
const DATASCENE_NAMES: &[(&str, &str)] = &[
    ("Performance", "Event"),
    ("Series", "EventSeries"),
    ("startDateTime", "startDate"),
    ("endDateTime", "endDate"),
    ("hasOffer", "offers"),
    ("inSeries", "superEvent"),
    ("ticketLink", "url"),
    ("isSoldout", "soldOut"),
    ("geoCoordinates", "geo"),
];

/// What a property holds: a literal, or a reference to a node of the document or to any IRI.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Text { text: String, language: Option<String> },
    Ref(String),
}

impl Value {
    fn text(text: &str) -> Value {
        Value::Text {
            text: text.to_string(),
            language: None,
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Value::Text { text, .. } | Value::Ref(text) => text,
        }
    }
}

/// A node: its id, types and properties under their schema.org names.
#[derive(Debug, Default)]
struct Node {
    id: String,
    /// A blank node (`_:…`, no `@id`, or an empty one): its id identifies nothing outside the file.
    blank: bool,
    types: Vec<String>,
    properties: BTreeMap<String, Vec<Value>>,
    /// The row its records point to: its own position when top-level, else its parent's.
    row: u64,
    top: bool,
    /// Its type was read from its properties, the document giving none.
    inferred: bool,
}

impl Node {
    fn values(&self, name: &str) -> &[Value] {
        self.properties.get(name).map_or(&[], Vec::as_slice)
    }

    /// The non-empty texts of a property, trimmed.
    fn texts<'n>(&'n self, name: &str) -> impl Iterator<Item = &'n str> + use<'n> {
        self.values(name)
            .iter()
            .map(|value| value.as_str().trim())
            .filter(|text| !text.is_empty())
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.texts(name).next()
    }

    /// A text tagged English, HTML entities decoded.
    fn english(&self, name: &str) -> Option<String> {
        self.values(name)
            .iter()
            .find(|value| {
                matches!(value, Value::Text { language: Some(language), .. }
                    if language.to_ascii_lowercase().starts_with("en"))
            })
            .map(|value| decode_entities(value.as_str()))
            .filter(|text| !text.is_empty())
    }

    /// A name for people to read: French first, then untagged, then any language; HTML entities
    /// decoded.
    fn label(&self, name: &str) -> Option<String> {
        let rank = |value: &&Value| match value {
            Value::Text {
                language: Some(language),
                ..
            } if language.to_ascii_lowercase().starts_with("fr") => 0,
            Value::Text { language: None, .. } => 1,
            _ => 2,
        };
        self.values(name)
            .iter()
            .filter(|value| !value.as_str().trim().is_empty())
            .min_by_key(rank)
            .map(|value| decode_entities(value.as_str()))
            .filter(|text| !text.is_empty())
    }
}

/// The active context: the vocabulary for bare terms, and term and prefix definitions.
#[derive(Debug, Clone, Default)]
struct Context {
    vocab: Option<String>,
    terms: HashMap<String, String>,
}

impl Context {
    /// schema.org's context (Artsdata's builds on it).
    fn schema() -> Context {
        Context {
            vocab: Some(SCHEMA.to_string()),
            terms: [
                ("schema", SCHEMA),
                ("sdo", SCHEMA),
                ("ado", "http://kg.artsdata.ca/ontology/"),
                ("xsd", "http://www.w3.org/2001/XMLSchema#"),
            ]
            .into_iter()
            .map(|(term, iri)| (term.to_string(), iri.to_string()))
            .collect(),
        }
    }

    /// Datascène's context: its own vocabulary and keyword aliases.
    fn datascene() -> Context {
        Context {
            vocab: Some(DATASCENE_BASES[0].to_string()),
            terms: [
                ("type", "@type"),
                ("id", "@id"),
                ("lang", "@language"),
                ("value", "@value"),
                ("datascene", DATASCENE_BASES[1]),
            ]
            .into_iter()
            .map(|(term, iri)| (term.to_string(), iri.to_string()))
            .collect(),
        }
    }

    /// This context with a node's own `@context` applied.
    fn scoped(&self, map: &Map<String, Json>, unknown: &mut Vec<String>) -> Context {
        let mut context = self.clone();
        if let Some(local) = map.get("@context") {
            context.extend(local, unknown);
        }
        context
    }

    fn extend(&mut self, json: &Json, unknown: &mut Vec<String>) {
        match json {
            Json::Null => *self = Context::default(),
            Json::String(url) => {
                let known = known_context(url).unwrap_or_else(|| {
                    // Most files name a context we cannot fetch but use bare schema.org names.
                    if !unknown.contains(url) {
                        unknown.push(url.clone());
                    }
                    Context::schema()
                });
                if known.vocab.is_some() {
                    self.vocab = known.vocab;
                }
                self.terms.extend(known.terms);
            }
            Json::Array(items) => items.iter().for_each(|item| self.extend(item, unknown)),
            Json::Object(definitions) => {
                for (term, definition) in definitions {
                    self.define(term, definition);
                }
            }
            _ => {}
        }
    }

    fn define(&mut self, term: &str, definition: &Json) {
        if term == "@vocab" {
            self.vocab = definition
                .as_str()
                .filter(|vocab| !vocab.is_empty())
                .map(|vocab| self.expand(vocab, false));
            return;
        }
        if term.starts_with('@') {
            return; // @base, @language, @version: nothing Ensemble reads depends on them
        }
        let target = match definition {
            Json::String(target) => Some(target.as_str()),
            Json::Object(definition) => definition.get("@id").and_then(Json::as_str),
            _ => None,
        };
        match target {
            Some(target) => self.terms.insert(term.to_string(), target.to_string()),
            None => self.terms.remove(term),
        };
    }

    /// The IRI (or keyword) a term, compact IRI or IRI stands for. With `vocab`, term definitions
    /// and the vocabulary apply (property names, types); without, only prefixes (ids).
    fn expand(&self, term: &str, vocab: bool) -> String {
        if term.starts_with('@') {
            return term.to_string();
        }
        if vocab && let Some(target) = self.terms.get(term) {
            return self.expand(target, false);
        }
        if let Some((prefix, suffix)) = term.split_once(':') {
            if prefix == "_" || suffix.starts_with("//") {
                return term.to_string();
            }
            if let Some(base) = self.terms.get(prefix) {
                return format!("{base}{suffix}");
            }
            if matches!(prefix, "schema" | "sdo") {
                return format!("{SCHEMA}{suffix}");
            }
            return term.to_string();
        }
        match (vocab, &self.vocab) {
            (true, Some(base)) => format!("{base}{term}"),
            // No context at all: bare names are read as schema.org's.
            (true, None) => format!("{SCHEMA}{term}"),
            (false, _) => term.to_string(),
        }
    }
}

/// Remote contexts read without fetching them: schema.org's (any of its addresses), Artsdata's
/// (schema.org with Artsdata's prefix) and Datascène's.
fn known_context(url: &str) -> Option<Context> {
    let bare = url
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_end_matches('/');
    let host = bare.split('/').next().unwrap_or_default();
    if matches!(
        bare,
        "schema.org" | "schema.org/docs/jsonldcontext.json" | "schema.org/docs/jsonldcontext.jsonld"
    ) || host.ends_with("artsdata.ca")
    {
        Some(Context::schema())
    } else if bare.contains("datascene") || bare.contains("datascence") {
        // The Datascène samples spell their own host "datascence.ca".
        Some(Context::datascene())
    } else {
        None
    }
}

/// A keyword's value in a node object, under the keyword or one of its aliases.
fn keyword<'j>(map: &'j Map<String, Json>, context: &Context, keyword: &str) -> Option<&'j Json> {
    map.get(keyword).or_else(|| {
        map.iter()
            .find(|(key, _)| context.terms.get(key.as_str()).is_some_and(|target| target == keyword))
            .map(|(_, value)| value)
    })
}

/// A property or type name: schema.org's local name, else the full IRI.
fn local_name(iri: &str) -> String {
    if let Some(name) = SCHEMA_BASES.iter().find_map(|base| iri.strip_prefix(base)) {
        return name.to_string();
    }
    if let Some(name) = DATASCENE_BASES.iter().find_map(|base| iri.strip_prefix(base)) {
        let renamed = DATASCENE_NAMES.iter().find(|(from, _)| *from == name);
        return renamed.map_or(name, |(_, to)| to).to_string();
    }
    iri.to_string()
}

/// A document as nodes.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    nodes: Vec<Node>,
    index: HashMap<String, usize>,
    /// The top-level nodes in document order: the rows.
    rows: Vec<usize>,
    /// Remote contexts Ensemble does not know (their terms were read as schema.org's).
    unknown_contexts: Vec<String>,
    generated: usize,
}

impl Graph {
    fn read(json: &Json) -> Graph {
        let mut graph = Graph::default();
        graph.top_level(json, &Context::default());
        graph.infer_types();
        graph
    }

    /// Adds a statement read from RDF (Turtle, N-Triples, RDF/XML): every subject is a node and
    /// a row, in the order first met, as in a flattened JSON-LD document.
    pub(super) fn statement(&mut self, subject: &str, blank: bool, predicate: &str, object: Value) {
        let index = match self.index.get(subject) {
            Some(&index) => index,
            None => {
                self.nodes.push(Node {
                    id: subject.to_string(),
                    blank,
                    row: self.rows.len() as u64 + 1,
                    top: true,
                    ..Node::default()
                });
                let index = self.nodes.len() - 1;
                self.index.insert(subject.to_string(), index);
                self.rows.push(index);
                index
            }
        };
        let node = &mut self.nodes[index];
        match (predicate, object) {
            (RDF_TYPE, Value::Ref(iri)) => {
                let name = local_name(&iri);
                if !node.types.contains(&name) {
                    node.types.push(name);
                }
            }
            (_, object) => node.properties.entry(local_name(predicate)).or_default().push(object),
        }
    }

    /// The number of nodes read so far.
    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Types the nodes a document left untyped when one kind alone fits their properties (a
    /// node with a `startDate` is an event, one with a `streetAddress` an address).
    pub(super) fn infer_types(&mut self) {
        for node in self.nodes.iter_mut().filter(|node| node.types.is_empty()) {
            let has = |name: &str| !node.values(name).is_empty();
            let mut fits = INFERRED
                .iter()
                .filter(|(_, properties)| properties.iter().any(|&name| has(name)))
                .map(|(kind, _)| *kind);
            if let (Some(kind), None) = (fits.next(), fits.next()) {
                node.types.push(kind.to_string());
                node.inferred = true;
            }
        }
    }

    /// The node a value refers to (by reference, or by a text that is a node's id).
    fn node_of(&self, value: &Value) -> Option<usize> {
        self.index.get(value.as_str().trim()).copied()
    }

    fn top_level(&mut self, json: &Json, context: &Context) {
        match json {
            Json::Array(items) => items.iter().for_each(|item| self.top_level(item, context)),
            Json::Object(map) => {
                let graph = keyword(map, context, "@graph");
                let describes = map.keys().any(|key| {
                    let key = context.expand(key, true);
                    key == "@type" || !key.starts_with('@')
                });
                if graph.is_none() || describes {
                    let row = self.rows.len() as u64 + 1;
                    let index = self.node(map, context, row, true);
                    self.rows.push(index);
                }
                if let Some(graph) = graph {
                    let context = context.scoped(map, &mut self.unknown_contexts);
                    self.top_level(graph, &context);
                }
            }
            _ => {} // a stray literal describes nothing
        }
    }

    fn node(&mut self, map: &Map<String, Json>, outer: &Context, row: u64, top: bool) -> usize {
        let context = outer.scoped(map, &mut self.unknown_contexts);
        let given = keyword(map, &context, "@id")
            .and_then(Json::as_str)
            .map(str::trim)
            .filter(|id| !id.is_empty());
        // An empty `@id` would be the document's own address, the same for every such node: it is
        // read as a blank node so that nodes without ids are never merged into one.
        let id = match given {
            Some(id) => context.expand(id, false),
            None => self.fresh_id(),
        };
        let index = match self.index.get(&id) {
            Some(&index) => index,
            None => {
                self.nodes.push(Node {
                    blank: given.is_none() || id.starts_with("_:"),
                    id: id.clone(),
                    row,
                    top,
                    ..Node::default()
                });
                self.index.insert(id, self.nodes.len() - 1);
                self.nodes.len() - 1
            }
        };
        if top && !self.nodes[index].top {
            self.nodes[index].row = row;
            self.nodes[index].top = true;
        }
        let mut types = Vec::new();
        let mut properties = Vec::new();
        for (key, value) in map {
            match context.expand(key, true).as_str() {
                "@type" => types.extend(strings(value).map(|name| local_name(&context.expand(name, true)))),
                name if name.starts_with('@') => {}
                name => properties.push((local_name(name), self.values(value, &context, row))),
            }
        }
        let node = &mut self.nodes[index];
        for name in types {
            if !node.types.contains(&name) {
                node.types.push(name);
            }
        }
        for (name, values) in properties {
            node.properties.entry(name).or_default().extend(values);
        }
        index
    }

    fn fresh_id(&mut self) -> String {
        loop {
            self.generated += 1;
            let id = format!("_:ensemble-{}", self.generated);
            if !self.index.contains_key(&id) {
                return id;
            }
        }
    }

    fn values(&mut self, json: &Json, context: &Context, row: u64) -> Vec<Value> {
        match json {
            Json::Null => Vec::new(),
            Json::String(text) => vec![Value::text(text)],
            Json::Bool(_) | Json::Number(_) => vec![Value::text(&json.to_string())],
            Json::Array(items) => items.iter().flat_map(|item| self.values(item, context, row)).collect(),
            Json::Object(map) => self.object_value(map, context, row),
        }
    }

    fn object_value(&mut self, map: &Map<String, Json>, context: &Context, row: u64) -> Vec<Value> {
        if let Some(value) = keyword(map, context, "@value") {
            // A typed literal (`"45"^^xsd:integer`) is read as its text.
            let language = keyword(map, context, "@language").and_then(Json::as_str);
            return match value {
                Json::Null => Vec::new(),
                Json::String(text) => vec![Value::Text {
                    text: text.clone(),
                    language: language.map(str::to_string),
                }],
                other => vec![Value::Text {
                    text: other.to_string(),
                    language: language.map(str::to_string),
                }],
            };
        }
        if let Some(list) = keyword(map, context, "@list").or_else(|| keyword(map, context, "@set")) {
            return self.values(list, context, row);
        }
        let reference = map
            .keys()
            .all(|key| matches!(context.expand(key, true).as_str(), "@id" | "@context"));
        if reference {
            return keyword(map, context, "@id")
                .and_then(Json::as_str)
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(|id| vec![Value::Ref(context.expand(id, false))])
                .unwrap_or_default();
        }
        let index = self.node(map, context, row, false);
        vec![Value::Ref(self.nodes[index].id.clone())]
    }
}

/// `rdf:type`, which RDF syntaxes give as a statement.
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// The type of an untyped node, by the properties only that type has (any one of them).
const INFERRED: &[(&str, &[&str])] = &[
    ("Event", &["startDate", "doorTime"]),
    (
        "PostalAddress",
        &["streetAddress", "postalCode", "addressLocality", "addressRegion"],
    ),
    ("GeoCoordinates", &["latitude", "longitude"]),
    ("Offer", &["price", "lowPrice", "priceCurrency"]),
    ("PropertyValue", &["propertyID"]),
];

/// The strings of a value that is a string or an array of strings.
fn strings(json: &Json) -> impl Iterator<Item = &str> {
    let items: &[Json] = match json {
        Json::Array(items) => items,
        other => std::slice::from_ref(other),
    };
    items.iter().filter_map(Json::as_str)
}

// ------------------------------------------------------------------------------------------------
// The mapping: nodes to records.

/// What a node becomes. A node with several types is read as the first of its kinds in this
/// order (an `Event` that is also a `Place` is an event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A performance, with its show, place, hall, presenter and offers.
    Event,
    /// A show.
    Series,
    /// A price of an event: written with the event that lists it.
    Offer,
    Place,
    Organization,
    /// A performing group: skipped with a notice (groups cannot be linked on import yet).
    Group,
    /// A credited person: public name and identifiers only.
    Person,
    /// Part of another node (an address, coordinates, a work, a price): imported with it.
    Part,
    /// Anything else: page markup, web pages, images, breadcrumbs.
    Noise,
}

/// The schema.org types Ensemble reads.
const TYPES: &[(&str, Kind)] = &[
    ("Event", Kind::Event),
    ("TheaterEvent", Kind::Event),
    ("MusicEvent", Kind::Event),
    ("DanceEvent", Kind::Event),
    ("ComedyEvent", Kind::Event),
    ("Festival", Kind::Event),
    ("ChildrensEvent", Kind::Event),
    ("ScreeningEvent", Kind::Event),
    ("LiteraryEvent", Kind::Event),
    ("VisualArtsEvent", Kind::Event),
    ("ExhibitionEvent", Kind::Event),
    ("EducationEvent", Kind::Event),
    ("SocialEvent", Kind::Event),
    ("EventSeries", Kind::Series),
    ("Offer", Kind::Offer),
    ("AggregateOffer", Kind::Offer),
    ("Place", Kind::Place),
    ("PerformingArtsTheater", Kind::Place),
    ("MusicVenue", Kind::Place),
    ("EventVenue", Kind::Place),
    ("CivicStructure", Kind::Place),
    ("StadiumOrArena", Kind::Place),
    ("Museum", Kind::Place),
    ("Organization", Kind::Organization),
    ("Corporation", Kind::Organization),
    ("NGO", Kind::Organization),
    ("GovernmentOrganization", Kind::Organization),
    ("EducationalOrganization", Kind::Organization),
    ("PerformingGroup", Kind::Group),
    ("MusicGroup", Kind::Group),
    ("DanceGroup", Kind::Group),
    ("TheaterGroup", Kind::Group),
    ("Person", Kind::Person),
    ("PostalAddress", Kind::Part),
    ("GeoCoordinates", Kind::Part),
    ("CreativeWork", Kind::Part),
    ("MusicComposition", Kind::Part),
    ("Play", Kind::Part),
    ("Movie", Kind::Part),
    ("PriceSpecification", Kind::Part),
    ("UnitPriceSpecification", Kind::Part),
    ("PropertyValue", Kind::Part),
];

fn kind_of(node: &Node) -> Kind {
    node.types
        .iter()
        .filter_map(|name| TYPES.iter().find(|(known, _)| known == name).map(|(_, kind)| *kind))
        .min()
        .unwrap_or(Kind::Noise)
}

/// Why a node did not become a record: its diagnostics, or a storage error that ends the import.
enum Failure {
    Store(StoreError),
    Rejected(Vec<Diagnostic>),
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Failure::Store(error)
    }
}

type Step<T> = Result<T, Failure>;

fn rejected(row: u64, code: Code, field: &str) -> Failure {
    Failure::Rejected(vec![Diagnostic::new(code, row, field)])
}

fn skipped(node: &Node, reason: &str) -> Outcome {
    let kind = node.types.first().map_or("", String::as_str);
    Outcome::Skipped(vec![
        Diagnostic::new(Code::NodeSkipped, node.row, "@type")
            .with("type", kind)
            .with("reason", reason),
    ])
}

/// What quarantine keeps of a node: its id, types and name, never its other values (a person's
/// email or phone number may sit there).
fn raw(node: &Node) -> Json {
    let mask = |text: &str| {
        if looks_personal(text) {
            MASK.to_string()
        } else {
            text.to_string()
        }
    };
    serde_json::json!({
        "@id": mask(&node.id),
        "@type": node.types,
        "name": node.label("name").map(|name| mask(&name)),
    })
}

/// Where an event takes place.
enum Location {
    Node(usize),
    Name(String),
}

/// An offer read from its node, waiting for its performance.
struct ReadOffer {
    node: Option<usize>,
    position: usize,
    row: u64,
    record: Offer,
}

/// Imports a JSON-LD document for the importing member.
pub fn import(
    json: &Json,
    pseudonymizer: &Pseudonymizer,
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
) -> Result<(), ImportError> {
    import_graph(&Graph::read(json), pseudonymizer, collector, writer)
}

/// Imports a document read as nodes (from JSON-LD or RDF) for the importing member.
pub(super) fn import_graph(
    graph: &Graph,
    pseudonymizer: &Pseudonymizer,
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
) -> Result<(), ImportError> {
    if graph.rows.is_empty() {
        return Err(SourceError::Empty.into());
    }
    let mut importer = Importer::new(graph, pseudonymizer);
    let mut outcomes: Vec<Option<Outcome>> = vec![None; graph.rows.len()];
    // Offers and parts are written by the node that lists them: their rows are settled last.
    for dependents in [false, true] {
        for (position, &index) in graph.rows.iter().enumerate() {
            if matches!(kind_of(&graph.nodes[index]), Kind::Offer | Kind::Part) == dependents {
                writer.row = position as u64 + 1;
                outcomes[position] = Some(importer.outcome(writer, index)?);
            }
        }
    }
    let mut notices: Vec<Diagnostic> = graph
        .unknown_contexts
        .iter()
        .map(|url| {
            Diagnostic::new(Code::ContextAssumed, 1, "@context")
                .with("context", url.as_str())
                .with("read_as", SCHEMA)
        })
        .collect();
    for (position, (&index, outcome)) in graph.rows.iter().zip(outcomes).enumerate() {
        let node = &graph.nodes[index];
        let outcome = outcome.unwrap_or_else(|| skipped(node, "unread"));
        if node.inferred {
            let kind = node.types.first().map_or("", String::as_str);
            notices.push(Diagnostic::new(Code::TypeInferred, node.row, "@type").with("type", kind));
        }
        collector.outcome(
            writer,
            position as u64 + 1,
            outcome,
            || raw(node),
            std::mem::take(&mut notices),
        )?;
    }
    Ok(())
}

/// Maps the nodes of one document, remembering what each became.
struct Importer<'g> {
    graph: &'g Graph,
    pseudonymizer: &'g Pseudonymizer,
    /// The record each node became (or why not), once resolved.
    done: HashMap<usize, Result<i64, Vec<Diagnostic>>>,
    /// Nodes whose values went into a record: addresses, coordinates, works.
    used: HashSet<usize>,
    /// The outcome of each offer node, set by the event that lists it.
    offers: HashMap<usize, Outcome>,
    /// Nodes named as an event's organizer: presenters.
    organizers: HashSet<usize>,
    /// Start times of the performances held, by show and local date (see [`Importer::performance`]).
    same_day: Option<HashMap<(i64, NaiveDate), Vec<DateTime<FixedOffset>>>>,
    /// The shows this document created: the only ones it completes (English title, languages).
    new_shows: HashSet<i64>,
}

impl<'g> Importer<'g> {
    fn new(graph: &'g Graph, pseudonymizer: &'g Pseudonymizer) -> Importer<'g> {
        let organizers = graph
            .nodes
            .iter()
            .filter(|node| kind_of(node) == Kind::Event)
            .flat_map(|node| node.values("organizer"))
            .filter_map(|value| graph.node_of(value))
            .collect();
        Importer {
            graph,
            pseudonymizer,
            done: HashMap::new(),
            used: HashSet::new(),
            offers: HashMap::new(),
            organizers,
            same_day: None,
            new_shows: HashSet::new(),
        }
    }

    fn node(&self, index: usize) -> &'g Node {
        &self.graph.nodes[index]
    }

    /// A node's external identifiers; the `PropertyValue` nodes that give them are used.
    fn identifiers(&mut self, node: &'g Node) -> Identifiers {
        let graph = self.graph;
        let properties = node
            .values("identifier")
            .iter()
            .filter_map(|value| graph.node_of(value));
        self.used.extend(properties);
        identifiers(graph, node)
    }

    /// The nodes a property refers to, with their kinds.
    fn refs(&self, node: &'g Node, name: &str) -> impl Iterator<Item = (usize, Kind)> + use<'g> {
        let graph = self.graph;
        node.values(name)
            .iter()
            .filter_map(move |value| graph.node_of(value))
            .map(move |index| (index, kind_of(&graph.nodes[index])))
    }

    /// What became of a top-level node.
    fn outcome(&mut self, writer: &mut Writer<'_, '_>, index: usize) -> Result<Outcome, StoreError> {
        let node = self.node(index);
        let kind = kind_of(node);
        Ok(match kind {
            Kind::Offer => self
                .offers
                .get(&index)
                .cloned()
                .unwrap_or_else(|| skipped(node, "no-imported-event")),
            Kind::Part if self.used.contains(&index) => Outcome::Imported,
            Kind::Part => skipped(node, "unused"),
            Kind::Group => skipped(node, "group"),
            Kind::Noise => skipped(node, "type"),
            Kind::Event | Kind::Series | Kind::Place | Kind::Organization | Kind::Person => {
                match self.resolve(writer, index, kind) {
                    Ok(_) => Outcome::Imported,
                    Err(Failure::Rejected(problems)) => Outcome::Rejected(problems),
                    Err(Failure::Store(error)) => return Err(error),
                }
            }
        })
    }

    /// The record a node becomes (as `kind`), made once; records point to the node's row.
    fn resolve(&mut self, writer: &mut Writer<'_, '_>, index: usize, kind: Kind) -> Step<i64> {
        if let Some(done) = self.done.get(&index) {
            return done.clone().map_err(Failure::Rejected);
        }
        // Marked first, so that a reference cycle ends here.
        self.done.insert(index, Err(Vec::new()));
        let node = self.node(index);
        let saved = std::mem::replace(&mut writer.row, node.row);
        let result = match kind {
            Kind::Event => self.event(writer, node),
            Kind::Series => self.series(writer, node),
            Kind::Place => self.place(writer, node),
            Kind::Organization => self.organization(writer, index, node),
            Kind::Person => self.person(writer, node),
            // Never asked for: these kinds make no record of their own.
            Kind::Offer | Kind::Group | Kind::Part | Kind::Noise => Err(Failure::Rejected(Vec::new())),
        };
        writer.row = saved;
        match result {
            Ok(id) => {
                self.done.insert(index, Ok(id));
                Ok(id)
            }
            Err(Failure::Rejected(problems)) => {
                self.done.insert(index, Err(problems.clone()));
                Err(Failure::Rejected(problems))
            }
            Err(store) => Err(store),
        }
    }

    fn event(&mut self, writer: &mut Writer<'_, '_>, node: &'g Node) -> Step<i64> {
        let row = node.row;
        let mut problems = Vec::new();
        let location = self.location(node);
        let zone = match &location {
            Some(Location::Node(index)) => time_zone(self.address(self.node(*index)).region.as_deref()),
            _ => TIME_ZONE,
        };
        let start = match node.text("startDate") {
            None => {
                problems.push(Diagnostic::new(Code::ValueMissing, row, "startDate"));
                None
            }
            Some(text) => {
                let start = start_of(text, zone);
                if start.is_none() {
                    problems.push(Diagnostic::new(Code::DatetimeInvalid, row, "startDate"));
                }
                start
            }
        };
        let status = match node.text("eventStatus") {
            None => Some(EventStatus::Scheduled),
            Some(text) => {
                let status = status_of(text);
                if status.is_none() {
                    problems.push(Diagnostic::new(Code::ValueUnknown, row, "eventStatus"));
                }
                status
            }
        };
        let show = self.show_source(node);
        if show.is_none() {
            problems.push(Diagnostic::new(Code::ValueMissing, row, "name"));
        }
        let offers = self.read_offers(node, &mut problems);
        let (Some(start), Some(status), Some(show), true) = (start, status, show, problems.is_empty()) else {
            return Err(Failure::Rejected(problems));
        };
        let presenter = self.presenter(writer, node)?;
        let hall = self.hall(writer, node, location, presenter)?;
        let show = self.show(writer, show)?;
        let languages: Vec<&str> = node.texts("inLanguage").collect();
        self.complete_show(writer, show, None, &languages)?;
        let key = match node.blank {
            false => self.pseudonymizer.record_key(&["jsonld-event", &node.id]),
            true => {
                let title = ensemble_model::geo::fold_name(&node.label("name").unwrap_or_default());
                let parts = ["jsonld-event", "", &title, &start.to_rfc3339(), &hall.0.to_string()];
                self.pseudonymizer.record_key(&parts)
            }
        };
        let new = NewPerformance {
            show,
            start,
            zone,
            hall,
            presenter,
            status,
        };
        let performance = self.performance(writer, new, &key)?;
        self.write_offers(writer, &key, performance, offers)?;
        for (index, kind) in self.refs(node, "performer") {
            if kind == Kind::Person
                && let Err(Failure::Store(error)) = self.resolve(writer, index, kind)
            {
                return Err(error.into());
            }
        }
        Ok(performance.0)
    }

    /// The show of an event: its series, else the work performed, else the event itself.
    fn show_source(&mut self, node: &'g Node) -> Option<ShowSource> {
        if let Some(index) = self
            .refs(node, "superEvent")
            .find(|&(index, kind)| kind == Kind::Series && self.node(index).label("name").is_some())
            .map(|(index, _)| index)
        {
            return Some(ShowSource::Series(index));
        }
        for value in node.values("workPerformed") {
            match self.graph.node_of(value) {
                Some(index) => {
                    if let Some(title) = self.node(index).label("name").filter(|t| !looks_personal(t)) {
                        return Some(ShowSource::Titled(title, Some(index)));
                    }
                }
                None if !is_iri(value.as_str()) && !value.as_str().trim().is_empty() => {
                    return Some(ShowSource::Titled(decode_entities(value.as_str()), None));
                }
                None => {}
            }
        }
        let title = node.label("name").filter(|t| !looks_personal(t))?;
        Some(ShowSource::Own(title, self.identifiers(node)))
    }

    fn show(&mut self, writer: &mut Writer<'_, '_>, source: ShowSource) -> Step<ShowId> {
        let (title, identifiers, work) = match source {
            ShowSource::Series(index) => return self.resolve(writer, index, Kind::Series).map(ShowId),
            ShowSource::Titled(title, None) => (title, Identifiers::default(), None),
            ShowSource::Titled(title, Some(index)) => (title, self.identifiers(self.node(index)), Some(index)),
            ShowSource::Own(title, identifiers) => (title, identifiers, None),
        };
        let key = self.show_key(work.map(|index| self.node(index)), &title);
        let linked = writer.show(&title, identifiers, Some(&key))?;
        if !linked.existing {
            self.new_shows.insert(linked.id.0);
            let english = work.and_then(|index| self.node(index).english("name"));
            self.complete_show(writer, linked.id, english, &[])?;
        }
        self.used.extend(work);
        Ok(linked.id)
    }

    /// Fills what a show this document created lacks: its English title, its languages (from
    /// an event's `inLanguage`, two- or three-letter codes). A show already held is left as it is.
    fn complete_show(
        &self,
        writer: &mut Writer<'_, '_>,
        show: ShowId,
        english: Option<String>,
        languages: &[&str],
    ) -> Result<(), StoreError> {
        if !self.new_shows.contains(&show.0) {
            return Ok(());
        }
        let Some(mut stored) = writer.session().get::<Show>(show.0)? else {
            return Ok(());
        };
        let before = stored.clone();
        if stored.title_en.is_none() {
            stored.title_en = english.filter(|english| *english != stored.title_fr);
        }
        if stored.languages.is_empty() {
            stored.languages = languages
                .iter()
                .map(|code| code.trim().to_ascii_lowercase())
                .filter(|code| (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase()))
                .collect();
        }
        if stored != before {
            writer.session().update(&stored)?;
        }
        Ok(())
    }

    /// A show's natural key: the id of the node that names it, else its title.
    fn show_key(&self, node: Option<&Node>, title: &str) -> String {
        match node.filter(|node| !node.blank) {
            Some(node) => self.pseudonymizer.record_key(&["jsonld-show", &node.id]),
            None => self
                .pseudonymizer
                .record_key(&["jsonld-show-title", &ensemble_model::geo::fold_name(title)]),
        }
    }

    /// A series is the run of a show: the show is its work performed when it names one (the
    /// runs of one show in several places are one show), else the series itself.
    fn series(&mut self, writer: &mut Writer<'_, '_>, node: &'g Node) -> Step<i64> {
        let title = required_name(node)?;
        let work = self
            .refs(node, "workPerformed")
            .map(|(index, _)| self.node(index))
            .find(|work| !work.blank);
        let key = self.show_key(Some(work.unwrap_or(node)), &title);
        let linked = writer.show(&title, self.identifiers(node), Some(&key))?;
        if !linked.existing {
            self.new_shows.insert(linked.id.0);
            self.complete_show(writer, linked.id, node.english("name"), &[])?;
        }
        Ok(linked.id.0)
    }

    /// The organisation that presents an event: its organizer when named, else the member.
    fn presenter(&mut self, writer: &mut Writer<'_, '_>, node: &'g Node) -> Step<OrganizationId> {
        for value in node.values("organizer") {
            match self.graph.node_of(value) {
                Some(index) if kind_of(self.node(index)) == Kind::Organization => {
                    match self.resolve(writer, index, Kind::Organization) {
                        Ok(id) => return Ok(OrganizationId(id)),
                        Err(Failure::Store(error)) => return Err(error.into()),
                        Err(Failure::Rejected(_)) => {}
                    }
                }
                Some(_) => {} // a person or a group organises: the member presents
                None => {
                    let name = decode_entities(value.as_str());
                    if !name.is_empty() && !is_iri(&name) && !looks_personal(&name) {
                        let candidate = OrganizationCandidate {
                            name,
                            roles: vec![ValueChainRole::Presenter],
                            ..OrganizationCandidate::default()
                        };
                        return Ok(writer.organization(candidate)?.id);
                    }
                }
            }
        }
        Ok(writer.member.organization_id)
    }

    /// The hall of an event: the first hall of its place. A file about the member's own season
    /// may leave the venue out (the member's hall is meant); another presenter's event without a
    /// venue cannot be placed.
    fn hall(
        &mut self,
        writer: &mut Writer<'_, '_>,
        node: &'g Node,
        location: Option<Location>,
        presenter: OrganizationId,
    ) -> Step<HallId> {
        let place = match location {
            Some(Location::Node(index)) => match self.resolve(writer, index, Kind::Place) {
                Ok(id) => PlaceId(id),
                Err(Failure::Rejected(problems)) if self.node(index).row == node.row && !problems.is_empty() => {
                    return Err(Failure::Rejected(problems));
                }
                Err(Failure::Rejected(_)) => return Err(rejected(node.row, Code::ValueMissing, "location")),
                Err(store) => return Err(store),
            },
            Some(Location::Name(name)) => {
                let candidate = PlaceCandidate {
                    name,
                    ..PlaceCandidate::default()
                };
                writer.place(candidate)?.id
            }
            None => {
                return match writer.default_hall() {
                    Some(hall) if presenter == writer.member.organization_id => Ok(hall),
                    _ => Err(rejected(node.row, Code::ValueMissing, "location")),
                };
            }
        };
        Ok(writer.hall(place, None, Vec::new())?.id)
    }

    /// An event's place: a place node (or an untyped node with a name), or a place's name.
    fn location(&self, node: &'g Node) -> Option<Location> {
        for value in node.values("location") {
            match self.graph.node_of(value) {
                Some(index) => {
                    let place = self.node(index);
                    let kind = kind_of(place);
                    if kind == Kind::Place || (place.types.is_empty() && place.label("name").is_some()) {
                        return Some(Location::Node(index));
                    }
                }
                None => {
                    let name = decode_entities(value.as_str());
                    if !name.is_empty() && !is_iri(&name) && !looks_personal(&name) {
                        return Some(Location::Name(name));
                    }
                }
            }
        }
        None
    }

    /// The performance of an event. The writer links a new performance to the only one of its
    /// show on the same day even at another time (right for files that give dates without
    /// times); JSON-LD gives the time, so a matinée and an evening must stay two: when the show
    /// plays that day at other times only, the performance is stored under its natural key.
    fn performance(&mut self, writer: &mut Writer<'_, '_>, new: NewPerformance, key: &str) -> Step<PerformanceId> {
        let NewPerformance {
            show,
            start,
            zone,
            hall,
            presenter,
            status,
        } = new;
        let other_times_only = {
            let day = self.day(writer, show, start)?;
            !day.is_empty() && !day.contains(&start)
        };
        let linked = if other_times_only && writer.known::<Performance>(key).is_none() {
            let id = writer.upsert::<Performance>(key, |id, provenance| Performance {
                id: PerformanceId(id),
                show_id: show,
                hall_id: hall,
                presenter_id: presenter,
                series_id: None,
                starts_at: start,
                time_zone: zone.to_string(),
                status,
                school: false,
                provenance,
            })?;
            Linked {
                id: PerformanceId(id),
                existing: false,
            }
        } else {
            match writer.performance(show, start, zone, Some(hall), presenter, status, Some(key), true)? {
                Some(linked) => linked,
                None => return Err(rejected(writer.row, Code::VenueUnknown, "location")),
            }
        };
        if linked.existing {
            self.update_status(writer, linked.id, status)?;
        } else {
            self.day(writer, show, start)?.push(start);
        }
        Ok(linked.id)
    }

    /// A newer export may cancel or move a performance the member imported before.
    fn update_status(&self, writer: &mut Writer<'_, '_>, id: PerformanceId, status: EventStatus) -> Step<()> {
        let member = writer.member.id;
        if let Some(mut record) = writer.session().get::<Performance>(id.0)?
            && record.status != status
            && record.provenance.member_id == Some(member)
        {
            record.status = status;
            writer.session().update(&record)?;
            *writer.tally.updated.entry(Performance::doc().name).or_default() += 1;
        }
        Ok(())
    }

    /// The start times held for a show on a date (loaded once per import).
    fn day(
        &mut self,
        writer: &mut Writer<'_, '_>,
        show: ShowId,
        start: DateTime<FixedOffset>,
    ) -> Result<&mut Vec<DateTime<FixedOffset>>, StoreError> {
        if self.same_day.is_none() {
            let mut held: HashMap<(i64, NaiveDate), Vec<DateTime<FixedOffset>>> = HashMap::new();
            for performance in writer.session().list::<Performance>(&ListFilter::default())? {
                let day = (performance.show_id.0, performance.starts_at.date_naive());
                held.entry(day).or_default().push(performance.starts_at);
            }
            self.same_day = Some(held);
        }
        let held = self.same_day.get_or_insert_with(HashMap::new);
        Ok(held.entry((show.0, start.date_naive())).or_default())
    }

    /// The offers an event lists. A bad offer nested in the event keeps the event out; a bad
    /// top-level offer is its own row's problem. A free event without offers gets a free offer.
    fn read_offers(&mut self, node: &'g Node, problems: &mut Vec<Diagnostic>) -> Vec<ReadOffer> {
        let event_free = node.text("isAccessibleForFree").and_then(values::parse_bool);
        let mut offers = Vec::new();
        for (position, value) in node.values("offers").iter().enumerate() {
            let Some(index) = self.graph.node_of(value) else {
                continue;
            };
            let offer = self.node(index);
            if kind_of(offer) != Kind::Offer {
                continue;
            }
            match self.read_offer(offer, event_free) {
                Ok(record) => offers.push(ReadOffer {
                    node: Some(index),
                    position,
                    row: offer.row,
                    record,
                }),
                Err(offer_problems) if offer.top => {
                    self.offers.insert(index, Outcome::Rejected(offer_problems));
                }
                Err(offer_problems) => problems.extend(offer_problems),
            }
        }
        if offers.is_empty() && event_free == Some(true) {
            offers.push(ReadOffer {
                node: None,
                position: 0,
                row: node.row,
                record: offer_record(None, CURRENCY.to_string(), true, false, None),
            });
        }
        offers
    }

    fn read_offer(&self, offer: &Node, event_free: Option<bool>) -> Result<Offer, Vec<Diagnostic>> {
        let row = offer.row;
        let specification = self
            .refs(offer, "priceSpecification")
            .next()
            .map(|(index, _)| self.node(index));
        let price_text = (offer.text("price"))
            .or_else(|| offer.text("lowPrice"))
            .or_else(|| specification.and_then(|s| s.text("price")));
        let price = match price_text {
            None => None,
            Some(text) => match amount(text) {
                Some(price) => Some(price),
                None => return Err(vec![Diagnostic::new(Code::AmountInvalid, row, "price")]),
            },
        };
        let currency = (offer.text("priceCurrency"))
            .or_else(|| specification.and_then(|s| s.text("priceCurrency")))
            .map_or_else(|| CURRENCY.to_string(), str::to_ascii_uppercase);
        // "True" on a ticketed event says nothing about its priced offers: they stay paid.
        let free = offer
            .text("isAccessibleForFree")
            .and_then(values::parse_bool)
            .or(event_free);
        let is_free = match price {
            Some(price) if price.0 > 0 => false,
            Some(_) => free.unwrap_or(true),
            None => free.unwrap_or(false),
        };
        let sold_out = offer
            .texts("availability")
            .any(|text| last_segment(text).eq_ignore_ascii_case("SoldOut"))
            || offer.text("soldOut").and_then(values::parse_bool) == Some(true);
        let mut record = offer_record(price, currency, is_free, sold_out, web_address(offer.text("url")));
        // A `category` that is one of the model's price types (as Ensemble publishes them) is
        // kept; other categories are free text.
        if let Some(kind) = offer.text("category").and_then(|c| PriceType::from_code(c.trim())) {
            record.price_type = kind;
        }
        let problems: Vec<Diagnostic> = (record.validate().iter())
            .map(|error| Diagnostic::from_model(row, "Offer", error))
            .collect();
        if problems.is_empty() { Ok(record) } else { Err(problems) }
    }

    fn write_offers(
        &mut self,
        writer: &mut Writer<'_, '_>,
        event_key: &str,
        performance: PerformanceId,
        offers: Vec<ReadOffer>,
    ) -> Result<(), StoreError> {
        for offer in offers {
            let part = match offer.node.map(|index| self.node(index)) {
                Some(node) if !node.blank => node.id.clone(),
                _ => offer.position.to_string(),
            };
            let key = self.pseudonymizer.record_key(&["jsonld-offer", event_key, &part]);
            let saved = std::mem::replace(&mut writer.row, offer.row);
            let result = writer.upsert::<Offer>(&key, |id, provenance| Offer {
                id: OfferId(id),
                performance_id: performance,
                provenance,
                ..offer.record
            });
            writer.row = saved;
            result?;
            if let Some(index) = offer.node {
                self.offers.insert(index, Outcome::Imported);
            }
        }
        Ok(())
    }

    fn place(&mut self, writer: &mut Writer<'_, '_>, node: &'g Node) -> Step<i64> {
        let name = required_name(node)?;
        let address = self.address(node);
        let (latitude, longitude, geo) = self.coordinates(node);
        let candidate = PlaceCandidate {
            name,
            street_address: address.street,
            municipality: address.locality,
            postal_code: address.postal_code,
            province: address.region,
            country: address.country,
            latitude,
            longitude,
            operator_id: None,
            identifiers: self.identifiers(node),
        };
        let id = writer.place(candidate)?.id.0;
        self.used.extend(address.node.into_iter().chain(geo));
        Ok(id)
    }

    fn organization(&mut self, writer: &mut Writer<'_, '_>, index: usize, node: &'g Node) -> Step<i64> {
        let name = required_name(node)?;
        let address = self.address(node);
        let candidate = OrganizationCandidate {
            name,
            municipality: address.locality,
            postal_code: address.postal_code,
            roles: match self.organizers.contains(&index) {
                true => vec![ValueChainRole::Presenter],
                false => Vec::new(),
            },
            website: web_address(node.text("url")),
            identifiers: self.identifiers(node),
        };
        let id = writer.organization(candidate)?.id.0;
        self.used.extend(address.node);
        Ok(id)
    }

    /// A credited person: their public name and identifiers, nothing else (an email or a phone
    /// number in the file is never read).
    fn person(&mut self, writer: &mut Writer<'_, '_>, node: &'g Node) -> Step<i64> {
        let name = required_name(node)?;
        Ok(writer.person(&name, self.identifiers(node))?.id.0)
    }

    /// A node's postal address, from an address node or a one-line text.
    fn address(&self, node: &'g Node) -> Address {
        for value in node.values("address") {
            match self.graph.node_of(value) {
                Some(index) => {
                    let address = self.node(index);
                    return Address {
                        street: address.label("streetAddress"),
                        locality: address.label("addressLocality"),
                        postal_code: address.text("postalCode").map(str::to_string),
                        region: address.text("addressRegion").and_then(values::province_code),
                        country: address.text("addressCountry").and_then(country_code),
                        node: Some(index),
                    };
                }
                None if !value.as_str().trim().is_empty() => {
                    return Address {
                        street: Some(decode_entities(value.as_str())),
                        ..Address::default()
                    };
                }
                None => {}
            }
        }
        Address::default()
    }

    /// A place's latitude and longitude (from its `geo` node or its own properties), when both
    /// are read and in range.
    fn coordinates(&self, node: &'g Node) -> (Option<f64>, Option<f64>, Option<usize>) {
        let geo = self.refs(node, "geo").next().map(|(index, _)| index);
        let holder = geo.map_or(node, |index| self.node(index));
        let read = |name: &str, limit: f64| {
            (holder.text(name))
                .and_then(values::parse_decimal)
                .filter(|value| value.abs() <= limit)
        };
        match (read("latitude", 90.0), read("longitude", 180.0)) {
            (Some(latitude), Some(longitude)) => (Some(latitude), Some(longitude), geo),
            _ => (None, None, None),
        }
    }
}

/// A performance about to be written.
struct NewPerformance {
    show: ShowId,
    start: DateTime<FixedOffset>,
    zone: &'static str,
    hall: HallId,
    presenter: OrganizationId,
    status: EventStatus,
}

/// Where an event's show comes from.
enum ShowSource {
    /// An `EventSeries` node.
    Series(usize),
    /// The work performed (a node, or only its title).
    Titled(String, Option<usize>),
    /// The event's own name (the event's identifiers stand for the show's).
    Own(String, Identifiers),
}

#[derive(Debug, Default)]
struct Address {
    street: Option<String>,
    locality: Option<String>,
    postal_code: Option<String>,
    region: Option<String>,
    country: Option<String>,
    node: Option<usize>,
}

fn offer_record(price: Option<Cents>, currency: String, is_free: bool, sold_out: bool, url: Option<String>) -> Offer {
    Offer {
        id: OfferId(0),
        performance_id: PerformanceId(0),
        price_type: if is_free { PriceType::Free } else { PriceType::Regular },
        price,
        currency,
        is_free,
        sold_out,
        url,
        provenance: Provenance::default(),
    }
}

/// A node's name; a name shaped like an email address or a phone number is not kept.
fn required_name(node: &Node) -> Step<String> {
    match node.label("name") {
        None => Err(rejected(node.row, Code::ValueMissing, "name")),
        Some(name) if looks_personal(&name) => Err(Failure::Rejected(vec![
            Diagnostic::new(Code::PersonalValueMasked, node.row, "name"),
            Diagnostic::new(Code::ValueMissing, node.row, "name"),
        ])),
        Some(name) => Ok(name),
    }
}

/// The registries whose identifiers Ensemble keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Registry {
    Artsdata,
    Wikidata,
    Isni,
    Neq,
}

impl Registry {
    fn slot(self, identifiers: &mut Identifiers) -> &mut Option<String> {
        match self {
            Registry::Artsdata => &mut identifiers.artsdata,
            Registry::Wikidata => &mut identifiers.wikidata,
            Registry::Isni => &mut identifiers.isni,
            Registry::Neq => &mut identifiers.neq,
        }
    }

    /// The registry a `PropertyValue`'s `propertyID` names (`Wikidata`, `wikidata:`, an address).
    fn named(property: &str) -> Option<Registry> {
        let property = property.trim().trim_end_matches(':').to_lowercase();
        match property.as_str() {
            "artsdata" | "ado" => Some(Registry::Artsdata),
            "wikidata" | "wd" | "wdt" => Some(Registry::Wikidata),
            "isni" => Some(Registry::Isni),
            "neq" => Some(Registry::Neq),
            _ if property.contains("artsdata.ca") => Some(Registry::Artsdata),
            _ if property.contains("wikidata.org") => Some(Registry::Wikidata),
            _ if property.contains("isni.org") => Some(Registry::Isni),
            _ => None,
        }
    }
}

/// The registry and code of an identifier written as an address (`…/resource/K12-34`,
/// `…/entity/Q123`, `…/isni/…`) or as a bare code (`K12-34`, `Q123`).
fn recognised(text: &str) -> Option<(Registry, String)> {
    let text = text.trim();
    let bare = !text.contains('/');
    let last = text.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    let at = |host: &str| bare || text.contains(host);
    let registry = if at("artsdata.ca/") && is_artsdata_id(last) {
        Registry::Artsdata
    } else if at("wikidata.org/") && is_wikidata_id(last) {
        Registry::Wikidata
    } else if at("isni.org/") && is_isni(last) {
        Registry::Isni
    } else {
        return None;
    };
    Some((registry, last.to_string()))
}

/// External identifiers of a node: Artsdata, Wikidata and ISNI from its id, `sameAs` and
/// `identifier` (an address, a bare code, or a `PropertyValue` whose `propertyID` names the
/// registry, NEQ included). Other registries' numbers (a business number) are left out. A blank
/// node's id identifies nothing.
fn identifiers(graph: &Graph, node: &Node) -> Identifiers {
    let mut found = Identifiers::default();
    let own = (!node.blank).then_some(node.id.as_str());
    let mut codes: Vec<(Registry, String)> = own
        .into_iter()
        .chain(node.texts("sameAs"))
        .filter_map(recognised)
        .collect();
    for value in node.values("identifier") {
        let Some(index) = graph.node_of(value) else {
            codes.extend(recognised(value.as_str()));
            continue;
        };
        let property = &graph.nodes[index];
        let (Some(registry), Some(code)) = (
            property.text("propertyID").and_then(Registry::named),
            property.text("value"),
        ) else {
            continue;
        };
        let code = match registry {
            Registry::Neq => is_neq(code).then(|| code.to_string()),
            _ => recognised(code)
                .filter(|(read, _)| *read == registry)
                .map(|(_, code)| code),
        };
        codes.extend(code.map(|code| (registry, code)));
    }
    for (registry, code) in codes {
        registry.slot(&mut found).get_or_insert(code);
    }
    found
}

/// An amount of money. Besides what members type (`112,00 $`), Artsdata writes prices as
/// `xsd:double` in scientific notation (`1.2317E2`, `8.709999999999999E1`): read to the cent.
fn amount(text: &str) -> Option<Cents> {
    if text.contains(['e', 'E'])
        && let Ok(value) = text.trim().parse::<f64>()
        && value.is_finite()
        && value.abs() < 1e12
    {
        return Some(Cents((value * 100.0).round() as i64));
    }
    values::parse_amount(text)
}

/// A start date and time, read in the venue's zone when it gives no offset.
fn start_of(text: &str, zone: &str) -> Option<DateTime<FixedOffset>> {
    let zone = zone.parse().unwrap_or(chrono_tz::America::Toronto);
    values::parse_datetime(text, DateOrder::YearFirst, zone)
}

/// The status of an event from `eventStatus` (an IRI, a compact IRI or a bare name).
fn status_of(text: &str) -> Option<EventStatus> {
    Some(match last_segment(text).to_ascii_lowercase().as_str() {
        "eventscheduled" | "scheduled" => EventStatus::Scheduled,
        "eventcancelled" | "eventcanceled" | "cancelled" | "canceled" => EventStatus::Cancelled,
        "eventpostponed" | "postponed" => EventStatus::Postponed,
        "eventrescheduled" | "rescheduled" => EventStatus::Rescheduled,
        "eventmovedonline" | "movedonline" => EventStatus::MovedOnline,
        _ => return None,
    })
}

/// The name at the end of an IRI or compact IRI (`https://schema.org/SoldOut`, `schema:SoldOut`).
fn last_segment(text: &str) -> &str {
    text.trim().rsplit(['/', '#', ':']).next().unwrap_or_default()
}

fn is_iri(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("http://") || text.starts_with("https://") || text.starts_with("_:")
}

/// A web address worth keeping (absolute, without spaces).
fn web_address(text: Option<&str>) -> Option<String> {
    text.filter(|text| {
        (text.starts_with("http://") || text.starts_with("https://")) && !text.contains(char::is_whitespace)
    })
    .map(str::to_string)
}

/// ISO 3166 code of a country written as a code or a name.
fn country_code(text: &str) -> Option<String> {
    let folded = ensemble_model::geo::fold_name(text);
    let code = match folded.as_str() {
        "ca" | "can" | "canada" => "CA",
        "us" | "usa" | "united states" | "united states of america" | "etats unis" => "US",
        "fr" | "fra" | "france" => "FR",
        code if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) => return Some(code.to_uppercase()),
        _ => return None,
    };
    Some(code.to_string())
}

/// The time zone of a venue's province, Québec's when none is known.
fn time_zone(province: Option<&str>) -> &'static str {
    province.and_then(values::province_time_zone).unwrap_or(TIME_ZONE)
}

/// Names scraped from web pages keep their HTML entities (`Fl&aacute;via`, `Canada&#8217;s`):
/// decoded, with runs of spaces made one, so that they read and link as typed.
fn decode_entities(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        let tail = &rest[at..];
        let entity = (tail.find(';'))
            .filter(|end| *end <= 10)
            .and_then(|end| entity(&tail[1..end]).map(|text| (text, end)));
        match entity {
            Some((text, end)) => {
                decoded.push_str(&text);
                rest = &tail[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = &tail[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of one HTML entity (`amp`, `#8217`, `#x2019`, `eacute`).
fn entity(name: &str) -> Option<String> {
    const NAMED: &[(&str, &str)] = &[
        ("amp", "&"),
        ("lt", "<"),
        ("gt", ">"),
        ("quot", "\""),
        ("apos", "'"),
        ("nbsp", " "),
        ("rsquo", "’"),
        ("lsquo", "‘"),
        ("rdquo", "”"),
        ("ldquo", "“"),
        ("laquo", "«"),
        ("raquo", "»"),
        ("ndash", "–"),
        ("mdash", "—"),
        ("hellip", "…"),
        ("oelig", "œ"),
        ("OElig", "Œ"),
        ("aelig", "æ"),
        ("AElig", "Æ"),
        ("szlig", "ß"),
    ];
    /// A mark, the letters that take it, and the same letters marked.
    const ACCENTS: &[(&str, &str, &str)] = &[
        ("acute", "aeiouyAEIOUY", "áéíóúýÁÉÍÓÚÝ"),
        ("grave", "aeiouAEIOU", "àèìòùÀÈÌÒÙ"),
        ("circ", "aeiouAEIOU", "âêîôûÂÊÎÔÛ"),
        ("uml", "aeiouyAEIOU", "äëïöüÿÄËÏÖÜ"),
        ("tilde", "anoANO", "ãñõÃÑÕ"),
        ("ring", "aA", "åÅ"),
        ("cedil", "cC", "çÇ"),
        ("slash", "oO", "øØ"),
    ];
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control()).map(String::from);
    }
    if let Some((_, text)) = NAMED.iter().find(|(named, _)| *named == name) {
        return Some((*text).to_string());
    }
    let mut chars = name.chars();
    let letter = chars.next()?;
    let (_, letters, marked) = ACCENTS.iter().find(|(mark, _, _)| *mark == chars.as_str())?;
    let position = letters.chars().position(|c| c == letter)?;
    marked.chars().nth(position).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(text: &str) -> Graph {
        Graph::read(&serde_json::from_str(text).unwrap())
    }

    /// The first node of each row as (types, name, property names).
    fn summary(graph: &Graph) -> Vec<(Vec<String>, Option<String>, Vec<String>)> {
        graph
            .rows
            .iter()
            .map(|&index| {
                let node = &graph.nodes[index];
                (
                    node.types.clone(),
                    node.label("name"),
                    node.properties.keys().cloned().collect(),
                )
            })
            .collect()
    }

    #[test]
    fn every_shape_of_json_ld_gives_the_same_nodes() {
        let expanded = r#"[{"@id": "https://ex.ca/e1", "@type": ["http://schema.org/Event"],
            "http://schema.org/name": [{"@value": "Gala", "@language": "fr"}],
            "http://schema.org/startDate": [{"@value": "2026-10-08T20:00:00-04:00"}]}]"#;
        let documents = [
            expanded,
            r#"{"@context": "https://schema.org", "@id": "https://ex.ca/e1", "@type": "Event",
                "name": {"@value": "Gala", "@language": "fr"}, "startDate": "2026-10-08T20:00:00-04:00"}"#,
            r#"{"@context": "http://schema.org/", "@graph": [{"@id": "https://ex.ca/e1", "@type": "Event",
                "name": "Gala", "startDate": "2026-10-08T20:00:00-04:00"}]}"#,
            r#"{"@context": "https://schema.org/docs/jsonldcontext.json", "@id": "https://ex.ca/e1",
                "@type": "schema:Event", "schema:name": "Gala", "startDate": "2026-10-08T20:00:00-04:00"}"#,
            r#"{"@context": [{"s": "https://schema.org/"}, {"@vocab": "http://schema.org/"}],
                "@id": "https://ex.ca/e1", "@type": "s:Event", "s:name": "Gala", "startDate": "2026-10-08T20:00:00-04:00"}"#,
            r#"{"@context": {"@vocab": "http://schema.org/", "titre": "http://schema.org/name", "genre": "@type"},
                "@id": "https://ex.ca/e1", "genre": "Event", "titre": "Gala", "startDate": "2026-10-08T20:00:00-04:00"}"#,
            r#"{"@context": "https://kg.artsdata.ca/context.jsonld", "@id": "https://ex.ca/e1", "@type": "Event",
                "name": "Gala", "startDate": "2026-10-08T20:00:00-04:00"}"#,
        ];
        let expected = summary(&graph(expanded));
        assert_eq!(expected[0].1.as_deref(), Some("Gala"));
        for document in documents {
            let read = graph(document);
            assert_eq!(summary(&read), expected, "{document}");
            assert!(read.unknown_contexts.is_empty(), "{document}");
            assert_eq!(read.nodes[read.rows[0]].id, "https://ex.ca/e1");
        }
    }

    #[test]
    fn nested_nodes_become_nodes_and_empty_ids_stay_apart() {
        let read = graph(
            r#"{"@context": "https://schema.org", "@type": "Event", "name": "Gala",
                "performer": [{"@type": "Person", "@id": "", "name": "A"}, {"@type": "Person", "@id": "", "name": "B"}],
                "location": {"@type": "Place", "name": "Salle", "address": {"@type": "PostalAddress", "addressLocality": "Laval"}}}"#,
        );
        assert_eq!(read.rows.len(), 1);
        assert_eq!(read.nodes.len(), 5);
        let event = &read.nodes[read.rows[0]];
        assert!(event.blank);
        let performers: Vec<&Node> = event
            .values("performer")
            .iter()
            .filter_map(|v| read.node_of(v))
            .map(|i| &read.nodes[i])
            .collect();
        assert_eq!(performers.len(), 2);
        assert_ne!(performers[0].id, performers[1].id);
        assert!(performers.iter().all(|p| p.blank && p.row == 1 && !p.top));
    }

    #[test]
    fn unknown_remote_contexts_are_read_as_schema_org_and_named() {
        let read = graph(r#"{"@context": "https://example.org/ctx.jsonld", "@type": "Event", "name": "Gala"}"#);
        assert_eq!(
            read.unknown_contexts,
            vec!["https://example.org/ctx.jsonld".to_string()]
        );
        assert_eq!(read.nodes[0].types, vec!["Event".to_string()]);
        assert_eq!(read.nodes[0].label("name").as_deref(), Some("Gala"));
    }

    #[test]
    fn datascene_keywords_and_names_are_mapped() {
        let read = graph(
            r#"{"@context": "https://datascence.ca/context.jsonld", "type": "Performance",
                "name": [{"lang": "fr", "value": "Gala"}], "startDateTime": "2026-10-08T20:00:00-04:00"}"#,
        );
        let node = &read.nodes[0];
        assert_eq!(kind_of(node), Kind::Event);
        assert_eq!(node.label("name").as_deref(), Some("Gala"));
        assert_eq!(node.text("startDate"), Some("2026-10-08T20:00:00-04:00"));
    }

    #[test]
    fn labels_prefer_french_and_decode_entities() {
        let read = graph(
            r#"{"@type": "Event", "name": [{"@value": "Fl&aacute;via &amp; Tio", "@language": "en"},
                {"@value": " Canada&#8217;s  ballet ", "@language": "fr-CA"}]}"#,
        );
        assert_eq!(read.nodes[0].label("name").as_deref(), Some("Canada’s ballet"));
        let cases = [
            ("Fl&aacute;via &amp; Tio", "Flávia & Tio"),
            ("Br&igrave;ghde &Aacute;&ccedil;&aring;", "Brìghde Áçå"),
            ("O&#039;Brien &#x2019; &ndash;", "O'Brien ’ –"),
            ("Tom & Jerry &bogus; &", "Tom & Jerry &bogus; &"),
            ("&#0; &#xZZ; &", "&#0; &#xZZ; &"),
        ];
        for (text, expected) in cases {
            assert_eq!(decode_entities(text), expected, "{text}");
        }
    }

    #[test]
    fn values_read_from_iris_and_literals() {
        for text in [
            "https://schema.org/SoldOut",
            "http://schema.org/SoldOut",
            "schema:SoldOut",
            "SoldOut",
        ] {
            assert_eq!(last_segment(text), "SoldOut");
        }
        assert_eq!(
            status_of("http://schema.org/EventCancelled"),
            Some(EventStatus::Cancelled)
        );
        assert_eq!(status_of("EventScheduled"), Some(EventStatus::Scheduled));
        assert_eq!(status_of("Sometime"), None);
        assert_eq!(country_code("Canada").as_deref(), Some("CA"));
        assert_eq!(values::province_code("Québec").as_deref(), Some("QC"));
        assert_eq!(values::province_code("on").as_deref(), Some("ON"));
        let read = graph(
            r#"{"@id": "http://kg.artsdata.ca/resource/K12-34", "@type": "Person", "name": "X",
                "sameAs": ["https://www.wikidata.org/wiki/Q111724583", "http://kg.artsdata.ca/resource/K99-1",
                           "https://isni.org/isni/0000000121032683", "https://example.org/K1-1"]}"#,
        );
        let found = identifiers(&read, &read.nodes[0]);
        assert_eq!(found.artsdata.as_deref(), Some("K12-34"));
        assert_eq!(found.wikidata.as_deref(), Some("Q111724583"));
        assert_eq!(found.isni.as_deref(), Some("0000000121032683"));
        let blank = graph(r#"{"@id": "_:b0", "@type": "Person", "name": "X"}"#);
        assert!(identifiers(&blank, &blank.nodes[0]).is_empty());
    }
}
