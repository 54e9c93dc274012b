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
    for route in ensemble_web::routes()
        .into_iter()
        .filter(|r| r.method == axum::http::Method::GET)
    {
        let path = route.path.replace("{code}", "fr");
        for cookie in ["ensemble_lang=fr", "ensemble_lang=en"] {
            let (status, _, html) = get(&store, &path, Some(cookie)).await;
            assert!(!status.is_server_error(), "{path}: {status}");
            assert_translated(&html);
        }
    }
}

/// A form post through a shared router (so that its sign-in throttle is kept between requests).
async fn post(router: &axum::Router, path: &str, body: &str, cookie: &str) -> axum::response::Response {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap();
    router.clone().oneshot(request).await.unwrap()
}

fn set_cookie(response: &axum::response::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

async fn body(response: axum::response::Response) -> String {
    String::from_utf8(
        axum::body::to_bytes(response.into_body(), 1 << 22)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap()
}

const FORM: &str = "ensemble_form=jeton-du-formulaire";

fn login_body(login: &str, password: &str, csrf: &str) -> String {
    format!("login={}&password={}&csrf={csrf}", login.replace('@', "%40"), password)
}

#[tokio::test]
async fn sign_in_with_a_demo_account_then_sign_out() {
    let store = demo_store();
    let router = ensemble_web::router(store.clone());
    let form = router
        .clone()
        .oneshot(Request::get("/connexion").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let form_cookie = set_cookie(&form, ensemble_web::FORM_COOKIE).unwrap();
    assert!(form_cookie.contains("HttpOnly") && form_cookie.contains("SameSite=Lax"));
    let html = body(form).await;
    assert!(html.contains(r#"<label for="password">Mot de passe</label>"#));
    assert!(html.contains(r#"name="csrf""#));

    let response = post(
        &router,
        "/connexion",
        &login_body(
            "coordination@ensemble.example",
            ensemble_demo::DEMO_PASSWORD,
            "jeton-du-formulaire",
        ),
        FORM,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let session = set_cookie(&response, ensemble_web::SESSION_COOKIE).unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax") && !session.contains("Secure"));
    let token = session.split(';').next().unwrap().to_string();
    // The token is stored only as its digest.
    let raw = token.split('=').nth(1).unwrap().to_string();
    assert!(
        store
            .read(|s| s.session_user(&raw, chrono::Utc::now().fixed_offset()))
            .unwrap()
            .is_none()
    );

    let (_, _, html) = get(&store, "/", Some(&token)).await;
    assert!(html.contains("Connecté :"), "{html}");
    let csrf = html
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    let refused = post(&router, "/deconnexion", "csrf=mauvais", &token).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let out = post(&router, "/deconnexion", &format!("csrf={csrf}"), &token).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let (_, _, html) = get(&store, "/", Some(&token)).await;
    assert!(html.contains("Se connecter") && !html.contains("Connecté :"));
}

#[tokio::test]
async fn wrong_passwords_forms_without_token_and_guessing_are_refused() {
    let store = demo_store();
    let router = ensemble_web::router(store);
    let login = "admin@deux-rivieres.example";
    let no_token = post(
        &router,
        "/connexion",
        &login_body(login, ensemble_demo::DEMO_PASSWORD, "autre"),
        FORM,
    )
    .await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    assert!(body(no_token).await.contains("Le formulaire a expiré"));

    for _ in 0..ensemble_web::THROTTLE_FAILURES {
        let wrong = post(
            &router,
            "/connexion",
            &login_body(login, "devine", "jeton-du-formulaire"),
            FORM,
        )
        .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let html = body(wrong).await;
        assert!(html.contains("Courriel ou mot de passe incorrect"));
        assert!(
            html.contains(r#"value="admin@deux-rivieres.example""#),
            "the login is kept"
        );
    }
    // Now even the right password waits.
    let blocked = post(
        &router,
        "/connexion",
        &login_body(login, ensemble_demo::DEMO_PASSWORD, "jeton-du-formulaire"),
        FORM,
    )
    .await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(set_cookie(&blocked, ensemble_web::SESSION_COOKIE).is_none());
    // Another account is not affected.
    let other = post(
        &router,
        "/connexion",
        &login_body(
            "analyste@deux-rivieres.example",
            ensemble_demo::DEMO_PASSWORD,
            "jeton-du-formulaire",
        ),
        FORM,
    )
    .await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
}
