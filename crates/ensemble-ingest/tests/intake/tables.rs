//! Tabular imports end to end on a real SQLite file: profiles and their detection, encodings and
//! delimiters, workbooks, quarantine with correction and replay, strict and dry runs,
//! idempotency, rollback and linking.

use crate::common;

use std::io::Write;

use crate::common::{Fixture, data};
use ensemble_ingest::{Code, ImportError, Profile, ProfileChoice};
use ensemble_model::*;
use ensemble_store::ListFilter;

fn write(fixture: &Fixture, name: &str, text: &str) -> std::path::PathBuf {
    let path = fixture.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn tickets(fixture: &Fixture) -> u64 {
    fixture.store.count::<TicketSale>().unwrap()
}

#[test]
fn every_built_in_profile_is_valid() {
    assert!(
        Profile::built_in_errors().is_empty(),
        "{:?}",
        Profile::built_in_errors()
    );
    assert!(Profile::built_in().len() >= 13);
}

/// Each vendor sample is recognised as its own profile, ahead of every other profile.
#[test]
fn each_sample_is_detected_as_its_own_profile() {
    let samples = [
        ("vendors/eventbrite-attendees-en.csv", "eventbrite-attendees"),
        ("vendors/eventbrite-attendees-fr.csv", "eventbrite-attendees"),
        ("vendors/eventbrite-orders.csv", "eventbrite-orders"),
        ("vendors/tessitura-orders.csv", "tessitura-orders"),
        ("vendors/tessitura-line-items.csv", "tessitura-line-items"),
        ("vendors/tessitura-sub-line-items.csv", "tessitura-sub-line-items"),
        ("vendors/archtics-tickets.csv", "archtics-tickets"),
        (
            "vendors/patronmanager-ticket-order-items.csv",
            "patronmanager-ticket-order-items",
        ),
        ("vendors/generic-tickets-fr.csv", "generic-tickets"),
        ("vendors/tour-dates.csv", "tour-dates"),
        ("vendors/venues.csv", "venues"),
        ("vendors/grants.csv", "grants"),
        ("vendors/spektrix-events.json", "spektrix-events"),
        ("vendors/spektrix-events-instances.json", "spektrix-events-instances"),
    ];
    for (file, expected) in samples {
        let fixture = Fixture::new();
        let report = fixture
            .import_with(&data(file), ProfileChoice::Auto, true, false)
            .unwrap_or_else(|error| panic!("{file}: {error:?}"));
        assert_eq!(
            report.profile.as_deref(),
            Some(expected),
            "{file}: {:?}",
            report.candidates
        );
        let confidence = report.confidence.unwrap();
        assert!(confidence >= 0.5, "{file}: {confidence}");
        if let Some(second) = report.candidates.get(1) {
            assert!(second.confidence < confidence, "{file}: {:?}", report.candidates);
        }
        assert!(report.rows_read > 0, "{file}");
        assert_eq!(report.batch_id, None, "a dry run keeps no batch");
    }
}

#[test]
fn windows_1252_semicolons_and_french_numbers() {
    let fixture = Fixture::new();
    let report = fixture
        .import(&data("vendors/generic-tickets-fr.csv"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(report.encoding, Some(ensemble_ingest::table::Encoding::Windows1252));
    assert_eq!(report.delimiter.as_deref(), Some(";"));
    assert_eq!(report.rows_quarantined, 0, "{:#?}", report.diagnostics);
    assert_eq!(report.rows_imported, report.rows_read);
    let sales = fixture.store.list_any::<TicketSale>(&ListFilter::default()).unwrap();
    assert!(!sales.is_empty());
    assert!(sales.iter().all(|sale| sale.price.0 >= 0));
    assert!(
        sales
            .iter()
            .any(|s| s.price_type == PriceType::Complimentary && s.price == Cents(0))
    );
    assert!(sales.iter().any(|s| s.channel == SalesChannel::Phone));
    assert!(
        sales.iter().any(|sale| sale.price.0 % 100 != 0),
        "decimal commas are read as cents"
    );
    // Accents survive the Windows-1252 decoding.
    let shows = fixture.store.list::<Show>(&ListFilter::default()).unwrap();
    assert!(
        shows.iter().all(|show| !show.title_fr.contains('\u{fffd}')),
        "{shows:?}"
    );
}

#[test]
fn re_importing_the_same_file_creates_nothing() {
    let fixture = Fixture::new();
    let path = data("vendors/eventbrite-attendees-en.csv");
    let first = fixture.import(&path, ProfileChoice::Auto).unwrap();
    let after_first = tickets(&fixture);
    assert!(after_first > 0);
    let second = fixture.import(&path, ProfileChoice::Auto).unwrap();
    assert_eq!(tickets(&fixture), after_first);
    assert_eq!(second.tally.created_total(), 0, "{:?}", second.tally);
    assert_eq!(second.earlier_batches, vec![first.batch_id.unwrap()]);
    assert_eq!(
        second.tally.already_imported.get("TicketSale").copied().unwrap_or(0),
        after_first
    );
}

const GENERIC_HEADER: &str = "Spectacle;Date;Heure;Salle;Ville;Prix;Quantité;Type de prix;Courriel;Code postal\n";

fn generic_line(n: u32) -> String {
    format!(
        "Les Marées fictives;2026-12-{:02};19 h 30;Théâtre d'essai;Sherbrooke;34,50 $;1;Adulte;personne{n}@example.com;J1H 5N4\n",
        1 + n % 3
    )
}

#[test]
fn an_overlapping_newer_export_adds_only_the_new_lines() {
    let fixture = Fixture::new();
    let older: String = std::iter::once(GENERIC_HEADER.to_string())
        .chain((0..10).map(generic_line))
        .collect();
    let newer: String = std::iter::once(GENERIC_HEADER.to_string())
        .chain((5..15).map(generic_line))
        .collect();
    fixture
        .import(
            &write(&fixture, "ventes-1.csv", &older),
            ProfileChoice::Named("generic-tickets".into()),
        )
        .unwrap();
    assert_eq!(tickets(&fixture), 10);
    let report = fixture
        .import(
            &write(&fixture, "ventes-2.csv", &newer),
            ProfileChoice::Named("generic-tickets".into()),
        )
        .unwrap();
    assert_eq!(tickets(&fixture), 15);
    assert_eq!(report.tally.already_imported.get("TicketSale"), Some(&5));
    // The venue named in the file is the member's own: linked, not created.
    assert_eq!(fixture.store.count::<Place>().unwrap(), 1);
    assert_eq!(fixture.store.count::<Performance>().unwrap(), 3);
}

#[test]
fn identical_lines_without_identifiers_are_all_kept() {
    let fixture = Fixture::new();
    let text = format!("{GENERIC_HEADER}{}{}", generic_line(1), generic_line(1));
    let report = fixture
        .import(
            &write(&fixture, "doubles.csv", &text),
            ProfileChoice::Named("generic-tickets".into()),
        )
        .unwrap();
    assert_eq!(report.rows_imported, 2);
    assert_eq!(tickets(&fixture), 2);
}

#[test]
fn bad_rows_go_to_quarantine_with_codes_and_can_be_corrected_and_replayed() {
    let fixture = Fixture::new();
    let report = fixture
        .import(
            &data("vendors/generic-tickets-bad.csv"),
            ProfileChoice::Named("generic-tickets".into()),
        )
        .unwrap();
    assert!(report.rows_quarantined >= 4, "{:#?}", report.diagnostics);
    assert_eq!(
        report.rows_imported + report.rows_quarantined + report.rows_skipped,
        report.rows_read
    );
    for code in ["date-invalid", "amount-invalid", "value-missing", "row-length"] {
        assert!(
            report.diagnostic_counts.contains_key(code),
            "{code}: {:?}",
            report.diagnostic_counts
        );
    }
    for diagnostic in &report.diagnostics {
        for lang in ensemble_i18n::Lang::ALL {
            let message = diagnostic.message(lang);
            assert!(!message.contains('{') && !message.contains("import-"), "{message}");
            assert!(!diagnostic.fix(lang).is_empty());
        }
    }
    let member = MemberId(1);
    let open = fixture
        .store
        .read(|s| s.quarantine_any(member, None, Some(ensemble_store::QUARANTINE_OPEN)))
        .unwrap();
    assert_eq!(open.len() as u64, report.rows_quarantined);
    let before = tickets(&fixture);

    // Correct the impossible date and replay that row only.
    let bad_date = open
        .iter()
        .find(|entry| entry.diagnostics.to_string().contains("date-invalid"))
        .unwrap();
    let date_field = bad_date.diagnostics[0]["field"].as_str().unwrap().to_string();
    let corrected = fixture.correct(bad_date.id, &date_field, "2026-02-28").unwrap();
    assert_eq!(
        corrected.diagnostics,
        serde_json::json!([]),
        "{}",
        corrected.diagnostics
    );
    // Reading inside a write would wait for the write: the member is read first.
    let member_record = fixture.member();
    let replay = fixture
        .store
        .write(|s| ensemble_ingest::replay(s, &fixture.key, &member_record, Some(&[bad_date.id]), common::now()))
        .unwrap();
    assert_eq!((replay.replayed, replay.still_failing), (1, 0));
    assert_eq!(tickets(&fixture), before + 1);

    // Dismissing a row keeps it listed but not open.
    let other = open.iter().find(|entry| entry.id != bad_date.id).unwrap();
    fixture
        .store
        .write(|s| ensemble_ingest::dismiss(s, &member_record, &[other.id], common::now()))
        .unwrap();
    let still_open = fixture
        .store
        .read(|s| s.quarantine_any(member, None, Some(ensemble_store::QUARANTINE_OPEN)))
        .unwrap();
    assert_eq!(still_open.len(), open.len() - 2);
    assert!(matches!(
        fixture.correct(other.id, "quantity", "1"),
        Err(ensemble_ingest::QuarantineError::UnknownEntry(_))
    ));
}

#[test]
fn strict_refuses_the_whole_file_and_dry_run_keeps_nothing() {
    let fixture = Fixture::new();
    let path = data("vendors/generic-tickets-bad.csv");
    let profile = ProfileChoice::Named("generic-tickets".into());
    match fixture.import_with(&path, profile.clone(), false, true) {
        Err(ImportError::Refused(report)) => assert!(report.refused && report.rows_quarantined > 0),
        other => panic!("{other:?}"),
    }
    assert_eq!(tickets(&fixture), 0);
    assert_eq!(fixture.store.count::<Batch>().unwrap(), 1, "only the seed batch");

    let dry = fixture.import_with(&path, profile, true, false).unwrap();
    assert!(dry.dry_run && dry.rows_imported > 0 && dry.batch_id.is_none());
    assert_eq!(tickets(&fixture), 0);
    assert_eq!(fixture.store.count::<Show>().unwrap(), 0);
    assert!(
        fixture
            .store
            .read(|s| s.quarantine_any(MemberId(1), None, None))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn unreadable_files_get_one_clear_error() {
    let fixture = Fixture::new();
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (fixture.dir.path().join("absent.csv"), "import-file-unreadable"),
        (write(&fixture, "vide.csv", "  \n\n"), "import-file-empty"),
        (
            write(&fixture, "abimé.xlsx", "PK\u{3}\u{4} pas un classeur"),
            "import-file-malformed",
        ),
        (write(&fixture, "faux.json", "{\"a\": [1, 2"), "import-file-malformed"),
        (
            write(&fixture, "inconnu.csv", "a;b;c\n1;2;3\n"),
            "import-profile-not-detected",
        ),
    ];
    for (path, code) in cases {
        let error = fixture.import(&path, ProfileChoice::Auto).unwrap_err();
        assert_eq!(error.code(), code, "{path:?}: {error:?}");
    }
    let error = fixture
        .import(&data("vendors/venues.csv"), ProfileChoice::Named("nope".into()))
        .unwrap_err();
    assert_eq!(error.code(), "import-profile-unknown");
}

#[test]
fn a_batch_rolls_back_whole_and_can_be_imported_again() {
    let fixture = Fixture::new();
    let path = data("vendors/eventbrite-attendees-en.csv");
    let report = fixture.import(&path, ProfileChoice::Auto).unwrap();
    let batch = report.batch_id.unwrap();
    let count = tickets(&fixture);
    fixture.store.write(|s| s.roll_back_batch(batch)).unwrap();
    assert_eq!(tickets(&fixture), 0);
    assert_eq!(
        fixture.store.get_any::<Batch>(batch.0).unwrap().unwrap().status,
        BatchStatus::RolledBack
    );
    let again = fixture.import(&path, ProfileChoice::Auto).unwrap();
    assert!(again.earlier_batches.is_empty(), "rolled-back batches do not count");
    assert_eq!(tickets(&fixture), count);
}

#[test]
fn venues_tour_dates_and_grants_link_to_what_exists() {
    let fixture = Fixture::new();
    let venues = fixture
        .import(&data("vendors/venues.csv"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(venues.rows_quarantined, 0, "{:#?}", venues.diagnostics);
    let places = fixture.store.count::<Place>().unwrap();
    // Importing the list again links every row.
    let again = fixture
        .import(&data("vendors/venues.csv"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(fixture.store.count::<Place>().unwrap(), places);
    assert_eq!(again.tally.created.get("Place"), None, "{:?}", again.tally);

    let tour = fixture
        .import(&data("vendors/tour-dates.csv"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(tour.rows_quarantined, 0, "{:#?}", tour.diagnostics);
    let engagements = fixture.store.count::<Engagement>().unwrap();
    assert_eq!(engagements, tour.rows_imported);
    fixture
        .import(&data("vendors/tour-dates.csv"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(fixture.store.count::<Engagement>().unwrap(), engagements);

    let grants = fixture
        .import(&data("vendors/grants.csv"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(grants.rows_quarantined, 0, "{:#?}", grants.diagnostics);
    assert_eq!(fixture.store.count::<Grant>().unwrap(), grants.rows_imported);
    let funders: Vec<Organization> = fixture.store.list(&ListFilter::default()).unwrap();
    assert!(funders.iter().any(|o| o.roles.contains(&ValueChainRole::Funder)));
}

#[test]
fn a_changed_tour_date_updates_its_engagement() {
    let fixture = Fixture::new();
    let header = "Date;Spectacle;Diffuseur;Ville;Statut;Cachet\n";
    let first =
        format!("{header}2027-02-12;Les Marées fictives;Salle d'essai de Sherbrooke;Sherbrooke;Option;4 500,00 $\n");
    let second = first.replace("Option", "Confirmé");
    let profile = ProfileChoice::Named("tour-dates".into());
    fixture
        .import(&write(&fixture, "tournee-1.csv", &first), profile.clone())
        .unwrap();
    let report = fixture
        .import(&write(&fixture, "tournee-2.csv", &second), profile)
        .unwrap();
    assert_eq!(report.tally.updated.get("Engagement"), Some(&1), "{:?}", report.tally);
    let engagements: Vec<Engagement> = fixture.store.list_any(&ListFilter::default()).unwrap();
    assert_eq!(engagements.len(), 1);
    assert_eq!(engagements[0].status, EngagementStatus::Confirmed);
    assert_eq!(engagements[0].fee, Some(Cents(450_000)));
    // The presenter is the member's own organisation: linked by name and municipality.
    assert_eq!(engagements[0].presenter_id, OrganizationId(1));
}

#[test]
fn workbooks_are_read_like_csv() {
    for (file, entity) in [
        ("vendors/tour-dates.xlsx", "Engagement"),
        ("vendors/grants.xls", "Grant"),
    ] {
        let fixture = Fixture::new();
        let report = fixture.import(&data(file), ProfileChoice::Auto).unwrap();
        assert!(report.sheet.is_some(), "{file}");
        assert_eq!(report.rows_quarantined, 0, "{file}: {:#?}", report.diagnostics);
        assert!(
            report.tally.created.get(entity).copied().unwrap_or(0) > 0,
            "{file}: {:?}",
            report.tally
        );
    }
    let fixture = Fixture::new();
    let report = fixture
        .import(&data("vendors/venues.ods"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(report.rows_quarantined, 0, "{:#?}", report.diagnostics);
    assert!(report.rows_imported > 0);
}

#[test]
fn a_line_that_names_no_known_venue_is_quarantined_with_a_fix() {
    let fixture = Fixture::new();
    // The member operates a venue, so a file without a venue column uses it; a member with none
    // gets a clear diagnostic.
    fixture
        .store
        .write(|s| {
            let mut place: Place = s.get(1)?.unwrap();
            place.operator_id = None;
            s.update(&place)
        })
        .unwrap();
    let text = "Spectacle;Date;Prix;Courriel\nLes Marées fictives;2026-12-01;20,00 $;a@example.com\n";
    let report = fixture
        .import(
            &write(&fixture, "sans-salle.csv", text),
            ProfileChoice::Named("generic-tickets".into()),
        )
        .unwrap();
    assert_eq!(report.rows_quarantined, 1);
    assert_eq!(report.diagnostics[0].code, Code::VenueUnknown);
}

#[test]
fn cancelled_tickets_are_counted_not_imported() {
    let fixture = Fixture::new();
    let text = format!(
        "{}{}",
        "Spectacle;Date;Salle;Ville;Prix;Statut\n",
        "Les Marées fictives;2026-12-01;Théâtre d'essai;Sherbrooke;20,00 $;Remboursé\nLes Marées fictives;2026-12-01;Théâtre d'essai;Sherbrooke;20,00 $;Payé\n"
    );
    let path = write(&fixture, "statuts.csv", &text);
    let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
    file.flush().unwrap();
    let report = fixture
        .import(&path, ProfileChoice::Named("generic-tickets".into()))
        .unwrap();
    assert_eq!(
        (report.rows_imported, report.rows_skipped),
        (1, 1),
        "{:#?}",
        report.diagnostics
    );
    assert_eq!(report.diagnostic_counts.get("ticket-cancelled"), Some(&1));
}

/// A presenter's settlements file: recognised, each row linked to its performance (created
/// here), the net computed, the deal read; a row with more tickets than seats rejected with the
/// model's reason and kept; importing it again changes nothing, and a corrected file updates.
#[test]
fn settlements_are_imported_once_per_performance() {
    let fixture = Fixture::new();
    let path = fixture.dir.path().join("redditions-2026.csv");
    let header = "Spectacle;Date;Heure;Salle;Ville;Jauge offerte;Billets payants;Billets de faveur;\
                  Recettes brutes;Taxes;Frais;Cachet versé;Type d'entente;Part de l'artiste (%)\n";
    let first = "Le Phare fictif;2026-02-14;20:00;Salle Fictive;Sherbrooke;400;300;10;9 000,00 $;1 173,00 $;\
                 270,00 $;2 000,00 $;Partage des recettes;70\n";
    let too_many = "Le Phare fictif;2026-02-15;20:00;Salle Fictive;Sherbrooke;400;420;0;9 000,00 $;0;0;0;;\n";
    std::fs::write(&path, format!("{header}{first}{too_many}")).unwrap();
    let report = fixture.import(&path, ensemble_ingest::ProfileChoice::Auto).unwrap();
    assert_eq!(report.profile.as_deref(), Some("settlements"));
    assert_eq!(
        (report.rows_imported, report.rows_quarantined),
        (1, 1),
        "{:#?}",
        report.diagnostics
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == ensemble_ingest::Code::ModelInvalid && d.field == "paid" && d.row == 3),
        "{:#?}",
        report.diagnostics
    );
    let settlements: Vec<ensemble_model::Settlement> = fixture.store.list_any(&Default::default()).unwrap();
    assert_eq!(settlements.len(), 1);
    let settlement = &settlements[0];
    // 9,000.00 − 1,173.00 − 270.00 = 7,557.00 $.
    assert_eq!(settlement.net, ensemble_model::Cents(755_700));
    assert_eq!(
        (settlement.deal_type, settlement.artist_share_percent),
        (Some(ensemble_model::DealType::BoxOfficeSplit), Some(70))
    );
    let again = fixture.import(&path, ensemble_ingest::ProfileChoice::Auto).unwrap();
    assert_eq!(again.tally.created.get("Settlement"), None, "{:?}", again.tally);
    std::fs::write(&path, format!("{header}{}", first.replace(";300;10;", ";301;10;"))).unwrap();
    let corrected = fixture.import(&path, ensemble_ingest::ProfileChoice::Auto).unwrap();
    assert_eq!(
        corrected.tally.updated.get("Settlement"),
        Some(&1),
        "{:?}",
        corrected.tally
    );
    let settlements: Vec<ensemble_model::Settlement> = fixture.store.list_any(&Default::default()).unwrap();
    assert_eq!((settlements.len(), settlements[0].paid), (1, 301));
}

#[test]
fn tour_dates_carry_their_radius_clauses() {
    let fixture = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dates-avec-clauses.csv");
    std::fs::write(
        &path,
        "Date,Spectacle,Diffuseur,Ville,Statut,Cachet,Clause d'exclusivité (km),Clause d'exclusivité (jours)\n\
         2027-02-12,Les Marées fictives,Diffusion culturelle de Rimouski,Rimouski,Contrat signé,\"4 500,00 $\",80,45\n\
         2027-02-20,Les Marées fictives,Culture Trois-Rivières,Trois-Rivières,Confirmé,\"4 500,00 $\",,\n\
         2027-02-27,Les Marées fictives,Salle d'essai de Sherbrooke,Sherbrooke,Confirmé,\"4 500,00 $\",beaucoup,30\n",
    )
    .unwrap();
    let report = fixture.import(&path, ProfileChoice::Auto).unwrap();
    assert_eq!(report.profile.as_deref(), Some("tour-dates"));
    assert_eq!(
        (report.rows_imported, report.rows_quarantined),
        (2, 1),
        "{:#?}",
        report.diagnostics
    );
    let engagements: Vec<Engagement> = fixture.store.list_any(&ListFilter::default()).unwrap();
    let clause = |day: &str| {
        let e = engagements
            .iter()
            .find(|e| e.performance_date.to_string() == day)
            .unwrap();
        (e.radius_km, e.radius_days)
    };
    assert_eq!(clause("2027-02-12"), (Some(80), Some(45)));
    assert_eq!(clause("2027-02-20"), (None, None));
    assert!(
        report.diagnostics.iter().any(|d| d.code == Code::NumberInvalid),
        "the row with a radius of « beaucoup » is kept in quarantine with its reason"
    );
}

/// A workbook of a few hundred kilobytes whose sheet unzips to 300 MB is refused before it is
/// read, with its code, and nothing is kept.
#[test]
fn a_workbook_that_unzips_to_hundreds_of_megabytes_is_refused_before_it_is_read() {
    let fixture = Fixture::new();
    let path = fixture.dir.path().join("bombe.xlsx");
    let mut archive = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    archive.start_file("[Content_Types].xml", deflated).unwrap();
    archive.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    archive.start_file("xl/worksheets/sheet1.xml", deflated).unwrap();
    let block = vec![b' '; 1024 * 1024];
    for _ in 0..300 {
        archive.write_all(&block).unwrap();
    }
    archive.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 2_000_000, "a small file");
    match fixture.import(&path, ProfileChoice::Auto) {
        Err(ImportError::Source(error)) => assert_eq!(error.code(), "import-workbook-too-large"),
        other => panic!("{other:?}"),
    }
    assert_eq!(tickets(&fixture), 0);
}

/// A real workbook with one more cell, far away (XFD1048576): read cell by cell, it is refused
/// for its width, instead of making the rectangle of seventeen billion cells up to it.
#[test]
fn a_workbook_with_a_cell_far_away_is_refused_not_spread_out() {
    let fixture = Fixture::new();
    let source = std::fs::File::open(data("vendors/tour-dates.xlsx")).unwrap();
    let mut original = zip::ZipArchive::new(source).unwrap();
    let path = fixture.dir.path().join("loin.xlsx");
    let mut archive = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut sheets = 0;
    for index in 0..original.len() {
        let mut entry = original.by_index(index).unwrap();
        let name = entry.name().to_string();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let text = String::from_utf8(content).unwrap();
            let far = r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>loin</t></is></c></row></sheetData>"#;
            content = text.replacen("</sheetData>", far, 1).into_bytes();
            sheets += 1;
        }
        archive.start_file(name, deflated).unwrap();
        archive.write_all(&content).unwrap();
    }
    archive.finish().unwrap();
    assert!(sheets > 0);
    match fixture.import(&path, ProfileChoice::Auto) {
        Err(ImportError::Source(error)) => assert_eq!(error.code(), "import-workbook-too-large"),
        other => panic!("{other:?}"),
    }
}

/// A real ODS workbook with one more row whose cell is repeated: a few bytes that the workbook
/// reader would expand into a billion cells (or a hundred million rows) are refused first; the
/// same workbook with a few repetitions, as spreadsheets write them, imports.
#[test]
fn an_ods_sheet_whose_repetitions_would_spread_is_refused_before_it_is_read() {
    let fixture = Fixture::new();
    let rewritten = |name: &str, row: &str| {
        let source = std::fs::File::open(data("vendors/venues.ods")).unwrap();
        let mut original = zip::ZipArchive::new(source).unwrap();
        let path = fixture.dir.path().join(name);
        let mut archive = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for index in 0..original.len() {
            let mut entry = original.by_index(index).unwrap();
            let name = entry.name().to_string();
            let mut content = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
            if name == "content.xml" {
                let text = String::from_utf8(content).unwrap();
                assert!(text.contains("</table:table>"));
                content = text
                    .replacen("</table:table>", &format!("{row}</table:table>"), 1)
                    .into_bytes();
            }
            archive.start_file(name, deflated).unwrap();
            archive.write_all(&content).unwrap();
        }
        archive.finish().unwrap();
        path
    };
    let cell = |repeat: u64| {
        format!(
            r#"<table:table-cell office:value-type="string" table:number-columns-repeated="{repeat}"><text:p>x</text:p></table:table-cell>"#
        )
    };
    let wide = rewritten(
        "large.ods",
        &format!("<table:table-row>{}</table:table-row>", cell(1_000_000_000)),
    );
    let tall = rewritten(
        "haute.ods",
        &format!(
            r#"<table:table-row table:number-rows-repeated="100000000">{}</table:table-row>"#,
            cell(1)
        ),
    );
    for path in [wide, tall] {
        match fixture.import(&path, ProfileChoice::Auto) {
            Err(ImportError::Source(error)) => assert_eq!(error.code(), "import-workbook-too-large"),
            other => panic!("{other:?}"),
        }
    }
    // Trailing empty cells repeated to the sheet's edge, as LibreOffice writes them, are fine.
    let edge = rewritten(
        "bord.ods",
        r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#,
    );
    let report = fixture.import(&edge, ProfileChoice::Auto).unwrap();
    assert_eq!(report.profile.as_deref(), Some("venues"));
    assert_eq!(report.rows_quarantined, 0, "{:#?}", report.diagnostics);
}

/// Spektrix's API writes an event's duration as ISO 8601 (`PT90M`): its shows are imported with
/// their duration in minutes, none quarantined.
#[test]
fn spektrix_events_with_iso_8601_durations_are_imported() {
    let fixture = Fixture::new();
    let original = std::fs::read_to_string(data("vendors/spektrix-events.json")).unwrap();
    let mut events: serde_json::Value = serde_json::from_str(&original).unwrap();
    let mut expected = Vec::new();
    for event in events.as_array_mut().unwrap() {
        let minutes = event["duration"].as_u64().unwrap();
        event["duration"] = serde_json::json!(format!("PT{}H{}M", minutes / 60, minutes % 60));
        expected.push(minutes as u32);
    }
    let path = fixture.dir.path().join("spektrix-events-iso.json");
    std::fs::write(&path, serde_json::to_string(&events).unwrap()).unwrap();
    let report = fixture
        .import(&path, ProfileChoice::Named("spektrix-events".into()))
        .unwrap();
    assert_eq!(report.rows_quarantined, 0, "{:#?}", report.diagnostics);
    let mut durations: Vec<u32> = fixture
        .store
        .list::<Show>(&ListFilter::default())
        .unwrap()
        .iter()
        .filter_map(|show| show.duration_minutes)
        .collect();
    durations.sort_unstable();
    expected.sort_unstable();
    assert_eq!(durations, expected);
}

/// The shows of the fictional Spektrix samples, each performance as (title, start, time zone,
/// venue, cancelled).
fn spektrix_performances(fixture: &Fixture) -> Vec<(String, String, String, String, bool)> {
    let shows = fixture.store.list::<Show>(&ListFilter::default()).unwrap();
    let halls = fixture.store.list_any::<Hall>(&ListFilter::default()).unwrap();
    let places = fixture.store.list_any::<Place>(&ListFilter::default()).unwrap();
    let mut found: Vec<_> = fixture
        .store
        .list::<Performance>(&ListFilter::default())
        .unwrap()
        .into_iter()
        .filter_map(|performance| {
            let show = shows.iter().find(|show| show.id == performance.show_id)?;
            let hall = halls.iter().find(|hall| hall.id == performance.hall_id)?;
            let place = places.iter().find(|place| place.id == hall.place_id)?;
            Some((
                show.title_fr.clone(),
                performance.starts_at.to_rfc3339(),
                performance.time_zone.clone(),
                place.name.clone(),
                performance.status == EventStatus::Cancelled,
            ))
        })
        .filter(|(title, ..)| {
            ["Les Marées fictives", "Le Bal des hypothèses", "Chansons pour personne"].contains(&title.as_str())
        })
        .collect();
    found.sort();
    found
}

/// Spektrix `events` give each show's first performance and, from the last one's end and the
/// length, its last: both at the event's location, on the clock of its province.
#[test]
fn spektrix_events_give_their_shows_first_and_last_performances_at_their_venue() {
    let fixture = Fixture::new();
    let original = std::fs::read_to_string(data("vendors/spektrix-events.json")).unwrap();
    let mut events: serde_json::Value = serde_json::from_str(&original).unwrap();
    // The second show plays in Winnipeg: its local start is Winnipeg's.
    events[1]["locations"][0]["address"]["addressRegion"] = serde_json::json!("MB");
    let path = fixture.dir.path().join("spektrix-events.json");
    std::fs::write(&path, serde_json::to_string(&events).unwrap()).unwrap();
    let report = fixture.import(&path, ProfileChoice::Auto).unwrap();
    assert_eq!(report.profile.as_deref(), Some("spektrix-events"));
    assert_eq!(report.rows_quarantined, 0, "{:#?}", report.diagnostics);
    let sherbrooke = "Centre culturel de l'Université de Sherbrooke".to_string();
    let found = spektrix_performances(&fixture);
    let expected = vec![
        (
            "Chansons pour personne".to_string(),
            "2027-01-15T20:00:00-05:00".to_string(),
            "America/Toronto".to_string(),
            "Salle Desjardins-Telus".to_string(),
            false,
        ),
        (
            "Le Bal des hypothèses".to_string(),
            "2026-12-11T19:30:00-06:00".to_string(),
            "America/Winnipeg".to_string(),
            "Salle J.-Antonio-Thompson".to_string(),
            false,
        ),
        (
            "Les Marées fictives".to_string(),
            "2026-12-04T20:00:00-05:00".to_string(),
            "America/Toronto".to_string(),
            sherbrooke.clone(),
            false,
        ),
        (
            "Les Marées fictives".to_string(),
            "2026-12-11T20:00:00-05:00".to_string(),
            "America/Toronto".to_string(),
            sherbrooke,
            false,
        ),
    ];
    assert_eq!(found, expected);
    let ignored: Vec<&str> = (report.columns.iter())
        .filter(|column| column.field.is_none())
        .map(|column| column.header.as_str())
        .collect();
    assert!(ignored.contains(&"locations.0.id"), "{ignored:?}");
    assert!(ignored.contains(&"attribute_Genre"), "{ignored:?}");
}

/// Events with their instances flattened in (`instance_*`) are recognised and give every
/// performance, the cancelled one marked; the events' own file, imported after, adds nothing.
#[test]
fn a_flattened_events_with_instances_response_gives_every_performance() {
    let fixture = Fixture::new();
    let report = fixture
        .import(&data("vendors/spektrix-events-instances.json"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(report.profile.as_deref(), Some("spektrix-events-instances"));
    assert_eq!(report.rows_quarantined, 0, "{:#?}", report.diagnostics);
    let found = spektrix_performances(&fixture);
    let starts: Vec<(&str, &str, bool)> = (found.iter())
        .map(|(title, start, _, _, cancelled)| (title.as_str(), start.as_str(), *cancelled))
        .collect();
    assert_eq!(
        starts,
        [
            ("Chansons pour personne", "2027-01-15T20:00:00-05:00", false),
            ("Le Bal des hypothèses", "2026-12-11T19:30:00-05:00", true),
            ("Les Marées fictives", "2026-12-04T20:00:00-05:00", false),
            ("Les Marées fictives", "2026-12-11T20:00:00-05:00", false),
        ]
    );
    let shows = fixture.store.list::<Show>(&ListFilter::default()).unwrap();
    let lengths: Vec<Option<u32>> = ["Les Marées fictives", "Le Bal des hypothèses", "Chansons pour personne"]
        .iter()
        .map(|title| {
            shows
                .iter()
                .find(|show| show.title_fr == *title)
                .unwrap()
                .duration_minutes
        })
        .collect();
    assert_eq!(lengths, [Some(90), Some(100), Some(110)]);
    let again = fixture
        .import(&data("vendors/spektrix-events.json"), ProfileChoice::Auto)
        .unwrap();
    assert_eq!(again.tally.created.get("Performance"), None, "{:?}", again.tally);
    assert_eq!(spektrix_performances(&fixture).len(), 4);
}

/// A real venue's Spektrix events carry its own `attribute_*` fields beside the documented ones:
/// they are the vendor's, so the file is still recognised as Spektrix events, and listed as
/// ignored.
#[test]
fn spektrix_events_with_a_venues_own_attributes_are_still_recognised() {
    let fixture = Fixture::new();
    let original = std::fs::read_to_string(data("vendors/spektrix-events.json")).unwrap();
    let mut events: serde_json::Value = serde_json::from_str(&original).unwrap();
    let attributes = [
        "Company",
        "Genre",
        "Series",
        "Theatre",
        "Sponsor",
        "Accessibility",
        "AgeGuidance",
        "Language",
        "Producer",
        "Season",
        "Festival",
        "Notes",
        "Runtime",
        "ContentWarnings",
        "Intermission",
        "Surtitles",
        "Venue",
        "Tags",
        "PresentedBySameAs",
        "ExcludeFromWebsite",
        "SLExcludeFromViewEventsPage",
        "LowestPrice",
    ];
    for event in events.as_array_mut().unwrap() {
        for attribute in attributes {
            event[format!("attribute_{attribute}")] = serde_json::json!("Valeur fictive");
        }
    }
    let path = fixture.dir.path().join("spektrix-events-attributes.json");
    std::fs::write(&path, serde_json::to_string(&events).unwrap()).unwrap();
    let report = fixture.import(&path, ProfileChoice::Auto).unwrap();
    assert_eq!(report.profile.as_deref(), Some("spektrix-events"));
    assert!(report.confidence.unwrap() > 0.9, "{:?}", report.confidence);
    assert_eq!(report.rows_quarantined, 0);
    let ignored: Vec<&str> = report
        .columns
        .iter()
        .filter(|column| column.field.is_none())
        .map(|column| column.header.as_str())
        .collect();
    assert!(ignored.contains(&"attribute_Company"), "{ignored:?}");

    // Without the vendor's own fields known, the same file would not be recognised.
    let mut profile = Profile::find("spektrix-events").unwrap();
    let headers: Vec<String> = report.columns.iter().map(|column| column.header.clone()).collect();
    profile.known.clear();
    let without = profile.confidence(&headers);
    assert!(
        without < ensemble_ingest::profile::AUTO_THRESHOLD,
        "{without} {headers:?}"
    );
}
