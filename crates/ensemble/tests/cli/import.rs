//! `ensemble import` as a person runs it on the demo consortium: import, batches, rollback,
//! quarantine, strict mode, errors in both languages, and an import killed midway (kill -9) that
//! leaves no partial batch and no corrupt database.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use ensemble_store::Location;

use crate::{command, ensemble, text};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ensemble-ingest/tests/data/vendors")
        .join(name)
}

fn demo(dir: &Path) {
    let out = ensemble(dir, &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn import_list_roll_back_in_french_and_english() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let file = sample("tour-dates.csv");
    let out = ensemble(
        dir.path(),
        &["import", "--member", "clair-de-scene", file.to_str().unwrap()],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("Importation de tour-dates.csv"), "{stdout}");
    assert!(stdout.contains("Profil : tour-dates"), "{stdout}");
    assert!(
        stdout.contains("ensemble import rollback --member clair-de-scene"),
        "{stdout}"
    );

    let batches = json(&ensemble(
        dir.path(),
        &["import", "batches", "--member", "clair-de-scene", "--json"],
    ));
    let batches = batches.as_array().unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0]["file_name"], "tour-dates.csv");
    let id = batches[0]["id"].as_i64().unwrap().to_string();

    let out = ensemble(
        dir.path(),
        &["--lang", "en", "import", "rollback", "--member", "clair-de-scene", &id],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("Batch {id} rolled back")),
        "{}",
        text(&out.stdout)
    );
    let batches = json(&ensemble(
        dir.path(),
        &["import", "batches", "--member", "clair-de-scene", "--json"],
    ));
    assert_eq!(batches[0]["status"], "rolled-back");

    // Another member's batch cannot be rolled back from here.
    let out = ensemble(dir.path(), &["import", "rollback", "--member", "deux-rivieres", &id]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("[batch-unknown]"), "{}", text(&out.stderr));
}

#[test]
fn quarantine_correct_and_replay_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let file = sample("generic-tickets-bad.csv");
    let report = json(&ensemble(
        dir.path(),
        &[
            "import",
            "--member",
            "deux-rivieres",
            "--profile",
            "generic-tickets",
            file.to_str().unwrap(),
            "--json",
        ],
    ));
    let quarantined = report["rows_quarantined"].as_u64().unwrap();
    assert!(quarantined >= 4, "{report:#}");
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Ligne ")
    );

    let listed = json(&ensemble(
        dir.path(),
        &["import", "quarantine", "--member", "deux-rivieres", "--json"],
    ));
    let entries = listed.as_array().unwrap();
    assert_eq!(entries.len() as u64, quarantined);
    let bad_date = entries
        .iter()
        .find(|e| e["diagnostics"].to_string().contains("date-invalid"))
        .unwrap();
    let id = bad_date["id"].as_i64().unwrap().to_string();
    let field = bad_date["diagnostics"][0]["field"].as_str().unwrap();
    let assignment = format!("{field}=2026-02-28");
    let out = ensemble(
        dir.path(),
        &["import", "correct", "--member", "deux-rivieres", &id, &assignment],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("passe maintenant les contrôles et a été importée"),
        "{}",
        text(&out.stdout)
    );
    // Imported: no longer open, so neither replayed again nor corrected again.
    let out = ensemble(dir.path(), &["import", "replay", "--member", "deux-rivieres", &id]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("quarantine-entry-unknown"));
    let out = ensemble(dir.path(), &["import", "replay", "--member", "deux-rivieres"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("encore en erreur"), "{}", text(&out.stdout));
    // Each step is in the trail.
    let out = ensemble(dir.path(), &["audit", "list", "--json"]);
    let trail = text(&out.stdout);
    assert!(trail.matches("\"quarantine\"").count() >= 2, "{trail}");

    let out = ensemble(dir.path(), &["import", "quarantine", "--member", "deux-rivieres"]);
    assert!(text(&out.stdout).contains("Correctif"), "{}", text(&out.stdout));
}

#[test]
fn strict_mode_unknown_member_and_unreadable_file_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let bad = sample("generic-tickets-bad.csv");
    let out = ensemble(
        dir.path(),
        &[
            "import",
            "--member",
            "deux-rivieres",
            "--strict",
            "--profile",
            "generic-tickets",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("[import-refused]"), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("rien n'a été importé"),
        "{}",
        text(&out.stderr)
    );

    let good = sample("tour-dates.csv");
    let out = ensemble(
        dir.path(),
        &["--lang", "en", "import", "--member", "nobody", good.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("[import-member-unknown]"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("No member has the short code"),
        "{}",
        text(&out.stderr)
    );

    let out = ensemble(dir.path(), &["import", "--member", "deux-rivieres", "absent.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("[import-file-unreadable]"),
        "{}",
        text(&out.stderr)
    );
}

/// A large generic ticket file (about 25 MB) for the member's own venue.
fn large_file(dir: &Path, lines: usize) -> PathBuf {
    let path = dir.join("grosse-billetterie.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(
        file,
        "Spectacle;Date;Heure;Salle;Ville;Prix;Quantité;Courriel;Code postal"
    )
    .unwrap();
    for n in 0..lines {
        writeln!(
            file,
            "Spectacle fictif {};2026-{:02}-{:02};20 h;Centre des arts Deux-Rivières;Sherbrooke;{},50 $;1;acheteur{n}@example.com;J1H 5N4",
            n % 40,
            1 + n % 12,
            1 + n % 28,
            20 + n % 30
        )
        .unwrap();
    }
    path
}

fn ticket_count(url: &str) -> i64 {
    let mut db = Location::parse(url).unwrap().connect().unwrap();
    db.query("SELECT COUNT(*) FROM ticket_sales", &[]).unwrap()[0].int(0)
}

#[test]
fn an_import_killed_at_any_moment_leaves_no_partial_batch() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let url = format!("sqlite://{}", dir.path().join("ensemble.db").display());
    let before = ticket_count(&url);
    let file = large_file(dir.path(), 300_000);
    for delay in [150u64, 400, 900, 1600] {
        let mut child = command(
            dir.path(),
            &["import", "--member", "deux-rivieres", file.to_str().unwrap()],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before {delay} ms"
        );
        // SIGKILL: no chance to clean up.
        child.kill().unwrap();
        child.wait().unwrap();
        let mut db = Location::parse(&url).unwrap().connect().unwrap();
        let check = db.query("PRAGMA integrity_check", &[]).unwrap();
        assert_eq!(check[0].text(0), "ok", "after {delay} ms");
        assert_eq!(ticket_count(&url), before, "after {delay} ms");
        let batches = db
            .query(
                "SELECT COUNT(*) FROM batches WHERE file_name = 'grosse-billetterie.csv'",
                &[],
            )
            .unwrap();
        assert_eq!(batches[0].int(0), 0, "after {delay} ms");
        let keys = db.query("SELECT COUNT(*) FROM record_keys", &[]).unwrap();
        assert_eq!(keys[0].int(0), 0, "after {delay} ms");
    }
    // The same import, left to finish, then works whole.
    let out = ensemble(
        dir.path(),
        &["import", "--member", "deux-rivieres", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(ticket_count(&url), before + 300_000);
}

/// What the program prints (report, diagnostics, errors, in both languages and in JSON) never
/// shows a buyer's email, phone or name, even from a row that goes to quarantine.
#[test]
fn the_terminal_never_shows_personal_values() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let email = "zoe.plantee-4242@example.com";
    let path = dir.path().join("ventes.csv");
    std::fs::write(
        &path,
        format!(
            "Spectacle;Date;Salle;Ville;Prix;Courriel;Téléphone;Nom\n\
             Spectacle fictif;2026-12-01;Centre des arts Deux-Rivières;Sherbrooke;20,00 $;{email};514-555-0142;Quatremillevingt\n\
             {email};2026-12-01;Centre des arts Deux-Rivières;Sherbrooke;douze;{email};514-555-0142;Quatremillevingt\n"
        ),
    )
    .unwrap();
    for args in [
        vec!["import", "--member", "deux-rivieres", path.to_str().unwrap()],
        vec![
            "--lang",
            "en",
            "import",
            "--member",
            "deux-rivieres",
            path.to_str().unwrap(),
            "--json",
        ],
        vec![
            "import",
            "--member",
            "deux-rivieres",
            "--strict",
            path.to_str().unwrap(),
        ],
        vec!["import", "quarantine", "--member", "deux-rivieres", "--all"],
        vec!["import", "quarantine", "--member", "deux-rivieres", "--json"],
    ] {
        let out = ensemble(dir.path(), &args);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr)).to_lowercase();
        for needle in [email, "555-0142", "quatremillevingt"] {
            assert!(!all.contains(needle), "{args:?} shows {needle}:\n{all}");
        }
    }
}
