//! Pairs from real published records, as data (`tests/data/pairs.csv`): bilingual names,
//! acronyms, renamed halls that must meet; same hall names in different towns, halls of one
//! building, a town's festival and its hall, organisations sharing an office that must not. Each
//! is checked inside the whole development set it comes from (`tests/data/organization.csv` and
//! `place.csv`, built by `bench/referential/devset.py` without the identifiers that define the
//! truth): a pair that must meet is linked or put before a person, never left apart unseen; a
//! pair that must not meet is never linked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_model::geo::fold_name;
use ensemble_referential::{Decision, Kind, Record, Settings, resolve};

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn records(kind: &str) -> Vec<Record> {
    let mut reader = csv::Reader::from_path(data(&format!("{kind}.csv"))).unwrap();
    reader
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|row| {
            let row = row.unwrap();
            let text = |column: &str| Some(row[column].trim().to_string()).filter(|v| !v.is_empty());
            Record {
                id: row["record_id"].clone(),
                source: row["source"].clone(),
                name: row["name"].clone(),
                alt_names: text("alt_names")
                    .map(|v| v.split('|').map(String::from).collect())
                    .unwrap_or_default(),
                street: text("street"),
                locality: text("locality"),
                region: text("region"),
                postal_code: text("postal_code"),
                coordinates: text("lat")
                    .zip(text("lon"))
                    .and_then(|(lat, lon)| Some((lat.parse().ok()?, lon.parse().ok()?))),
                url: text("url"),
                operator: text("operator"),
                parent_place: text("parent_place"),
                container: None,
                identifiers: Vec::new(),
            }
        })
        .collect()
}

fn check(kind: Kind) -> (usize, Vec<String>) {
    let records = records(kind.code());
    let resolution = resolve(&records, &Settings::new(kind));
    let find = |name: &str, town: &str| -> Vec<usize> {
        (0..records.len())
            .filter(|&i| {
                records[i].name == name
                    && fold_name(records[i].locality.as_deref().unwrap_or_default()) == fold_name(town)
            })
            .collect()
    };
    let queued = |a: usize, b: usize| {
        resolution
            .pairs
            .iter()
            .any(|p| (p.left, p.right) == (a.min(b), a.max(b)) && p.decision == Decision::Review)
    };
    let mut reader = csv::Reader::from_path(data("pairs.csv")).unwrap();
    let mut checked = 0;
    let mut failed = Vec::new();
    for row in reader.deserialize::<std::collections::HashMap<String, String>>() {
        let row = row.unwrap();
        if row["kind"] != kind.code() {
            continue;
        }
        let (left, right) = (
            find(&row["left_name"], &row["left_locality"]),
            find(&row["right_name"], &row["right_locality"]),
        );
        assert!(
            !left.is_empty() && !right.is_empty(),
            "{} / {}: not in the data",
            row["left_name"],
            row["right_name"]
        );
        checked += 1;
        let pairs: Vec<(usize, usize)> = left
            .iter()
            .flat_map(|&a| right.iter().map(move |&b| (a, b)))
            .filter(|(a, b)| a != b)
            .collect();
        let linked = pairs.iter().any(|&(a, b)| resolution.entity[a] == resolution.entity[b]);
        let seen = linked || pairs.iter().any(|&(a, b)| queued(a, b));
        let honoured = if row["expected"] == "match" { seen } else { !linked };
        if !honoured {
            failed.push(format!(
                "{} ({}) / {} ({}): expected {}",
                row["left_name"], row["left_locality"], row["right_name"], row["right_locality"], row["expected"]
            ));
        }
    }
    (checked, failed)
}

#[test]
fn organisations_of_real_sources_meet_or_stay_apart_as_they_should() {
    let (checked, failed) = check(Kind::Organization);
    assert!(checked >= 15, "{checked} pairs checked");
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn places_of_real_sources_meet_or_stay_apart_as_they_should() {
    let (checked, failed) = check(Kind::Place);
    assert!(checked >= 15, "{checked} pairs checked");
    assert!(failed.is_empty(), "{failed:#?}");
}
