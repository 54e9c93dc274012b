//! `ensemble audit` as the person in charge of personal information runs it: imports and rollbacks
//! made on the command line are in the trail, and an entry changed or deleted directly in the
//! database is reported with its number.

use std::path::Path;

use ensemble_store::{Location, Value};

use crate::{ensemble, text};

fn sample() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ensemble-ingest/tests/data/vendors/tour-dates.csv")
        .display()
        .to_string()
}

#[test]
fn the_trail_records_commands_and_shows_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let out = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let imported = ensemble(
        dir.path(),
        &["import", "--member", "clair-de-scene", &sample(), "--json"],
    );
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let report: serde_json::Value = serde_json::from_slice(&imported.stdout).unwrap();
    let batch = report["batch_id"].as_i64().unwrap().to_string();
    let rolled = ensemble(
        dir.path(),
        &["import", "rollback", "--member", "clair-de-scene", &batch],
    );
    assert!(rolled.status.success(), "{}", text(&rolled.stderr));

    let listed = ensemble(dir.path(), &["audit", "list", "--json"]);
    assert!(listed.status.success());
    let entries: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let actions: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["rollback", "import", "referential-run"],
        "newest first, after the demo's shared referential"
    );
    assert_eq!(entries[1]["subject"], "tour-dates.csv");
    assert_eq!(entries[1]["channel"], "cli");

    let verified = ensemble(dir.path(), &["audit", "verify"]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    let said = text(&verified.stdout);
    assert!(said.contains("Journal d'audit intact : 3 entrée(s)"), "{said}");
    let head = said
        .split("Tête : ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(head.len(), 64);

    let url = format!("sqlite://{}", dir.path().join("ensemble.db").display());
    let mut database = Location::parse(&url).unwrap().connect().unwrap();
    // Deleting the last entry leaves a valid but shorter chain: the noted head tells.
    let last = database
        .query("SELECT detail FROM audit_log WHERE id = 3", &[])
        .unwrap()[0]
        .text(0);
    database.execute("DELETE FROM audit_log WHERE id = 3", &[]).unwrap();
    let cut = ensemble(dir.path(), &["audit", "verify", "--head", &head]);
    assert_eq!(cut.status.code(), Some(1));
    assert!(
        text(&cut.stderr).contains("dernières entrées ont été supprimées"),
        "{}",
        text(&cut.stderr)
    );
    assert!(!last.is_empty());

    database
        .execute(
            "UPDATE audit_log SET subject = ? WHERE id = 1",
            &[Value::from("autre.csv")],
        )
        .unwrap();
    let altered = ensemble(dir.path(), &["--lang", "en", "audit", "verify"]);
    assert_eq!(altered.status.code(), Some(1));
    assert!(
        text(&altered.stderr).contains("entry 1 was changed"),
        "{}",
        text(&altered.stderr)
    );
}
