//! The Scène Pro presenters and their venues (Artsdata, CC0), read into model records: the
//! non-member organisations, places and halls of the demo consortium.

use ensemble_model::identifiers::{is_artsdata_id, is_neq, is_scenepro_id, is_wikidata_id};
use ensemble_model::{
    HallConfiguration, HallConfigurationCode, Identifiers, LoadingAccess, TechnicalSpecs, ValueChainRole, geo,
};
use serde::Deserialize;

const ENTITIES: &str = include_str!("../../../data/reference/raw/artsdata-scenepro/entities.json");

#[derive(Deserialize)]
struct File {
    diffusers: Vec<Presenter>,
}

/// A presenter as Scène Pro publishes it.
#[derive(Deserialize)]
pub struct Presenter {
    pub id: i64,
    pub name: String,
    pub website: Option<String>,
    pub neq: Option<String>,
    #[serde(rename = "artsdataId")]
    pub artsdata_id: Option<String>,
    #[serde(rename = "wikidataId")]
    pub wikidata_id: Option<String>,
    pub city: Option<String>,
    #[serde(rename = "zipCode")]
    pub zip_code: Option<String>,
    #[serde(rename = "otherState")]
    pub other_state: Option<String>,
    #[serde(rename = "organizationTypes", default)]
    pub organization_types: Vec<String>,
    #[serde(default)]
    pub venues: Vec<Venue>,
}

/// A venue as Scène Pro publishes it.
#[derive(Deserialize)]
pub struct Venue {
    pub id: i64,
    pub name: String,
    pub address1: Option<String>,
    pub city: Option<String>,
    #[serde(rename = "zipCode")]
    pub zip_code: Option<String>,
    #[serde(rename = "otherState")]
    pub other_state: Option<String>,
    pub country: Option<String>,
    #[serde(rename = "artsdataId")]
    pub artsdata_id: Option<String>,
    #[serde(rename = "wikidataId")]
    pub wikidata_id: Option<String>,
    #[serde(default)]
    pub configurations: Vec<Configuration>,
}

/// One configuration of a venue.
#[derive(Deserialize)]
pub struct Configuration {
    pub capacity: Option<u32>,
    #[serde(rename = "type")]
    pub kind: String,
}

/// Every presenter of the reference file, in file order.
pub fn presenters() -> Vec<Presenter> {
    serde_json::from_str::<File>(ENTITIES)
        .map(|file| file.diffusers)
        .unwrap_or_default()
}

fn keep(value: &Option<String>, valid: fn(&str) -> bool) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|text| valid(text))
        .map(str::to_string)
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

    /// Hall configurations mapped to Datascène terms; rehearsal rooms and empty capacities are left out.
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

/// The seated capacity of a set of configurations: the largest seated one, else the largest.
pub fn seated_capacity(configurations: &[HallConfiguration]) -> u32 {
    let seated = configurations
        .iter()
        .filter(|c| c.kind.as_str() != "Debout")
        .map(|c| c.capacity)
        .max();
    seated
        .or_else(|| configurations.iter().map(|c| c.capacity).max())
        .unwrap_or(0)
}

/// Plausible technical specifications for a hall of this capacity (Scène Pro does not publish
/// them): larger halls have wider, deeper, higher stages and more power.
pub fn typical_specs(capacity: u32, variation: f64) -> TechnicalSpecs {
    let size = (f64::from(capacity.max(80)) / 100.0).sqrt();
    let round = |value: f64| (value * 10.0).round() / 10.0;
    TechnicalSpecs {
        stage_opening_width_m: Some(round(6.0 + 3.2 * size * variation)),
        stage_depth_m: Some(round(4.5 + 2.6 * size * variation)),
        stage_height_m: Some(round(3.5 + 1.4 * size * variation)),
        grid_height_m: Some(round(5.0 + 2.4 * size * variation)),
        power_amps: Some(if capacity > 600 {
            400
        } else if capacity > 250 {
            200
        } else {
            100
        }),
        crew: Some(if capacity > 600 {
            6
        } else if capacity > 250 {
            4
        } else {
            2
        }),
        loading: Some(if capacity > 500 {
            LoadingAccess::Dock
        } else if variation > 1.0 {
            LoadingAccess::StreetLevel
        } else {
            LoadingAccess::Stairs
        }),
        wheelchair_accessible: Some(variation > 0.9),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_file_reads_whole() {
        let presenters = presenters();
        assert_eq!(presenters.len(), 167);
        let venues: usize = presenters.iter().map(|p| p.venues.len()).sum();
        assert_eq!(venues, 223);
    }

    #[test]
    fn configurations_map_to_datascene_terms() {
        for presenter in presenters() {
            for venue in &presenter.venues {
                for configuration in venue.hall_configurations() {
                    assert!(ensemble_model::vocab::contains(
                        "hall-configurations",
                        configuration.kind.as_str()
                    ));
                }
            }
        }
    }
}
