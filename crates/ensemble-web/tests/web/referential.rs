//! The shared referential's review page: the coordination sees the demo's places that a rule held
//! apart (close names, but different identifiers of one register) with each field's weight as bars
//! and in words, says two of them are one entity and takes it back, works the referential out again;
//! a member's administrator cannot reach it but has the page of the member's own records, and cannot
//! decide on others'. Each decision is in the audit trail. An entity's page shows its golden record
//! with where each field comes from.

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
    assert!(
        page.body.contains("Conflits d&#39;identifiants"),
        "the demo's shared ids are listed"
    );
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

#[tokio::test]
async fn a_member_reviews_its_own_records_and_anyone_signed_in_reads_an_entity() {
    let app = TestApp::new();
    app.run_referential();
    let admin = app.sign_in(&login("admin", MEMBER));
    let page = app
        .get(&format!("/membres/{MEMBER}/referentiel"), Some(&admin.cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_translated(&page.body);
    assert!(page.body.contains("Les fiches de votre membre"), "{}", page.body);
    assert!(!page.body.contains("/recalculer"), "new runs are the coordination's");
    let member = app.store.read(|s| s.member_by_slug(MEMBER)).unwrap().unwrap();
    let mine = ensemble_actions::referential::queue(&app.store, "places", Some(member.id), 100).unwrap();
    let all = ensemble_actions::referential::queue(&app.store, "places", None, 100).unwrap();
    assert!(mine.waiting < all.waiting, "{} of {}", mine.waiting, all.waiting);

    // A pair of others' records: refused, said in words, nothing decided.
    let others = all
        .pairs
        .iter()
        .find(|p| {
            !mine
                .pairs
                .iter()
                .any(|m| (m.left.id, m.right.id) == (p.left.id, p.right.id))
        })
        .unwrap();
    let refused = app
        .post(
            &format!("/membres/{MEMBER}/referentiel/lieux/paires"),
            &format!(
                "csrf={}&left={}&right={}&same=1",
                admin.csrf, others.left.id, others.right.id
            ),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Aucune de ces deux fiches n&#39;est à votre membre"),
        "{}",
        refused.body
    );
    assert!(
        app.store
            .read(|s| s.referential_decisions("places"))
            .unwrap()
            .is_empty()
    );
    let viewer = app.sign_in(&login("consultation", MEMBER));
    let closed = app
        .get(&format!("/membres/{MEMBER}/referentiel"), Some(&viewer.cookie))
        .await;
    assert!(closed.status.is_client_error(), "{}", closed.status);

    // An entity: its golden record, field by field with its record, and its records.
    let entity = others.left.entity;
    let shown = app
        .get(&format!("/referentiel/entites/{entity}"), Some(&viewer.cookie))
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_translated(&shown.body);
    assert!(shown.body.contains("Fiche de référence") && shown.body.contains(&html(&others.left.name)));
    assert!(shown.body.contains("tiré de la fiche n°"), "{}", shown.body);
    let english = app
        .get(
            &format!("/referentiel/entites/{entity}"),
            Some(&format!("{}; ensemble_lang=en", viewer.cookie)),
        )
        .await;
    assert!(english.body.contains("Reference record") && english.body.contains("taken from record no."));
    assert_eq!(
        app.get("/referentiel/entites/999999", Some(&viewer.cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// Text as the pages write it.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
