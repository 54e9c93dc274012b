//! The edges an attacker or a tired person reaches: the security headers of every answer, the
//! language switch that never sends anyone to another site, and texts too long or holding
//! invisible characters, refused with their code and nothing kept.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::{COORDINATOR, MEMBER, TestApp, login};

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_private_ones_are_not_kept() {
    let app = TestApp::new();
    let public = app.get("/", None).await;
    let policy = public.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("script-src"), "no script is allowed: {policy}");
    assert_eq!(public.headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(public.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(public.headers[header::REFERRER_POLICY], "same-origin");
    assert!(
        !public.headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "plain HTTP"
    );
    assert!(public.headers.contains_key("x-request-id"));

    let admin = app.sign_in(&login("admin", MEMBER));
    let private = app.get(&format!("/membres/{MEMBER}"), Some(&admin.cookie)).await;
    assert_eq!(private.status, StatusCode::OK);
    assert_eq!(private.headers[header::CACHE_CONTROL], "no-store");
    let refused = app.get("/audit", Some(&admin.cookie)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.headers.contains_key(header::CONTENT_SECURITY_POLICY));

    let behind_https = app
        .send(
            Request::get("/")
                .header("x-forwarded-proto", "https")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        behind_https.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
}

#[tokio::test]
async fn the_language_switch_goes_back_only_to_this_sites_pages() {
    let app = TestApp::new();
    for (referer, expected) in [
        ("http://127.0.0.1:8080/spectacles?page=2", "/spectacles?page=2"),
        ("https://e/\\evil.example/x", "/"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
    ] {
        let reply = app
            .send(
                Request::get("/langue/en")
                    .header(header::REFERER, referer)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.location(), expected, "{referer}");
    }
}

#[tokio::test]
async fn texts_too_long_or_with_invisible_characters_are_refused_and_keep_nothing() {
    let app = TestApp::new();
    let admin = app.sign_in(&login("admin", MEMBER));
    let users = format!("/membres/{MEMBER}/utilisateurs");
    let before = app.store.read(|s| s.users(None)).unwrap().len();
    let long_name = "a".repeat(100_000);
    let too_long = app
        .post(
            &users,
            &format!(
                "csrf={}&name={long_name}&login=long%40deux-rivieres.example&role=viewer",
                admin.csrf
            ),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains("trop long"), "{}", too_long.body);
    let with_nul = app
        .post(
            &users,
            &format!(
                "csrf={}&name=Nul%00Fictif&login=nul%40deux-rivieres.example&role=viewer",
                admin.csrf
            ),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(with_nul.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store.read(|s| s.users(None)).unwrap().len(), before);

    let coordinator = app.sign_in(COORDINATOR);
    let members = app
        .store
        .read(|s| s.list::<ensemble_model::Member>(&Default::default()))
        .unwrap()
        .len();
    let refused = app
        .post(
            "/membres",
            &format!(
                "csrf={}&name=Th%C3%A9%C3%A2tre%1Bfictif&slug=theatre-fictif&municipality=Sherbrooke&role=presenter",
                coordinator.csrf
            ),
            Some(&coordinator.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let after = app
        .store
        .read(|s| s.list::<ensemble_model::Member>(&Default::default()))
        .unwrap()
        .len();
    assert_eq!(after, members);
}
