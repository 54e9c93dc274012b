//! `ensemble retention` and `ensemble purge` as the person in charge of personal information runs
//! them: rules listed and changed (bad values refused with a clear message), a dry run that only
//! counts, then the purge, written to the audit trail; sales stay, buyers are unlinked.

use ensemble_store::Location;

use crate::{ensemble, text};

fn count(url: &str, sql: &str) -> i64 {
    let mut db = Location::parse(url).unwrap().connect().unwrap();
    db.query(sql, &[]).unwrap()[0].int(0)
}

#[test]
fn rules_then_a_dry_run_then_the_purge() {
    let dir = tempfile::tempdir().unwrap();
    let out = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = format!("sqlite://{}", dir.path().join("ensemble.db").display());

    let listed = ensemble(dir.path(), &["retention", "list"]);
    assert!(text(&listed.stdout).contains("buyer-links") && text(&listed.stdout).contains("36 mois"));
    let refused = ensemble(dir.path(), &["retention", "set", "buyer-links", "publicité", "12"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("Finalité inconnue"),
        "{}",
        text(&refused.stderr)
    );
    let refused = ensemble(
        dir.path(),
        &["--lang", "en", "retention", "set", "buyer-links", "marketing", "0"],
    );
    assert!(
        text(&refused.stderr).contains("between 1 and 1200"),
        "{}",
        text(&refused.stderr)
    );
    let set = ensemble(
        dir.path(),
        &["retention", "set", "buyer-links", "pooled-statistics", "84"],
    );
    assert!(set.status.success(), "{}", text(&set.stderr));

    let sales = count(&url, "SELECT COUNT(*) FROM ticket_sales");
    let linked = count(&url, "SELECT COUNT(*) FROM ticket_sales WHERE buyer_key IS NOT NULL");
    assert!(linked > 0);
    // Far enough ahead that every buyer's last purchase is older than 84 months.
    let dry = ensemble(dir.path(), &["purge", "--dry-run", "--today", "2040-01-01", "--json"]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let planned: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(planned["buyer_lines"].as_i64().unwrap(), linked);
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM ticket_sales WHERE buyer_key IS NOT NULL"),
        linked
    );

    // Today, nothing of the demo is that old.
    let now = ensemble(dir.path(), &["purge", "--dry-run", "--json"]);
    let nothing: serde_json::Value = serde_json::from_slice(&now.stdout).unwrap();
    assert_eq!(nothing["buyer_lines"], 0);

    let done = ensemble(dir.path(), &["purge", "--today", "2040-01-01"]);
    assert!(done.status.success());
    assert!(
        text(&done.stdout).contains("Inscrit au journal d'audit"),
        "{}",
        text(&done.stdout)
    );
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM ticket_sales WHERE buyer_key IS NOT NULL"),
        0
    );
    assert_eq!(count(&url, "SELECT COUNT(*) FROM ticket_sales"), sales, "sales stay");
    let trail = ensemble(dir.path(), &["audit", "list", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&trail.stdout).unwrap();
    let actions: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["purge", "retention-set", "referential-run"]);
}

#[test]
fn disclosure_rules_are_shown_changed_and_refused_when_they_protect_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = ensemble(dir.path(), &["disclosure", "show"]);
    assert!(
        text(&shown.stdout).contains("au moins 10 personnes distinctes par chiffre, au moins 2 membre(s)")
            && text(&shown.stdout).contains("sans arrondi"),
        "the demo consortium's rules: {}",
        text(&shown.stdout)
    );
    let set = ensemble(
        dir.path(),
        &["disclosure", "set", "--min-members", "3", "--round-to", "5"],
    );
    assert!(set.status.success(), "{}", text(&set.stderr));
    assert!(text(&set.stdout).contains("arrondis à 5"), "{}", text(&set.stdout));
    let shown = ensemble(dir.path(), &["disclosure", "show", "--json"]);
    let rules: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(
        (&rules["min_people"], &rules["min_members"], &rules["round_to"]),
        (&10.into(), &3.into(), &5.into()),
        "what was not given is kept"
    );
    let refused = ensemble(dir.path(), &["--lang", "en", "disclosure", "set", "--min-people", "0"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("at least 1"),
        "{}",
        text(&refused.stderr)
    );
    let trail = ensemble(dir.path(), &["audit", "list", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&trail.stdout).unwrap();
    assert_eq!(
        entries[0]["action"], "disclosure-set",
        "the change is in the audit trail"
    );
}
