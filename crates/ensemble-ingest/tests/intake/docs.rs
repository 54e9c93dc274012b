//! The intake documentation stays true: every profile, target field and diagnostic code is
//! documented, and the worked example profile of `docs/import-profiles.md` works as written.

use crate::common::Fixture;
use ensemble_ingest::target::Target;
use ensemble_ingest::{Code, Profile, ProfileChoice};

fn doc(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs")
            .join(name),
    )
    .unwrap()
}

#[test]
fn every_profile_and_field_is_documented() {
    let text = doc("import-profiles.md");
    for profile in Profile::built_in() {
        assert!(text.contains(&format!("`{}`", profile.name)), "{}", profile.name);
    }
    for target in Target::ALL {
        assert!(
            text.contains(&format!("**{}**", target.as_str())),
            "{}",
            target.as_str()
        );
        for field in target.fields() {
            assert!(
                text.contains(&format!("`{}`", field.name)),
                "{}: {}",
                target.as_str(),
                field.name
            );
        }
    }
}

#[test]
fn every_diagnostic_code_is_documented() {
    let text = doc("import.md");
    for code in Code::ALL {
        assert!(text.contains(&format!("`{}`", code.as_str())), "{}", code.as_str());
    }
}

#[test]
fn the_worked_example_profile_imports_its_workbook() {
    let text = doc("import-profiles.md");
    let example = text
        .split("```toml")
        .find(|block| block.contains("name = \"ventes-deux-rivieres\""))
        .and_then(|block| block.split("```").next())
        .unwrap();
    let fixture = Fixture::new();
    let profile_path = fixture.dir.path().join("mon-profil.toml");
    std::fs::write(&profile_path, example).unwrap();
    let sales = fixture.dir.path().join("ventes.csv");
    std::fs::write(
        &sales,
        "Représentation;Le;À;Tarif;Nb;Montant;Mode;Courriel client;CP\n\
         Les Marées fictives;04/12/2026;20 h;Régulier;2;69,00 $;Comptoir;client@example.com;J1H 5N4\n\
         Les Marées fictives;04/12/2026;20 h;65 ans et +;1;29,50 $;Internet;autre@example.com;J1H 5N4\n",
    )
    .unwrap();
    let report = fixture
        .import(&sales, ProfileChoice::Named(profile_path.display().to_string()))
        .unwrap();
    assert_eq!(report.rows_imported, 2, "{:#?}", report.diagnostics);
    let tickets: Vec<ensemble_model::TicketSale> = fixture.store.list_any(&Default::default()).unwrap();
    assert_eq!(tickets[0].price, ensemble_model::Cents(3_450));
    assert_eq!(tickets[0].quantity, 2);
    assert_eq!(tickets[0].channel, ensemble_model::SalesChannel::BoxOffice);
    assert_eq!(tickets[1].price_type, ensemble_model::PriceType::Senior);
}
