//! Sharing agreements in the portal: a member's administration shares a dataset with another
//! member, both sides see it, a third does not; leaving Québec needs an assessment; ending it is
//! recorded; the API lists it for the recipient.

use axum::http::StatusCode;

use crate::{MEMBER, OTHER_MEMBER, TestApp, assert_translated, login};

const THIRD: &str = "aurore-boreale";

fn form(csrf: &str, recipient: &str, extra: &str) -> String {
    format!(
        "csrf={csrf}&recipient={recipient}&dataset=settlements&level=detail&purpose=reporting&valid_from=2026-01-01&valid_until={extra}"
    )
}

#[tokio::test]
async fn an_agreement_is_seen_by_both_sides_only_and_its_end_is_recorded() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let path = format!("/membres/{MEMBER}/ententes");
    let page = app.get(&path, Some(&admin.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_translated(&page.body);
    let id_of = |slug: &str| app.store.read(|s| s.member_by_slug(slug)).unwrap().unwrap().id;
    let (recipient_id, third_id) = (id_of(OTHER_MEMBER), id_of(THIRD));
    let count = |member| app.store.read(|s| s.agreements_of(member)).unwrap().len();
    let (before, before_third) = (count(recipient_id), count(third_id));

    let refused = app
        .post(
            &path,
            &format!("{}&leaves_quebec=1", form(&admin.csrf, OTHER_MEMBER, "")),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("évaluation des facteurs relatifs à la vie privée"),
        "{}",
        refused.body
    );
    let to_itself = app
        .post(&path, &form(&admin.csrf, MEMBER, ""), Some(&admin.cookie))
        .await;
    assert_eq!(to_itself.status, StatusCode::UNPROCESSABLE_ENTITY);

    let created = app
        .post(&path, &form(&admin.csrf, OTHER_MEMBER, ""), Some(&admin.cookie))
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let own = app.get(&path, Some(&admin.cookie)).await;
    assert!(own.body.contains("Ce que le membre partage") && own.body.contains("Redditions de comptes"));

    let recipient = app.sign_in(&login("admin", OTHER_MEMBER));
    let theirs = app
        .get(&format!("/membres/{OTHER_MEMBER}/ententes"), Some(&recipient.cookie))
        .await;
    assert!(
        theirs.body.contains("Diffusion Deux-Rivières"),
        "the recipient sees who shares"
    );
    assert_eq!(count(third_id), before_third, "a third member does not see it");

    // The recipient reads it through the API too.
    let page = app
        .post(
            "/compte/jetons",
            &format!("csrf={}&label=script", recipient.csrf),
            Some(&recipient.cookie),
        )
        .await;
    let token = page
        .body
        .split(r#"class="secret">"#)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let request = axum::http::Request::get("/api/v1/agreements")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    let listed: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let settlements = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| {
            a["dataset"] == "settlements" && a["level"] == "detail" && a["recipient_member_id"] == recipient_id.0
        })
        .count();
    assert_eq!(settlements, 1);
    assert_eq!(count(recipient_id), before + 1);

    // Only the provider ends it.
    let id = app
        .store
        .read(|s| s.agreements_of(recipient_id))
        .unwrap()
        .into_iter()
        .find(|a| {
            a.dataset == ensemble_model::Dataset::Settlements
                && a.level == ensemble_model::SharingLevel::Detail
                && a.recipient_member_id == Some(recipient_id)
        })
        .unwrap()
        .id
        .0;
    let not_theirs = app
        .post(
            &format!("/membres/{OTHER_MEMBER}/ententes/{id}/terminer"),
            &format!("csrf={}", recipient.csrf),
            Some(&recipient.cookie),
        )
        .await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
    let ended = app
        .post(
            &format!("{path}/{id}/terminer"),
            &format!("csrf={}", admin.csrf),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    let actions: Vec<String> = app
        .store
        .read(|s| s.audit_entries(None, 5))
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert!(actions.starts_with(&["agreement-end".to_string()]), "{actions:?}");
    assert!(actions.contains(&"agreement-create".to_string()));
}
