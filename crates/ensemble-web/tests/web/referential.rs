//! The shared referential's review page: the coordination sees the demo's places that a rule held
//! apart (close names, but different identifiers of one register) with each field's weight as bars
//! and in words, says two of them are one entity and takes it back, works the referential out again;
//! a member's administrator cannot reach it. Each decision is in the audit trail.

use axum::http::StatusCode;

use crate::{COORDINATOR, MEMBER, TestApp, assert_translated, login};

#[tokio::test]
async fn the_coordination_reviews_pairs_and_takes_a_decision_back() {
    let app = TestApp::new();
    app.run_referential();
    let coordinator = app.sign_in(COORDINATOR);
    let page = app.get("/referentiel", Some(&coordinator.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_translated(&page.body);
    assert!(page.body.contains("Tenues à part par une règle"), "{}", page.body);
    assert!(page.body.contains("<svg") && page.body.contains("Identifiant externe : différent (-12,0)"));
    let pairs = app.store.read(|s| s.referential_pairs("places")).unwrap();
    let held = pairs.iter().find(|p| p.decision == "held-apart").unwrap();

    let decided = app
        .post(
            "/referentiel/lieux/paires",
            &format!(
                "csrf={}&left={}&right={}&same=1",
                coordinator.csrf, held.left, held.right
            ),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let mentions = app.store.read(|s| s.referential_mentions("places")).unwrap();
    let entity = |id: i64| mentions.iter().find(|m| m.record_id == id).unwrap().entity_id;
    assert_eq!(entity(held.left), entity(held.right), "one entity, as decided");
    let page = app.get("/referentiel", Some(&coordinator.cookie)).await;
    assert!(page.body.contains("même entité"), "the decision is listed");

    let decision = app.store.read(|s| s.referential_decisions("places")).unwrap()[0].id;
    let undone = app
        .post(
            &format!("/referentiel/lieux/decisions/{decision}/annuler"),
            &format!("csrf={}", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(undone.status, StatusCode::SEE_OTHER);
    assert!(
        app.store
            .read(|s| s.referential_decisions("places"))
            .unwrap()
            .is_empty()
    );
    let again = app
        .post(
            &format!("/referentiel/lieux/decisions/{decision}/annuler"),
            &format!("csrf={}", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let bad = app
        .post(
            "/referentiel/lieux/paires",
            &format!("csrf={}&left=1&right=1&same=0", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rerun = app
        .post(
            "/referentiel/organisations/recalculer",
            &format!("csrf={}", coordinator.csrf),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(rerun.status, StatusCode::SEE_OTHER);

    let english = app
        .get(
            "/referentiel",
            Some(&format!("{}; ensemble_lang=en", coordinator.cookie)),
        )
        .await;
    assert!(
        english.body.contains("Held apart by a rule")
            && english.body.contains("External identifier: different (-12.0)")
    );

    let admin = app.sign_in(&login("admin", MEMBER));
    let refused = app.get("/referentiel", Some(&admin.cookie)).await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    let trail = app.store.read(|s| s.audit_entries(None, 50)).unwrap();
    assert_eq!(trail.iter().filter(|e| e.action == "referential-decision").count(), 2);
}
