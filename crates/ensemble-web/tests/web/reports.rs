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

#[tokio::test]
async fn the_member_home_shows_its_report_deadlines_and_what_they_lack() {
    let app = TestApp::new();
    let member = app.store.read(|s| s.member_by_slug(PRODUCER)).unwrap().unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Toronto)
        .date_naive();
    let grants: Vec<ensemble_model::Grant> = app
        .store
        .read(|s| {
            s.list_any(&ensemble_store::ListFilter {
                member_id: Some(member.id),
                ..Default::default()
            })
        })
        .unwrap();
    let due: Vec<chrono::NaiveDate> = grants
        .iter()
        .flat_map(|grant| grant.report_due_dates.iter().copied())
        .filter(|due| (*due - today).num_days().abs() <= 365)
        .collect();
    assert!(!due.is_empty(), "the demo producer has report deadlines this year");
    let viewer = app.sign_in(&login("consultation", PRODUCER));
    let home = app.get(&format!("/membres/{PRODUCER}"), Some(&viewer.cookie)).await;
    assert!(home.body.contains("Échéances de reddition de comptes"));
    let section = home.body.split("Échéances de reddition de comptes").nth(1).unwrap();
    let table = section.split("</table>").next().unwrap();
    assert_eq!(table.matches("<tr><td>").count(), due.len(), "one line per due date");
    for date in &due {
        assert!(
            table.contains(&ensemble_i18n::format::date(ensemble_i18n::Lang::Fr, *date)),
            "{date}"
        );
    }
    // Another member's administrator, or the coordination, does not see them.
    let stranger = app.sign_in(crate::COORDINATOR);
    let theirs = app.get(&format!("/membres/{PRODUCER}"), Some(&stranger.cookie)).await;
    assert!(!theirs.body.contains("Échéances de reddition de comptes"));
}
