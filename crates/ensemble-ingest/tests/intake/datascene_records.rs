//! The Datascène reader on the published samples (culturecreates/datascene-serialisation) and on
//! copies made invalid: each sample's outcome established from its own content, rooms that find
//! their halls, offers with their performance, quarantine for schema violations, the samples'
//! traps (`datascence.ca`, `Chanson`), and any input without a panic.
//!
//! (The crate's other intake tests live in one binary, `tests/intake/`; these share its fixture.)

use crate::common::{Fixture, data};
use ensemble_ingest::{Format, ImportReport, ProfileChoice};
use ensemble_model::*;
use ensemble_store::ListFilter;
use proptest::prelude::*;
use serde_json::{Value, json};

const PLACE: &str = "real/datascene/lieu/gtq.json";
const ROOM: &str = "real/datascene/salle/salle-louise-frechette.json";
const SHOW: &str = "real/datascene/show/Hommage à Michel Louvain.json";
const ADDRESS: &str = "real/datascene/adresse/sample.json";
const OFFERS: [&str; 3] = [
    "real/datascene/offre/offre_avec_lien_acquistion.json",
    "real/datascene/offre/offre_gratuit.json",
    "real/datascene/offre/offre_sans_lien_acquisition.json",
];

fn read(relative: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(data(relative)).unwrap()).unwrap()
}

fn import_json(fixture: &Fixture, name: &str, json: &Value) -> ImportReport {
    let path = fixture.dir.path().join(name);
    std::fs::write(&path, serde_json::to_string_pretty(json).unwrap()).unwrap();
    fixture.import(&path, ProfileChoice::Auto).unwrap()
}

fn list<E: Entity>(fixture: &Fixture) -> Vec<E> {
    fixture.store.list_any(&ListFilter::default()).unwrap()
}

fn created(report: &ImportReport, entity: &str) -> u64 {
    report.tally.created.get(entity).copied().unwrap_or(0)
}

fn notices(report: &ImportReport) -> Vec<(&str, Option<&str>)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "node-skipped")
        .map(|d| (d.code.as_str(), d.arg("reason")))
        .collect()
}

/// What a valid record should become, read from the record itself: a place or a show is
/// imported, a room with its place (or none) imported (skipped), the rest skipped.
fn expected_outcome(record: &Value) -> &'static str {
    match record["type"].as_str().unwrap() {
        "Place" | "Show" => "imported",
        "Room" if record.get("inPlace").is_some() => "imported",
        _ => "skipped",
    }
}

#[test]
fn each_sample_imports_with_the_outcome_its_content_calls_for() {
    for file in [PLACE, ROOM, SHOW, ADDRESS].into_iter().chain(OFFERS) {
        let sample = read(file);
        let records: Vec<Value> = match &sample {
            Value::Array(items) => items.clone(),
            one => vec![one.clone()],
        };
        let imported = records.iter().filter(|r| expected_outcome(r) == "imported").count() as u64;
        let fixture = Fixture::new();
        let report = fixture.import(&data(file), ProfileChoice::Auto).unwrap();
        assert_eq!(report.format, Some(Format::Datascene), "{file}");
        assert_eq!(report.rows_read, records.len() as u64, "{file}");
        assert_eq!(report.rows_quarantined, 0, "{file}: {:#?}", report.diagnostics);
        assert_eq!(report.rows_imported, imported, "{file}: {:#?}", report.diagnostics);
        assert_eq!(report.rows_skipped, records.len() as u64 - imported, "{file}");
        // Idempotent: the same file again creates and changes nothing.
        let again = fixture.import(&data(file), ProfileChoice::Auto).unwrap();
        assert_eq!(again.tally.created_total(), 0, "{file}: {:?}", again.tally);
        assert!(again.tally.updated.is_empty(), "{file}: {:?}", again.tally);
    }
}

#[test]
fn a_room_named_as_its_place_is_a_hall_of_its_own() {
    let sample = read(PLACE);
    let rooms = sample["inRoom"].as_array().unwrap();
    assert!(
        rooms
            .iter()
            .any(|r| r["nameSameAsPlace"] == json!(true) && r.get("name").is_none())
    );
    let fixture = Fixture::new();
    let report = fixture.import(&data(PLACE), ProfileChoice::Auto).unwrap();
    assert_eq!(
        (created(&report, "Place"), created(&report, "Hall")),
        (1, rooms.len() as u64)
    );
    let place = list::<Place>(&fixture)
        .into_iter()
        .find(|p| p.name == "Grand Théâtre de Québec")
        .unwrap();
    assert_eq!(place.country, "CA", "alpha-3 CAN becomes the model's alpha-2");
    let mut halls: Vec<Hall> = list::<Hall>(&fixture)
        .into_iter()
        .filter(|h| h.place_id == place.id)
        .collect();
    halls.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<&str> = halls.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        ["Grand Théâtre de Québec", "STUDIOTELUS", "Salle Louis-Fréchette"]
    );
    // Rooms keep their Artsdata identifier, so that a room given alone can find its hall.
    assert_eq!(halls[2].identifiers.artsdata.as_deref(), Some("K5-179"));
}

#[test]
fn a_room_given_alone_finds_its_hall_by_identifier_or_is_left_out_with_a_notice() {
    let room = read(ROOM);
    let capacity = room["roomConfiguration"][0]["capacity"].as_u64().unwrap() as u32;

    let fixture = Fixture::new();
    let report = fixture.import(&data(ROOM), ProfileChoice::Auto).unwrap();
    assert_eq!(report.rows_skipped, 1);
    assert_eq!(notices(&report), [("node-skipped", Some("room-without-place"))]);

    // Place first, then the room: the room's configurations complete the hall its place made.
    let both = import_json(&fixture, "lieu-et-salle.json", &json!([read(PLACE), room]));
    assert_eq!(
        (both.rows_imported, both.rows_skipped),
        (2, 0),
        "{:#?}",
        both.diagnostics
    );
    assert_eq!(created(&both, "Hall"), 3);
    let hall = list::<Hall>(&fixture)
        .into_iter()
        .find(|h| h.name == "Salle Louis-Fréchette")
        .unwrap();
    let configurations: Vec<(&str, u32)> = hall
        .configurations
        .iter()
        .map(|c| (c.kind.as_str(), c.capacity))
        .collect();
    assert_eq!(configurations, [("Italienne", capacity)]);
    assert!(hall.validate().is_empty());
    let again = import_json(&fixture, "lieu-et-salle.json", &json!([read(PLACE), read(ROOM)]));
    assert_eq!(again.tally.created_total(), 0, "{:?}", again.tally);
    assert!(again.tally.updated.is_empty(), "{:?}", again.tally);
}

#[test]
fn a_room_with_its_place_becomes_a_place_and_a_hall() {
    let mut place = read(PLACE);
    place.as_object_mut().unwrap().remove("inRoom");
    let mut room = read(ROOM);
    room["inPlace"] = place;
    let fixture = Fixture::new();
    let report = import_json(&fixture, "salle-et-lieu.json", &room);
    assert_eq!(report.rows_imported, 1, "{:#?}", report.diagnostics);
    assert_eq!((created(&report, "Place"), created(&report, "Hall")), (1, 1));
    let hall = list::<Hall>(&fixture)
        .into_iter()
        .find(|h| h.name == "Salle Louis-Fréchette")
        .unwrap();
    assert_eq!(hall.configurations.len(), 1);
}

#[test]
fn a_show_brings_its_performance_offer_link_price_and_status() {
    let sample = read(SHOW);
    let offer = &sample["hasPerformance"][0]["hasOffer"][0];
    let fixture = Fixture::new();
    let report = fixture.import(&data(SHOW), ProfileChoice::Auto).unwrap();
    assert_eq!(report.rows_imported, 1, "{:#?}", report.diagnostics);
    let offers = list::<Offer>(&fixture);
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].url.as_deref(), offer["ticketLink"].as_str());
    assert_eq!(offers[0].is_free, offer["isAccessibleForFree"].as_bool().unwrap());
    assert_eq!(list::<Performance>(&fixture)[0].status, EventStatus::Scheduled);

    // A copy, cancelled, with a price written the Datascène way (comma between thousands).
    let mut cancelled = sample.clone();
    cancelled["identifier"] = json!(["http://lavitrine.com/spectacle/654321"]);
    cancelled["name"] = json!([{"lang": "fr", "value": "Hommage annulé"}]);
    cancelled["hasPerformance"][0]["identifier"] = json!(["http://lavitrine.com/representation/654321"]);
    cancelled["hasPerformance"][0]["hasOffer"][0]["offerStatus"] = json!("EventCancelled");
    cancelled["hasPerformance"][0]["hasOffer"][0]["price"] = json!("1,234.50");
    let report = import_json(&fixture, "annule.json", &cancelled);
    assert_eq!(report.rows_imported, 1, "{:#?}", report.diagnostics);
    let show = list::<Show>(&fixture)
        .into_iter()
        .find(|s| s.title_fr == "Hommage annulé")
        .unwrap();
    let performance = list::<Performance>(&fixture)
        .into_iter()
        .find(|p| p.show_id == show.id)
        .unwrap();
    assert_eq!(performance.status, EventStatus::Cancelled);
    let offer = list::<Offer>(&fixture)
        .into_iter()
        .find(|o| o.performance_id == performance.id)
        .unwrap();
    assert_eq!(offer.price, Some(Cents(123_450)));
}

#[test]
fn offers_alone_are_left_out_with_a_notice_that_they_need_their_performance() {
    for file in OFFERS {
        let fixture = Fixture::new();
        let report = fixture.import(&data(file), ProfileChoice::Auto).unwrap();
        assert_eq!((report.rows_read, report.rows_skipped), (1, 1), "{file}");
        assert_eq!(
            notices(&report),
            [("node-skipped", Some("offer-without-performance"))],
            "{file}"
        );
        assert_eq!(fixture.store.count::<Offer>().unwrap(), 0, "{file}");
    }
}

#[test]
fn traps_a_misspelt_context_and_a_discipline_asq_does_not_have() {
    let sample = read(SHOW);
    // The sample and the published show schema both spell the host `datascence.ca`.
    assert_eq!(sample["@context"], json!("https://datascence.ca/context.jsonld"));
    let mut spelt = sample.clone();
    spelt["@context"] = json!("https://datascene.ca/context.jsonld");
    for (label, show) in [("datascence", sample.clone()), ("datascene", spelt)] {
        let fixture = Fixture::new();
        let report = import_json(&fixture, "spectacle.json", &show);
        assert_eq!(report.format, Some(Format::Datascene), "{label}");
        assert_eq!(report.rows_imported, 1, "{label}: {:#?}", report.diagnostics);
        let dropped: Vec<_> = report
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.arg("value")))
            .collect();
        assert_eq!(dropped, [("vocabulary-dropped", Some("Chanson"))], "{label}");
        assert_eq!(report.diagnostics[0].arg("vocabulary"), Some("disciplines-asq"));
        let shows = list::<Show>(&fixture);
        assert!(shows[0].disciplines.is_empty(), "{label}");
        assert_eq!(shows[0].audiences, [AudienceCode::new("ToutPublics")], "{label}");
        assert!(shows[0].validate().is_empty(), "{label}");
    }
    // The schema requires a context on a show: without one it is quarantined (still read as
    // Datascène by its shape).
    let mut without = sample;
    without.as_object_mut().unwrap().remove("@context");
    let fixture = Fixture::new();
    let report = import_json(&fixture, "sans-contexte.json", &without);
    assert_eq!(report.format, Some(Format::Datascene));
    assert_eq!(report.rows_quarantined, 1, "{:#?}", report.diagnostics);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.arg("detail").unwrap().contains("@context"))
    );
}

#[test]
fn records_that_break_their_schema_are_quarantined_with_each_violation() {
    let mut nameless = read(SHOW);
    nameless.as_object_mut().unwrap().remove("name");
    let mut mistyped = read(ROOM);
    mistyped["nameSameAsPlace"] = json!("non");
    let person = json!({
        "type": "Contributor", "contributorType": "Person",
        "identifier": ["https://isni.org/isni/000000012124423X"],
        "name": [{"lang": "fr", "value": "Jeanne Personne"}], "courriel": "jeanne@example.org"
    });
    let unknown = json!({"type": "Concert privé de Jeanne Personne", "name": [{"lang": "fr", "value": "X"}]});
    let fixture = Fixture::new();
    let report = import_json(
        &fixture,
        "invalides.json",
        &json!([nameless, mistyped, person, unknown, read(PLACE)]),
    );
    assert_eq!(report.rows_read, 5);
    assert_eq!(
        (report.rows_quarantined, report.rows_imported),
        (4, 1),
        "{:#?}",
        report.diagnostics
    );
    let violations: Vec<(u64, &str, &str)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "schema-violation")
        .map(|d| (d.row, d.field.as_str(), d.arg("detail").unwrap()))
        .collect();
    assert!(
        violations
            .iter()
            .any(|(row, field, detail)| *row == 1 && *field == "/" && detail.contains("name")),
        "{violations:#?}"
    );
    assert!(
        violations
            .iter()
            .any(|(row, field, _)| *row == 2 && *field == "/nameSameAsPlace"),
        "{violations:#?}"
    );
    assert!(violations.iter().any(|(row, _, _)| *row == 3), "{violations:#?}");
    assert!(
        violations.iter().any(|(row, field, _)| *row == 4 && *field == "/type"),
        "{violations:#?}"
    );
    // Messages name rules, never values; the quarantine keeps no person's name or address.
    let quarantine = fixture
        .store
        .read(|s| s.quarantine_any(MemberId(1), None, None))
        .unwrap();
    assert_eq!(quarantine.len(), 4);
    let kept = serde_json::to_string(&quarantine.iter().map(|q| (&q.raw, &q.diagnostics)).collect::<Vec<_>>()).unwrap();
    for personal in ["Jeanne", "jeanne@example.org", "000000012124423X"] {
        assert!(!kept.contains(personal), "{personal}: {kept}");
    }
    assert!(
        kept.contains("Hommage") || kept.contains("lavitrine.com/spectacle/123456"),
        "{kept}"
    );
}

/// Any JSON value, with keys drawn from Datascène's own (so that nested shapes resemble records).
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(vec![
            "Show",
            "Place",
            "Room",
            "Offer",
            "Performance",
            "PostalAddress",
            "fr",
            "Italienne"
        ])
        .prop_map(Value::from),
        "[a-zA-Z0-9 éÉ().,:/#-]{0,12}".prop_map(Value::from),
    ];
    let key = prop::sample::select(vec![
        "type",
        "name",
        "lang",
        "value",
        "identifier",
        "inRoom",
        "inPlace",
        "nameSameAsPlace",
        "roomConfiguration",
        "layout",
        "code",
        "capacity",
        "address",
        "geoCoordinates",
        "latitude",
        "hasPerformance",
        "startDateTime",
        "hasOffer",
        "price",
        "discipline",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..7)
                .prop_map(|pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

/// A sample with one of its values, at any depth, replaced by any JSON value.
fn bent_sample() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec![PLACE, ROOM, SHOW, ADDRESS, OFFERS[0]]),
        any::<usize>(),
        any_json(),
    )
        .prop_map(|(file, at, replacement)| {
            let mut sample = read(file);
            // Without its context the show is still Datascène by its shape; bending the context
            // instead would make the file JSON-LD, which is not this reader's business.
            if let Some(record) = sample.as_object_mut() {
                record.remove("@context");
            }
            let mut pointers = Vec::new();
            collect_pointers(&sample, String::new(), &mut pointers);
            let pointer = &pointers[at % pointers.len()];
            if let Some(slot) = sample.pointer_mut(pointer) {
                *slot = replacement;
            }
            sample
        })
}

fn collect_pointers(value: &Value, here: String, out: &mut Vec<String>) {
    out.push(here.clone());
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| collect_pointers(v, format!("{here}/{k}"), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| collect_pointers(v, format!("{here}/{i}"), out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Records of any shape, after a valid place (which makes the file Datascène), never panic
    /// nor fail the file: each record is one row with one outcome.
    #[test]
    fn any_records_give_one_outcome_each(records in prop::collection::vec(prop_oneof![any_json(), bent_sample()], 0..5)) {
        let mut file = vec![read(PLACE)];
        file.extend(records);
        let fixture = Fixture::new();
        let report = import_json(&fixture, "hasard.json", &Value::Array(file.clone()));
        prop_assert_eq!(report.format, Some(Format::Datascene));
        prop_assert_eq!(report.rows_read as usize, file.len());
        prop_assert_eq!(report.rows_imported + report.rows_quarantined + report.rows_skipped, report.rows_read);
    }

    /// A sample cut anywhere, with one byte changed, gives a report or an error, never a panic.
    #[test]
    fn cut_and_bent_samples_never_panic(
        file in prop::sample::select(vec![PLACE, ROOM, SHOW, OFFERS[1]]),
        cut in 0.0f64..1.0,
        flip in any::<(usize, u8)>(),
    ) {
        let mut bytes = std::fs::read(data(file)).unwrap();
        bytes.truncate((bytes.len() as f64 * cut) as usize);
        if !bytes.is_empty() {
            let at = flip.0 % bytes.len();
            bytes[at] = flip.1;
        }
        let fixture = Fixture::new();
        let path = fixture.dir.path().join("coupe.json");
        std::fs::write(&path, &bytes).unwrap();
        let _ = fixture.import(&path, ProfileChoice::Auto);
    }
}
