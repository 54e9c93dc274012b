//! Privacy at the edge: a known email, phone, name and street address planted in an import never
//! reach the database (SQLite file bytes, PostgreSQL tables), the report or the messages; only
//! the keyed pseudonym, the postal area and the age band do.

use std::io::Write;

use crate::common::Fixture;
use ensemble_i18n::Lang;
use ensemble_ingest::{ImportReport, ProfileChoice};
use ensemble_model::*;
use ensemble_privacy::Pseudonymizer;
use ensemble_store::{ListFilter, Location};

const EMAIL: &str = "Zoe.Planted-4242@Example.com";
const PHONE: &str = "(514) 555-0142";
const FIRST: &str = "Zoé-Plantée";
const LAST: &str = "Quatremillevingt";
const STREET: &str = "4242, rue des Essais-Fictifs";
const BIRTH: &str = "1984-07-09";

/// Every form of the planted values that must never be stored.
fn needles() -> Vec<String> {
    vec![
        EMAIL.to_string(),
        EMAIL.to_lowercase(),
        "planted-4242".to_string(),
        PHONE.to_string(),
        "5145550142".to_string(),
        "555-0142".to_string(),
        FIRST.to_string(),
        LAST.to_string(),
        "Quatremillevingt".to_lowercase(),
        STREET.to_string(),
        "Essais-Fictifs".to_string(),
        BIRTH.to_string(),
        "H2X 1Y4".to_string(),
        "H2X1Y4".to_string(),
    ]
}

/// A generic ticket file with the planted person on two lines, once more in a column that should
/// not hold an email (the show's title), and on a bad line that goes to quarantine.
fn planted_file(fixture: &Fixture) -> std::path::PathBuf {
    let path = fixture.dir.path().join("ventes-plantees.csv");
    let mut file = std::fs::File::create(&path).unwrap();
    writeln!(
        file,
        "Spectacle;Date;Heure;Salle;Ville;Prix;Quantité;Courriel;Téléphone;Prénom;Nom;Adresse;Code postal;Date de naissance;Consentement"
    )
    .unwrap();
    for (title, price) in [
        ("Les Marées fictives", "34,50 $"),
        ("Les Marées fictives", "29,00 $"),
        (EMAIL, "12,00 $"),
        ("Les Marées fictives", "douze"),
    ] {
        writeln!(
            file,
            "{title};2026-12-01;19 h 30;Théâtre d'essai;Sherbrooke;{price};1;{EMAIL};{PHONE};{FIRST};{LAST};{STREET};H2X 1Y4;{BIRTH};oui"
        )
        .unwrap();
    }
    path
}

fn assert_absent(haystack: &[u8], place: &str) {
    let lower = String::from_utf8_lossy(haystack).to_lowercase();
    for needle in needles() {
        assert!(!lower.contains(&needle.to_lowercase()), "{needle:?} found in {place}");
    }
}

fn check_report_and_messages(report: &ImportReport) {
    assert_absent(serde_json::to_string(report).unwrap().as_bytes(), "the report");
    for diagnostic in &report.diagnostics {
        for lang in Lang::ALL {
            assert_absent(diagnostic.message(lang).as_bytes(), "a message");
            assert_absent(diagnostic.fix(lang).as_bytes(), "a fix");
        }
    }
}

/// What was kept instead: the pseudonym of the email, the postal area, the age band, consent.
fn check_what_was_kept(fixture: &Fixture, report: &ImportReport) {
    assert_eq!(report.rows_imported, 3, "{:#?}", report.diagnostics);
    assert_eq!(report.rows_quarantined, 1);
    assert_eq!(report.diagnostic_counts.get("personal-value-masked"), Some(&1));
    let expected = Pseudonymizer::new(&fixture.key)
        .person_key(Some(EMAIL), None, None)
        .unwrap();
    let sales: Vec<TicketSale> = fixture.store.list_any(&ListFilter::default()).unwrap();
    assert_eq!(sales.len(), 3);
    for sale in &sales {
        assert_eq!(sale.buyer_key.as_ref(), Some(&expected));
        assert_eq!(sale.fsa.as_deref(), Some("H2X"));
        assert_eq!(sale.age_band, Some(AgeBand::From35To44));
    }
    let consents: Vec<Consent> = fixture.store.list_any(&ListFilter::default()).unwrap();
    assert_eq!(consents.len(), 1);
    assert!(consents[0].granted && consents[0].person_key == expected);
    let shows: Vec<Show> = fixture.store.list(&ListFilter::default()).unwrap();
    assert!(shows.iter().any(|show| show.title_fr == ensemble_ingest::target::MASK));
}

#[test]
fn planted_personal_values_never_reach_the_sqlite_file() {
    let fixture = Fixture::new();
    let path = planted_file(&fixture);
    let report = fixture
        .import(&path, ProfileChoice::Named("generic-tickets".into()))
        .unwrap();
    check_what_was_kept(&fixture, &report);
    check_report_and_messages(&report);
    let quarantine = fixture
        .store
        .read(|s| s.quarantine_any(MemberId(1), None, None))
        .unwrap();
    assert_eq!(quarantine.len(), 1);
    assert!(quarantine[0].raw.get("buyer_key").is_some());

    // Correcting a quarantined row with a personal value pseudonymises it too.
    fixture.correct(quarantine[0].id, "buyer_email", EMAIL).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", fixture.db_path().display());
        if let Ok(bytes) = std::fs::read(&file) {
            assert_absent(&bytes, &file);
        }
    }
    drop(fixture.store);
    let bytes = std::fs::read(fixture.dir.path().join("test.db")).unwrap();
    assert!(bytes.len() > 4096);
    assert_absent(&bytes, "the closed SQLite file");
}

#[test]
fn planted_personal_values_never_reach_postgresql() {
    let Some(place) = ensemble_store::testing::TestUrl::postgres("postgres privacy check") else {
        return;
    };
    let url = place.url.clone();
    let fixture = Fixture::at(tempfile::tempdir().unwrap(), &url);
    let path = planted_file(&fixture);
    let report = fixture
        .import(&path, ProfileChoice::Named("generic-tickets".into()))
        .unwrap();
    check_what_was_kept(&fixture, &report);
    check_report_and_messages(&report);
    // Every row of every table of the schema, as text.
    let mut raw = Location::parse(&url).unwrap().connect().unwrap();
    let tables = raw
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
            &[],
        )
        .unwrap();
    assert!(tables.len() > 20);
    for table in tables {
        let name = table.text(0);
        let rows = raw
            .query(&format!("SELECT CAST(t AS TEXT) FROM {name} t"), &[])
            .unwrap();
        for row in rows {
            assert_absent(row.text(0).as_bytes(), &name);
        }
    }
    drop(fixture);
    drop(place);
}
