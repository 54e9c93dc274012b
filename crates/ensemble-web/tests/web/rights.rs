//! Rights of the person and the incident register: a request opened from an email finds the
//! person's lines in every member that imported them, exports them, rectifies and erases; the
//! identifier is never stored nor written to the trail; incidents keep the regulation's fields.

use axum::http::{StatusCode, header};
use ensemble_model::TicketSale;

use crate::{COORDINATOR, MEMBER, OTHER_MEMBER, TestApp, assert_translated, import_as_operator, login};

const EMAIL: &str = "aurele.fictif0@example.com";

fn import(app: &TestApp, member: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ensemble-ingest/tests/data/vendors/generic-tickets-fr.csv");
    let request = ensemble_ingest::ImportRequest {
        member,
        path: &path,
        profile: ensemble_ingest::ProfileChoice::Auto,
        dry_run: false,
        strict: false,
        now: chrono::Utc::now().fixed_offset(),
    };
    let key = ensemble_privacy::SecretKey::from_bytes([3; 32]);
    import_as_operator(app, &key, &request).unwrap();
}

#[tokio::test]
async fn a_request_finds_the_person_everywhere_and_erases_them() {
    let app = TestApp::new();
    import(&app, MEMBER);
    import(&app, OTHER_MEMBER);
    let coordinator = app.sign_in(COORDINATOR);
    let page = app.get("/droits", Some(&coordinator.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_translated(&page.body);

    let opened = app
        .post(
            "/droits",
            &format!(
                "csrf={}&kind=portability&identifier={}&received_on=2026-11-28",
                coordinator.csrf,
                EMAIL.replace('@', "%40")
            ),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let path = opened.location().to_string();
    let shown = app.get(&path, Some(&coordinator.cookie)).await;
    assert!(
        shown.body.contains(MEMBER) && shown.body.contains(OTHER_MEMBER),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("28 décembre 2026"), "due in 30 days");
    assert!(!shown.body.contains(EMAIL));

    let json = app.get(&format!("{path}/export.json"), Some(&coordinator.cookie)).await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(
        json.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let exported: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let lines = exported["ticket_lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "one line in each member");
    assert_eq!(lines[0]["show"], "Les Marées fictives");
    assert_eq!(lines[0]["postal_area"], "J1H");
    let csv = app.get(&format!("{path}/export.csv"), Some(&coordinator.cookie)).await;
    assert!(
        csv.body.starts_with("member,show,") && csv.body.lines().count() == 3,
        "{}",
        csv.body
    );

    let rectified = app
        .post(
            &path,
            &format!("csrf={}&action=rectify&postal_code=G1R+4P5", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(rectified.status, StatusCode::SEE_OTHER);
    let refused = app
        .post(
            &path,
            &format!("csrf={}&action=rectify&postal_code=12345", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    let withdrawn = app
        .post(
            &path,
            &format!("csrf={}&action=withdraw&purpose=pooled-statistics", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let person = ensemble_privacy::Pseudonymizer::new(&ensemble_privacy::SecretKey::from_bytes([3; 32]))
        .key(ensemble_privacy::IdentifierKind::Email, EMAIL)
        .unwrap();
    let later = chrono::Utc::now().fixed_offset() + chrono::Duration::seconds(5);
    let left_out = app
        .store
        .read(|s| s.left_out_of_pooling(ensemble_model::Purpose::PooledStatistics, later))
        .unwrap();
    assert!(
        left_out.contains(&person.0),
        "left out of pooled statistics from now on"
    );

    let before = app.store.count::<TicketSale>().unwrap();
    let erased = app
        .post(
            &path,
            &format!("csrf={}&action=erase", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(erased.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.count::<TicketSale>().unwrap(),
        before,
        "the sales stay in the accounts"
    );
    let after = app.get(&path, Some(&coordinator.cookie)).await;
    assert!(
        after
            .body
            .contains("Aucun membre ne détient de données sous ce pseudonyme")
    );
    let closed = app
        .post(
            &path,
            &format!("csrf={}&action=close", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let english = format!("{}; ensemble_lang=en", coordinator.cookie);
    let summary = app.get(&path, Some(&english)).await;
    assert!(
        summary.body.contains("At closing, the members still held"),
        "{}",
        summary.body
    );
    assert_translated(&summary.body);

    // Neither the identifier nor its pseudonym's source reaches the trail; every step is in it.
    let entries = app.store.read(|s| s.audit_entries(None, 20)).unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "rights-request",
        "rights-export",
        "rights-rectify",
        "rights-erase",
        "rights-close",
    ] {
        assert!(actions.contains(&action), "{action}: {actions:?}");
    }
    for entry in &entries {
        assert!(!entry.detail.contains("aurele") && !entry.subject.contains("aurele"));
    }
}

#[tokio::test]
async fn incidents_are_recorded_with_the_required_fields() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let path = format!("/membres/{MEMBER}/incidents");
    let incomplete = app
        .post(
            &path,
            &format!("csrf={}&discovered_on=2026-11-20&description=x", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(
        incomplete.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        incomplete.body
    );
    let body = format!(
        "csrf={}&discovered_on=2026-11-20&occurred_on=2026-11-19&description=Courriel+au+mauvais+destinataire\
         &information_concerned=Pseudonymes+d%27abonn%C3%A9s&people_affected=12&risk_assessment=Faible\
         &measures_taken=Rappel+du+message&people_notified_on=2026-11-21",
        admin.csrf
    );
    let recorded = app.post(&path, &body, Some(&admin.cookie)).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let page = app.get(&path, Some(&admin.cookie)).await;
    assert!(page.body.contains("Courriel au mauvais destinataire") && page.body.contains("21 novembre 2026"));
    assert_translated(&page.body);
    // The coordination sees it in the whole register; another member does not.
    let coordinator = app.sign_in(COORDINATOR);
    let all = app.get("/incidents", Some(&coordinator.cookie)).await;
    assert!(all.body.contains("Courriel au mauvais destinataire"));
    let other = app.sign_in(&login("admin", OTHER_MEMBER));
    let theirs = app
        .get(&format!("/membres/{OTHER_MEMBER}/incidents"), Some(&other.cookie))
        .await;
    assert!(!theirs.body.contains("Courriel au mauvais destinataire"));
}

#[tokio::test]
async fn a_title_that_looks_like_a_formula_is_exported_as_text() {
    let app = TestApp::new();
    import(&app, MEMBER);
    let mut show = app
        .store
        .list::<ensemble_model::Show>(&ensemble_store::ListFilter::default())
        .unwrap()
        .into_iter()
        .find(|show| show.title_fr == "Les Marées fictives")
        .unwrap();
    show.title_fr = "=HYPERLINK(\"http://exemple.invalid\",\"Billets\")".to_string();
    app.store.write(|s| s.update(&show)).unwrap();
    let coordinator = app.sign_in(COORDINATOR);
    let opened = app
        .post(
            "/droits",
            &format!(
                "csrf={}&kind=access&identifier={}&received_on=2026-11-28",
                coordinator.csrf,
                EMAIL.replace('@', "%40")
            ),
            Some(&coordinator.cookie),
        )
        .await;
    let csv = app
        .get(&format!("{}/export.csv", opened.location()), Some(&coordinator.cookie))
        .await;
    assert!(csv.body.contains("\"'=HYPERLINK("), "{}", csv.body);
    assert!(!csv.body.contains(",\"=HYPERLINK(") && !csv.body.contains(",=HYPERLINK("));
}
