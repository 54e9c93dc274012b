//! Funder reports in the portal: the demo producer's OCCQ report as a table with its chart, the
//! performances behind a line (as many as the line counts), the workbook and JSON downloads, a
//! clear answer to a wrong season, and English.

use axum::http::{StatusCode, header};

use crate::{TestApp, login};

const PRODUCER: &str = "aurore-boreale";

#[tokio::test]
async fn the_producer_reads_its_report_opens_a_line_and_downloads_it() {
    let app = TestApp::new();
    let analyst = app.sign_in(&login("analyste", PRODUCER));
    let base = format!("/membres/{PRODUCER}/rapports?modele=occq&periode=2025-2026");
    let page = app.get(&base, Some(&analyst.cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Représentations payantes grand public, par discipline et région")
    );
    assert!(page.body.contains("<svg"), "a chart");
    assert!(page.body.contains(">Total<"));

    let json = app.get(&format!("{base}&format=json"), Some(&analyst.cookie)).await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(
        json.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(".json")
    );
    let report: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let first = &report["tables"][0]["lines"][0];
    let behind = first["performances"].as_array().unwrap().len();
    assert!(behind > 0);

    let detail = app.get(&format!("{base}&ligne=0-0"), Some(&analyst.cookie)).await;
    let section = detail.body.split(r#"id="detail""#).nth(1).expect("the detail section");
    assert_eq!(
        section.matches("<tr><td>").count(),
        behind,
        "one line per performance counted"
    );

    let workbook = app.get(&format!("{base}&format=xlsx"), Some(&analyst.cookie)).await;
    assert_eq!(workbook.status, StatusCode::OK);
    assert!(
        workbook.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(workbook.body.starts_with("PK"), "a zip container");

    let wrong = app
        .get(
            &format!("/membres/{PRODUCER}/rapports?modele=occq&periode=2025-2027"),
            Some(&analyst.cookie),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("Période non valide"), "{}", wrong.body);
    let english = app
        .get(
            &base,
            Some(&format!("{}; {}=en", analyst.cookie, ensemble_web::LANG_COOKIE)),
        )
        .await;
    assert!(
        english
            .body
            .contains("Paid general-public performances, by discipline and region")
    );

    // The settlements the presenter shares were read through a grant, in the audit trail.
    let entries = app.store.read(|s| s.audit_entries(None, 200)).unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "data-access" && e.subject == "settlements")
    );
}
