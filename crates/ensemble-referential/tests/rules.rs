//! The engine's rules on small sets of records: bilingual names and acronyms meet, same hall
//! names in different towns stay apart even through a third record, a hall stays apart from its
//! building, a shared identifier links and one given to records in different towns is reported as
//! a conflict, and every decision is explained.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_referential::{Decision, Kind, Record, Settings, resolve};

fn record(id: &str, name: &str, locality: &str) -> Record {
    Record {
        id: id.to_string(),
        source: id.split(':').next().unwrap().to_string(),
        name: name.to_string(),
        locality: Some(locality.to_string()).filter(|l| !l.is_empty()),
        ..Record::default()
    }
}

/// Background organisations of the sector, so that the model has something to learn from.
fn background() -> Vec<Record> {
    let names = [
        ("Théâtre du Bic", "Rimouski"),
        ("Salle Pauline-Julien", "Sainte-Geneviève"),
        ("Théâtre Outremont", "Montréal"),
        ("Centre culturel de Joliette", "Joliette"),
        ("Maison de la culture Frontenac", "Montréal"),
        ("Théâtre Gilles-Vigneault", "Saint-Jérôme"),
        ("Salle Odyssée", "Gatineau"),
        ("Théâtre Lionel-Groulx", "Sainte-Thérèse"),
        ("Salle J.-Antonio-Thompson", "Trois-Rivières"),
        ("Théâtre de la Ville", "Longueuil"),
        ("Centre des arts de Baie-Comeau", "Baie-Comeau"),
        ("Salle André-Mathieu", "Laval"),
        ("Théâtre Petit Champlain", "Québec"),
        ("Diffusion Saguenay", "Saguenay"),
        ("Spect'Art Rimouski", "Rimouski"),
        ("Arts Club Theatre Company", "Vancouver"),
        ("Citadel Theatre", "Edmonton"),
        ("Neptune Theatre", "Halifax"),
        ("Imperial Theatre", "Saint John"),
        ("Capitol Theatre", "Moncton"),
        ("Rotary Centre for the Arts", "Kelowna"),
        ("Chan Centre for the Performing Arts", "Vancouver"),
        ("Confederation Centre of the Arts", "Charlottetown"),
        ("Grand Theatre", "London"),
    ];
    names
        .iter()
        .enumerate()
        .flat_map(|(i, (name, town))| {
            // Each background entity seen by two sources, once with its accents dropped.
            let plain: String = name.replace(['é', 'è'], "e").replace('â', "a");
            [
                record(&format!("a:{i}"), name, town),
                record(&format!("b:{i}"), &plain, town),
            ]
        })
        .collect()
}

fn entity_of(records: &[Record], kind: Kind) -> impl Fn(&str) -> usize {
    let resolution = resolve(records, &Settings::new(kind));
    let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    move |id: &str| resolution.entity[ids.iter().position(|r| r == id).unwrap()]
}

#[test]
fn bilingual_names_and_acronyms_meet() {
    let mut records = background();
    records.extend([
        record("x:1", "Ballet national du Canada", "Toronto"),
        record("y:1", "National Ballet of Canada", "Toronto"),
        record("x:2", "Festival TransAmériques", "Montréal"),
        record("y:2", "FTA", "Montréal"),
        record(
            "x:3",
            "Société pour la promotion d'événements culturels du Haut-Richelieu",
            "Saint-Jean-sur-Richelieu",
        ),
        record("y:3", "SPEC du Haut-Richelieu", "St-Jean-sur-Richelieu"),
        record("x:4", "le Réseau CanDanse", "Ottawa"),
        record("y:4", "The CanDance Network", "Ottawa"),
    ]);
    let entity = entity_of(&records, Kind::Organization);
    for n in 1..=4 {
        assert_eq!(entity(&format!("x:{n}")), entity(&format!("y:{n}")), "pair {n}");
    }
    assert_ne!(entity("x:1"), entity("x:2"));
    assert_eq!(entity("a:0"), entity("b:0"), "background pairs meet too");
}

#[test]
fn same_hall_names_in_different_towns_stay_apart_even_through_a_third_record() {
    let mut records = background();
    records.extend([
        record("x:1", "Main Stage", "Guelph"),
        record("y:1", "Main Stage", "Saulnierville"),
        record("z:1", "Main Stage", "Surrey"),
        record("w:1", "Main Stage", ""),
        record("x:2", "Royal Theatre", "Riverview"),
        record("y:2", "Royal Theatre", "Victoria"),
        record("x:3", "Salle Desjardins", "Gatineau"),
        record("y:3", "Salle Desjardins", "La Sarre"),
        record("z:3", "Salle Desjardins", "Gatineau"),
    ]);
    let entity = entity_of(&records, Kind::Place);
    let towns = [entity("x:1"), entity("y:1"), entity("z:1")];
    assert!(
        towns[0] != towns[1] && towns[1] != towns[2] && towns[0] != towns[2],
        "{towns:?}"
    );
    assert_ne!(entity("x:2"), entity("y:2"));
    assert_ne!(entity("x:3"), entity("y:3"));
    assert_eq!(entity("x:3"), entity("z:3"), "the same hall in the same town");
}

#[test]
fn a_hall_stays_apart_from_its_building() {
    let mut records = background();
    let mut building = record("x:1", "Centre national des Arts", "Ottawa");
    building.street = Some("1 Elgin St".to_string());
    let mut hall = record("x:2", "Centre national des Arts - Salle Southam", "Ottawa");
    hall.street = Some("1 Elgin St".to_string());
    hall.parent_place = Some("x:1".to_string());
    let mut same_building = record("y:1", "National Arts Centre", "Ottawa");
    same_building.street = Some("1, rue Elgin".to_string());
    records.extend([building, hall, same_building]);
    let entity = entity_of(&records, Kind::Place);
    assert_ne!(entity("x:1"), entity("x:2"));
    assert_ne!(
        entity("y:1"),
        entity("x:2"),
        "not through the other source's building either"
    );
}

#[test]
fn a_shared_identifier_links_and_one_given_to_distinct_places_is_a_conflict() {
    let mut records = background();
    let with_id = |id: &str, name: &str, town: &str, wikidata: &str| {
        let mut r = record(id, name, town);
        r.identifiers = vec![("wikidata".to_string(), wikidata.to_string())];
        r
    };
    records.extend([
        with_id("x:1", "Salle Wilfrid-Pelletier", "Montréal", "Q3472129"),
        with_id("y:1", "Place des Arts — Wilfrid-Pelletier", "Montréal", "Q3472129"),
        with_id("x:2", "Salle Desjardins", "Gatineau", "Q999"),
        with_id("y:2", "Salle Desjardins", "Lebel-sur-Quévillon", "Q999"),
        with_id("x:3", "Théâtre Denise-Pelletier", "Montréal", "Q111"),
        with_id("y:3", "Théâtre Denise-Pelletier", "Montréal", "Q222"),
    ]);
    let resolution = resolve(&records, &Settings::new(Kind::Place));
    let at = |id: &str| records.iter().position(|r| r.id == id).unwrap();
    assert_eq!(resolution.entity[at("x:1")], resolution.entity[at("y:1")]);
    assert_ne!(resolution.entity[at("x:2")], resolution.entity[at("y:2")]);
    assert_ne!(
        resolution.entity[at("x:3")],
        resolution.entity[at("y:3")],
        "two Wikidata ids: two entities"
    );
    assert_eq!(resolution.conflicts.len(), 1);
    assert_eq!(resolution.conflicts[0].value, "Q999");
    let held = resolution
        .pairs
        .iter()
        .find(|p| (p.left, p.right) == (at("x:2"), at("y:2")))
        .unwrap();
    assert_eq!(held.decision, Decision::HeldApart);
}

#[test]
fn every_decision_is_explained_and_the_same_records_give_the_same_entities() {
    let mut records = background();
    records.push(record("x:1", "Théâtre Outremont", "Montréal"));
    let first = resolve(&records, &Settings::new(Kind::Organization));
    let again = resolve(&records, &Settings::new(Kind::Organization));
    assert_eq!(first.entity, again.entity);
    assert_eq!(first.probability, again.probability);
    let linked = first
        .pairs
        .iter()
        .find(|p| p.decision == Decision::Linked)
        .expect("a linked pair");
    let prepared = ensemble_referential::compare::Prepared::new(&records, Kind::Organization);
    let comparison = prepared.compare(linked.left, linked.right);
    let evidence = first.model.evidence(&comparison);
    assert!(
        evidence.iter().any(|e| e.field == "name" && e.weight > 0.0),
        "{evidence:?}"
    );
    assert!((first.model.probability(&comparison) - linked.probability).abs() < 1e-12);
}

#[test]
fn a_name_that_says_only_the_kind_of_room_is_generic() {
    use ensemble_referential::compare::generic_place_name;
    for name in [
        "Main Stage",
        "Studio Theatre",
        "Salle principale",
        "Grand Théâtre",
        "Petite salle",
        "Scène 2",
    ] {
        assert!(generic_place_name(name), "{name}");
    }
    for name in [
        "Salle Albert-Rousseau",
        "Grand Théâtre de Québec",
        "Royal Theatre",
        "Studio Azrieli",
    ] {
        assert!(!generic_place_name(name), "{name}");
    }
}

/// A town or a postal code written with a slip is close, not different: the pair keeps their
/// weight; two towns stay different, and two places of different towns stay apart.
#[test]
fn slips_in_towns_and_postal_codes_are_close() {
    use ensemble_referential::compare::Prepared;
    let person = |id: &str, locality: &str, postal: &str| Record {
        id: id.to_string(),
        source: "s".to_string(),
        name: "Nicholas Hathaway".to_string(),
        locality: Some(locality.to_string()),
        postal_code: Some(postal.to_string()),
        ..Record::default()
    };
    let records = vec![
        person("a", "mill park", "4305"),
        person("b", "mill aprk", "4350"),
        person("c", "frankston", "3199"),
    ];
    let prepared = Prepared::new(&records, Kind::Person);
    let slip = prepared.compare(0, 1);
    assert_eq!(
        (slip.levels[1], slip.levels[2]),
        (Some(1), Some(1)),
        "close town, close code"
    );
    let apart = prepared.compare(0, 2);
    assert_eq!((apart.levels[1], apart.levels[2]), (Some(2), Some(2)));

    let places = vec![
        record("p:1", "Salle Desjardins", "Gatineau"),
        record("p:2", "Salle Desjardins", "La Sarre"),
    ];
    assert!(Prepared::new(&places, Kind::Place).compare(0, 1).cannot_link);
}

/// The exact name never weighs less than a nearly exact one, whatever chance pairs of a small
/// file hold.
#[test]
fn a_closer_name_never_weighs_less() {
    let mut records = background();
    records.extend([
        record("x:1", "Symphony Nova Scotia", "Halifax"),
        record("x:2", "Symphony Nova Scotia", ""),
        record("x:3", "Symphonie Nova Scotia", ""),
    ]);
    let resolution = resolve(&records, &Settings::new(Kind::Organization));
    let model = &resolution.model;
    let weights: Vec<f64> = (0..model.m[0].len())
        .map(|l| (model.m[0][l] / model.u[0][l]).log2())
        .collect();
    assert!(weights.windows(2).all(|w| w[0] >= w[1]), "{weights:?}");
}
