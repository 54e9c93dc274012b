//! JSON-LD imports end to end: the National Arts Centre's Artsdata crawl (expanded JSON-LD) with
//! the expected counts read from the file itself, compact documents holding each trap seen in
//! Artsdata files (fictional events), idempotency, and damaged or random documents that must
//! never panic.
// Helpers outside `#[test]` functions (here and in `common`) unwrap too: a failure is the test's.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::common::{Fixture, data};
use chrono::DateTime;
use ensemble_ingest::{Code, ImportReport, ProfileChoice};
use ensemble_model::*;
use ensemble_store::ListFilter;
use serde_json::{Value, json};

const SCHEMA: &str = "http://schema.org/";

// ---- Helpers -----------------------------------------------------------------------------------

fn write(fixture: &Fixture, document: &Value) -> PathBuf {
    let path = fixture.dir.path().join("evenements.jsonld");
    std::fs::write(&path, serde_json::to_vec_pretty(document).unwrap()).unwrap();
    path
}

fn import(fixture: &Fixture, document: &Value) -> ImportReport {
    let path = write(fixture, document);
    fixture.import(&path, ProfileChoice::Auto).unwrap()
}

fn all<E: Entity>(fixture: &Fixture) -> Vec<E> {
    fixture.store.list_any::<E>(&ListFilter::default()).unwrap()
}

fn created(report: &ImportReport, entity: &str) -> u64 {
    report.tally.created.get(entity).copied().unwrap_or(0)
}

fn codes(report: &ImportReport) -> Vec<(Code, String)> {
    report.diagnostics.iter().map(|d| (d.code, d.field.clone())).collect()
}

fn quarantine(fixture: &Fixture) -> Vec<ensemble_store::QuarantineEntry> {
    fixture
        .store
        .read(|s| s.quarantine_any(MemberId(1), None, None))
        .unwrap()
}

/// A compact document with the remote schema.org context.
fn document(nodes: Vec<Value>) -> Value {
    json!({"@context": "https://schema.org", "@graph": nodes})
}

/// A fictional venue.
fn salle_bleue() -> Value {
    json!({
        "@type": "Place",
        "@id": "https://exemple.qc.ca/lieux/salle-bleue",
        "name": "Salle Bleue",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "12, rue Fictive",
            "addressLocality": "Sherbrooke",
            "postalCode": "J1H 1A1",
            "addressRegion": "QC",
            "addressCountry": "CA"
        }
    })
}

/// A fictional event at the Salle Bleue, with extra properties.
fn event(number: u32, name: &str, start: &str, extra: Value) -> Value {
    let mut event = json!({
        "@type": "TheaterEvent",
        "@id": format!("https://exemple.qc.ca/evenements/{number}"),
        "name": name,
        "startDate": start,
        "location": salle_bleue(),
    });
    if let (Some(event), Some(extra)) = (event.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            event.insert(key.clone(), value.clone());
        }
    }
    event
}

fn without(mut node: Value, key: &str) -> Value {
    node.as_object_mut().unwrap().remove(key);
    node
}

fn prices(offers: &[Offer]) -> Vec<i64> {
    let mut prices: Vec<i64> = offers.iter().map(|o| o.price.map_or(-1, |p| p.0)).collect();
    prices.sort();
    prices
}

/// Whether a text still holds an HTML entity (`&eacute;`, `&#8217;`).
fn has_entity(text: &str) -> bool {
    text.match_indices('&').any(|(at, _)| {
        let rest = &text[at + 1..];
        rest.find(';').is_some_and(|end| {
            end > 0 && end <= 8 && rest[..end].chars().all(|c| c.is_ascii_alphanumeric() || c == '#')
        })
    })
}

// ---- The National Arts Centre crawl (expanded JSON-LD) ------------------------------------------

fn nac_path() -> PathBuf {
    data("real/nac-entities.jsonld")
}

/// The NAC file read independently of the importer.
struct Nac {
    nodes: Vec<Value>,
    by_id: HashMap<String, usize>,
}

impl Nac {
    fn read() -> Nac {
        let nodes: Vec<Value> = serde_json::from_slice(&std::fs::read(nac_path()).unwrap()).unwrap();
        let by_id = nodes
            .iter()
            .enumerate()
            .map(|(at, node)| (node["@id"].as_str().unwrap().to_string(), at))
            .collect();
        Nac { nodes, by_id }
    }

    fn types(node: &Value) -> Vec<&str> {
        node["@type"]
            .as_array()
            .map(|types| types.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    fn is_event(node: &Value) -> bool {
        Nac::types(node)
            .iter()
            .any(|t| t.starts_with(SCHEMA) && t.ends_with("Event"))
    }

    fn is_a(node: &Value, local: &str) -> bool {
        Nac::types(node).contains(&format!("{SCHEMA}{local}").as_str())
    }

    fn has(node: &Value, property: &str) -> bool {
        node.get(format!("{SCHEMA}{property}"))
            .and_then(Value::as_array)
            .is_some_and(|v| !v.is_empty())
    }

    fn value<'n>(node: &'n Value, property: &str) -> Option<&'n str> {
        node[format!("{SCHEMA}{property}")][0]["@value"].as_str()
    }

    fn refs<'n>(&'n self, node: &Value, property: &str) -> Vec<&'n Value> {
        node[format!("{SCHEMA}{property}")]
            .as_array()
            .map(|values| {
                (values.iter())
                    .filter_map(|v| v["@id"].as_str())
                    .filter_map(|id| self.by_id.get(id))
                    .map(|at| &self.nodes[*at])
                    .collect()
            })
            .unwrap_or_default()
    }

    fn events(&self) -> Vec<&Value> {
        self.nodes.iter().filter(|n| Nac::is_event(n)).collect()
    }
}

#[test]
fn the_nac_crawl_imports_with_the_counts_the_file_gives() {
    let nac = Nac::read();
    let events = nac.events();
    // An event needs a start, and a place unless the member presents it (no organizer named).
    let kept_out = |e: &Value| !Nac::has(e, "startDate") || (!Nac::has(e, "location") && Nac::has(e, "organizer"));
    let rejected = events.iter().filter(|e| kept_out(e)).count();
    let performances = events.len() - rejected;
    let offers: Vec<&Value> = events
        .iter()
        .filter(|e| !kept_out(e))
        .flat_map(|e| nac.refs(e, "offers"))
        .collect();
    let orphaned_offers: usize = events
        .iter()
        .filter(|e| kept_out(e))
        .map(|e| nac.refs(e, "offers").len())
        .sum();
    let groups = (nac.nodes.iter())
        .filter(|n| {
            ["MusicGroup", "DanceGroup", "PerformingGroup", "TheaterGroup"]
                .iter()
                .any(|g| Nac::is_a(n, g))
        })
        .count();
    let untyped = nac.nodes.iter().filter(|n| n.get("@type").is_none()).count();
    let skipped = untyped + groups + orphaned_offers;
    // What the README says of this file, so that a changed copy is noticed.
    assert_eq!(events.len(), 202);
    let empty_descriptions = (events.iter())
        .filter(|e| Nac::value(e, "description").is_some_and(|d| d.trim().is_empty()))
        .count();
    assert_eq!(empty_descriptions, 124);

    let fixture = Fixture::new();
    let report = fixture.import(&nac_path(), ProfileChoice::Auto).unwrap();

    assert_eq!(report.rows_read, nac.nodes.len() as u64);
    let quarantined = quarantine(&fixture);
    let diagnostics: Vec<&Value> = quarantined
        .iter()
        .flat_map(|q| q.diagnostics.as_array().unwrap())
        .collect();
    assert_eq!(report.rows_quarantined, rejected as u64, "{diagnostics:#?}");
    assert_eq!(rejected, 1, "the pre-show chat has no place");
    assert!(
        diagnostics
            .iter()
            .all(|d| d["code"] == "value-missing" && d["field"] == "location"),
        "only events without a place are kept out: {diagnostics:#?}"
    );
    assert_eq!(report.rows_skipped, skipped as u64);
    assert_eq!(
        report.diagnostic_counts.get("node-skipped").copied(),
        Some(skipped as u64)
    );
    assert_eq!(report.rows_imported, (nac.nodes.len() - skipped - rejected) as u64);

    // One performance per placed event: a matinée and an evening of one show stay two.
    assert_eq!(fixture.store.count::<Performance>().unwrap(), performances as u64);
    assert_eq!(created(&report, "Performance"), performances as u64);
    // One offer per offer listed, with the xsd:integer and xsd:double (`1.2317E2`) prices read.
    let stored = all::<Offer>(&fixture);
    assert_eq!(stored.len(), offers.len());
    let mut expected: Vec<i64> = (offers.iter())
        .map(|o| (Nac::value(o, "price").unwrap().parse::<f64>().unwrap() * 100.0).round() as i64)
        .collect();
    expected.sort();
    assert_eq!(prices(&stored), expected);
    assert!(stored.iter().any(|o| o.price == Some(Cents(4500))));
    assert!(
        stored.iter().any(|o| o.price == Some(Cents(8710))),
        "8.709999999999999E1"
    );
    let free = offers.iter().filter(|o| Nac::value(o, "price") == Some("0")).count();
    assert_eq!(stored.iter().filter(|o| o.is_free).count(), free);
    assert!(stored.iter().all(|o| o.currency == "CAD" && !o.sold_out));

    // Places link by their Artsdata and Wikidata ids: a handful of venues, one hall each.
    let places = created(&report, "Place");
    let venue_names: std::collections::HashSet<&str> = (nac.nodes.iter())
        .filter(|n| Nac::is_a(n, "Place"))
        .filter_map(|n| Nac::value(n, "name"))
        .collect();
    assert!(places >= 1 && places <= venue_names.len() as u64, "{places}");
    assert_eq!(created(&report, "Hall"), places);
    let southam = all::<Place>(&fixture)
        .into_iter()
        .find(|p| p.name == "Southam Hall")
        .unwrap();
    assert_eq!(southam.identifiers.artsdata.as_deref(), Some("K11-20"));
    assert_eq!(southam.identifiers.wikidata.as_deref(), Some("Q111724573"));
    assert_eq!(
        (southam.municipality.as_deref(), southam.province.as_deref()),
        (Some("Ottawa"), Some("ON"))
    );

    // Records point to the row of the node they come from.
    for performance in all::<Performance>(&fixture) {
        let node = &nac.nodes[performance.provenance.source_row.unwrap() as usize - 1];
        assert!(Nac::is_event(node));
        let start = DateTime::parse_from_rfc3339(Nac::value(node, "startDate").unwrap()).unwrap();
        assert_eq!(performance.starts_at, start);
        assert_eq!(
            performance.presenter_id == OrganizationId(1),
            !Nac::has(node, "organizer")
        );
    }
    for offer in &stored {
        assert!(Nac::is_a(
            &nac.nodes[offer.provenance.source_row.unwrap() as usize - 1],
            "Offer"
        ));
    }

    // Names scraped from web pages are decoded.
    let mut names: Vec<String> = all::<Show>(&fixture).into_iter().map(|s| s.title_fr).collect();
    names.extend(all::<Organization>(&fixture).into_iter().map(|o| o.name));
    names.extend(all::<Person>(&fixture).into_iter().map(|p| p.name));
    assert!(
        names.iter().all(|n| !has_entity(n)),
        "{:?}",
        names.iter().filter(|n| has_entity(n)).collect::<Vec<_>>()
    );
    assert!(names.iter().any(|n| n == "Flávia Nascimento & Tio Chorinho"));
    assert!(created(&report, "Person") > 0);

    // Importing the same file again creates nothing.
    let counts = |fixture: &Fixture| {
        let store = &fixture.store;
        [
            store.count::<Organization>().unwrap(),
            store.count::<Place>().unwrap(),
            store.count::<Hall>().unwrap(),
            store.count::<Person>().unwrap(),
            store.count::<Show>().unwrap(),
            store.count::<Performance>().unwrap(),
            store.count::<Offer>().unwrap(),
        ]
    };
    let before = counts(&fixture);
    let again = fixture.import(&nac_path(), ProfileChoice::Auto).unwrap();
    assert_eq!(again.tally.created_total(), 0, "{:?}", again.tally.created);
    assert!(again.tally.updated.is_empty(), "{:?}", again.tally.updated);
    assert_eq!(
        again.tally.already_imported.get("Offer").copied(),
        Some(offers.len() as u64)
    );
    assert_eq!(
        (again.rows_read, again.rows_imported),
        (report.rows_read, report.rows_imported)
    );
    assert_eq!(again.earlier_batches, vec![report.batch_id.unwrap()]);
    assert_eq!(counts(&fixture), before);
}

// ---- Traps seen in Artsdata files (fictional events) --------------------------------------------

#[test]
fn typed_and_language_tagged_prices_are_read_as_dollars() {
    let fixture = Fixture::new();
    let offer = |price: Value| json!({"offers": {"@type": "Offer", "price": price, "priceCurrency": "CAD"}});
    let report = import(
        &fixture,
        &document(vec![
            event(
                1,
                "Les Oiseaux de nuit",
                "2026-10-08T20:00:00-04:00",
                offer(json!({"@value": "45", "@type": "xsd:integer"})),
            ),
            event(
                2,
                "Cabaret des Cantons",
                "2026-10-09T20:00:00-04:00",
                offer(json!({"@value": "112.00", "@language": "fr"})),
            ),
            event(3, "Molière au parc", "2026-10-10T20:00:00-04:00", offer(json!(30))),
            event(
                4,
                "Les Marées",
                "2026-10-11T20:00:00-04:00",
                offer(json!({"@value": "1.2317E2", "@type": "xsd:double"})),
            ),
            event(
                5,
                "Le Malade imaginaire",
                "2026-10-12T20:00:00-04:00",
                offer(json!("27,50 $")),
            ),
        ]),
    );
    assert_eq!(
        (report.rows_read, report.rows_imported, report.rows_quarantined),
        (5, 5, 0),
        "{:?}",
        report.diagnostics
    );
    assert_eq!(prices(&all::<Offer>(&fixture)), vec![2750, 3000, 4500, 11200, 12317]);
}

#[test]
fn empty_descriptions_do_not_matter() {
    let fixture = Fixture::new();
    let report = import(
        &fixture,
        &document(vec![
            event(
                1,
                "Les Oiseaux de nuit",
                "2026-10-08T20:00:00-04:00",
                json!({"description": ""}),
            ),
            event(
                2,
                "Cabaret des Cantons",
                "2026-10-09T20:00:00-04:00",
                json!({"description": {"@value": "", "@language": "fr"}}),
            ),
        ]),
    );
    assert_eq!((report.rows_imported, report.rows_quarantined), (2, 0));
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}

#[test]
fn page_markup_is_skipped_with_a_notice() {
    let fixture = Fixture::new();
    let markup = vec![
        json!({"@type": "WebPage", "@id": "https://exemple.qc.ca/", "name": "Accueil"}),
        json!({"@type": "ImageObject", "contentUrl": "https://exemple.qc.ca/affiche.jpg"}),
        json!({"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1}]}),
        json!({"@id": "https://exemple.qc.ca/evenements/1/page", "og:title": "Gala", "og:type": "article"}),
        json!({"@id": "_:nav", "xhtml:role": {"@id": "xhtml:navigation"}}),
    ];
    let mut nodes = markup.clone();
    nodes.push(event(1, "Les Oiseaux de nuit", "2026-10-08T20:00:00-04:00", json!({})));
    let document = json!({
        "@context": ["https://schema.org", {"og": "http://ogp.me/ns#", "xhtml": "http://www.w3.org/1999/xhtml/vocab#"}],
        "@graph": nodes,
    });
    let report = import(&fixture, &document);
    assert_eq!(
        (
            report.rows_read,
            report.rows_imported,
            report.rows_skipped,
            report.rows_quarantined
        ),
        (6, 1, 5, 0)
    );
    assert_eq!(report.diagnostic_counts.get("node-skipped").copied(), Some(5));
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.code == Code::NodeSkipped && d.row <= 5)
    );
    assert_eq!(created(&report, "Performance"), 1);
    assert_eq!(created(&report, "Show"), 1, "the web page's name makes no show");
    assert!(quarantine(&fixture).is_empty());
}

#[test]
fn free_as_the_string_true_keeps_priced_offers_paid() {
    let fixture = Fixture::new();
    let report = import(
        &fixture,
        &document(vec![
            event(
                1,
                "Les Oiseaux de nuit",
                "2026-10-08T20:00:00-04:00",
                json!({
                "isAccessibleForFree": "True", "offers": {"@type": "Offer", "price": "35", "priceCurrency": "CAD"}}),
            ),
            event(
                2,
                "Cabaret des Cantons",
                "2026-10-09T20:00:00-04:00",
                json!({
                "isAccessibleForFree": "True", "offers": {"@type": "Offer", "price": "0"}}),
            ),
            event(
                3,
                "Molière au parc",
                "2026-10-10T20:00:00-04:00",
                json!({"isAccessibleForFree": true}),
            ),
        ]),
    );
    assert_eq!((report.rows_imported, report.rows_quarantined), (3, 0));
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let mut offers: Vec<(Option<Cents>, bool)> = all::<Offer>(&fixture).iter().map(|o| (o.price, o.is_free)).collect();
    offers.sort();
    assert_eq!(
        offers,
        vec![(None, true), (Some(Cents(0)), true), (Some(Cents(3500)), false)]
    );
}

#[test]
fn availability_is_read_from_literals_and_iris() {
    let fixture = Fixture::new();
    let availabilities = [
        json!("InStock"),
        json!("http://schema.org/SoldOut"),
        json!("https://schema.org/SoldOut"),
        json!("SoldOut"),
        json!({"@id": "schema:SoldOut"}),
        json!({"@id": "https://schema.org/InStock"}),
    ];
    let offers: Vec<Value> = (availabilities.iter().enumerate())
        .map(|(n, a)| json!({"@type": "Offer", "price": n + 1, "availability": a}))
        .collect();
    let report = import(
        &fixture,
        &document(vec![event(
            1,
            "Les Oiseaux de nuit",
            "2026-10-08T20:00:00-04:00",
            json!({"offers": offers}),
        )]),
    );
    assert_eq!(report.rows_quarantined, 0, "{:?}", report.diagnostics);
    let mut sold_out: Vec<(i64, bool)> = all::<Offer>(&fixture)
        .iter()
        .map(|o| (o.price.unwrap().0, o.sold_out))
        .collect();
    sold_out.sort();
    assert_eq!(
        sold_out,
        vec![
            (100, false),
            (200, true),
            (300, true),
            (400, true),
            (500, true),
            (600, false)
        ]
    );
}

#[test]
fn performers_with_empty_ids_stay_apart_and_only_their_names_are_kept() {
    let fixture = Fixture::new();
    let performers = json!({"performer": [
        {"@type": "Person", "@id": "", "name": "Aline Fictive"},
        {"@type": "Person", "@id": "", "name": "Bruno Imaginaire", "email": "bruno.imaginaire@exemple.ca",
         "telephone": "819 555-0134"},
        {"@type": "Person", "@id": "", "name": "Chloé Inventée", "sameAs": "http://kg.artsdata.ca/resource/K5-123"},
    ]});
    let report = import(
        &fixture,
        &document(vec![event(
            1,
            "Les Oiseaux de nuit",
            "2026-10-08T20:00:00-04:00",
            performers,
        )]),
    );
    assert_eq!((report.rows_imported, report.rows_quarantined), (1, 0));
    let mut persons = all::<Person>(&fixture);
    persons.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<&str> = persons.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Aline Fictive", "Bruno Imaginaire", "Chloé Inventée"]);
    assert!(persons[0].identifiers.is_empty() && persons[1].identifiers.is_empty());
    assert_eq!(persons[2].identifiers.artsdata.as_deref(), Some("K5-123"));
    // Neither the email nor the phone number reaches the database.
    let mut stored = Vec::new();
    for path in [fixture.db_path(), fixture.dir.path().join("test.db-wal")] {
        stored.extend(std::fs::read(path).unwrap_or_default());
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(stored.contains("Bruno Imaginaire"));
    assert!(!stored.contains("bruno.imaginaire@") && !stored.contains("555-0134"));
}

#[test]
fn well_known_remote_contexts_are_mapped_locally() {
    for context in [
        "https://schema.org",
        "http://schema.org",
        "https://schema.org/",
        "http://schema.org/",
        "https://schema.org/docs/jsonldcontext.json",
        "https://kg.artsdata.ca/context.jsonld",
    ] {
        let fixture = Fixture::new();
        let report = import(
            &fixture,
            &json!({"@context": context, "@graph": [event(1, "Les Oiseaux de nuit", "2026-10-08T20:00:00-04:00", json!({}))]}),
        );
        assert_eq!(created(&report, "Performance"), 1, "{context}");
        assert!(report.diagnostics.is_empty(), "{context}: {:?}", report.diagnostics);
    }
    // An object context with a vocabulary and prefixes, nodes nested and referenced.
    let fixture = Fixture::new();
    let report = import(
        &fixture,
        &json!({
            "@context": {"@vocab": "http://schema.org/", "ex": "https://exemple.qc.ca/voc#", "titre": "http://schema.org/name"},
            "@graph": [
                {"@id": "ex:salle", "@type": "Place", "titre": "Salle Verte", "address": "3, rue Fictive, Magog"},
                {"@id": "ex:spectacle", "@type": "DanceEvent", "titre": "Les Marées", "startDate": "2026-11-02T19:30:00-05:00",
                 "location": {"@id": "ex:salle"}},
            ],
        }),
    );
    assert_eq!(
        (report.rows_imported, report.rows_quarantined),
        (2, 0),
        "{:?}",
        report.diagnostics
    );
    let place = all::<Place>(&fixture)
        .into_iter()
        .find(|p| p.name == "Salle Verte")
        .unwrap();
    assert_eq!(place.street_address.as_deref(), Some("3, rue Fictive, Magog"));
    assert_eq!(
        all::<Show>(&fixture)
            .iter()
            .filter(|s| s.title_fr == "Les Marées")
            .count(),
        1
    );
}

#[test]
fn an_unknown_remote_context_is_read_as_schema_org_with_a_notice() {
    let fixture = Fixture::new();
    let report = import(
        &fixture,
        &json!({"@context": "https://exemple.org/contexte.jsonld",
                "@graph": [event(1, "Les Oiseaux de nuit", "2026-10-08T20:00:00-04:00", json!({}))]}),
    );
    assert_eq!((report.rows_imported, created(&report, "Performance")), (1, 1));
    let notice = report.diagnostics.iter().find(|d| d.field == "@context").unwrap();
    assert_eq!(notice.severity(), ensemble_ingest::Severity::Notice);
    assert_eq!(notice.code, ensemble_ingest::Code::ContextAssumed);
    assert_eq!(notice.arg("context"), Some("https://exemple.org/contexte.jsonld"));
}

#[test]
fn bad_nodes_are_quarantined_with_their_reason_and_no_personal_data() {
    let fixture = Fixture::new();
    let report = import(
        &fixture,
        &document(vec![
            without(event(1, "Les Oiseaux de nuit", "", json!({})), "startDate"),
            event(2, "Cabaret des Cantons", "bientôt", json!({})),
            event(
                3,
                "Molière au parc",
                "2026-10-10T20:00:00-04:00",
                json!({"offers": {"@type": "Offer", "price": "deux piastres"}}),
            ),
            json!({"@type": "Person", "@id": "_:p", "name": "jean.fictif@exemple.ca", "telephone": "819 555-0199"}),
            event(
                4,
                "Les Marées",
                "2026-10-11T20:00:00-04:00",
                json!({"eventStatus": "EventSometime"}),
            ),
            event(5, "Le Malade imaginaire", "2026-10-12T20:00:00-04:00", json!({})),
        ]),
    );
    assert_eq!(
        (report.rows_read, report.rows_imported, report.rows_quarantined),
        (6, 1, 5)
    );
    let found = codes(&report);
    for expected in [
        (Code::ValueMissing, "startDate"),
        (Code::DatetimeInvalid, "startDate"),
        (Code::AmountInvalid, "price"),
        (Code::PersonalValueMasked, "name"),
        (Code::ValueMissing, "name"),
        (Code::ValueUnknown, "eventStatus"),
    ] {
        assert!(
            found.contains(&(expected.0, expected.1.to_string())),
            "{expected:?} in {found:?}"
        );
    }
    assert_eq!(created(&report, "Performance"), 1);
    assert_eq!(created(&report, "Offer"), 0);
    let entries = quarantine(&fixture);
    assert_eq!(entries.len(), 5);
    for entry in &entries {
        let keys: Vec<&String> = entry.raw.as_object().unwrap().keys().collect();
        assert!(
            keys.iter().all(|k| ["@id", "@type", "name"].contains(&k.as_str())),
            "{keys:?}"
        );
        let text = entry.raw.to_string();
        assert!(!text.contains("jean.fictif") && !text.contains("555-0199"), "{text}");
        assert_eq!(entry.target, "json-ld");
    }
}

#[test]
fn the_show_is_the_series_else_the_work_else_the_event() {
    let fixture = Fixture::new();
    let report = import(
        &fixture,
        &document(vec![
            json!({"@type": "EventSeries", "@id": "https://exemple.qc.ca/series/cabaret", "name": "Cabaret des Cantons"}),
            event(
                1,
                "Cabaret des Cantons : soirée d'ouverture",
                "2026-10-08T20:00:00-04:00",
                json!({"superEvent": {"@id": "https://exemple.qc.ca/series/cabaret"}}),
            ),
            event(
                2,
                "Molière au parc",
                "2026-10-09T20:00:00-04:00",
                json!({"workPerformed": {"@type": "CreativeWork", "name": "Le Malade imaginaire"}}),
            ),
            event(3, "Les Oiseaux de nuit", "2026-10-10T20:00:00-04:00", json!({})),
        ]),
    );
    assert_eq!((report.rows_imported, report.rows_quarantined), (4, 0));
    let mut titles: Vec<String> = all::<Show>(&fixture).into_iter().map(|s| s.title_fr).collect();
    titles.sort();
    assert_eq!(
        titles,
        ["Cabaret des Cantons", "Le Malade imaginaire", "Les Oiseaux de nuit"]
    );
}

#[test]
fn identifiers_come_from_artsdata_ids_and_same_as() {
    let fixture = Fixture::new();
    let mut place = salle_bleue();
    place["sameAs"] = json!([
        "https://kg.artsdata.ca/resource/K11-9001",
        "https://www.wikidata.org/wiki/Q99990001"
    ]);
    let mut gala = event(
        1,
        "Les Oiseaux de nuit",
        "2026-10-08T20:00:00-04:00",
        json!({"location": place}),
    );
    gala["@id"] = json!("http://kg.artsdata.ca/resource/K12-34");
    gala["sameAs"] = json!("http://www.wikidata.org/entity/Q99990002");
    let report = import(&fixture, &document(vec![gala]));
    assert_eq!(report.rows_imported, 1, "{:?}", report.diagnostics);
    let show = all::<Show>(&fixture).pop().unwrap();
    assert_eq!(show.identifiers.artsdata.as_deref(), Some("K12-34"));
    assert_eq!(show.identifiers.wikidata.as_deref(), Some("Q99990002"));
    let place = all::<Place>(&fixture)
        .into_iter()
        .find(|p| p.name == "Salle Bleue")
        .unwrap();
    assert_eq!(place.identifiers.artsdata.as_deref(), Some("K11-9001"));
    assert_eq!(place.identifiers.wikidata.as_deref(), Some("Q99990001"));
    assert_eq!(place.postal_code.as_deref(), Some("J1H 1A1"));
    assert_eq!((place.province.as_deref(), place.country.as_str()), (Some("QC"), "CA"));
}

#[test]
fn a_matinee_and_an_evening_stay_two_performances_and_reimports_create_nothing() {
    let fixture = Fixture::new();
    let day = document(vec![
        event(
            1,
            "Les Oiseaux de nuit",
            "2026-10-10T14:00:00-04:00",
            json!({"offers": {"@type": "Offer", "price": 25}}),
        ),
        event(
            2,
            "Les Oiseaux de nuit",
            "2026-10-10T20:00:00-04:00",
            json!({"offers": {"@type": "Offer", "price": 35}}),
        ),
    ]);
    let first = import(&fixture, &day);
    assert_eq!(
        (
            created(&first, "Performance"),
            created(&first, "Show"),
            created(&first, "Offer")
        ),
        (2, 1, 2)
    );
    let again = import(&fixture, &day);
    assert_eq!(again.tally.created_total(), 0, "{:?}", again.tally.created);
    assert_eq!(again.tally.already_imported.get("Offer").copied(), Some(2));
    assert_eq!(fixture.store.count::<Performance>().unwrap(), 2);
}

#[test]
fn a_newer_export_updates_status_and_prices() {
    let fixture = Fixture::new();
    let gala = |status: &str, price: u32| {
        document(vec![event(
            1,
            "Les Oiseaux de nuit",
            "2026-10-08T20:00:00-04:00",
            json!({
            "eventStatus": status, "offers": {"@type": "Offer", "price": price}}),
        )])
    };
    import(&fixture, &gala("https://schema.org/EventScheduled", 30));
    let report = import(&fixture, &gala("https://schema.org/EventCancelled", 32));
    assert_eq!(report.tally.created_total(), 0);
    assert_eq!(report.tally.updated.get("Performance").copied(), Some(1));
    assert_eq!(report.tally.updated.get("Offer").copied(), Some(1));
    assert_eq!(all::<Performance>(&fixture)[0].status, EventStatus::Cancelled);
    assert_eq!(all::<Offer>(&fixture)[0].price, Some(Cents(3200)));
}

#[test]
fn the_organizer_presents_else_the_member_in_its_own_hall() {
    let fixture = Fixture::new();
    let producer = json!({"@type": "Organization", "@id": "https://exemple.qc.ca/productions-fictives",
                          "name": "Productions Fictives", "url": "https://exemple.qc.ca",
                          "address": {"@type": "PostalAddress", "addressLocality": "Magog", "postalCode": "J1X 1A1"}});
    let report = import(
        &fixture,
        &document(vec![
            event(
                1,
                "Les Oiseaux de nuit",
                "2026-10-08T20:00:00-04:00",
                json!({"organizer": producer}),
            ),
            without(
                event(2, "Cabaret des Cantons", "2026-10-09T20:00:00-04:00", json!({})),
                "location",
            ),
            without(
                event(
                    3,
                    "Molière au parc",
                    "2026-10-10T20:00:00-04:00",
                    json!({"organizer": "Théâtre Ailleurs"}),
                ),
                "location",
            ),
        ]),
    );
    assert_eq!((report.rows_imported, report.rows_quarantined), (2, 1));
    assert_eq!(codes(&report), vec![(Code::ValueMissing, "location".to_string())]);
    let organization = all::<Organization>(&fixture)
        .into_iter()
        .find(|o| o.name == "Productions Fictives")
        .unwrap();
    assert_eq!(organization.roles, vec![ValueChainRole::Presenter]);
    assert_eq!(organization.municipality.as_deref(), Some("Magog"));
    assert_eq!(organization.website.as_deref(), Some("https://exemple.qc.ca"));
    let performances = all::<Performance>(&fixture);
    let presented = performances.iter().find(|p| p.presenter_id == organization.id).unwrap();
    assert_ne!(presented.hall_id, HallId(1));
    let own = performances
        .iter()
        .find(|p| p.presenter_id == OrganizationId(1))
        .unwrap();
    assert_eq!(own.hall_id, HallId(1), "the member's own hall");
    assert_eq!(own.time_zone, "America/Toronto");
}

#[test]
fn top_level_offers_are_rows_of_their_event() {
    let fixture = Fixture::new();
    let report = import(
        &fixture,
        &document(vec![
            json!({"@id": "_:o1", "@type": "Offer", "price": "20", "url": "https://exemple.qc.ca/billets/1"}),
            event(
                1,
                "Les Oiseaux de nuit",
                "2026-10-08T20:00:00-04:00",
                json!({"offers": {"@id": "_:o1"}}),
            ),
            json!({"@id": "_:o2", "@type": "Offer", "price": "5"}),
            json!({"@id": "_:o3", "@type": "Offer", "price": "-5"}),
            event(
                2,
                "Cabaret des Cantons",
                "2026-10-09T20:00:00-04:00",
                json!({"offers": {"@id": "_:o3"}}),
            ),
        ]),
    );
    assert_eq!(
        (
            report.rows_read,
            report.rows_imported,
            report.rows_skipped,
            report.rows_quarantined
        ),
        (5, 3, 1, 1),
        "{:?}",
        report.diagnostics
    );
    let offers = all::<Offer>(&fixture);
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].url.as_deref(), Some("https://exemple.qc.ca/billets/1"));
    assert_eq!(offers[0].provenance.source_row, Some(1));
    let rejected = quarantine(&fixture);
    assert_eq!(rejected[0].source_row, 4);
    assert_eq!(rejected[0].diagnostics[0]["code"], "model-invalid");
}

#[test]
fn a_document_without_nodes_is_refused() {
    let fixture = Fixture::new();
    let path = write(&fixture, &json!({"@context": "https://schema.org", "@graph": []}));
    let error = fixture.import(&path, ProfileChoice::Auto).unwrap_err();
    assert_eq!(error.code(), "import-file-empty");
}

// ---- Damaged and random documents never panic ---------------------------------------------------

fn import_bytes(fixture: &Fixture, path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
    // An error or a report: both are fine, a panic is not.
    let _ = fixture.import(path, ProfileChoice::Auto);
}

#[test]
fn truncated_and_mutated_nac_documents_never_panic() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let fixture = Fixture::new();
    let path = fixture.dir.path().join("abime.jsonld");
    let text = std::fs::read(nac_path()).unwrap();
    let nodes: Vec<Value> = serde_json::from_slice(&text).unwrap();
    // The first few hundred nodes (events, offers, places and markup) keep each case quick; in a
    // `@graph` so that the file is still recognised as JSON-LD when the damage is near its start.
    let small = serde_json::to_vec_pretty(&json!({"@graph": &nodes[..400]})).unwrap();
    let strategy = (
        0..text.len(),
        0..small.len(),
        prop::collection::vec((0..small.len(), any::<u8>()), 1..8),
        0..nodes.len(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |(cut, small_cut, mutations, keep)| {
            import_bytes(&fixture, &path, &text[..cut]);
            import_bytes(&fixture, &path, &small[..small_cut]);
            let mut mutated = small.clone();
            for (at, byte) in mutations {
                mutated[at] = byte;
            }
            import_bytes(&fixture, &path, &mutated);
            // A valid prefix of the nodes: references to nodes cut off dangle.
            let prefix = serde_json::to_vec(&json!({"@graph": &nodes[..keep.min(600)]})).unwrap();
            import_bytes(&fixture, &path, &prefix);
            Ok(())
        })
        .unwrap();
}

const KEYS: &[&str] = &[
    "@context",
    "@id",
    "@type",
    "@graph",
    "@value",
    "@language",
    "@list",
    "@vocab",
    "type",
    "name",
    "startDate",
    "location",
    "offers",
    "price",
    "availability",
    "isAccessibleForFree",
    "performer",
    "organizer",
    "superEvent",
    "workPerformed",
    "address",
    "sameAs",
    "eventStatus",
    "geo",
    "latitude",
    "addressLocality",
    "http://schema.org/name",
    "schema:startDate",
];

const WORDS: &[&str] = &[
    "",
    "Event",
    "TheaterEvent",
    "Place",
    "Offer",
    "Person",
    "Organization",
    "EventSeries",
    "PostalAddress",
    "GeoCoordinates",
    "https://schema.org",
    "https://exemple.org/ctx",
    "_:b0",
    "_:b1",
    "2026-10-08T20:00:00-04:00",
    "2026-10-08",
    "45",
    "112.00",
    "-3",
    "True",
    "SoldOut",
    "http://schema.org/SoldOut",
    "@type",
    "@id",
    "schema:name",
    "http://kg.artsdata.ca/resource/K1-1",
    "&eacute;&#x;&#99999999;&",
];

fn json_ld() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(WORDS).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(KEYS).prop_map(String::from), inner, 0..6)
                .prop_map(|map: BTreeMap<String, Value>| Value::Object(map.into_iter().collect())),
        ]
    })
}

#[test]
fn random_json_ld_documents_never_panic() {
    use proptest::test_runner::{Config, TestRunner};

    let fixture = Fixture::new();
    let path = fixture.dir.path().join("hasard.jsonld");
    let mut runner = TestRunner::new(Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&json_ld(), |graph| {
            let document = json!({"@context": "https://schema.org", "@graph": graph});
            import_bytes(&fixture, &path, &serde_json::to_vec(&document).unwrap());
            import_bytes(&fixture, &path, &serde_json::to_vec(&json!([graph])).unwrap());
            Ok(())
        })
        .unwrap();
}

/// A venue found by its name and town takes the Artsdata id a later source gives it, so that a
/// third source naming it otherwise (in English) but with that id finds it too: no duplicate.
#[test]
fn a_linked_venue_takes_the_identifier_a_source_gives_it() {
    let fixture = Fixture::new();
    import(
        &fixture,
        &document(vec![event(1, "Les Marées", "2026-10-01T20:00:00-04:00", json!({}))]),
    );
    let mut known = salle_bleue();
    known["sameAs"] = json!("http://kg.artsdata.ca/resource/K99-1");
    let second = import(
        &fixture,
        &document(vec![event(
            2,
            "Les Marées",
            "2026-10-02T20:00:00-04:00",
            json!({"location": known}),
        )]),
    );
    assert_eq!(created(&second, "Place"), 0);
    assert_eq!(second.tally.updated.get("Place"), Some(&1), "{:?}", second.tally);
    let places = all::<Place>(&fixture);
    let bleue: Vec<&Place> = places.iter().filter(|p| p.name == "Salle Bleue").collect();
    assert_eq!(bleue.len(), 1);
    assert_eq!(bleue[0].identifiers.artsdata.as_deref(), Some("K99-1"));
    let mut english = known.clone();
    english["name"] = json!("Blue Hall");
    english["@id"] = json!("https://other.example/venues/blue-hall");
    let third = import(
        &fixture,
        &document(vec![event(
            3,
            "Les Marées",
            "2026-10-03T20:00:00-04:00",
            json!({"location": english}),
        )]),
    );
    assert_eq!(created(&third, "Place"), 0, "found by the id it was given");
    assert_eq!(all::<Place>(&fixture).len(), places.len());
}
