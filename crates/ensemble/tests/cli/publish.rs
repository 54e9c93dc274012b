//! `ensemble publish` as a presenter's administrator and the coordination run it: the demo's
//! programme written as JSON-LD, Datascène records and iCalendar (the consortium's and one file
//! per member, the member's own performances only; a calendar per venue and per show), a show
//! withdrawn and announced again, a credited person's consent recorded and withdrawn, bad show
//! codes, people and a missing folder answered in words.

use crate::{ensemble, text};

fn events(path: &std::path::Path) -> Vec<serde_json::Value> {
    let document: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let graph = document["@graph"].as_array().unwrap();
    graph.iter().filter(|node| node["@type"] == "Event").cloned().collect()
}

#[test]
fn the_demo_programme_is_written_as_linked_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let folder = dir.path().join("publie");
    let folder_arg = folder.display().to_string();
    let written = ensemble(
        dir.path(),
        &["publish", "--output", &folder_arg, "--base", "https://ensemble.example"],
    );
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert!(
        text(&written.stdout).contains("représentation(s) publiée(s)"),
        "{}",
        text(&written.stdout)
    );
    let consortium = events(&folder.join("consortium.jsonld"));
    let calendar = std::fs::read_to_string(folder.join("consortium.ics")).unwrap();
    assert_eq!(
        calendar.matches("BEGIN:VEVENT").count(),
        consortium.len(),
        "the same performances in the calendar"
    );
    let records: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(folder.join("consortium.datascene.json")).unwrap()).unwrap();
    let performances: usize = records
        .iter()
        .filter(|r| r["type"] == "Show")
        .map(|r| r["hasPerformance"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        performances,
        consortium.len(),
        "the same performances as Datascène records"
    );
    let venues = std::fs::read_dir(folder.join("lieux")).unwrap().count();
    let shows = std::fs::read_dir(folder.join("spectacles")).unwrap().count();
    assert!(venues > 0 && shows > 0);
    assert!(text(&written.stdout).contains(&format!("{} calendrier(s)", venues + shows)));
    let presenter = events(&folder.join("deux-rivieres.jsonld"));
    assert!(!presenter.is_empty() && consortium.len() > presenter.len());
    let organizer = &presenter[0]["organizer"]["name"];
    assert!(
        presenter.iter().all(|e| &e["organizer"]["name"] == organizer),
        "the member's own performances"
    );
    assert!(
        presenter[0]["@id"]
            .as_str()
            .unwrap()
            .starts_with("https://ensemble.example/agenda/")
    );

    // Withdrawn, the show's performances leave the member's file; announced again, they return.
    let show = presenter[0]["workPerformed"]["@id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let withdrawn = ensemble(
        dir.path(),
        &[
            "publish",
            "show",
            "--member",
            "deux-rivieres",
            "--show",
            &show,
            "--withdraw",
        ],
    );
    assert!(
        text(&withdrawn.stdout).contains("n'est plus publié"),
        "{}",
        text(&withdrawn.stdout)
    );
    ensemble(
        dir.path(),
        &["publish", "--output", &folder_arg, "--member", "deux-rivieres"],
    );
    let fewer = events(&folder.join("deux-rivieres.jsonld"));
    assert!(fewer.len() < presenter.len());
    assert!(
        fewer
            .iter()
            .all(|e| !e["workPerformed"]["@id"].as_str().unwrap().ends_with(&show))
    );
    let again = ensemble(
        dir.path(),
        &[
            "publish",
            "show",
            "--member",
            "deux-rivieres",
            "--show",
            &show,
            "--from",
            "2020-01-01",
        ],
    );
    assert!(
        text(&again.stdout).contains("à partir du 1er janvier 2020"),
        "{}",
        text(&again.stdout)
    );

    // A credited person, listed without consent, is published once it is recorded, and no more
    // once it is withdrawn.
    let listed = ensemble(dir.path(), &["publish", "people", "--member", "deux-rivieres"]);
    let listing = text(&listed.stdout);
    let line = listing
        .lines()
        .find(|line| line.ends_with("pas de consentement : jamais publiée"))
        .unwrap_or_else(|| panic!("{listing}"));
    let mut fields = line.split('\t');
    let (number, name) = (fields.next().unwrap(), fields.next().unwrap());
    let published_with = |consented: bool| {
        ensemble(
            dir.path(),
            &["publish", "--output", &folder_arg, "--member", "deux-rivieres"],
        );
        let text = std::fs::read_to_string(folder.join("deux-rivieres.jsonld")).unwrap()
            + &std::fs::read_to_string(folder.join("deux-rivieres.datascene.json")).unwrap();
        assert_eq!(text.contains(name), consented);
    };
    published_with(false);
    let recorded = ensemble(
        dir.path(),
        &["publish", "consent", "--member", "deux-rivieres", "--person", number],
    );
    assert!(
        text(&recorded.stdout).contains("Consentement consigné"),
        "{}",
        text(&recorded.stderr)
    );
    published_with(true);
    ensemble(
        dir.path(),
        &[
            "publish",
            "consent",
            "--member",
            "deux-rivieres",
            "--person",
            number,
            "--withdraw",
        ],
    );
    published_with(false);
    let stranger = ensemble(
        dir.path(),
        &["publish", "consent", "--member", "deux-rivieres", "--person", "987654"],
    );
    assert_eq!(stranger.status.code(), Some(2));
    assert!(
        text(&stranger.stderr).contains("n'est créditée dans aucun spectacle"),
        "{}",
        text(&stranger.stderr)
    );

    // Bad inputs answered in words.
    let unknown = ensemble(
        dir.path(),
        &[
            "publish",
            "show",
            "--member",
            "deux-rivieres",
            "--show",
            "pas-un-spectacle",
            "--from",
            "2026-01-01",
        ],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("Aucun spectacle n'a ce code"),
        "{}",
        text(&unknown.stderr)
    );
    let missing = ensemble(dir.path(), &["publish"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("--output"), "{}", text(&missing.stderr));
}
