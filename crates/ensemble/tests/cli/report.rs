//! `ensemble report` as a member's administrator runs it on the demo: a JSON report whose total
//! equals the sum of its lines and whose performances are the producer's, CSV files per table, and
//! clear refusals.

use crate::{ensemble, text};

#[test]
fn the_demo_producer_gets_its_season_reports() {
    let dir = tempfile::tempdir().unwrap();
    let out = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json = dir.path().join("occq.json");
    let args = [
        "report",
        "--member",
        "aurore-boreale",
        "--template",
        "occq",
        "--period",
        "2025-2026",
        "--format",
        "json",
        "--output",
    ];
    let mut with_output: Vec<&str> = args.to_vec();
    let json_text = json.display().to_string();
    with_output.push(&json_text);
    let made = ensemble(dir.path(), &with_output);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(text(&made.stdout).contains("Productions Aurore boréale pour 2025-2026"));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let table = &report["tables"][0];
    let lines = table["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    let count = |line: &serde_json::Value| line["values"][0]["value"].as_i64().unwrap();
    let added: i64 = lines.iter().map(count).sum();
    assert_eq!(added, count(&table["total"]), "the total adds up its lines");
    assert!(report["facts"].as_array().unwrap().len() as i64 >= added);

    let csv = dir.path().join("cadac.csv");
    let csv_text = csv.display().to_string();
    let made = ensemble(
        dir.path(),
        &[
            "report",
            "--member",
            "aurore-boreale",
            "--template",
            "cadac",
            "--period",
            "2025-2026",
            "--format",
            "csv",
            "--output",
            &csv_text,
        ],
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(written.starts_with("Lieu,Admission,Représentations"), "{written}");

    let refused = ensemble(
        dir.path(),
        &[
            "report",
            "--member",
            "aurore-boreale",
            "--template",
            "occq",
            "--period",
            "2025-2027",
            "--output",
            "x.xlsx",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("[report-period-invalid]"),
        "{}",
        text(&refused.stderr)
    );
    // The consortium's table: the pooled members' settlements, lines from one member hidden.
    let whole = dir.path().join("consortium.json");
    let whole_text = whole.display().to_string();
    let made = ensemble(
        dir.path(),
        &[
            "report",
            "--consortium",
            "--template",
            "occq",
            "--period",
            "2025-2026",
            "--format",
            "json",
            "--output",
            &whole_text,
        ],
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&whole).unwrap()).unwrap();
    let table = &report["tables"][0];
    assert_eq!(table["total"]["values"][0]["kind"], "count", "the total is shown");
    assert!(
        table["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|line| line["values"][0]["kind"] == "hidden"),
        "single-member lines are hidden"
    );
    // The read of shared settlements is in the audit trail.
    let trail = ensemble(dir.path(), &["audit", "list", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&trail.stdout).unwrap();
    assert!(
        entries
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "data-access" && e["subject"] == "settlements"),
        "{entries}"
    );
}
