//! The portal as a browser sees it, through the router itself (no socket): pages in French by
//! default and in English after the switch, no missing translation, and a translated 404.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use ensemble_demo::{DemoConfig, Scale};
use ensemble_privacy::SecretKey;
use ensemble_store::Store;
use tower::ServiceExt;

/// The small demo consortium in memory.
fn demo_store() -> Arc<Store> {
    let store = Store::in_memory().unwrap();
    let config = DemoConfig {
        scale: Scale::Small,
        seed: 2026,
    };
    ensemble_demo::generate(&store, &config, &SecretKey::from_bytes([3; 32]), &mut |_| {}).unwrap();
    Arc::new(store)
}

async fn get(store: &Arc<Store>, path: &str, cookie: Option<&str>) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = ensemble_web::router(store.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

/// A page rendered with a key missing from the catalogue shows `{web-…}`.
fn assert_translated(html: &str) {
    assert!(!html.contains("{web-"), "missing translation in:\n{html}");
}

#[tokio::test]
async fn the_home_page_lists_the_members_in_french_by_default() {
    let store = demo_store();
    let (status, headers, html) = get(&store, "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(html.contains(r#"<html lang="fr">"#));
    assert!(html.contains("Membres du consortium"));
    for slug in ensemble_demo::MEMBER_SLUGS {
        assert!(html.contains(slug), "{slug}");
    }
    assert!(html.contains("Diffusion Deux-Rivières"));
    assert!(html.contains("Diffuseur"), "roles in French");
    assert!(html.contains(r#"href="/langue/en""#));
    assert_translated(&html);
}

#[tokio::test]
async fn the_switch_keeps_english_and_returns_to_the_page() {
    let store = demo_store();
    let request = Request::get("/langue/en")
        .header(header::REFERER, "http://127.0.0.1:8080/")
        .body(Body::empty())
        .unwrap();
    let response = ensemble_web::router(store.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.starts_with("ensemble_lang=en;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

    let (status, _, html) = get(&store, "/", Some("ensemble_lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Consortium members"));
    assert!(html.contains("Presenter"), "roles in English");
    assert!(html.contains(r#"href="/langue/fr""#));
    assert_translated(&html);

    let (status, _, _) = get(&store, "/langue/de", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unknown_address_gets_a_translated_page() {
    let store = demo_store();
    let (status, _, html) = get(&store, "/nulle-part", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page introuvable"));
    assert_translated(&html);
    let (_, _, html) = get(&store, "/nowhere", Some("theme=dark; ensemble_lang=en")).await;
    assert!(html.contains("Page not found"));
}

/// Every route of the table answers a GET without a server error, in both languages, with no
/// missing translation (the table is the one the router is built from).
#[tokio::test]
async fn every_route_renders_in_both_languages() {
    let store = demo_store();
    for route in ensemble_web::routes() {
        let path = route.path.replace("{code}", "fr");
        for cookie in ["ensemble_lang=fr", "ensemble_lang=en"] {
            let (status, _, html) = get(&store, &path, Some(cookie)).await;
            assert!(!status.is_server_error(), "{path}: {status}");
            assert_translated(&html);
        }
    }
}
