//! Datascène JSON records (Québec's show-metadata standard): each record is checked against its
//! published JSON Schema (embedded from `schemas/datascene/`, never fetched), then mapped: Place
//! (with its rooms) to a place and halls, Room to a hall, Show to a show with its performances and
//! offers. A file holds one record or an array of records; each record is one row.

use std::collections::HashMap;
use std::sync::OnceLock;

use ensemble_model::*;
use ensemble_privacy::Pseudonymizer;
use ensemble_store::{ListFilter, StoreError};
use jsonschema::{Resource, Validator};
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::{Collector, ImportError};
use crate::target::Outcome;
use crate::writer::{PlaceCandidate, Writer};

/// Embeds schema files by their path under `schemas/datascene/`.
macro_rules! schemas {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../schemas/datascene/", $path)))),*]
    };
}

/// The published schemas, by path under `schemas/datascene/`: the record types and every file
/// their `$ref`s reach.
const SCHEMAS: &[(&str, &str)] = schemas![
    "contributor.schema.json",
    "offer.schema.json",
    "performance.schema.json",
    "place.schema.json",
    "room.schema.json",
    "series.schema.json",
    "show.schema.json",
    "work.schema.json",
    "datatypes/canada_postal_code.schema.json",
    "datatypes/country_code.schema.json",
    "datatypes/currency.schema.json",
    "datatypes/geo_coordinates.schema.json",
    "datatypes/partials/authorized_html.schema.json",
    "datatypes/partials/language.schema.json",
    "datatypes/partials/no_html.schema.json",
    "datatypes/text_long.schema.json",
    "datatypes/text_long_multilingual.schema.json",
    "datatypes/text_short.schema.json",
    "datatypes/text_short_multilingual.schema.json",
    "utilities/contribution.schema.json",
    "utilities/geographic_relation.schema.json",
    "utilities/identifier.schema.json",
    "utilities/media.schema.json",
    "utilities/postal_address.schema.json",
    "utilities/room_specification.schema.json",
    "utilities/term.schema.json",
    "utilities/web_page.schema.json",
    "vocabularies/contributor_type.schema.json",
    "vocabularies/event_status.schema.json",
];

/// Record types (English as the schemas require, French as people write them) and their schema.
const RECORD_TYPES: &[(&str, &str)] = &[
    ("Show", "show.schema.json"),
    ("Spectacle", "show.schema.json"),
    ("Place", "place.schema.json"),
    ("Lieu", "place.schema.json"),
    ("Room", "room.schema.json"),
    ("Salle", "room.schema.json"),
    ("Offer", "offer.schema.json"),
    ("Offre", "offer.schema.json"),
    ("Performance", "performance.schema.json"),
    ("Représentation", "performance.schema.json"),
    ("Series", "series.schema.json"),
    ("Série", "series.schema.json"),
    ("Work", "work.schema.json"),
    ("Oeuvre", "work.schema.json"),
    ("Œuvre", "work.schema.json"),
    ("Contributor", "contributor.schema.json"),
    ("Contributeur", "contributor.schema.json"),
    ("PostalAddress", "utilities/postal_address.schema.json"),
];

/// Every schema under the URIs its neighbours' relative `$ref`s resolve to: the `$id`s do not
/// all share one base (`https://datascene.ca/schema/...` and `https://datascene.ca/...`), so each
/// file is registered under both. With these in place nothing is ever fetched.
fn resources() -> Vec<(String, Resource)> {
    let mut resources = Vec::new();
    for (path, text) in SCHEMAS {
        if let Ok(contents) = serde_json::from_str::<Value>(text) {
            for base in ["https://datascene.ca/schema/", "https://datascene.ca/"] {
                resources.push((format!("{base}{path}"), Resource::from_contents(contents.clone())));
            }
        }
    }
    resources
}

/// The compiled validator of each record type's schema (built once; an error is kept as text so
/// that a broken schema shows up as a diagnostic, not a panic).
fn validators() -> &'static HashMap<&'static str, Result<Validator, String>> {
    static VALIDATORS: OnceLock<HashMap<&'static str, Result<Validator, String>>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let resources = resources();
        let mut validators = HashMap::new();
        for (_, file) in RECORD_TYPES {
            let Some((_, text)) = SCHEMAS.iter().find(|(path, _)| path == file) else {
                continue;
            };
            let built = serde_json::from_str::<Value>(text)
                .map_err(|error| error.to_string())
                .and_then(|schema| {
                    jsonschema::options()
                        .with_resources(resources.iter().cloned())
                        .build(&schema)
                        .map_err(|error| error.to_string())
                });
            validators.entry(*file).or_insert(built);
        }
        validators
    })
}

/// Whether a record's `@context` is Datascène's, under either spelling of the host: the published
/// show schema pins it to `https://datascence.ca/context.jsonld` (sic, like the samples), so a
/// file that spells the host right would otherwise be quarantined for it.
fn known_context(record: &Value) -> bool {
    let context = string(record, "/@context").unwrap_or("");
    let address = context.trim_start_matches("https://").trim_start_matches("http://");
    ["datascene.ca/context.jsonld", "datascence.ca/context.jsonld"].contains(&address)
}

/// Violations of a record against its schema: (JSON pointer, message). Messages are the
/// validator's masked ones: they name the rule, never the value, which may be anything.
pub fn violations(record: &Value) -> Vec<(String, String)> {
    let kind = record.get("type").and_then(Value::as_str).unwrap_or("");
    let Some((_, file)) = RECORD_TYPES.iter().find(|(name, _)| *name == kind) else {
        // The value itself is not echoed: it could be anything.
        return vec![("/type".to_string(), "missing or unknown record type".to_string())];
    };
    match validators().get(file) {
        Some(Ok(validator)) => validator
            .iter_errors(record)
            .map(|error| (error.instance_path().to_string(), error.masked().to_string()))
            .filter(|(pointer, _)| !(pointer == "/@context" && known_context(record)))
            .collect(),
        Some(Err(error)) => vec![(String::new(), format!("schema {file} cannot be compiled: {error}"))],
        None => vec![(String::new(), format!("no schema {file}"))],
    }
}

/// The items of a JSON array (none when the value is absent or not an array).
fn items(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

fn string<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// Text in a language from a multilingual list (`[{"lang": "fr", "value": ...}]`), else the first
/// text given. A final full stop is dropped: the samples end titles with one ("Hommage à Michel
/// Louvain.") that is punctuation, not part of the name.
fn text(value: Option<&Value>, lang: &str) -> Option<String> {
    let texts: Vec<&Value> = items(value).collect();
    texts
        .iter()
        .find(|item| string(item, "/lang") == Some(lang))
        .or_else(|| texts.first())
        .and_then(|item| string(item, "/value"))
        .map(|text| text.trim().trim_end_matches('.').trim().to_string())
        .filter(|text| !text.is_empty())
}

/// The English text only (no fallback: a French title is not an English one).
fn english(value: Option<&Value>) -> Option<String> {
    items(value)
        .find(|item| string(item, "/lang") == Some("en"))
        .and_then(|item| string(item, "/value"))
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
}

/// External identifiers from a Datascène `identifier` list (IRIs, or `{authority, id}` objects).
/// A known authority with a malformed id is dropped with a warning.
fn identifiers(value: Option<&Value>, row: u64, warnings: &mut Vec<Diagnostic>) -> Identifiers {
    let mut found = Identifiers::default();
    for item in items(value) {
        let (authority, id) = match item {
            Value::String(iri) => (String::new(), iri.trim()),
            Value::Object(_) => (
                string(item, "/authority").unwrap_or("").to_lowercase(),
                string(item, "/id").unwrap_or("").trim(),
            ),
            _ => continue,
        };
        let tail = id.rsplit(['/', '#']).next().unwrap_or(id);
        let (name, slot, valid): (&str, &mut Option<String>, fn(&str) -> bool) =
            if authority == "artsdata" || id.contains("kg.artsdata.ca") {
                ("artsdata", &mut found.artsdata, identifiers::is_artsdata_id)
            } else if authority == "wikidata" || id.contains("wikidata.org") {
                ("wikidata", &mut found.wikidata, identifiers::is_wikidata_id)
            } else if authority == "isni" || id.contains("isni.org") {
                ("isni", &mut found.isni, identifiers::is_isni)
            } else if authority == "neq" {
                ("neq", &mut found.neq, identifiers::is_neq)
            } else if authority == "scenepro" {
                ("scenepro", &mut found.scenepro, identifiers::is_scenepro_id)
            } else {
                // Other systems (La Vitrine, a presenter's own numbers) have no place in the model.
                continue;
            };
        if !valid(tail) {
            warnings.push(Diagnostic::new(Code::IdentifierDropped, row, name));
        } else if slot.is_none() {
            *slot = Some(tail.to_string());
        }
    }
    found
}

/// The first identifier as text, for natural keys (an IRI as given, an object as `authority:id`).
fn first_identifier(record: &Value) -> Option<String> {
    match record.pointer("/identifier/0")? {
        Value::String(iri) => Some(iri.clone()),
        object => Some(format!("{}:{}", string(object, "/authority")?, string(object, "/id")?)),
    }
}

/// ISO 3166 alpha-2 from the alpha-3 code Datascène uses (the model keeps alpha-2); the countries
/// Québec companies tour to most. Others are left empty rather than guessed.
fn country(code: &str) -> Option<String> {
    const COUNTRIES: &[(&str, &str)] = &[
        ("CAN", "CA"),
        ("USA", "US"),
        ("FRA", "FR"),
        ("BEL", "BE"),
        ("CHE", "CH"),
        ("LUX", "LU"),
        ("GBR", "GB"),
        ("DEU", "DE"),
        ("MEX", "MX"),
    ];
    let code = code.trim().to_ascii_uppercase();
    COUNTRIES
        .iter()
        .find(|(alpha3, alpha2)| *alpha3 == code || *alpha2 == code)
        .map(|(_, alpha2)| alpha2.to_string())
}

/// A place as the writer links or creates it; coordinates outside the globe are left out.
fn place_candidate(place: &Value, row: u64, warnings: &mut Vec<Diagnostic>) -> Option<PlaceCandidate> {
    let address = |name: &str| {
        string(place, &format!("/address/{name}"))
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_string)
    };
    let latitude = place.pointer("/geoCoordinates/latitude").and_then(Value::as_f64);
    let longitude = place.pointer("/geoCoordinates/longitude").and_then(Value::as_f64);
    let on_earth = matches!((latitude, longitude), (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0);
    Some(PlaceCandidate {
        name: text(place.get("name"), "fr")?,
        street_address: address("streetAddress"),
        municipality: address("addressLocality"),
        postal_code: address("postalCode"),
        province: address("addressRegion"),
        country: address("addressCountry").and_then(|code| country(&code)),
        latitude: latitude.filter(|_| on_earth),
        longitude: longitude.filter(|_| on_earth),
        operator_id: None,
        identifiers: identifiers(place.get("identifier"), row, warnings),
    })
}

/// Hall configurations of a room; a layout code outside the Datascène vocabulary is dropped with
/// a warning, a configuration without a capacity left out (the model needs one).
fn room_configurations(room: &Value, row: u64, warnings: &mut Vec<Diagnostic>) -> Vec<HallConfiguration> {
    let mut configurations = Vec::new();
    for configuration in items(room.get("roomConfiguration")) {
        let Some(code) = string(configuration, "/layout/code") else {
            continue;
        };
        if !vocab::contains(HallConfigurationCode::VOCABULARY, code) {
            warnings.push(vocabulary_dropped(
                row,
                "roomConfiguration",
                HallConfigurationCode::VOCABULARY,
                code,
            ));
            continue;
        }
        let capacity = configuration.get("capacity").and_then(Value::as_u64).unwrap_or(0);
        if capacity > 0 {
            configurations.push(HallConfiguration {
                kind: HallConfigurationCode::new(code),
                capacity: u32::try_from(capacity).unwrap_or(u32::MAX),
            });
        }
    }
    configurations
}

/// Wheelchair access, when a room's accessibility terms say so (`AccessibleFauteuilRoulant`, as
/// Ensemble publishes it); nothing when they do not mention it.
fn wheelchair_access(room: &Value) -> Option<bool> {
    items(room.get("roomAccessibility"))
        .any(|term| string(term, "/code") == Some("AccessibleFauteuilRoulant"))
        .then_some(true)
}

fn vocabulary_dropped(row: u64, field: &str, vocabulary: &str, code: &str) -> Diagnostic {
    Diagnostic::new(Code::VocabularyDropped, row, field)
        .with("value", code)
        .with("vocabulary", vocabulary)
}

/// Vocabulary codes of a list of terms, keeping those the vocabulary knows; the others are
/// reported (they are vocabulary codes, not personal data).
fn codes(
    terms: Option<&Value>,
    field: &str,
    vocabulary: &str,
    row: u64,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut kept = Vec::new();
    for code in items(terms).filter_map(|term| string(term, "/code")) {
        if vocab::contains(vocabulary, code) {
            kept.push(code.to_string());
        } else {
            warnings.push(vocabulary_dropped(row, field, vocabulary, code));
        }
    }
    kept
}

/// Halls by external identifier, so that a room given alone finds the hall its place made.
/// Loaded from the store on first need, then kept up to date by this import.
#[derive(Default)]
struct Rooms {
    by_identifier: Option<HashMap<String, HallId>>,
}

impl Rooms {
    fn keys(identifiers: &Identifiers) -> Vec<String> {
        let artsdata = identifiers.artsdata.iter().map(|id| format!("artsdata:{id}"));
        let wikidata = identifiers.wikidata.iter().map(|id| format!("wikidata:{id}"));
        artsdata.chain(wikidata).collect()
    }

    fn find(&mut self, writer: &mut Writer<'_, '_>, identifiers: &Identifiers) -> Result<Option<HallId>, StoreError> {
        if self.by_identifier.is_none() {
            let mut index = HashMap::new();
            for hall in writer.session().list::<Hall>(&ListFilter::default())? {
                for key in Self::keys(&hall.identifiers) {
                    index.entry(key).or_insert(hall.id);
                }
            }
            self.by_identifier = Some(index);
        }
        let index = self.by_identifier.as_ref();
        Ok(Self::keys(identifiers)
            .iter()
            .find_map(|key| index.and_then(|index| index.get(key)).copied()))
    }

    fn add(&mut self, hall: HallId, identifiers: &Identifiers) {
        if let Some(index) = &mut self.by_identifier {
            for key in Self::keys(identifiers) {
                index.entry(key).or_insert(hall);
            }
        }
    }
}

/// The name of a room's hall: its own, else its place's when Datascène says they are the same
/// (`nameSameAsPlace`; without this, an unnamed room would be taken for the place's first hall).
fn room_name(room: &Value, place_name: &str) -> Option<String> {
    text(room.get("name"), "fr")
        .or_else(|| (room.get("nameSameAsPlace") == Some(&Value::Bool(true))).then(|| place_name.to_string()))
}

/// Fills what a stored hall lacks (configurations, wheelchair access, identifiers) from a room, never overwriting
/// what it holds; counted as updated unless the hall was made by this very row.
fn complete_hall(
    writer: &mut Writer<'_, '_>,
    hall: HallId,
    (configurations, wheelchair): (Vec<HallConfiguration>, Option<bool>),
    identifiers: &Identifiers,
    just_created: bool,
) -> Result<(), StoreError> {
    let Some(mut stored) = writer.session().get::<Hall>(hall.0)? else {
        return Ok(());
    };
    let before = stored.clone();
    if stored.configurations.is_empty() {
        stored.configurations = configurations;
    }
    if stored.specs.wheelchair_accessible.is_none() {
        stored.specs.wheelchair_accessible = wheelchair;
    }
    stored.identifiers.artsdata = stored
        .identifiers
        .artsdata
        .take()
        .or_else(|| identifiers.artsdata.clone());
    stored.identifiers.wikidata = stored
        .identifiers
        .wikidata
        .take()
        .or_else(|| identifiers.wikidata.clone());
    if stored != before {
        writer.session().update(&stored)?;
        if !just_created {
            *writer.tally.updated.entry(Hall::doc().name).or_default() += 1;
        }
    }
    Ok(())
}

/// The hall of a room in a place: linked by name or created, then completed from the room.
fn room_hall(
    writer: &mut Writer<'_, '_>,
    rooms: &mut Rooms,
    place: PlaceId,
    place_name: &str,
    room: &Value,
    warnings: &mut Vec<Diagnostic>,
) -> Result<HallId, StoreError> {
    let row = writer.row;
    let configurations = room_configurations(room, row, warnings);
    let identifiers = identifiers(room.get("identifier"), row, warnings);
    let name = room_name(room, place_name);
    let hall = writer.hall(place, name.as_deref(), configurations.clone())?;
    let access = (configurations, wheelchair_access(room));
    complete_hall(writer, hall.id, access, &identifiers, !hall.existing)?;
    rooms.add(hall.id, &identifiers);
    Ok(hall.id)
}

fn skipped(row: u64, reason: &str) -> Outcome {
    Outcome::Skipped(vec![
        Diagnostic::new(Code::NodeSkipped, row, "type").with("reason", reason),
    ])
}

fn name_missing(row: u64) -> Outcome {
    Outcome::Rejected(vec![Diagnostic::new(Code::ValueMissing, row, "name")])
}

/// What the quarantine keeps of a rejected record: enough to find it in the source file (type,
/// name, web identifiers), nothing else. A contributor may be a person, so neither its name nor
/// its identifiers are kept.
fn quarantine_view(record: &Value) -> Value {
    let kind = string(record, "/type").filter(|kind| RECORD_TYPES.iter().any(|(name, _)| name == kind));
    if matches!(kind, Some("Contributor" | "Contributeur")) {
        return serde_json::json!({ "type": kind });
    }
    let identifiers: Vec<String> = items(record.get("identifier"))
        .filter_map(|item| match item {
            Value::String(iri) if iri.starts_with("http://") || iri.starts_with("https://") => Some(iri.clone()),
            Value::Object(_) => Some(format!("{}:{}", string(item, "/authority")?, string(item, "/id")?)),
            _ => None,
        })
        .collect();
    serde_json::json!({ "type": kind, "name": text(record.get("name"), "fr"), "identifier": identifiers })
}

/// Imports a Datascène document: one record, or an array of records, each one row.
pub fn import(
    json: &Value,
    pseudonymizer: &Pseudonymizer,
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
) -> Result<(), ImportError> {
    let records: Vec<&Value> = match json {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut rooms = Rooms::default();
    for (index, record) in records.into_iter().enumerate() {
        let row = index as u64 + 1;
        writer.row = row;
        let raw = || quarantine_view(record);
        let problems: Vec<Diagnostic> = violations(record)
            .into_iter()
            .map(|(pointer, detail)| {
                let field = if pointer.is_empty() { "/" } else { &pointer };
                Diagnostic::new(Code::SchemaViolation, row, field).with("detail", detail)
            })
            .collect();
        if !problems.is_empty() {
            collector.outcome(writer, row, Outcome::Rejected(problems), raw, Vec::new())?;
            continue;
        }
        let mut warnings = Vec::new();
        // The schemas fix `type` to its English name, so a valid record has one of these.
        let outcome = match string(record, "/type").unwrap_or("") {
            "Place" => place(record, writer, &mut rooms, &mut warnings)?,
            "Room" => room(record, writer, &mut rooms, &mut warnings)?,
            "Show" => show(record, pseudonymizer, writer, &mut rooms, &mut warnings)?,
            // An offer, or a performance, names no show: the model keeps none without one.
            "Offer" => skipped(row, "offer-without-performance"),
            "Performance" => skipped(row, "performance-without-show"),
            "PostalAddress" => skipped(row, "address-without-place"),
            _ => skipped(row, "type-not-imported"),
        };
        collector.outcome(writer, row, outcome, raw, warnings)?;
    }
    Ok(())
}

/// A venue and its rooms.
fn place(
    record: &Value,
    writer: &mut Writer<'_, '_>,
    rooms: &mut Rooms,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Outcome, ImportError> {
    let Some(candidate) = place_candidate(record, writer.row, warnings) else {
        return Ok(name_missing(writer.row));
    };
    let place_name = candidate.name.clone();
    let place = writer.place(candidate)?;
    for room in items(record.get("inRoom")) {
        room_hall(writer, rooms, place.id, &place_name, room, warnings)?;
    }
    Ok(Outcome::Imported)
}

/// A room given alone: a hall of its place (`inPlace`), else the hall held under the same
/// Artsdata or Wikidata identifier; without either there is no place to put it.
fn room(
    record: &Value,
    writer: &mut Writer<'_, '_>,
    rooms: &mut Rooms,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Outcome, ImportError> {
    let row = writer.row;
    if let Some(candidate) = record
        .get("inPlace")
        .and_then(|place| place_candidate(place, row, warnings))
    {
        let place_name = candidate.name.clone();
        let place = writer.place(candidate)?;
        room_hall(writer, rooms, place.id, &place_name, record, warnings)?;
        return Ok(Outcome::Imported);
    }
    let identifiers = identifiers(record.get("identifier"), row, warnings);
    let Some(hall) = rooms.find(writer, &identifiers)? else {
        return Ok(skipped(row, "room-without-place"));
    };
    *writer.tally.linked.entry(Hall::doc().name).or_default() += 1;
    let configurations = room_configurations(record, row, warnings);
    complete_hall(
        writer,
        hall,
        (configurations, wheelchair_access(record)),
        &identifiers,
        false,
    )?;
    Ok(Outcome::Imported)
}

/// A show, with its performances and their offers.
fn show(
    record: &Value,
    pseudonymizer: &Pseudonymizer,
    writer: &mut Writer<'_, '_>,
    rooms: &mut Rooms,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Outcome, ImportError> {
    let row = writer.row;
    let Some(title) = text(record.get("name"), "fr") else {
        return Ok(name_missing(row));
    };
    let key = first_identifier(record).map(|id| pseudonymizer.record_key(&["datascene-show", &id]));
    let show_identifiers = identifiers(record.get("identifier"), row, warnings);
    let linked = writer.show(&title, show_identifiers, key.as_deref())?;
    let disciplines = codes(
        record.get("discipline"),
        "discipline",
        DisciplineCode::VOCABULARY,
        row,
        warnings,
    );
    let audiences = codes(
        record.get("audience"),
        "audience",
        AudienceCode::VOCABULARY,
        row,
        warnings,
    );
    let content_warnings = codes(
        record.get("contentWarning"),
        "contentWarning",
        WarningCode::VOCABULARY,
        row,
        warnings,
    );
    // A show already held keeps its description: another member's file does not rewrite it.
    if !linked.existing
        && let Some(mut stored) = writer.session().get::<Show>(linked.id.0)?
    {
        stored.title_en = english(record.get("name"));
        stored.disciplines = disciplines.into_iter().map(DisciplineCode::new).collect();
        stored.audiences = audiences.into_iter().map(AudienceCode::new).collect();
        stored.warnings = content_warnings.into_iter().map(WarningCode::new).collect();
        stored.languages = items(record.get("inLanguage"))
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        writer.session().update(&stored)?;
    }
    for performance in items(record.get("hasPerformance")) {
        self::performance(performance, linked.id, pseudonymizer, writer, rooms, warnings)?;
    }
    Ok(Outcome::Imported)
}

/// The performance status Datascène gives on its offers.
fn status(offers: &[&Value]) -> EventStatus {
    match offers.iter().find_map(|offer| string(offer, "/offerStatus")) {
        Some("EventCancelled") => EventStatus::Cancelled,
        Some("EventPostponed") => EventStatus::Postponed,
        Some("EventRescheduled") => EventStatus::Rescheduled,
        Some("EventMovedOnline") => EventStatus::MovedOnline,
        _ => EventStatus::Scheduled,
    }
}

/// The hall of a performance: the room of its offer in the offer's place (Datascène puts the
/// place on offers), else the first hall of that place.
fn performance_hall(
    performance: &Value,
    offers: &[&Value],
    writer: &mut Writer<'_, '_>,
    rooms: &mut Rooms,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Option<HallId>, StoreError> {
    let row = writer.row;
    let offer = offers.iter().find(|offer| offer.get("inPlace").is_some());
    let place = offer
        .and_then(|offer| offer.get("inPlace"))
        .or_else(|| performance.get("inPlace"));
    let Some(candidate) = place.and_then(|place| place_candidate(place, row, warnings)) else {
        return Ok(None);
    };
    let place_name = candidate.name.clone();
    let place = writer.place(candidate)?;
    match offer.and_then(|offer| offer.get("inRoom")) {
        Some(room) => room_hall(writer, rooms, place.id, &place_name, room, warnings).map(Some),
        None => Ok(Some(writer.hall(place.id, None, Vec::new())?.id)),
    }
}

fn performance(
    performance: &Value,
    show: ShowId,
    pseudonymizer: &Pseudonymizer,
    writer: &mut Writer<'_, '_>,
    rooms: &mut Rooms,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), StoreError> {
    let row = writer.row;
    let Some(start) =
        string(performance, "/startDateTime").and_then(|start| chrono::DateTime::parse_from_rfc3339(start).ok())
    else {
        warnings.push(Diagnostic::new(
            Code::DatetimeInvalid,
            row,
            "hasPerformance.startDateTime",
        ));
        return Ok(());
    };
    let offers: Vec<&Value> = items(performance.get("hasOffer")).collect();
    let hall = performance_hall(performance, &offers, writer, rooms, warnings)?;
    let key = first_identifier(performance).map(|id| pseudonymizer.record_key(&["datascene-performance", &id]));
    let presenter = writer.member.organization_id;
    // Datascène gives offsets, not zones; Québec's zone is America/Toronto in the IANA database.
    let created = writer.performance(
        show,
        start,
        "America/Toronto",
        hall,
        presenter,
        status(&offers),
        key.as_deref(),
        true,
    )?;
    let Some(created) = created else {
        warnings.push(Diagnostic::new(
            Code::VenueUnknown,
            row,
            "hasPerformance.hasOffer.inPlace",
        ));
        return Ok(());
    };
    for (position, offer) in offers.iter().enumerate() {
        // An offer with no price, not free and no ticket link only says where: no offer to keep.
        let says_only_where = string(offer, "/price").is_none()
            && offer.get("isAccessibleForFree") != Some(&Value::Bool(true))
            && string(offer, "/ticketLink").is_none();
        if says_only_where {
            continue;
        }
        let key = pseudonymizer.record_key(&["datascene-offer", &created.id.0.to_string(), &position.to_string()]);
        writer.upsert(&key, |id, provenance| {
            self::offer(offer, OfferId(id), created.id, provenance)
        })?;
    }
    Ok(())
}

/// An offer of a performance. Datascène prices are dollars with a comma between thousands.
fn offer(offer: &Value, id: OfferId, performance_id: PerformanceId, provenance: Provenance) -> Offer {
    let free = offer
        .get("isAccessibleForFree")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Offer {
        id,
        performance_id,
        price_type: if free { PriceType::Free } else { PriceType::Regular },
        price: string(offer, "/price").and_then(|price| crate::values::parse_amount(&price.replace(',', ""))),
        currency: "CAD".to_string(),
        is_free: free,
        sold_out: offer.get("isSoldout").and_then(Value::as_bool).unwrap_or(false),
        url: string(offer, "/ticketLink").map(str::to_string),
        provenance,
    }
}
