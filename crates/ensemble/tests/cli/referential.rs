//! `ensemble referential dedupe` on a small file of real venue and organisation names: the same
//! organisation under its French and English names and under its acronym becomes one entity,
//! same-named halls of different towns stay apart, rows that cannot be records are set aside with
//! their reason, and bad arguments get their stable code.

use super::{ensemble, text};

const RECORDS: &str = "\
record_id,source,name,alt_names,street,locality,region,postal_code,lat,lon,url,operator,parent_place,other
a1,a,Ballet national du Canada,,,Toronto,ON,,,,,,,ignored
b1,b,National Ballet of Canada,,,Toronto,ON,,,,,,,
a2,a,Festival TransAmériques,,,Montréal,QC,,,,https://fta.ca,,,
b2,b,FTA,,,Montréal,QC,,,,https://www.fta.ca/programme,,,
a3,a,Main Stage,,,Guelph,ON,,,,,,,
b3,b,Main Stage,,,Surrey,BC,,,,,,,
c3,c,Main Stage,,,Saulnierville,NS,,,,,,,
a4,a,Théâtre du Bic,,,Rimouski,QC,,,,,,,
a5,a,Salle Pauline-Julien,,,Sainte-Geneviève,QC,,,,,,,
a6,a,Théâtre Outremont,,,Montréal,QC,,,,,,,
b6,b,Theatre Outremont,,,Montreal,QC,,,,,,,
a7,a,Centre culturel de Joliette,,,Joliette,QC,,,,,,,
a8,a,Salle Odyssée,,,Gatineau,QC,,,,,,,
,a,Sans identifiant,,,,,,,,,,,
a9,a,,,,Laval,QC,,,,,,,
a6,c,Théâtre Outremont (doublon),,,Montréal,QC,,,,,,,
";

fn entities(out: &str) -> std::collections::HashMap<String, String> {
    out.lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            (fields[0].to_string(), fields[1].to_string())
        })
        .collect()
}

#[test]
fn a_file_of_records_is_resolved_into_entities_and_bad_rows_are_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fiches.csv"), RECORDS).unwrap();
    let run = ensemble(
        dir.path(),
        &[
            "referential",
            "dedupe",
            "--kind",
            "organization",
            "fiches.csv",
            "--output",
            "entites.csv",
            "--pairs",
            "paires.csv",
        ],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(stdout.contains("13 fiches lues"), "{stdout}");
    assert!(stdout.contains("3 lignes laissées de côté"), "{stdout}");

    let out = std::fs::read_to_string(dir.path().join("entites.csv")).unwrap();
    assert!(out.starts_with("record_id,entity_id,probability\n"));
    let entity = entities(&out);
    assert_eq!(entity.len(), 13);
    assert_eq!(entity["a1"], entity["b1"], "French and English names");
    assert_eq!(entity["a2"], entity["b2"], "an acronym and its expansion");
    assert_eq!(entity["a6"], entity["b6"], "accents dropped");
    assert_ne!(entity["a1"], entity["a2"]);

    let pairs = std::fs::read_to_string(dir.path().join("paires.csv")).unwrap();
    assert!(pairs.starts_with("left_id,right_id,probability,decision,evidence\n"));
    assert!(pairs.contains("name=same:+"), "each field's weight: {pairs}");

    let rejected = std::fs::read_to_string(dir.path().join("entites-rejected.csv")).unwrap();
    assert!(rejected.contains("dedupe-record-id-missing"), "{rejected}");
    assert!(rejected.contains("dedupe-name-missing"), "{rejected}");
    assert!(rejected.contains("dedupe-record-id-duplicate"), "{rejected}");

    // Same-named halls of three towns: three places.
    let places = ensemble(
        dir.path(),
        &[
            "--lang",
            "en",
            "referential",
            "dedupe",
            "--kind",
            "place",
            "fiches.csv",
            "--output",
            "lieux.csv",
        ],
    );
    assert!(places.status.success(), "{}", text(&places.stderr));
    assert!(text(&places.stdout).contains("13 records read"));
    let entity = entities(&std::fs::read_to_string(dir.path().join("lieux.csv")).unwrap());
    assert!(entity["a3"] != entity["b3"] && entity["b3"] != entity["c3"] && entity["a3"] != entity["c3"]);
}

#[test]
fn bad_arguments_and_files_get_their_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sans-nom.csv"), "record_id,locality\n1,Laval\n").unwrap();
    let cases: [(&[&str], &str); 3] = [
        (&["--kind", "venue", "sans-nom.csv"], "[dedupe-kind-unknown]"),
        (&["--kind", "place", "absent.csv"], "[dedupe-file-unreadable]"),
        (&["--kind", "place", "sans-nom.csv"], "[dedupe-columns-missing]"),
    ];
    for (args, code) in cases {
        let mut all = vec!["referential", "dedupe", "--output", "x.csv"];
        all.extend_from_slice(args);
        let run = ensemble(dir.path(), &all);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        let stderr = text(&run.stderr);
        assert!(stderr.contains(code), "{args:?}: {stderr}");
    }
    assert!(!dir.path().join("x.csv").exists(), "nothing written on refusal");
}
