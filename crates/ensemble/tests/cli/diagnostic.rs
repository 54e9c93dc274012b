//! The data diagnostic's report on the small demo, in its three formats: a member's (its levels
//! beside the consortium's medians, history, inventory, value chain) and the consortium's (the
//! medians only, never a member's own levels), read back.

use super::{ensemble, text};

fn sections(json: &serde_json::Value) -> Vec<&str> {
    json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|section| section["heading"].as_str().unwrap())
        .collect()
}

#[test]
fn the_diagnostic_report_is_written_in_html_xlsx_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let demo = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    for format in ["html", "xlsx", "json"] {
        let output = format!("membre.{format}");
        let written = ensemble(
            dir.path(),
            &[
                "diagnostic",
                "report",
                "--member",
                "deux-rivieres",
                "--format",
                format,
                "--output",
                &output,
            ],
        );
        assert!(written.status.success(), "{format}: {}", text(&written.stderr));
        assert!(
            std::fs::metadata(dir.path().join(&output)).unwrap().len() > 1000,
            "{format}"
        );
    }
    let member: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("membre.json")).unwrap()).unwrap();
    assert_eq!(
        sections(&member),
        [
            "Maturité des données",
            "Inventaire des données",
            "Chaîne de valeur",
            "Des enjeux aux solutions"
        ]
    );
    // The founders' workshop: three problems, each with a scored solution and its use case, the
    // first served by the funder reports.
    let workshop = &member["sections"][3]["tables"];
    assert_eq!(workshop[0]["rows"].as_array().unwrap().len(), 3);
    assert_eq!(workshop[1]["rows"][0][5], 4.0, "four members scored it");
    assert_eq!(workshop[2]["rows"][0][5], "Rapports aux bailleurs de fonds");
    assert!(
        workshop[2]["rows"][0][3]
            .as_str()
            .unwrap()
            .starts_with("Reddition de comptes : Agence Clair de Scène, Diffusion Deux-Rivières"),
        "who holds the data the use case needs: {}",
        workshop[2]["rows"][0][3]
    );
    // The declared inventory: categories, owner (a role), format and declared quality.
    let declared = &member["sections"][1]["tables"][0];
    assert_eq!(
        declared["headers"].as_array().unwrap()[1..6],
        [
            "Catégories",
            "Logiciel ou support",
            "Responsable",
            "Format",
            "Qualité déclarée"
        ]
    );
    assert_eq!(
        declared["rows"][0],
        serde_json::json!([
            "Ventes de billets",
            "Billetterie, Relations avec les publics",
            "Logiciel de billetterie",
            "Billetterie",
            "Logiciel ou plateforme en ligne",
            "Fiable",
            "Oui",
            950000.0,
            "En continu"
        ])
    );
    let maturity = &member["sections"][0]["tables"][0];
    assert_eq!(maturity["headers"][1], "Niveau du membre");
    assert_eq!(maturity["rows"].as_array().unwrap().len(), 7);
    // The demo's latest assessment of this member: governance 3, collection 4.
    assert_eq!(maturity["rows"][0][1], 3.0);
    assert_eq!(maturity["rows"][1][1], 4.0);
    assert_eq!(
        member["sections"][0]["tables"][1]["rows"].as_array().unwrap().len(),
        2,
        "two assessments"
    );
    let html = std::fs::read_to_string(dir.path().join("membre.html")).unwrap();
    assert!(
        html.starts_with("<!doctype html>")
            && html.contains("<h1>Diagnostic de données : Diffusion Deux-Rivières</h1>")
    );
    assert!(
        html.contains("Exports de billetterie") || html.contains("exports de billetterie"),
        "the value chain's issues"
    );
    assert!(!html.contains("<script"));

    // The consortium's: medians and how many answered, never a member's own levels.
    let consortium = ensemble(
        dir.path(),
        &[
            "--lang",
            "en",
            "diagnostic",
            "report",
            "--format",
            "json",
            "--output",
            "consortium.json",
        ],
    );
    assert!(consortium.status.success(), "{}", text(&consortium.stderr));
    let consortium: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("consortium.json")).unwrap()).unwrap();
    assert_eq!(consortium["title"], "Data diagnostic: Consortium de démonstration");
    let headers = &consortium["sections"][0]["tables"][0]["headers"];
    assert_eq!(
        headers,
        &serde_json::json!(["Dimension", "The consortium's median", "Members who answered"])
    );
    assert_eq!(
        consortium["sections"][1]["tables"][0]["rows"].as_array().unwrap().len(),
        4,
        "each member's inventory"
    );

    let unknown = ensemble(
        dir.path(),
        &[
            "diagnostic",
            "report",
            "--member",
            "inconnu",
            "--format",
            "json",
            "--output",
            "x.json",
        ],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("[member-unknown]"));
}
