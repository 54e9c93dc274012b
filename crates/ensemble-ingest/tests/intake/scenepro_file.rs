//! The Scène Pro reader on the real presenters file (Artsdata, CC0) and on copies bent the ways an
//! API export bends: counts established from the JSON, links on re-import and by identifier,
//! capacities from the venue configurations, phones never read, odd types never fatal.
//!
//! (The crate's other intake tests live in one binary, `tests/intake/`; these share its fixture.)

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::common::{Fixture, data};
use ensemble_ingest::{Format, ImportReport, ProfileChoice};
use ensemble_model::geo::fold_name;
use ensemble_model::identifiers::{is_artsdata_id, is_neq, is_wikidata_id};
use ensemble_model::*;
use ensemble_store::ListFilter;
use proptest::prelude::*;
use serde_json::{Value, json};

const FILE: &str = "real/scenepro-entities.json";

fn file() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data(FILE)).unwrap()).unwrap()
}

fn import_json(fixture: &Fixture, name: &str, json: &Value) -> ImportReport {
    let path = fixture.dir.path().join(name);
    std::fs::write(&path, serde_json::to_string_pretty(json).unwrap()).unwrap();
    fixture.import(&path, ProfileChoice::Auto).unwrap()
}

fn count(map: &BTreeMap<&'static str, u64>, entity: &str) -> u64 {
    map.get(entity).copied().unwrap_or(0)
}

fn list<E: Entity>(fixture: &Fixture) -> Vec<E> {
    fixture.store.list_any(&ListFilter::default()).unwrap()
}

/// The records a sequence of names should give under the linking rules the writer documents:
/// the same identifier, else the same name in the same municipality, else the only record of
/// that name when the municipality is unknown. Only new records register their keys.
#[derive(Default)]
struct Linking {
    by_id: HashMap<String, usize>,
    by_name_in: HashMap<(String, String), usize>,
    by_name: HashMap<String, Vec<usize>>,
    /// Each record's town; for places, an id links only within one town.
    town: HashMap<usize, String>,
    places: bool,
    created: usize,
}

impl Linking {
    /// The record this one links to, and whether it is new.
    fn link(&mut self, name: &str, municipality: Option<&str>, ids: &[String]) -> (usize, bool) {
        let name = fold_name(name);
        let municipality = municipality.map(fold_name).filter(|m| !m.is_empty());
        let same_town = |found: &usize| match (&municipality, self.town.get(found)) {
            (Some(incoming), Some(known)) if self.places => incoming == known,
            _ => true,
        };
        if let Some(found) = ids.iter().filter_map(|id| self.by_id.get(id)).find(|f| same_town(f)) {
            return (*found, false);
        }
        let by_name = match &municipality {
            Some(m) => self.by_name_in.get(&(name.clone(), m.clone())).copied(),
            None => match self.by_name.get(&name).map(Vec::as_slice) {
                Some([only]) => Some(*only),
                _ => None,
            },
        };
        if let Some(found) = by_name {
            return (found, false);
        }
        let index = self.created;
        self.created += 1;
        for id in ids {
            self.by_id.entry(id.clone()).or_insert(index);
        }
        if let Some(m) = municipality {
            self.town.insert(index, m.clone());
            self.by_name_in.entry((name.clone(), m)).or_insert(index);
        }
        self.by_name.entry(name).or_default().push(index);
        (index, true)
    }
}

fn text<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value[key].as_str().map(str::trim).filter(|t| !t.is_empty())
}

/// Well-formed identifiers of a presenter or venue, as linking keys.
fn keys(entry: &Value, with_neq: bool) -> Vec<String> {
    let mut keys = Vec::new();
    let checks: [(&str, &str, fn(&str) -> bool); 3] = [
        ("artsdata", "artsdataId", is_artsdata_id),
        ("wikidata", "wikidataId", is_wikidata_id),
        ("neq", "neq", is_neq),
    ];
    for (kind, field, valid) in checks {
        if let Some(value) = text(entry, field).filter(|v| valid(v))
            && (kind != "neq" || with_neq)
        {
            keys.push(format!("{kind}:{value}"));
        }
    }
    keys.push(format!("scenepro:{}", entry["id"]));
    keys
}

/// (organisations, places, halls) a fresh fixture database should gain from this file.
fn expected_new(json: &Value) -> (usize, usize, usize) {
    let mut organizations = Linking::default();
    organizations.link("Salle d'essai de Sherbrooke", Some("Sherbrooke"), &[]);
    let mut places = Linking {
        places: true,
        ..Linking::default()
    };
    places.link("Théâtre d'essai", Some("Sherbrooke"), &[]);
    let mut halls: HashSet<(usize, String)> = HashSet::from([(0, fold_name("Grande salle"))]);
    let mut new_halls = 0;
    for presenter in json["diffusers"].as_array().unwrap() {
        organizations.link(
            presenter["name"].as_str().unwrap(),
            text(presenter, "city"),
            &keys(presenter, true),
        );
        for venue in presenter["venues"].as_array().unwrap() {
            let name = venue["name"].as_str().unwrap();
            let (place, _) = places.link(name, text(venue, "city"), &keys(venue, false));
            new_halls += usize::from(halls.insert((place, fold_name(name))));
        }
    }
    (organizations.created - 1, places.created - 1, new_halls)
}

/// The configurations a venue should give, mapped with the table of the brief (not the reader's).
fn expected_configurations(venue: &Value) -> Vec<(String, u32)> {
    let mut expected: Vec<(String, u32)> = venue["configurations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| {
            let capacity = c["capacity"].as_u64().filter(|c| *c > 0)? as u32;
            let code = match c["type"].as_str()? {
                "ITALIAN" => "Italienne",
                "CABARET" => "Cabaret",
                "DEBOUT" => "Debout",
                "THEATER" => "Theatre",
                "CONFERENCE" => "Conference",
                "REPETITION" => return None,
                _ => "Multifonctionnelle",
            };
            Some((code.to_string(), capacity))
        })
        .collect();
    expected.sort();
    expected
}

#[test]
fn a_fresh_database_gains_what_the_file_holds_and_a_second_import_only_links() {
    let json = file();
    let presenters = json["diffusers"].as_array().unwrap();
    let venues: usize = presenters.iter().map(|p| p["venues"].as_array().unwrap().len()).sum();
    assert_eq!(
        (json["count"].as_u64(), presenters.len(), venues),
        (Some(167), 167, 223)
    );
    let (organizations, places, halls) = expected_new(&json);

    let fixture = Fixture::new();
    let report = fixture.import(&data(FILE), ProfileChoice::Auto).unwrap();
    assert_eq!(report.format, Some(Format::ScenePro));
    assert_eq!(report.rows_read, 390);
    assert_eq!(report.rows_imported, 390, "{:#?}", report.diagnostics);
    assert_eq!((report.rows_quarantined, report.rows_skipped), (0, 0));
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let created = &report.tally.created;
    assert_eq!(count(created, "Organization") as usize, organizations);
    assert_eq!(count(created, "Place") as usize, places);
    assert_eq!(count(created, "Hall") as usize, halls);
    // The fixture holds one organisation, one place and one hall of its own.
    assert_eq!(
        fixture.store.count::<Organization>().unwrap() as usize,
        1 + organizations
    );
    assert_eq!(fixture.store.count::<Place>().unwrap() as usize, 1 + places);
    assert_eq!(fixture.store.count::<Hall>().unwrap() as usize, 1 + halls);
    for place in list::<Place>(&fixture) {
        assert!(place.validate().is_empty(), "{place:?}");
    }
    for organization in list::<Organization>(&fixture) {
        assert!(organization.validate().is_empty(), "{organization:?}");
    }

    let again = fixture.import(&data(FILE), ProfileChoice::Auto).unwrap();
    assert_eq!(again.rows_imported, 390);
    assert_eq!(again.tally.created_total(), 0, "{:?}", again.tally.created);
    assert!(again.tally.updated.is_empty(), "{:?}", again.tally.updated);
    assert_eq!(count(&again.tally.linked, "Organization"), 167);
    assert_eq!(count(&again.tally.linked, "Place"), 223);
    assert_eq!(count(&again.tally.linked, "Hall"), 223);
}

#[test]
fn every_hall_has_the_capacities_of_its_venue_configurations() {
    let json = file();
    let fixture = Fixture::new();
    fixture.import(&data(FILE), ProfileChoice::Auto).unwrap();
    let places = list::<Place>(&fixture);
    let halls = list::<Hall>(&fixture);
    let mut checked = 0;
    for venue in json["diffusers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["venues"].as_array().unwrap())
    {
        // The place this venue created (a venue that linked to another's place has none of its own).
        let id = venue["id"].to_string();
        let Some(place) = places
            .iter()
            .find(|p| p.identifiers.scenepro.as_deref() == Some(id.as_str()))
        else {
            continue;
        };
        let hall = halls
            .iter()
            .find(|h| h.place_id == place.id && h.name == venue["name"].as_str().unwrap().trim())
            .unwrap();
        let mut found: Vec<(String, u32)> = hall
            .configurations
            .iter()
            .map(|c| (c.kind.as_str().to_string(), c.capacity))
            .collect();
        found.sort();
        assert_eq!(found, expected_configurations(venue), "{}", hall.name);
        assert!(hall.validate().is_empty(), "{hall:?}");
        checked += 1;
    }
    assert!(checked > 200, "{checked}");
    // A rehearsal studio (REPETITION, 8 places) is not a set-up for an audience.
    let studio = places.iter().find(|p| p.name == "Studio B").unwrap();
    assert!(
        halls
            .iter()
            .find(|h| h.place_id == studio.id)
            .unwrap()
            .configurations
            .is_empty()
    );
}

#[test]
fn phones_in_any_shape_are_never_read_nor_stored() {
    let mut json = file();
    let shapes = [
        json!(4506672327u64),
        json!({"numéro": "450 555-0101", "poste": 12}),
        json!(["418 555-0199", "+1 819 555 0123"]),
        json!(null),
        json!("(514)555-0142 p. 3"),
        json!(true),
    ];
    let mut index = 0;
    for presenter in json["diffusers"].as_array_mut().unwrap() {
        for venue in presenter["venues"].as_array_mut().unwrap() {
            venue["phone"] = shapes[index % shapes.len()].clone();
            venue["phonePostNumber"] = shapes[(index + 1) % shapes.len()].clone();
            index += 1;
        }
    }
    let fixture = Fixture::new();
    let report = import_json(&fixture, "telephones.json", &json);
    assert_eq!((report.rows_read, report.rows_imported), (390, 390));
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let db_path = fixture.db_path();
    drop(fixture.store);
    let stored = String::from_utf8_lossy(&std::fs::read(db_path).unwrap()).into_owned();
    for phone in [
        "6672327",
        "667-2327",
        "555-0101",
        "555-0199",
        "555 0123",
        "555-0142",
        "info@co-motion.ca",
    ] {
        assert!(!stored.contains(phone), "{phone}");
    }
}

/// The first presenter whose NEQ is well formed and given to no other presenter.
fn presenter_with_own_neq(json: &Value) -> Value {
    let presenters = json["diffusers"].as_array().unwrap();
    presenters
        .iter()
        .find(|p| {
            let neq = text(p, "neq").filter(|n| is_neq(n));
            neq.is_some() && presenters.iter().filter(|other| text(other, "neq") == neq).count() == 1
        })
        .unwrap()
        .clone()
}

#[test]
fn a_renamed_presenter_links_by_its_neq_alone_or_its_scenepro_number_alone() {
    let json = file();
    let original = presenter_with_own_neq(&json);
    for (label, keep_neq) in [("neq", true), ("scenepro", false)] {
        let fixture = Fixture::new();
        fixture.import(&data(FILE), ProfileChoice::Auto).unwrap();
        let mut renamed = original.clone();
        renamed["name"] = json!("Diffuseur au nom changé");
        renamed["city"] = json!("Ailleurs");
        renamed["venues"] = json!([]);
        renamed["artsdataId"] = Value::Null;
        renamed["wikidataId"] = Value::Null;
        if keep_neq {
            renamed["id"] = json!(999_999);
        } else {
            renamed["neq"] = Value::Null;
        }
        let report = import_json(&fixture, "renomme.json", &json!({"count": 1, "diffusers": [renamed]}));
        assert_eq!(count(&report.tally.linked, "Organization"), 1, "{label}");
        assert_eq!(report.tally.created_total(), 0, "{label}: {:?}", report.tally.created);
        let organizations = list::<Organization>(&fixture);
        assert!(
            organizations.iter().all(|o| o.name != "Diffuseur au nom changé"),
            "{label}"
        );
    }
}

/// A presenter built inline (fictional), with the type slips an API export can make.
fn bent_file() -> Value {
    json!({"count": 4, "diffusers": [
        {
            "id": "9001", "name": "Diffuseur des Types Changeants", "neq": 1_165_432_109u64,
            "city": "Rimouski", "zipCode": "G5L 1A1", "organizationTypes": null,
            "phone": 4185550000u64, "email": "billetterie@example.org",
            "venues": [
                {
                    "id": 9101, "name": "Salle des Capacités", "city": "Rimouski", "phone": {"x": 1},
                    "configurations": [
                        {"capacity": "825", "type": "ITALIAN"},
                        {"capacity": -5, "type": "CABARET"},
                        {"capacity": 300.0, "type": "THEATER"},
                        {"capacity": 120, "type": "IMMERSIVE"},
                        {"capacity": 8, "type": "REPETITION"},
                        "n/d",
                        null
                    ]
                },
                "pas une salle"
            ]
        },
        {"id": 9002, "name": "Diffuseur sans salles", "venues": null, "configurations": 3},
        42,
        {"id": 9004, "name": "  ", "email": "personne@example.org",
         "venues": [{"id": 9104, "name": "Salle orpheline", "city": "Matane"}]}
    ]})
}

#[test]
fn type_slips_cost_only_the_entries_that_cannot_be_read() {
    let fixture = Fixture::new();
    let report = import_json(&fixture, "types.json", &bent_file());
    // 4 presenters, 2 + 0 + 0 + 1 venues.
    assert_eq!(report.rows_read, 7);
    assert_eq!(report.rows_imported, 4, "{:#?}", report.diagnostics);
    assert_eq!(report.rows_quarantined, 3, "{:#?}", report.diagnostics);
    let missing: Vec<u64> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "value-missing")
        .map(|d| d.row)
        .collect();
    assert_eq!(missing, vec![3, 5, 6]);

    let organizations = list::<Organization>(&fixture);
    let bent = organizations
        .iter()
        .find(|o| o.name == "Diffuseur des Types Changeants")
        .unwrap();
    assert_eq!(bent.identifiers.scenepro.as_deref(), Some("9001"));
    assert_eq!(bent.identifiers.neq.as_deref(), Some("1165432109"));
    assert_eq!(bent.roles, vec![ValueChainRole::Presenter]);
    let places = list::<Place>(&fixture);
    let salle = places.iter().find(|p| p.name == "Salle des Capacités").unwrap();
    assert_eq!(salle.operator_id, Some(bent.id));
    let hall = list::<Hall>(&fixture)
        .into_iter()
        .find(|h| h.place_id == salle.id)
        .unwrap();
    let found: Vec<(&str, u32)> = hall
        .configurations
        .iter()
        .map(|c| (c.kind.as_str(), c.capacity))
        .collect();
    assert_eq!(
        found,
        vec![("Italienne", 825), ("Theatre", 300), ("Multifonctionnelle", 120)]
    );
    // The unknown type is kept as multi-purpose, with a warning naming it; REPETITION is silent.
    let unknown: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "vocabulary-dropped")
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:#?}");
    assert_eq!(unknown[0].arg("value"), Some("IMMERSIVE"));
    assert_eq!(unknown[0].arg("replacement"), Some("Multifonctionnelle"));
    // A presenter without a name is quarantined; its venue is still a place, without operator.
    let orphan = places.iter().find(|p| p.name == "Salle orpheline").unwrap();
    assert_eq!(orphan.operator_id, None);
    // The quarantine says which entry it was, and holds no contact detail.
    let quarantine = fixture
        .store
        .read(|s| s.quarantine_any(MemberId(1), None, None))
        .unwrap();
    assert_eq!(quarantine.len(), 3);
    let raw = serde_json::to_string(&quarantine.iter().map(|q| &q.raw).collect::<Vec<_>>()).unwrap();
    assert!(raw.contains("9004"), "{raw}");
    for personal in ["@example.org", "4185550000"] {
        assert!(!raw.contains(personal), "{raw}");
    }
}

#[test]
fn a_malformed_identifier_is_dropped_with_a_warning_and_the_row_kept() {
    let mut json = file();
    json["diffusers"][3]["neq"] = json!("12-34");
    json["diffusers"][3]["venues"][0]["wikidataId"] = json!("Q0");
    let fixture = Fixture::new();
    let report = import_json(&fixture, "identifiants.json", &json);
    assert_eq!((report.rows_imported, report.rows_quarantined), (390, 0));
    let dropped: Vec<(&str, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.field.as_str()))
        .collect();
    assert_eq!(
        dropped,
        vec![("identifier-dropped", "neq"), ("identifier-dropped", "wikidata")]
    );
    // The values are not echoed in the diagnostics.
    assert!(report.diagnostics.iter().all(|d| d.args.is_empty()));
}

/// Any JSON value, with keys drawn from the file's own (so that nested shapes resemble it).
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-zA-Z0-9 éÉ().,:/#-]{0,12}".prop_map(Value::from),
    ];
    let key = prop::sample::select(vec![
        "id",
        "name",
        "neq",
        "artsdataId",
        "wikidataId",
        "city",
        "zipCode",
        "otherState",
        "country",
        "website",
        "phone",
        "organizationTypes",
        "venues",
        "configurations",
        "capacity",
        "type",
        "address1",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..7)
                .prop_map(|pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Presenters of any shape never panic nor fail the file: every entry, and every item of a
    /// presenter's venue list, is one row with one outcome.
    #[test]
    fn presenters_of_any_shape_give_one_outcome_per_entry(presenters in prop::collection::vec(any_json(), 0..6)) {
        let rows: usize = presenters
            .iter()
            .map(|p| 1 + if p.is_object() { p["venues"].as_array().map_or(0, Vec::len) } else { 0 })
            .sum();
        let fixture = Fixture::new();
        let report = import_json(&fixture, "hasard.json", &json!({"count": presenters.len(), "diffusers": presenters}));
        prop_assert_eq!(report.format, Some(Format::ScenePro));
        prop_assert_eq!(report.rows_read as usize, rows);
        prop_assert_eq!(report.rows_imported + report.rows_quarantined + report.rows_skipped, report.rows_read);
    }

    /// The real file cut anywhere, with one byte changed, gives a report or an error, never a panic.
    #[test]
    fn cut_and_bent_copies_never_panic(cut in 0.0f64..1.0, flip in any::<(usize, u8)>()) {
        let mut bytes = std::fs::read(data(FILE)).unwrap();
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
