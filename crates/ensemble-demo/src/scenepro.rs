//! The Scène Pro presenters and their venues (Artsdata, CC0), read into model records: the
//! non-member organisations, places and halls of the demo consortium.

use ensemble_model::{HallConfiguration, LoadingAccess, TechnicalSpecs};

pub use ensemble_ingest::documents::scenepro::{Configuration, Presenter, Venue, province_code};

const ENTITIES: &str = include_str!("../../../data/reference/raw/artsdata-scenepro/entities.json");

/// Every presenter of the reference file, in file order (read by the intake's Scène Pro reader).
pub fn presenters() -> Vec<Presenter> {
    serde_json::from_str(ENTITIES)
        .ok()
        .and_then(|json| ensemble_ingest::documents::scenepro::presenters(&json).ok())
        .map(|presenters| presenters.into_iter().flatten().collect())
        .unwrap_or_default()
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
