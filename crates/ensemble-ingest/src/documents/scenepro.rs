//! The Scène Pro (RIDEAU) presenters file as Artsdata publishes it: `{"count", "diffusers": [...]}`,
//! each presenter with its venues and their hall configurations. Presenters become organisations,
//! venues places operated by them, and each venue's configurations (where Scène Pro keeps the
//! capacities) a hall. Each presenter, then each of its venues, is one row. Phones and emails in
//! the file are not read: a venue's phone is not needed, and the formats vary anyway.

use ensemble_model::identifiers::{is_artsdata_id, is_neq, is_scenepro_id, is_wikidata_id};
use ensemble_model::{HallConfiguration, HallConfigurationCode, Identifiers, OrganizationId, ValueChainRole, geo};
use ensemble_privacy::Pseudonymizer;
use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::{Collector, ImportError};
use crate::source::SourceError;
use crate::target::Outcome;
use crate::writer::{OrganizationCandidate, PlaceCandidate, Writer};

/// Field readers that never fail: a value of an unexpected type reads as absent (a number as
/// text), so that one odd field does not cost a whole presenter and its venues. The file comes
/// from an API whose types have not always been stable (numbers as text, nulls for lists).
mod lenient {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    fn whole(value: &Value) -> Option<i64> {
        match value {
            Value::Number(number) => number.as_i64().or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                    .map(|f| f as i64)
            }),
            Value::String(text) => text.trim().replace([' ', '\u{a0}'], "").parse().ok(),
            _ => None,
        }
    }

    /// Text, also from a number (an NEQ or an id written as a number).
    pub fn text<'de, D: Deserializer<'de>>(input: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(input)? {
            Value::String(text) => Some(text),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        })
    }

    /// Text, empty when absent.
    pub fn string<'de, D: Deserializer<'de>>(input: D) -> Result<String, D::Error> {
        Ok(text(input)?.unwrap_or_default())
    }

    /// A whole number (also from text), 0 when absent.
    pub fn id<'de, D: Deserializer<'de>>(input: D) -> Result<i64, D::Error> {
        Ok(whole(&Value::deserialize(input)?).unwrap_or(0))
    }

    /// A count of seats (also from text, `"825"`); absent when negative or not a number.
    pub fn count<'de, D: Deserializer<'de>>(input: D) -> Result<Option<u32>, D::Error> {
        Ok(whole(&Value::deserialize(input)?).and_then(|n| u32::try_from(n).ok()))
    }

    /// A list read item by item: an item that cannot be read becomes the default one (still
    /// counted as a row), a list that is not one (`null`) is empty.
    pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(input: D) -> Result<Vec<T>, D::Error> {
        Ok(match Value::deserialize(input)? {
            Value::Array(items) => items
                .into_iter()
                .map(|item| serde_json::from_value(item).unwrap_or_default())
                .collect(),
            _ => Vec::new(),
        })
    }
}

/// A presenter as Scène Pro publishes it (every field optional, unknown fields ignored).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Presenter {
    /// Scène Pro's number (0 when absent).
    #[serde(deserialize_with = "lenient::id")]
    pub id: i64,
    /// Its name.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// Its website (sometimes without a scheme).
    #[serde(deserialize_with = "lenient::text")]
    pub website: Option<String>,
    /// Québec enterprise number.
    #[serde(deserialize_with = "lenient::text")]
    pub neq: Option<String>,
    /// Artsdata identifier.
    #[serde(rename = "artsdataId", deserialize_with = "lenient::text")]
    pub artsdata_id: Option<String>,
    /// Wikidata identifier.
    #[serde(rename = "wikidataId", deserialize_with = "lenient::text")]
    pub wikidata_id: Option<String>,
    /// Municipality.
    #[serde(deserialize_with = "lenient::text")]
    pub city: Option<String>,
    /// Postal code.
    #[serde(rename = "zipCode", deserialize_with = "lenient::text")]
    pub zip_code: Option<String>,
    /// Province, by name.
    #[serde(rename = "otherState", deserialize_with = "lenient::text")]
    pub other_state: Option<String>,
    /// Scène Pro's organisation types (`DIFFUSER`, `VENUE_OWNER`, `PRODUCER`).
    #[serde(rename = "organizationTypes", deserialize_with = "lenient::list")]
    pub organization_types: Vec<String>,
    /// Its venues.
    #[serde(deserialize_with = "lenient::list")]
    pub venues: Vec<Venue>,
}

/// A venue as Scène Pro publishes it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Venue {
    /// Scène Pro's number (0 when absent).
    #[serde(deserialize_with = "lenient::id")]
    pub id: i64,
    /// Its name.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// Street address.
    #[serde(deserialize_with = "lenient::text")]
    pub address1: Option<String>,
    /// Municipality.
    #[serde(deserialize_with = "lenient::text")]
    pub city: Option<String>,
    /// Postal code.
    #[serde(rename = "zipCode", deserialize_with = "lenient::text")]
    pub zip_code: Option<String>,
    /// Province, by name.
    #[serde(rename = "otherState", deserialize_with = "lenient::text")]
    pub other_state: Option<String>,
    /// Country, by name.
    #[serde(deserialize_with = "lenient::text")]
    pub country: Option<String>,
    /// Artsdata identifier.
    #[serde(rename = "artsdataId", deserialize_with = "lenient::text")]
    pub artsdata_id: Option<String>,
    /// Wikidata identifier.
    #[serde(rename = "wikidataId", deserialize_with = "lenient::text")]
    pub wikidata_id: Option<String>,
    /// Set-ups with their capacities.
    #[serde(deserialize_with = "lenient::list")]
    pub configurations: Vec<Configuration>,
}

/// One configuration of a venue.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Configuration {
    /// Seats or places.
    #[serde(deserialize_with = "lenient::count")]
    pub capacity: Option<u32>,
    /// Scène Pro's type (`ITALIAN`, `CABARET`, ...).
    #[serde(rename = "type", deserialize_with = "lenient::string")]
    pub kind: String,
}

/// Scène Pro configuration types and their Datascène hall-configuration codes. A rehearsal room
/// (`REPETITION`) is not a set-up for an audience: it maps to nothing and is left out.
const CONFIGURATION_TYPES: &[(&str, Option<&str>)] = &[
    ("ITALIAN", Some("Italienne")),
    ("CABARET", Some("Cabaret")),
    ("DEBOUT", Some("Debout")),
    ("THEATER", Some("Theatre")),
    ("CONFERENCE", Some("Conference")),
    ("AMPHITHEATER", Some("Amphitheatre")),
    ("HYBRID", Some("HybrideMixte")),
    ("MULTIFUNCTIONAL", Some("Multifonctionnelle")),
    ("OTHER", Some("Multifonctionnelle")),
    ("ONTHESCENE", Some("Multifonctionnelle")),
    ("REPETITION", None),
];

/// What a type unknown to [`CONFIGURATION_TYPES`] becomes: the capacity is still worth keeping.
const UNKNOWN_CONFIGURATION: &str = "Multifonctionnelle";

/// The presenters of a Scène Pro file, in file order; an entry that is not an object is `None`.
pub fn presenters(json: &Value) -> Result<Vec<Option<Presenter>>, SourceError> {
    let entries = match json.get("diffusers") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(SourceError::Malformed("\"diffusers\" is not a list".to_string())),
    };
    Ok(entries
        .iter()
        .map(|entry| entry.is_object().then(|| Presenter::deserialize(entry).ok()).flatten())
        .collect())
}

/// The trimmed text, when there is some.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|text| !text.is_empty())
}

/// An identifier kept only when well formed.
fn keep(value: &Option<String>, valid: fn(&str) -> bool) -> Option<String> {
    given(value).filter(|text| valid(text)).map(str::to_string)
}

/// The names of identifiers given but not well formed (never their values).
fn malformed(checks: &[(&'static str, &Option<String>, fn(&str) -> bool)]) -> Vec<&'static str> {
    checks
        .iter()
        .filter(|(_, value, valid)| given(value).is_some_and(|text| !valid(text)))
        .map(|(name, _, _)| *name)
        .collect()
}

fn scenepro_id(id: i64) -> Option<String> {
    Some(id.to_string()).filter(|id| is_scenepro_id(id))
}

impl Presenter {
    /// External identifiers, keeping only well-formed ones.
    pub fn identifiers(&self) -> Identifiers {
        Identifiers {
            artsdata: keep(&self.artsdata_id, is_artsdata_id),
            wikidata: keep(&self.wikidata_id, is_wikidata_id),
            isni: None,
            neq: keep(&self.neq, is_neq),
            scenepro: scenepro_id(self.id),
        }
    }

    fn malformed_identifiers(&self) -> Vec<&'static str> {
        malformed(&[
            ("artsdata", &self.artsdata_id, is_artsdata_id),
            ("wikidata", &self.wikidata_id, is_wikidata_id),
            ("neq", &self.neq, is_neq),
        ])
    }

    /// Value-chain roles from Scène Pro's organisation types.
    pub fn roles(&self) -> Vec<ValueChainRole> {
        let mut roles = vec![ValueChainRole::Presenter];
        if self.organization_types.iter().any(|t| t == "VENUE_OWNER") {
            roles.push(ValueChainRole::VenueOperator);
        }
        if self.organization_types.iter().any(|t| t == "PRODUCER") {
            roles.push(ValueChainRole::Producer);
        }
        roles
    }

    /// The website as an absolute URL.
    pub fn website_url(&self) -> Option<String> {
        let site = given(&self.website)?;
        if site.starts_with("http://") || site.starts_with("https://") {
            Some(site.to_string())
        } else {
            Some(format!("https://{site}"))
        }
    }
}

impl Venue {
    /// External identifiers, keeping only well-formed ones.
    pub fn identifiers(&self) -> Identifiers {
        Identifiers {
            artsdata: keep(&self.artsdata_id, is_artsdata_id),
            wikidata: keep(&self.wikidata_id, is_wikidata_id),
            isni: None,
            neq: None,
            scenepro: scenepro_id(self.id),
        }
    }

    fn malformed_identifiers(&self) -> Vec<&'static str> {
        malformed(&[
            ("artsdata", &self.artsdata_id, is_artsdata_id),
            ("wikidata", &self.wikidata_id, is_wikidata_id),
        ])
    }

    /// The configurations that have a capacity, with their Datascène code (`None`: left out).
    fn sized(&self) -> impl Iterator<Item = (&str, Option<&'static str>, u32)> {
        self.configurations.iter().filter_map(|configuration| {
            let capacity = configuration.capacity.filter(|c| *c > 0)?;
            let kind = configuration.kind.trim();
            let code = CONFIGURATION_TYPES
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(kind))
                .map_or(Some(UNKNOWN_CONFIGURATION), |(_, code)| *code);
            Some((kind, code, capacity))
        })
    }

    /// Hall configurations mapped to Datascène terms; unknown types count as multi-purpose,
    /// rehearsal rooms and empty capacities are left out.
    pub fn hall_configurations(&self) -> Vec<HallConfiguration> {
        self.sized()
            .filter_map(|(_, code, capacity)| {
                Some(HallConfiguration {
                    kind: HallConfigurationCode::new(code?),
                    capacity,
                })
            })
            .collect()
    }

    /// Configuration types this reader does not know (kept as multi-purpose).
    fn unknown_configuration_types(&self) -> Vec<&str> {
        self.sized()
            .map(|(kind, _, _)| kind)
            .filter(|kind| {
                !CONFIGURATION_TYPES
                    .iter()
                    .any(|(name, _)| name.eq_ignore_ascii_case(kind))
            })
            .collect()
    }
}

/// Province code from the name Scène Pro gives.
pub fn province_code(name: Option<&str>) -> Option<String> {
    crate::values::province_code(name?)
}

fn country_code(name: Option<&str>) -> Option<String> {
    let code = match geo::fold_name(name?).as_str() {
        "canada" => "CA",
        "france" => "FR",
        "etats unis" | "united states" => "US",
        "belgique" | "belgium" => "BE",
        "suisse" | "switzerland" => "CH",
        _ => return None,
    };
    Some(code.to_string())
}

fn identifier_warnings(row: u64, names: Vec<&'static str>) -> Vec<Diagnostic> {
    names
        .into_iter()
        .map(|name| Diagnostic::new(Code::IdentifierDropped, row, name))
        .collect()
}

/// Unknown configuration types, kept as multi-purpose. `vocabulary-dropped` is the closest code
/// (the type is not in the vocabulary); `replacement` says what it became.
fn configuration_warnings(row: u64, venue: &Venue) -> Vec<Diagnostic> {
    venue
        .unknown_configuration_types()
        .into_iter()
        .map(|kind| {
            Diagnostic::new(Code::VocabularyDropped, row, "configurations")
                .with("value", kind)
                .with("vocabulary", HallConfigurationCode::VOCABULARY)
                .with("replacement", UNKNOWN_CONFIGURATION)
        })
        .collect()
}

/// A row that cannot be imported for want of a name. The quarantine keeps only what says which
/// entry it was (its kind and Scène Pro number): no contact detail of the file goes there.
fn rejected_without_name(
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
    kind: &str,
    id: i64,
) -> Result<(), ImportError> {
    let row = writer.row;
    let problem = Diagnostic::new(Code::ValueMissing, row, "name");
    let raw = || serde_json::json!({ "kind": kind, "id": scenepro_id(id) });
    collector.outcome(writer, row, Outcome::Rejected(vec![problem]), raw, Vec::new())?;
    Ok(())
}

/// Imports a Scène Pro file: each presenter, then each of its venues, is one row.
pub fn import(
    json: &Value,
    _pseudonymizer: &Pseudonymizer,
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
) -> Result<(), ImportError> {
    let presenters: Vec<Presenter> = presenters(json)?.into_iter().map(Option::unwrap_or_default).collect();
    let mut row = 0;
    for presenter in &presenters {
        row += 1;
        writer.row = row;
        let operator = self::presenter(presenter, collector, writer)?;
        for venue in &presenter.venues {
            row += 1;
            writer.row = row;
            self::venue(venue, operator, collector, writer)?;
        }
    }
    Ok(())
}

/// The presenter's organisation, found or created (`None` when it has no name: its venues are
/// still imported, without an operator).
fn presenter(
    presenter: &Presenter,
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
) -> Result<Option<OrganizationId>, ImportError> {
    let name = presenter.name.trim();
    if name.is_empty() {
        rejected_without_name(collector, writer, "presenter", presenter.id)?;
        return Ok(None);
    }
    let organization = writer.organization(OrganizationCandidate {
        name: name.to_string(),
        municipality: given(&presenter.city).map(str::to_string),
        postal_code: presenter.zip_code.clone(),
        roles: presenter.roles(),
        website: presenter.website_url(),
        identifiers: presenter.identifiers(),
    })?;
    let row = writer.row;
    let warnings = identifier_warnings(row, presenter.malformed_identifiers());
    collector.outcome(writer, row, Outcome::Imported, || Value::Null, warnings)?;
    Ok(Some(organization.id))
}

/// A venue as a place operated by its presenter, with one hall named as the venue (Scène Pro
/// describes one hall per venue).
fn venue(
    venue: &Venue,
    operator: Option<OrganizationId>,
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
) -> Result<(), ImportError> {
    let name = venue.name.trim();
    if name.is_empty() {
        return rejected_without_name(collector, writer, "venue", venue.id);
    }
    let place = writer.place(PlaceCandidate {
        name: name.to_string(),
        street_address: given(&venue.address1).map(str::to_string),
        municipality: given(&venue.city).map(str::to_string),
        postal_code: venue.zip_code.clone(),
        province: province_code(venue.other_state.as_deref()),
        country: country_code(venue.country.as_deref()),
        // Scène Pro gives no coordinates.
        latitude: None,
        longitude: None,
        operator_id: operator,
        identifiers: venue.identifiers(),
    })?;
    writer.hall(place.id, Some(name), venue.hall_configurations())?;
    let row = writer.row;
    let mut warnings = identifier_warnings(row, venue.malformed_identifiers());
    warnings.extend(configuration_warnings(row, venue));
    collector.outcome(writer, row, Outcome::Imported, || Value::Null, warnings)?;
    Ok(())
}
