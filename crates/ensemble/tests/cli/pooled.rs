//! `ensemble barometer` and `ensemble audience` as the coordination and a presenter run them on
//! the demo: the pools named in the demo's summary; the latest season's barometer in words, as
//! JSON and as a workbook; a presenter's audience; a season written wrong or not over answered in
//! words.

use crate::{ensemble, text};

#[test]
fn the_barometer_and_a_presenters_audience_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let demo = ensemble(dir.path(), &["demo", "--scale", "small"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    assert!(
        text(&demo.stdout).contains("Redditions de comptes : 3 membres"),
        "{}",
        text(&demo.stdout)
    );

    let words = ensemble(dir.path(), &["barometer"]);
    assert!(words.status.success(), "{}", text(&words.stderr));
    let said = text(&words.stdout);
    assert!(said.contains("Baromètre du marché · saison 2025-2026"), "{said}");
    assert!(said.contains("Offre et demande par région"), "{said}");

    let json = ensemble(dir.path(), &["barometer", "--season", "2024-2025", "--json"]);
    let both: serde_json::Value = serde_json::from_str(&text(&json.stdout)).unwrap();
    assert_eq!(both["season"]["season"], "2024-2025");
    assert_eq!(both["previous"]["season"], "2023-2024");

    let workbook = dir.path().join("barometre.xlsx");
    let written = ensemble(dir.path(), &["barometer", "--xlsx", &workbook.display().to_string()]);
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert!(std::fs::metadata(&workbook).unwrap().len() > 1_000);

    for (season, words) in [
        ("2025", "Une saison s'écrit avec ses deux années"),
        ("2030-2031", "deux semaines après sa fin"),
    ] {
        let refused = ensemble(dir.path(), &["barometer", "--season", season]);
        assert_eq!(refused.status.code(), Some(2), "{season}");
        assert!(text(&refused.stderr).contains(words), "{}", text(&refused.stderr));
    }

    let audience = ensemble(
        dir.path(),
        &["audience", "--member", "deux-rivieres", "--season", "2024-2025"],
    );
    assert!(audience.status.success(), "{}", text(&audience.stderr));
    let said = text(&audience.stdout);
    assert!(
        said.contains("Publics de Diffusion Deux-Rivières · saison 2024-2025"),
        "{said}"
    );
    assert!(
        said.contains("Nouveaux ou revenants") && said.contains("Canal de vente"),
        "{said}"
    );
    let json = ensemble(
        dir.path(),
        &[
            "audience",
            "--member",
            "deux-rivieres",
            "--season",
            "2024-2025",
            "--json",
        ],
    );
    let audience: serde_json::Value = serde_json::from_str(&text(&json.stdout)).unwrap();
    assert!(audience["buyers"]["shown"].as_u64().unwrap() > 0);
}
