//! RDF imports end to end: Turtle as Artsdata's Spektrix pipeline publishes it (a real file, the
//! expected counts read from its text), the same statements in N-Triples and RDF/XML, identifiers
//! given as `PropertyValue`s, untyped nodes, damaged files, and random Turtle that must never
//! panic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::{Fixture, data};
use chrono::DateTime;
use ensemble_ingest::{Code, Format, ImportReport, ProfileChoice};
use ensemble_model::*;
use ensemble_store::ListFilter;

fn centaur_path() -> PathBuf {
    data("real/spektrix-centaurtheatre-entities.ttl")
}

fn all<E: Entity>(fixture: &Fixture) -> Vec<E> {
    fixture.store.list_any::<E>(&ListFilter::default()).unwrap()
}

fn created(report: &ImportReport, entity: &str) -> u64 {
    report.tally.created.get(entity).copied().unwrap_or(0)
}

fn import_text(fixture: &Fixture, name: &str, text: &str) -> ImportReport {
    let path = fixture.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    fixture.import(&path, ProfileChoice::Auto).unwrap()
}

/// The Centaur file's events, read from its text: each statement block with `a schema:Event`
/// (the file's only layout), as (name, start).
fn centaur_events() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(centaur_path()).unwrap();
    text.split("\n\n")
        .filter(|block| block.contains("schema:Event;"))
        .map(|block| {
            let after = |property: &str| {
                let start = block.find(property).unwrap() + property.len();
                let rest = &block[start..];
                rest[..rest.find('"').unwrap()].to_string()
            };
            (after("schema:name \""), after("schema:startDate \""))
        })
        .collect()
}

#[test]
fn spektrix_turtle_imports_every_event_at_its_montreal_venue() {
    let events = centaur_events();
    // What the file held when copied, so that a changed copy is noticed.
    assert_eq!(events.len(), 127);
    let titles: BTreeSet<&str> = events.iter().map(|(name, _)| name.as_str()).collect();

    let fixture = Fixture::new();
    let report = fixture.import(&centaur_path(), ProfileChoice::Auto).unwrap();
    assert_eq!(report.format, Some(Format::Turtle));
    assert_eq!(report.rows_read, report.rows_imported, "{:?}", report.diagnostics);
    assert_eq!(report.rows_quarantined, 0);
    assert_eq!(created(&report, "Performance"), events.len() as u64);
    assert_eq!(created(&report, "Offer"), events.len() as u64);
    assert_eq!(created(&report, "Show"), titles.len() as u64);

    let place = all::<Place>(&fixture)
        .into_iter()
        .find(|p| p.name == "Centaur Theatre")
        .unwrap();
    assert_eq!(place.municipality.as_deref(), Some("Montreal"));
    assert_eq!(place.province.as_deref(), Some("QC"));
    assert_eq!(place.street_address.as_deref(), Some("453 St. Francois-Xavier"));
    let company = all::<Organization>(&fixture)
        .into_iter()
        .find(|o| o.name == "Centaur Theatre")
        .unwrap();
    assert_eq!(company.identifiers.artsdata.as_deref(), Some("K10-32"));

    // Local times without an offset are Montréal's (the venue is in Québec): 20:00 in November
    // is 20:00-05:00, in standard time.
    let performances = all::<Performance>(&fixture);
    let (_, first) = &events[0];
    assert_eq!(first, "2026-11-04T20:00:00");
    let expected = DateTime::parse_from_rfc3339("2026-11-04T20:00:00-05:00").unwrap();
    assert!(
        performances
            .iter()
            .any(|p| p.starts_at == expected && p.time_zone == "America/Toronto")
    );
    let offers = all::<Offer>(&fixture);
    assert!(offers.iter().all(|o| o.currency == "CAD" && o.price.is_some()));

    // Imported again: nothing new.
    let again = fixture.import(&centaur_path(), ProfileChoice::Auto).unwrap();
    assert_eq!(created(&again, "Performance"), 0);
    assert_eq!(created(&again, "Show"), 0);
}

/// The Centaur file written in another RDF syntax, by Oxigraph's serialiser (blank nodes renamed:
/// the file's start with a digit, which RDF/XML does not allow).
fn converted(to: oxrdfio::RdfFormat) -> Vec<u8> {
    use oxrdfio::{RdfParser, RdfSerializer};
    let text = std::fs::read(centaur_path()).unwrap();
    let mut serializer = RdfSerializer::from_format(to).for_writer(Vec::new());
    let parser = RdfParser::from_format(oxrdfio::RdfFormat::Turtle).rename_blank_nodes();
    for quad in parser.for_slice(&text) {
        serializer.serialize_quad(&quad.unwrap()).unwrap();
    }
    serializer.finish().unwrap()
}

fn records(fixture: &Fixture) -> (Vec<String>, Vec<String>, Vec<Option<i64>>) {
    let mut shows: Vec<String> = all::<Show>(fixture).into_iter().map(|s| s.title_fr).collect();
    let mut starts: Vec<String> = all::<Performance>(fixture)
        .into_iter()
        .map(|p| p.starts_at.to_rfc3339())
        .collect();
    let mut prices: Vec<Option<i64>> = all::<Offer>(fixture)
        .into_iter()
        .map(|o| o.price.map(|c| c.0))
        .collect();
    shows.sort();
    starts.sort();
    prices.sort();
    (shows, starts, prices)
}

#[test]
fn the_same_statements_in_n_triples_and_rdf_xml_give_the_same_records() {
    let turtle = Fixture::new();
    let report = turtle.import(&centaur_path(), ProfileChoice::Auto).unwrap();
    let expected = records(&turtle);
    for (name, syntax, format) in [
        ("centaur.nt", oxrdfio::RdfFormat::NTriples, Format::NTriples),
        ("centaur.rdf", oxrdfio::RdfFormat::RdfXml, Format::RdfXml),
        // Without a telling extension, the content says what it is.
        ("centaur.txt", oxrdfio::RdfFormat::RdfXml, Format::RdfXml),
    ] {
        let fixture = Fixture::new();
        let path = fixture.dir.path().join(name);
        std::fs::write(&path, converted(syntax)).unwrap();
        let other = fixture.import(&path, ProfileChoice::Auto).unwrap();
        assert_eq!(other.format, Some(format), "{name}");
        assert_eq!(other.tally.created, report.tally.created, "{name}");
        assert_eq!(records(&fixture), expected, "{name}");
    }
    // Turtle's directives are recognised whatever the file is called.
    let fixture = Fixture::new();
    let path = fixture.dir.path().join("export");
    std::fs::copy(centaur_path(), &path).unwrap();
    assert_eq!(
        fixture.import(&path, ProfileChoice::Auto).unwrap().format,
        Some(Format::Turtle)
    );
}

const IDENTIFIED: &str = r#"
@prefix schema: <http://schema.org/> .
@prefix ex: <https://exemple.qc.ca/> .

ex:troupe-a a schema:Organization ;
  schema:name "Troupe des Essais" ;
  schema:identifier [ a schema:PropertyValue ; schema:propertyID "Wikidata" ; schema:value "Q99990011" ] ,
                    [ a schema:PropertyValue ; schema:propertyID "BN" ; schema:value "123456789RR0001" ] ,
                    [ schema:propertyID "NEQ" ; schema:value "1145678901" ] .

ex:troupe-b a schema:Organization ;
  schema:name "Compagnie Hypothétique" ;
  schema:identifier "K10-9001" , <http://www.wikidata.org/entity/Q99990012> .

ex:troupe-c a schema:Organization ;
  schema:name "Ensemble Imaginaire" ;
  schema:identifier [ schema:propertyID "Wikidata" ; schema:value "K10-1" ] .
"#;

#[test]
fn identifiers_are_read_from_property_values_codes_and_addresses() {
    let fixture = Fixture::new();
    let report = import_text(&fixture, "troupes.ttl", IDENTIFIED);
    assert_eq!(report.rows_quarantined, 0, "{:?}", report.diagnostics);
    // The property values are parts of their organisation, not rows left unread.
    assert_eq!(report.rows_skipped, 0, "{:?}", report.diagnostics);
    let find = |name: &str| {
        all::<Organization>(&fixture)
            .into_iter()
            .find(|o| o.name == name)
            .unwrap()
            .identifiers
    };
    let a = find("Troupe des Essais");
    assert_eq!(a.wikidata.as_deref(), Some("Q99990011"));
    assert_eq!(a.neq.as_deref(), Some("1145678901"));
    assert_eq!(a.artsdata, None);
    let b = find("Compagnie Hypothétique");
    assert_eq!(b.artsdata.as_deref(), Some("K10-9001"));
    assert_eq!(b.wikidata.as_deref(), Some("Q99990012"));
    // A code that is not the named registry's is not taken for another registry's.
    assert!(find("Ensemble Imaginaire").is_empty());
}

const UNTYPED: &str = r#"
@prefix schema: <http://schema.org/> .
@prefix ex: <https://exemple.qc.ca/> .

ex:salle a schema:Place ;
  schema:name "Salle Bleue" ;
  schema:address ex:adresse .

ex:adresse schema:streetAddress "12, rue Fictive" ;
  schema:addressLocality "Sherbrooke" ;
  schema:addressRegion "QC" .

ex:soiree schema:name "Les Oiseaux de nuit" ;
  schema:startDate "2026-10-08T20:00:00-04:00" ;
  schema:location ex:salle .

ex:bizarre schema:name "Mélange" ;
  schema:startDate "2026-10-09T20:00:00-04:00" ;
  schema:postalCode "J1H 1A1" .

ex:rien schema:description "Une note sans type." .
"#;

#[test]
fn untyped_nodes_are_read_from_their_properties_when_only_one_type_fits() {
    let fixture = Fixture::new();
    let report = import_text(&fixture, "sans-type.ttl", UNTYPED);
    // The event and the address are read (with a notice each); the node that could be an event or
    // an address, and the one that could be anything, are left out.
    assert_eq!(created(&report, "Performance"), 1, "{:?}", report.diagnostics);
    let place = all::<Place>(&fixture)
        .into_iter()
        .find(|p| p.name == "Salle Bleue")
        .unwrap();
    assert_eq!(place.street_address.as_deref(), Some("12, rue Fictive"));
    let inferred: Vec<(u64, String)> = (report.diagnostics.iter())
        .filter(|d| d.code == Code::TypeInferred)
        .map(|d| (d.row, d.args.iter().find(|(name, _)| name == "type").unwrap().1.clone()))
        .collect();
    assert_eq!(inferred, [(2, "PostalAddress".to_string()), (3, "Event".to_string())]);
    let skipped: Vec<u64> = (report.diagnostics.iter())
        .filter(|d| d.code == Code::NodeSkipped)
        .map(|d| d.row)
        .collect();
    assert_eq!(skipped, [4, 5]);
    assert_eq!(report.rows_skipped, 2);
}

#[test]
fn a_damaged_turtle_file_is_refused_by_its_place_never_its_text_and_nothing_is_kept() {
    let fixture = Fixture::new();
    let path = fixture.dir.path().join("abime.ttl");
    let text = "@prefix schema: <http://schema.org/> .\n\n<https://exemple.qc.ca/e1> a schema:Event ;\n  schema:name \"Gala\" ;\n  schema:email prenom.nom@exemple.ca .\n";
    std::fs::write(&path, text).unwrap();
    let error = fixture.import(&path, ProfileChoice::Auto).unwrap_err();
    assert_eq!(error.code(), "import-file-malformed");
    let message = error.to_string();
    assert!(message.contains("line 5"), "{message}");
    assert!(!message.contains("prenom"), "{message}");
    assert!(all::<Show>(&fixture).is_empty());
    assert!(all::<Performance>(&fixture).is_empty());

    std::fs::write(&path, "@prefix schema: <http://schema.org/> .\n").unwrap();
    let error = fixture.import(&path, ProfileChoice::Auto).unwrap_err();
    assert_eq!(error.code(), "import-file-empty");
}

// ---- Random Turtle never panics -----------------------------------------------------------------

const TOKENS: &[&str] = &[
    "@prefix schema: <http://schema.org/> .\n",
    "@prefix : <https://exemple.qc.ca/> .\n",
    "@base <https://exemple.qc.ca/> .\n",
    "PREFIX ex: <https://ex.ca/>\n",
    "<https://exemple.qc.ca/e1>",
    "<e2>",
    ":salle",
    "_:b0",
    "_:b1",
    "[",
    "]",
    "(",
    ")",
    " a ",
    "schema:Event",
    "schema:Place",
    "schema:Offer",
    "schema:PropertyValue",
    "schema:name",
    "schema:startDate",
    "schema:location",
    "schema:offers",
    "schema:price",
    "schema:identifier",
    "schema:propertyID",
    "schema:value",
    "schema:address",
    "schema:streetAddress",
    "schema:sameAs",
    "\"Gala\"",
    "\"Gala\"@fr",
    "\"2026-10-08T20:00:00\"",
    "\"2026-10-08T20:00:00-04:00\"^^<http://www.w3.org/2001/XMLSchema#dateTime>",
    "\"45.5\"",
    "\"Wikidata\"",
    "\"Q1\"",
    "\"\"\"long\ntext\"\"\"",
    "12",
    "-3.5e2",
    "true",
    ";",
    ",",
    ".",
    " ",
    "\n",
    "#",
    "\\",
    "\"",
    "<",
    "\u{feff}",
];

fn import_bytes(fixture: &Fixture, path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
    // An error or a report: both are fine, a panic is not.
    let _ = fixture.import(path, ProfileChoice::Auto);
}

#[test]
fn random_turtle_never_panics() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let fixture = Fixture::new();
    let path = fixture.dir.path().join("hasard.ttl");
    let real = std::fs::read(centaur_path()).unwrap();
    let tokens = prop::collection::vec(prop::sample::select(TOKENS), 0..80);
    let bytes = prop::collection::vec(any::<u8>(), 0..400);
    let strategy = (
        tokens,
        bytes,
        0..real.len(),
        prop::collection::vec((0..4000usize, any::<u8>()), 1..6),
    );
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |(tokens, bytes, cut, mutations)| {
            // A well-formed start, then random statements.
            let mut text = String::from("@prefix schema: <http://schema.org/> .\n");
            text.extend(tokens);
            import_bytes(&fixture, &path, text.as_bytes());
            // Random bytes after a directive (read as Turtle, whatever follows).
            let mut random = b"@prefix schema: <http://schema.org/> .\n".to_vec();
            random.extend(&bytes);
            import_bytes(&fixture, &path, &random);
            // The real file cut anywhere, and its start damaged.
            import_bytes(&fixture, &path, &real[..cut]);
            let mut damaged = real[..4000].to_vec();
            for (at, byte) in mutations {
                damaged[at] = byte;
            }
            import_bytes(&fixture, &path, &damaged);
            Ok(())
        })
        .unwrap();
}
