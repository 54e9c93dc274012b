//! The Scène Pro (RIDEAU) presenters file as Artsdata publishes it: `{"count", "diffusers": [...]}`,
//! each presenter with its venues and their hall configurations. Presenters become organisations,
//! venues places operated by them, and each venue's configurations (where Scène Pro keeps the
//! capacities) a hall. Phones and emails in the file are not read: a venue's phone is not needed.

use ensemble_model::identifiers::{is_artsdata_id, is_neq, is_scenepro_id, is_wikidata_id};
use ensemble_model::{HallConfiguration, HallConfigurationCode, Identifiers, ValueChainRole, geo};
use ensemble_privacy::Pseudonymizer;
use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::{Collector, ImportError};
use crate::source::SourceError;
use crate::target::Outcome;
use crate::writer::{OrganizationCandidate, PlaceCandidate, Writer};

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    diffusers: Vec<serde_json::Value>,
}

/// A presenter as Scène Pro publishes it (every field optional: the reader is tolerant).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Presenter {
    /// Scène Pro's number.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its website (sometimes without a scheme).
    pub website: Option<String>,
    /// Québec enterprise number.
    pub neq: Option<String>,
    /// Artsdata identifier.
    #[serde(rename = "artsdataId")]
    pub artsdata_id: Option<String>,
    /// Wikidata identifier.
    #[serde(rename = "wikidataId")]
    pub wikidata_id: Option<String>,
    /// Municipality.
    pub city: Option<String>,
    /// Postal code.
    #[serde(rename = "zipCode")]
    pub zip_code: Option<String>,
    /// Province, by name.
    #[serde(rename = "otherState")]
    pub other_state: Option<String>,
    /// Scène Pro's organisation types (`DIFFUSER`, `VENUE_OWNER`, `PRODUCER`).
    #[serde(rename = "organizationTypes")]
    pub organization_types: Vec<String>,
    /// Its venues.
    pub venues: Vec<Venue>,
}

/// A venue as Scène Pro publishes it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Venue {
    /// Scène Pro's number.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Street address.
    pub address1: Option<String>,
    /// Municipality.
    pub city: Option<String>,
    /// Postal code.
    #[serde(rename = "zipCode")]
    pub zip_code: Option<String>,
    /// Province, by name.
    #[serde(rename = "otherState")]
    pub other_state: Option<String>,
    /// Country, by name.
    pub country: Option<String>,
    /// Artsdata identifier.
    #[serde(rename = "artsdataId")]
    pub artsdata_id: Option<String>,
    /// Wikidata identifier.
    #[serde(rename = "wikidataId")]
    pub wikidata_id: Option<String>,
    /// Set-ups with their capacities.
    pub configurations: Vec<Configuration>,
}

/// One configuration of a venue.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Configuration {
    /// Seats or places.
    pub capacity: Option<u32>,
    /// Scène Pro's type (`ITALIAN`, `CABARET`, ...).
    #[serde(rename = "type")]
    pub kind: String,
}

/// The presenters of a Scène Pro file, in file order; a presenter that cannot be read is `None`.
pub fn presenters(json: &serde_json::Value) -> Result<Vec<Option<Presenter>>, SourceError> {
    let file: File = serde_json::from_value(json.clone()).map_err(|error| SourceError::Malformed(error.to_string()))?;
    Ok(file
        .diffusers
        .into_iter()
        .map(|value| serde_json::from_value(value).ok())
        .collect())
}

/// An identifier kept only when well formed.
fn keep(value: &Option<String>, valid: fn(&str) -> bool) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|text| valid(text))
        .map(str::to_string)
}

/// Whether an identifier was given but is not well formed.
fn dropped(value: &Option<String>, valid: fn(&str) -> bool) -> bool {
    value
        .as_deref()
        .map(str::trim)
        .is_some_and(|text| !text.is_empty() && !valid(text))
}

impl Presenter {
    /// External identifiers, keeping only well-formed ones.
    pub fn identifiers(&self) -> Identifiers {
        Identifiers {
            artsdata: keep(&self.artsdata_id, is_artsdata_id),
            wikidata: keep(&self.wikidata_id, is_wikidata_id),
            isni: None,
            neq: keep(&self.neq, is_neq),
            scenepro: Some(self.id.to_string()).filter(|id| is_scenepro_id(id)),
        }
    }

    fn dropped_identifiers(&self) -> Vec<&'static str> {
        [
            ("artsdata", dropped(&self.artsdata_id, is_artsdata_id)),
            ("wikidata", dropped(&self.wikidata_id, is_wikidata_id)),
            ("neq", dropped(&self.neq, is_neq)),
        ]
        .into_iter()
        .filter_map(|(name, bad)| bad.then_some(name))
        .collect()
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
        let site = self.website.as_deref()?.trim();
        if site.is_empty() {
            None
        } else if site.starts_with("http://") || site.starts_with("https://") {
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
            scenepro: Some(self.id.to_string()).filter(|id| is_scenepro_id(id)),
        }
    }

    fn dropped_identifiers(&self) -> Vec<&'static str> {
        [
            ("artsdata", dropped(&self.artsdata_id, is_artsdata_id)),
            ("wikidata", dropped(&self.wikidata_id, is_wikidata_id)),
        ]
        .into_iter()
        .filter_map(|(name, bad)| bad.then_some(name))
        .collect()
    }

    /// Hall configurations mapped to Datascène terms; rehearsal rooms and empty capacities are
    /// left out.
    pub fn hall_configurations(&self) -> Vec<HallConfiguration> {
        self.configurations
            .iter()
            .filter_map(|configuration| {
                let capacity = configuration.capacity.filter(|c| *c > 0)?;
                let code = match configuration.kind.as_str() {
                    "ITALIAN" => "Italienne",
                    "CABARET" => "Cabaret",
                    "DEBOUT" => "Debout",
                    "THEATER" => "Theatre",
                    "CONFERENCE" => "Conference",
                    "MULTIFUNCTIONAL" | "OTHER" | "ONTHESCENE" => "Multifonctionnelle",
                    _ => return None,
                };
                Some(HallConfiguration {
                    kind: HallConfigurationCode::new(code),
                    capacity,
                })
            })
            .collect()
    }
}

/// Province code from the name Scène Pro gives.
pub fn province_code(name: Option<&str>) -> Option<String> {
    let code = match geo::fold_name(name?).as_str() {
        "quebec" => "QC",
        "ontario" => "ON",
        "colombie britannique" | "british columbia" => "BC",
        "nouveau brunswick" | "new brunswick" => "NB",
        "alberta" => "AB",
        "manitoba" => "MB",
        _ => return None,
    };
    Some(code.to_string())
}

fn country_code(name: Option<&str>) -> Option<String> {
    match geo::fold_name(name?).as_str() {
        "canada" => Some("CA".to_string()),
        "france" => Some("FR".to_string()),
        "etats unis" | "united states" => Some("US".to_string()),
        _ => None,
    }
}

fn identifier_warnings(row: u64, names: Vec<&'static str>) -> Vec<Diagnostic> {
    names
        .into_iter()
        .map(|name| Diagnostic::new(Code::IdentifierDropped, row, name))
        .collect()
}

/// Imports a Scène Pro file: each presenter, then each of its venues, is one row.
pub fn import(
    json: &serde_json::Value,
    _pseudonymizer: &Pseudonymizer,
    collector: &mut Collector,
    writer: &mut Writer<'_, '_>,
) -> Result<(), ImportError> {
    let mut row = 0u64;
    for presenter in presenters(json)? {
        row += 1;
        writer.row = row;
        let Some(presenter) = presenter.filter(|p| !p.name.trim().is_empty()) else {
            let problem = Diagnostic::new(Code::ValueMissing, row, "name");
            let raw = || serde_json::json!({ "kind": "presenter" });
            collector.outcome(writer, row, Outcome::Rejected(vec![problem]), raw, Vec::new())?;
            continue;
        };
        let organization = writer
            .organization(OrganizationCandidate {
                name: presenter.name.trim().to_string(),
                municipality: presenter.city.clone().filter(|c| !c.trim().is_empty()),
                postal_code: presenter.zip_code.clone(),
                roles: presenter.roles(),
                website: presenter.website_url(),
                identifiers: presenter.identifiers(),
            })?
            .id;
        let warnings = identifier_warnings(row, presenter.dropped_identifiers());
        collector.outcome(writer, row, Outcome::Imported, || serde_json::Value::Null, warnings)?;
        for venue in &presenter.venues {
            row += 1;
            writer.row = row;
            if venue.name.trim().is_empty() {
                let problem = Diagnostic::new(Code::ValueMissing, row, "name");
                let raw = || serde_json::json!({ "kind": "venue", "id": venue.id });
                collector.outcome(writer, row, Outcome::Rejected(vec![problem]), raw, Vec::new())?;
                continue;
            }
            let place = writer.place(PlaceCandidate {
                name: venue.name.trim().to_string(),
                street_address: venue.address1.clone().filter(|a| !a.trim().is_empty()),
                municipality: venue.city.clone().filter(|c| !c.trim().is_empty()),
                postal_code: venue.zip_code.clone(),
                province: province_code(venue.other_state.as_deref()),
                country: country_code(venue.country.as_deref()),
                latitude: None,
                longitude: None,
                operator_id: Some(organization),
                identifiers: venue.identifiers(),
            })?;
            writer.hall(place.id, Some(venue.name.trim()), venue.hall_configurations())?;
            let warnings = identifier_warnings(row, venue.dropped_identifiers());
            collector.outcome(writer, row, Outcome::Imported, || serde_json::Value::Null, warnings)?;
        }
    }
    Ok(())
}
