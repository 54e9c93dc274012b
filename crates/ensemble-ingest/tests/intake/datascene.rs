//! The Datascène samples (culturecreates/datascene-serialisation) import after a check against
//! the embedded Datascène JSON Schemas; invalid records go to quarantine; the samples' traps
//! (`datascence.ca` context, the `Chanson` discipline that ASQ does not have) are handled.

use crate::common::{Fixture, data};
use ensemble_ingest::documents::datascene::violations;
use ensemble_ingest::{Format, ProfileChoice};
use ensemble_model::*;
use ensemble_store::ListFilter;
use proptest::prelude::*;

const SHOW: &str = "real/datascene/show/Hommage à Michel Louvain.json";

fn read(relative: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(data(relative)).unwrap()).unwrap()
}

#[test]
fn every_sample_passes_its_schema() {
    for file in [
        "real/datascene/lieu/gtq.json",
        "real/datascene/salle/salle-louise-frechette.json",
        "real/datascene/adresse/sample.json",
        SHOW,
    ] {
        assert_eq!(violations(&read(file)), Vec::<(String, String)>::new(), "{file}");
    }
}

#[test]
fn a_venue_with_its_room_becomes_a_place_and_a_hall() {
    let fixture = Fixture::new();
    let report = fixture
        .import(&data("real/datascene/lieu/gtq.json"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(report.format, Some(Format::Datascene));
    assert_eq!(
        (report.rows_read, report.rows_imported),
        (1, 1),
        "{:#?}",
        report.diagnostics
    );
    let places: Vec<Place> = fixture.store.list(&ListFilter::default()).unwrap();
    let theatre = places.iter().find(|p| p.name == "Grand Théâtre de Québec").unwrap();
    assert_eq!(theatre.identifiers.artsdata.as_deref(), Some("K5-180"));
    assert_eq!(theatre.identifiers.wikidata.as_deref(), Some("Q3114610"));
    assert_eq!(theatre.postal_code.as_deref(), Some("G1R 2B3"));
    let halls: Vec<Hall> = fixture.store.list(&ListFilter::default()).unwrap();
    assert!(
        halls
            .iter()
            .any(|h| h.place_id == theatre.id && h.name.contains("Fréchette"))
    );
    // Idempotent: the same file again creates nothing.
    let again = fixture
        .import(&data("real/datascene/lieu/gtq.json"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(again.tally.created_total(), 0, "{:?}", again.tally);
}

#[test]
fn the_show_sample_with_its_traps() {
    let fixture = Fixture::new();
    // Trap: the sample's context is `datascence.ca` (sic); the record is still Datascène.
    assert!(std::fs::read_to_string(data(SHOW)).unwrap().contains("datascence.ca"));
    let report = fixture.import(&data(SHOW), ProfileChoice::Auto).unwrap();
    assert_eq!(report.format, Some(Format::Datascene));
    assert_eq!(report.rows_imported, 1, "{:#?}", report.diagnostics);
    // Trap: `Chanson` is not an ASQ discipline code: dropped with a warning naming it.
    let dropped = report
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "vocabulary-dropped")
        .unwrap();
    assert_eq!(dropped.arg("value"), Some("Chanson"));
    let shows: Vec<Show> = fixture.store.list(&ListFilter::default()).unwrap();
    assert_eq!(shows.len(), 1);
    assert_eq!(shows[0].title_fr, "Hommage à Michel Louvain");
    assert!(shows[0].disciplines.is_empty());
    assert_eq!(shows[0].audiences, vec![AudienceCode::new("ToutPublics")]);
    assert!(shows[0].validate().is_empty());
    // Its performance at Salle Albert-Rousseau, with its offer.
    let performances: Vec<Performance> = fixture.store.list(&ListFilter::default()).unwrap();
    let sample = read(SHOW);
    assert_eq!(performances.len(), sample["hasPerformance"].as_array().unwrap().len());
    assert_eq!(performances[0].starts_at.to_rfc3339(), "2023-02-26T15:00:00-05:00");
    let places: Vec<Place> = fixture.store.list(&ListFilter::default()).unwrap();
    assert!(places.iter().any(|p| p.name == "Salle Albert-Rousseau"));
    assert!(fixture.store.count::<Offer>().unwrap() >= 1);
    let again = fixture.import(&data(SHOW), ProfileChoice::Auto).unwrap();
    assert_eq!(again.tally.created_total(), 0, "{:?}", again.tally);
}

#[test]
fn a_record_that_breaks_its_schema_is_quarantined_with_the_place_of_the_error() {
    let fixture = Fixture::new();
    let mut place = read("real/datascene/lieu/gtq.json");
    place.as_object_mut().unwrap().remove("name");
    place["virtualPlace"] = serde_json::json!("non");
    let path = fixture.dir.path().join("lieu-invalide.json");
    std::fs::write(
        &path,
        serde_json::to_string(&serde_json::json!([place, read("real/datascene/adresse/sample.json")])).unwrap(),
    )
    .unwrap();
    let report = fixture.import(&path, ProfileChoice::Auto).unwrap();
    assert_eq!(report.rows_read, 2);
    assert_eq!(report.rows_quarantined, 1);
    assert_eq!(report.rows_skipped, 1, "an address alone is not imported");
    let problems: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "schema-violation")
        .collect();
    assert!(problems.iter().any(|d| d.field == "/virtualPlace"), "{problems:#?}");
    assert!(
        problems.iter().any(|d| d.arg("detail").unwrap().contains("name")),
        "{problems:#?}"
    );
    assert_eq!(fixture.store.count::<Place>().unwrap(), 1, "only the fixture's place");
    let quarantine = fixture
        .store
        .read(|s| s.quarantine_any(MemberId(1), None, None))
        .unwrap();
    assert_eq!(quarantine.len(), 1);
}

#[test]
fn offers_alone_are_left_out_with_a_notice() {
    for file in [
        "real/datascene/offre/offre_gratuit.json",
        "real/datascene/offre/offre_avec_lien_acquistion.json",
        "real/datascene/offre/offre_sans_lien_acquisition.json",
    ] {
        let fixture = Fixture::new();
        let report = fixture.import(&data(file), ProfileChoice::Auto).unwrap();
        assert_eq!(report.rows_read, 1, "{file}");
        assert_eq!(
            report.rows_imported + report.rows_skipped + report.rows_quarantined,
            1,
            "{file}"
        );
        assert_eq!(fixture.store.count::<Offer>().unwrap(), 0, "{file}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn truncated_and_mutated_samples_never_panic(cut in 0.0f64..1.0, flip in any::<(usize, u8)>()) {
        let mut bytes = std::fs::read(data(SHOW)).unwrap();
        bytes.truncate((bytes.len() as f64 * cut) as usize);
        if !bytes.is_empty() {
            let at = flip.0 % bytes.len();
            bytes[at] = flip.1;
        }
        let fixture = Fixture::new();
        let path = fixture.dir.path().join("spectacle.json");
        std::fs::write(&path, &bytes).unwrap();
        let _ = fixture.import(&path, ProfileChoice::Auto);
    }
}
