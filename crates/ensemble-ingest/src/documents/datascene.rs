//! Datascène JSON records (Québec's show-metadata standard): each record is checked against its
//! published JSON Schema (embedded from `schemas/datascene/`, never fetched), then mapped: Place
//! (with its rooms) to a place and halls, Room to a hall, Show to a show with its performances and
//! offers. A file holds one record or an array of records.

use std::sync::OnceLock;

use ensemble_model::*;
use ensemble_privacy::Pseudonymizer;
use jsonschema::{Resource, Validator};
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::{Collector, ImportError};
use crate::target::Outcome;
use crate::writer::{PlaceCandidate, Writer};

/// The published schemas, by path under `schemas/datascene/`.
const SCHEMAS: &[(&str, &str)] = &[
    (
        "contributor.schema.json",
        include_str!("../../schemas/datascene/contributor.schema.json"),
    ),
    (
        "offer.schema.json",
        include_str!("../../schemas/datascene/offer.schema.json"),
    ),
    (
        "performance.schema.json",
        include_str!("../../schemas/datascene/performance.schema.json"),
    ),
    (
        "place.schema.json",
        include_str!("../../schemas/datascene/place.schema.json"),
    ),
    (
        "room.schema.json",
        include_str!("../../schemas/datascene/room.schema.json"),
    ),
    (
        "series.schema.json",
        include_str!("../../schemas/datascene/series.schema.json"),
    ),
    (
        "show.schema.json",
        include_str!("../../schemas/datascene/show.schema.json"),
    ),
    (
        "work.schema.json",
        include_str!("../../schemas/datascene/work.schema.json"),
    ),
    (
        "datatypes/canada_postal_code.schema.json",
        include_str!("../../schemas/datascene/datatypes/canada_postal_code.schema.json"),
    ),
    (
        "datatypes/country_code.schema.json",
        include_str!("../../schemas/datascene/datatypes/country_code.schema.json"),
    ),
    (
        "datatypes/currency.schema.json",
        include_str!("../../schemas/datascene/datatypes/currency.schema.json"),
    ),
    (
        "datatypes/geo_coordinates.schema.json",
        include_str!("../../schemas/datascene/datatypes/geo_coordinates.schema.json"),
    ),
    (
        "datatypes/partials/authorized_html.schema.json",
        include_str!("../../schemas/datascene/datatypes/partials/authorized_html.schema.json"),
    ),
    (
        "datatypes/partials/language.schema.json",
        include_str!("../../schemas/datascene/datatypes/partials/language.schema.json"),
    ),
    (
        "datatypes/partials/no_html.schema.json",
        include_str!("../../schemas/datascene/datatypes/partials/no_html.schema.json"),
    ),
    (
        "datatypes/text_long.schema.json",
        include_str!("../../schemas/datascene/datatypes/text_long.schema.json"),
    ),
    (
        "datatypes/text_long_multilingual.schema.json",
        include_str!("../../schemas/datascene/datatypes/text_long_multilingual.schema.json"),
    ),
    (
        "datatypes/text_short.schema.json",
        include_str!("../../schemas/datascene/datatypes/text_short.schema.json"),
    ),
    (
        "datatypes/text_short_multilingual.schema.json",
        include_str!("../../schemas/datascene/datatypes/text_short_multilingual.schema.json"),
    ),
    (
        "utilities/contribution.schema.json",
        include_str!("../../schemas/datascene/utilities/contribution.schema.json"),
    ),
    (
        "utilities/geographic_relation.schema.json",
        include_str!("../../schemas/datascene/utilities/geographic_relation.schema.json"),
    ),
    (
        "utilities/identifier.schema.json",
        include_str!("../../schemas/datascene/utilities/identifier.schema.json"),
    ),
    (
        "utilities/media.schema.json",
        include_str!("../../schemas/datascene/utilities/media.schema.json"),
    ),
    (
        "utilities/postal_address.schema.json",
        include_str!("../../schemas/datascene/utilities/postal_address.schema.json"),
    ),
    (
        "utilities/room_specification.schema.json",
        include_str!("../../schemas/datascene/utilities/room_specification.schema.json"),
    ),
    (
        "utilities/term.schema.json",
        include_str!("../../schemas/datascene/utilities/term.schema.json"),
    ),
    (
        "utilities/web_page.schema.json",
        include_str!("../../schemas/datascene/utilities/web_page.schema.json"),
    ),
    (
        "vocabularies/contributor_type.schema.json",
        include_str!("../../schemas/datascene/vocabularies/contributor_type.schema.json"),
    ),
    (
        "vocabularies/event_status.schema.json",
        include_str!("../../schemas/datascene/vocabularies/event_status.schema.json"),
    ),
];

/// The URIs the schemas' relative `$ref`s resolve to: their `$id`s do not all share one base
/// (`https://datascene.ca/schema/...` and `https://datascene.ca/...`), so every file is registered
/// under both. Nothing is ever fetched.
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

/// The schema file of a record type (English or French name).
fn schema_file(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Show" | "Spectacle" => "show.schema.json",
        "Place" | "Lieu" => "place.schema.json",
        "Room" | "Salle" => "room.schema.json",
        "Offer" | "Offre" => "offer.schema.json",
        "Performance" | "Représentation" => "performance.schema.json",
        "Series" | "Série" => "series.schema.json",
        "Work" | "Oeuvre" | "Œuvre" => "work.schema.json",
        "Contributor" | "Contributeur" => "contributor.schema.json",
        "PostalAddress" => "utilities/postal_address.schema.json",
        _ => return None,
    })
}

fn validators() -> &'static Vec<(&'static str, Result<Validator, String>)> {
    static VALIDATORS: OnceLock<Vec<(&'static str, Result<Validator, String>)>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|(file, text)| {
                let built = serde_json::from_str::<Value>(text)
                    .map_err(|error| error.to_string())
                    .and_then(|schema| {
                        jsonschema::options()
                            .with_resources(resources().into_iter())
                            .build(&schema)
                            .map_err(|error| error.to_string())
                    });
                (*file, built)
            })
            .collect()
    })
}

/// Violations of a record against its schema: (JSON pointer, message without the values).
pub fn violations(record: &Value) -> Vec<(String, String)> {
    let kind = record.get("type").and_then(Value::as_str).unwrap_or("");
    let Some(file) = schema_file(kind) else {
        return vec![("/type".to_string(), format!("unknown record type {kind:?}"))];
    };
    let Some((_, built)) = validators().iter().find(|(name, _)| *name == file) else {
        return vec![("".to_string(), format!("no schema {file}"))];
    };
    match built {
        Ok(validator) => validator
            .iter_errors(record)
            .map(|error| (error.instance_path().to_string(), error.masked().to_string()))
            .collect(),
        Err(error) => vec![("".to_string(), format!("schema {file} cannot be compiled: {error}"))],
    }
}

/// Text in a language from a multilingual list (`[{"lang": "fr", "value": ...}]`).
fn text(value: Option<&Value>, lang: &str) -> Option<String> {
    let items = value?.as_array()?;
    items
        .iter()
        .find(|item| item.get("lang").and_then(Value::as_str) == Some(lang))
        .or_else(|| items.first())
        .and_then(|item| item.get("value").and_then(Value::as_str))
        .map(|text| text.trim().trim_end_matches('.').trim().to_string())
        .filter(|text| !text.is_empty())
}

fn english(value: Option<&Value>) -> Option<String> {
    value?
        .as_array()?
        .iter()
        .find(|item| item.get("lang").and_then(Value::as_str) == Some("en"))
        .and_then(|item| item.get("value").and_then(Value::as_str))
        .map(str::to_string)
}

/// Artsdata and Wikidata identifiers from a Datascène `identifier` list (IRIs or objects).
fn identifiers(value: Option<&Value>) -> Identifiers {
    let mut found = Identifiers::default();
    for item in value.and_then(Value::as_array).into_iter().flatten() {
        let (authority, id) = match item {
            Value::String(iri) => ("", iri.as_str()),
            Value::Object(object) => (
                object.get("authority").and_then(Value::as_str).unwrap_or(""),
                object.get("id").and_then(Value::as_str).unwrap_or(""),
            ),
            _ => continue,
        };
        let tail = id.rsplit(['/', '#']).next().unwrap_or(id);
        if (authority == "artsdata" || id.contains("kg.artsdata.ca")) && identifiers::is_artsdata_id(tail) {
            found.artsdata = Some(tail.to_string());
        } else if (authority == "wikidata" || id.contains("wikidata.org")) && identifiers::is_wikidata_id(tail) {
            found.wikidata = Some(tail.to_string());
        }
    }
    found
}

fn place_candidate(place: &Value) -> Option<PlaceCandidate> {
    let address = place.get("address");
    let field = |name: &str| {
        address
            .and_then(|a| a.get(name))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Some(PlaceCandidate {
        name: text(place.get("name"), "fr")?,
        street_address: field("streetAddress"),
        municipality: field("addressLocality"),
        postal_code: field("postalCode"),
        province: field("addressRegion"),
        country: field("addressCountry").map(|c| if c == "CAN" { "CA".to_string() } else { c }),
        latitude: place.pointer("/geo/latitude").and_then(Value::as_f64),
        longitude: place.pointer("/geo/longitude").and_then(Value::as_f64),
        operator_id: None,
        identifiers: identifiers(place.get("identifier")),
    })
}

fn room_configurations(room: &Value) -> Vec<HallConfiguration> {
    room.get("roomConfiguration")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|configuration| {
            let code = configuration.pointer("/layout/code").and_then(Value::as_str)?;
            let capacity = configuration.get("capacity").and_then(Value::as_u64)?;
            let kind = HallConfigurationCode::new(code);
            (ensemble_model::vocab::contains("hall-configurations", code) && capacity > 0).then(|| HallConfiguration {
                kind,
                capacity: u32::try_from(capacity).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// Vocabulary codes of a list of terms, keeping those the vocabulary knows; the others are
/// reported (they are vocabulary codes, not personal data).
fn codes(terms: Option<&Value>, vocabulary: &'static str, row: u64, warnings: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut kept = Vec::new();
    for term in terms.and_then(Value::as_array).into_iter().flatten() {
        let Some(code) = term.get("code").and_then(Value::as_str) else {
            continue;
        };
        if ensemble_model::vocab::contains(vocabulary, code) {
            kept.push(code.to_string());
        } else {
            warnings.push(
                Diagnostic::new(Code::VocabularyDropped, row, vocabulary)
                    .with("value", code)
                    .with("vocabulary", vocabulary),
            );
        }
    }
    kept
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
    for (index, record) in records.into_iter().enumerate() {
        let row = index as u64 + 1;
        writer.row = row;
        let kind = record.get("type").and_then(Value::as_str).unwrap_or("").to_string();
        let raw = || {
            serde_json::json!({
                "type": kind,
                "name": text(record.get("name"), "fr"),
                "identifier": record.get("identifier"),
            })
        };
        let problems: Vec<Diagnostic> = violations(record)
            .into_iter()
            .map(|(pointer, detail)| {
                Diagnostic::new(
                    Code::SchemaViolation,
                    row,
                    if pointer.is_empty() { "/" } else { &pointer },
                )
                .with("detail", detail)
            })
            .collect();
        if !problems.is_empty() {
            collector.outcome(writer, row, Outcome::Rejected(problems), raw, Vec::new())?;
            continue;
        }
        let mut warnings = Vec::new();
        let outcome = match kind.as_str() {
            "Place" | "Lieu" => place(record, writer)?,
            "Room" | "Salle" => Outcome::Skipped(vec![
                Diagnostic::new(Code::NodeSkipped, row, "type").with("reason", "room-without-place"),
            ]),
            "Show" | "Spectacle" => show(record, pseudonymizer, writer, &mut warnings)?,
            _ => Outcome::Skipped(vec![Diagnostic::new(Code::NodeSkipped, row, "type")]),
        };
        collector.outcome(writer, row, outcome, raw, warnings)?;
    }
    Ok(())
}

fn place(record: &Value, writer: &mut Writer<'_, '_>) -> Result<Outcome, ImportError> {
    let Some(candidate) = place_candidate(record) else {
        return Ok(Outcome::Rejected(vec![Diagnostic::new(
            Code::ValueMissing,
            writer.row,
            "name",
        )]));
    };
    let place = writer.place(candidate)?;
    for room in record.get("inRoom").and_then(Value::as_array).into_iter().flatten() {
        let name = text(room.get("name"), "fr");
        writer.hall(place.id, name.as_deref(), room_configurations(room))?;
    }
    Ok(Outcome::Imported)
}

fn show(
    record: &Value,
    pseudonymizer: &Pseudonymizer,
    writer: &mut Writer<'_, '_>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Outcome, ImportError> {
    let row = writer.row;
    let Some(title) = text(record.get("name"), "fr") else {
        return Ok(Outcome::Rejected(vec![Diagnostic::new(
            Code::ValueMissing,
            row,
            "name",
        )]));
    };
    let source_id = record
        .pointer("/identifier/0")
        .and_then(Value::as_str)
        .map(|id| pseudonymizer.record_key(&["datascene-show", id]));
    let linked = writer.show(&title, identifiers(record.get("identifier")), source_id.as_deref())?;
    let disciplines = codes(record.get("discipline"), "disciplines-asq", row, warnings);
    let audiences = codes(record.get("audience"), "public-cible", row, warnings);
    if !linked.existing
        && let Some(mut stored) = writer.session().get::<Show>(linked.id.0)?
    {
        stored.title_en = english(record.get("name"));
        stored.disciplines = disciplines.into_iter().map(DisciplineCode::new).collect();
        stored.audiences = audiences.into_iter().map(AudienceCode::new).collect();
        stored.languages = record
            .get("inLanguage")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str().map(str::to_string))
            .collect();
        writer.session().update(&stored)?;
    }
    for performance in record
        .get("hasPerformance")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(start) = performance
            .get("startDateTime")
            .and_then(Value::as_str)
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        else {
            warnings.push(Diagnostic::new(
                Code::DatetimeInvalid,
                row,
                "hasPerformance.startDateTime",
            ));
            continue;
        };
        let offers: Vec<&Value> = performance
            .get("hasOffer")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        let place = offers
            .iter()
            .find_map(|offer| offer.get("inPlace"))
            .or_else(|| performance.get("inPlace"))
            .and_then(place_candidate);
        let hall = match place {
            Some(candidate) => {
                let place = writer.place(candidate)?;
                Some(writer.hall(place.id, None, Vec::new())?.id)
            }
            None => None,
        };
        let key = performance
            .pointer("/identifier/0")
            .and_then(Value::as_str)
            .map(|id| pseudonymizer.record_key(&["datascene-performance", id]));
        let presenter = writer.member.organization_id;
        let Some(created) = writer.performance(
            linked.id,
            start,
            "America/Toronto",
            hall,
            presenter,
            EventStatus::Scheduled,
            key.as_deref(),
            true,
        )?
        else {
            warnings.push(Diagnostic::new(
                Code::VenueUnknown,
                row,
                "hasPerformance.hasOffer.inPlace",
            ));
            continue;
        };
        for (position, offer) in offers.iter().enumerate() {
            let key = pseudonymizer.record_key(&["datascene-offer", &created.id.0.to_string(), &position.to_string()]);
            let free = offer
                .get("isAccessibleForFree")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let sold_out = offer.get("isSoldout").and_then(Value::as_bool).unwrap_or(false);
            let url = offer.pointer("/url").and_then(Value::as_str).map(str::to_string);
            let performance_id = created.id;
            writer.upsert(&key, |id, provenance| Offer {
                id: OfferId(id),
                performance_id,
                price_type: if free { PriceType::Free } else { PriceType::Regular },
                price: None,
                currency: "CAD".to_string(),
                is_free: free,
                sold_out,
                url: url.clone(),
                provenance,
            })?;
        }
    }
    Ok(Outcome::Imported)
}
