//! The Scène Pro presenters file (Artsdata, CC0) imports with the counts the file gives, links on
//! re-import and by identifier, keeps capacities from the venue configurations and never stores
//! phones or emails.

use crate::common::{Fixture, data};
use ensemble_ingest::{Format, ProfileChoice};
use ensemble_model::*;
use ensemble_store::ListFilter;
use proptest::prelude::*;

fn file() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(data("real/scenepro-entities.json")).unwrap()).unwrap()
}

/// Presenters and venues, counted independently of the importer.
fn counts(json: &serde_json::Value) -> (u64, u64) {
    let presenters = json["diffusers"].as_array().unwrap();
    let venues: usize = presenters
        .iter()
        .map(|p| p["venues"].as_array().map_or(0, Vec::len))
        .sum();
    (presenters.len() as u64, venues as u64)
}

fn total(map: &std::collections::BTreeMap<&'static str, u64>, entity: &str) -> u64 {
    map.get(entity).copied().unwrap_or(0)
}

#[test]
fn the_real_file_imports_with_its_counts_and_links_on_reimport() {
    let json = file();
    let (presenters, venues) = counts(&json);
    assert_eq!((presenters, venues), (167, 223));
    let fixture = Fixture::new();
    let report = fixture
        .import(&data("real/scenepro-entities.json"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(report.format, Some(Format::ScenePro));
    assert_eq!(report.rows_read, presenters + venues);
    assert_eq!(report.rows_imported, presenters + venues, "{:#?}", report.diagnostics);
    assert_eq!(report.rows_quarantined, 0);
    let tally = &report.tally;
    assert_eq!(
        total(&tally.created, "Organization") + total(&tally.linked, "Organization"),
        presenters
    );
    assert_eq!(total(&tally.created, "Place") + total(&tally.linked, "Place"), venues);
    assert_eq!(
        fixture.store.count::<Organization>().unwrap(),
        1 + total(&tally.created, "Organization")
    );
    assert_eq!(
        fixture.store.count::<Place>().unwrap(),
        1 + total(&tally.created, "Place")
    );
    // Every organisation carries its Scène Pro number.
    let organizations: Vec<Organization> = fixture.store.list(&ListFilter::default()).unwrap();
    assert!(organizations.iter().skip(1).all(|o| o.identifiers.scenepro.is_some()));

    let again = fixture
        .import(&data("real/scenepro-entities.json"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(again.tally.created_total(), 0, "{:?}", again.tally.created);
    assert_eq!(total(&again.tally.linked, "Organization"), presenters);
    assert_eq!(total(&again.tally.linked, "Place"), venues);
}

#[test]
fn capacities_come_from_the_venue_configurations() {
    let fixture = Fixture::new();
    fixture
        .import(&data("real/scenepro-entities.json"), ProfileChoice::Auto)
        .unwrap();
    let places: Vec<Place> = fixture.store.list(&ListFilter::default()).unwrap();
    let halls: Vec<Hall> = fixture.store.list(&ListFilter::default()).unwrap();
    let andre_mathieu = places.iter().find(|p| p.name == "Salle André-Mathieu").unwrap();
    assert_eq!(andre_mathieu.municipality.as_deref(), Some("Laval"));
    assert_eq!(andre_mathieu.identifiers.wikidata.as_deref(), Some("Q16675360"));
    let hall = halls.iter().find(|h| h.place_id == andre_mathieu.id).unwrap();
    let italian = hall
        .configurations
        .iter()
        .find(|c| c.kind.as_str() == "Italienne")
        .unwrap();
    assert_eq!(italian.capacity, 825);
    for hall in &halls {
        assert!(hall.validate().is_empty(), "{hall:?}");
    }
}

#[test]
fn a_renamed_presenter_with_the_same_identifiers_links() {
    let fixture = Fixture::new();
    fixture
        .import(&data("real/scenepro-entities.json"), ProfileChoice::Auto)
        .unwrap();
    let mut json = file();
    let first = &mut json["diffusers"][0];
    first["name"] = serde_json::json!("Nouveau nom du diffuseur");
    first["venues"] = serde_json::json!([]);
    json["diffusers"] = serde_json::json!([first.clone()]);
    let path = fixture.dir.path().join("renomme.json");
    std::fs::write(&path, json.to_string()).unwrap();
    let report = fixture.import(&path, ProfileChoice::Auto).unwrap();
    assert_eq!(total(&report.tally.linked, "Organization"), 1);
    assert_eq!(total(&report.tally.created, "Organization"), 0);
}

#[test]
fn phones_in_any_format_are_not_stored_and_bad_identifiers_are_dropped_with_a_warning() {
    let fixture = Fixture::new();
    let mut json = file();
    let phones = ["450 667-2327", "(418) 555-0199 poste 12", "+1.819.555.0123", "", "n/d"];
    let list = json["diffusers"].as_array_mut().unwrap();
    for (index, presenter) in list.iter_mut().enumerate() {
        presenter["phone"] = serde_json::json!(phones[index % phones.len()]);
    }
    list[1]["neq"] = serde_json::json!("12-34");
    let path = fixture.dir.path().join("telephones.json");
    std::fs::write(&path, json.to_string()).unwrap();
    let report = fixture.import(&path, ProfileChoice::Auto).unwrap();
    assert_eq!(report.rows_quarantined, 0);
    assert_eq!(
        report.diagnostic_counts.get("identifier-dropped"),
        Some(&1),
        "{:?}",
        report.diagnostic_counts
    );
    drop(fixture.store);
    let bytes = std::fs::read(fixture.dir.path().join("test.db")).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for phone in ["667-2327", "555-0199", "555.0123", "info@co-motion.ca"] {
        assert!(!text.contains(phone), "{phone}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn truncated_and_mutated_copies_never_panic(cut in 0.0f64..1.0, flip in any::<(usize, u8)>()) {
        let mut bytes = std::fs::read(data("real/scenepro-entities.json")).unwrap();
        bytes.truncate((bytes.len() as f64 * cut) as usize);
        if !bytes.is_empty() {
            let at = flip.0 % bytes.len();
            bytes[at] = flip.1;
        }
        let fixture = Fixture::new();
        let path = fixture.dir.path().join("scenepro.json");
        std::fs::write(&path, &bytes).unwrap();
        let _ = fixture.import(&path, ProfileChoice::Auto);
    }
}
