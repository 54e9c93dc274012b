//! The JSON API: token authentication, paging and filters, stable error codes, and the OpenAPI
//! document generated from the route table.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;

use crate::{MEMBER, Reply, TestApp, login};

async fn api(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    let request = Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let Reply { status, headers, body } = app.send(request).await;
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{path}"
    );
    (status, serde_json::from_str(&body).unwrap())
}

/// Creates a token through the account page, as a person would.
pub async fn token(app: &TestApp) -> String {
    let analyst = app.sign_in(&login("analyste", MEMBER));
    let page = app
        .post(
            "/compte/jetons",
            &format!("csrf={}&label=tableur", analyst.csrf),
            Some(&analyst.cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("tableur"));
    let token = page
        .body
        .split(r#"class="secret">"#)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 64);
    let user = app
        .store
        .read(|s| s.user_by_login(&login("analyste", MEMBER)))
        .unwrap()
        .unwrap();
    let stored = app.store.read(|s| s.api_tokens(user.id)).unwrap();
    assert_eq!(stored.len(), 1);
    token
}

#[tokio::test]
async fn a_token_reads_paged_and_filtered_resources() {
    let app = TestApp::new();
    let token = token(&app).await;
    let (status, me) = api(&app, "/api/v1/me", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "member-analyst");
    assert_eq!(me["member"], MEMBER);

    let (status, first) = api(&app, "/api/v1/performances?limit=5", &token).await;
    assert_eq!(status, StatusCode::OK);
    let total = first["total"].as_u64().unwrap();
    assert!(total > 5);
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    let item = &first["items"][0];
    assert!(item["performance"]["starts_at"].is_string() && item["show"]["title_fr"].is_string());
    assert!(item["place"]["name"].is_string() && item["presenter"]["name"].is_string());
    let (_, second) = api(&app, "/api/v1/performances?limit=5&offset=5", &token).await;
    assert_ne!(
        first["items"][0]["performance"]["id"],
        second["items"][0]["performance"]["id"]
    );

    let (_, montreal) = api(&app, "/api/v1/performances?region=06&limit=500", &token).await;
    let montreal_total = montreal["total"].as_u64().unwrap();
    assert!(montreal_total < total);
    for item in montreal["items"].as_array().unwrap() {
        assert_eq!(item["place"]["region_code"], "06");
    }

    for path in [
        "/api/v1/organizations",
        "/api/v1/shows",
        "/api/v1/places",
        "/api/v1/members",
    ] {
        let (status, page) = api(&app, path, &token).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(page["total"].as_u64().unwrap() > 0, "{path}");
    }
    let (_, members) = api(&app, "/api/v1/members", &token).await;
    assert_eq!(members["total"], 4);
}

#[tokio::test]
async fn bad_requests_get_stable_codes_in_both_languages() {
    let app = TestApp::new();
    let token = token(&app).await;
    for (path, code) in [
        ("/api/v1/performances?saison=2025", "api-unknown-parameter"),
        ("/api/v1/performances?season=deux", "api-invalid-parameter"),
        ("/api/v1/shows?limit=0", "api-invalid-parameter"),
        ("/api/v1/shows?limit=501", "api-invalid-parameter"),
    ] {
        let (status, body) = api(&app, path, &token).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(body["error"]["code"], code, "{path}");
        let fr = body["error"]["message"]["fr"].as_str().unwrap();
        let en = body["error"]["message"]["en"].as_str().unwrap();
        assert!(
            !fr.is_empty() && !en.is_empty() && fr != en && !fr.contains("{"),
            "{fr} / {en}"
        );
    }
    let (status, body) = api(&app, "/api/v1/shows", "jeton-inconnu").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "api-unauthorized");
}

/// Every `$ref` of a document points to a schema it defines.
fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target.clone());
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_covers_every_api_route() {
    let app = TestApp::new();
    let reply = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let document: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    for route in ensemble_web::routes() {
        if route.path.starts_with("/api/v1/") {
            let method = route.method.as_str().to_lowercase();
            assert!(
                document["paths"][route.path][&method].is_object(),
                "{} {} undocumented",
                route.method,
                route.path
            );
        }
    }
    let mut found = Vec::new();
    refs(&document, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let name = target.strip_prefix("#/components/schemas/").unwrap();
        assert!(document["components"]["schemas"][name].is_object(), "{target}");
    }
    let parameters = document["paths"]["/api/v1/performances"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = parameters.iter().map(|p| p["name"].as_str().unwrap()).collect();
    for name in ["limit", "offset", "season", "region", "discipline", "place", "show"] {
        assert!(names.contains(&name), "{name}");
    }
    // An item the API returns validates against the document's own schema of it.
    let token = token(&app).await;
    let (_, page) = api(&app, "/api/v1/shows?limit=3", &token).await;
    let schema = &document["components"]["schemas"]["Show"];
    for item in page["items"].as_array().unwrap() {
        let object = item.as_object().unwrap();
        for required in schema["required"].as_array().unwrap() {
            assert!(object.contains_key(required.as_str().unwrap()), "{required}");
        }
        for key in object.keys() {
            assert!(schema["properties"][key].is_object(), "{key} not in the schema");
        }
    }
}

#[tokio::test]
async fn a_token_is_revoked_from_the_account_page_or_by_itself_and_then_refused() {
    let app = TestApp::new();
    let person = app.sign_in(&login("analyste", MEMBER));
    let user = app
        .store
        .read(|s| s.user_by_login(&login("analyste", MEMBER)))
        .unwrap()
        .unwrap();
    let lost = app.new_token(&person, "tableur").await;
    let script = app.new_token(&person, "script").await;
    assert_eq!(api(&app, "/api/v1/me", &lost).await.0, StatusCode::OK);

    // From the account page: the lost one, by the reference the page shows.
    let page = app.get("/compte", Some(&person.cookie)).await;
    let tokens = app.store.read(|s| s.api_tokens(user.id)).unwrap();
    let lost_reference = &tokens.iter().find(|t| t.label == "tableur").unwrap().reference;
    assert!(page.body.contains(&format!("/compte/jetons/{lost_reference}/revoquer")));
    assert!(!page.body.contains(&lost), "the page never shows a token again");
    let revoked = app
        .post(
            &format!("/compte/jetons/{lost_reference}/revoquer"),
            &format!("csrf={}", person.csrf),
            Some(&person.cookie),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(revoked.body.contains("révoqué"), "{}", revoked.body);
    assert_eq!(api(&app, "/api/v1/me", &lost).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        api(&app, "/api/v1/me", &script).await.0,
        StatusCode::OK,
        "the other one still works"
    );

    // Another person cannot revoke it: the reference is only looked up among one's own tokens.
    let other = app.sign_in(&login("admin", MEMBER));
    let script_reference = app.store.read(|s| s.api_tokens(user.id)).unwrap()[0].reference.clone();
    let refused = app
        .post(
            &format!("/compte/jetons/{script_reference}/revoquer"),
            &format!("csrf={}", other.csrf),
            Some(&other.cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // By itself, through the API.
    let request = Request::delete("/api/v1/token")
        .header(header::AUTHORIZATION, format!("Bearer {script}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::NO_CONTENT);
    assert_eq!(api(&app, "/api/v1/me", &script).await.0, StatusCode::UNAUTHORIZED);
    assert!(app.store.read(|s| s.api_tokens(user.id)).unwrap().is_empty());
    let revocations = app
        .store
        .read(|s| s.audit_entries(None, 50))
        .unwrap()
        .iter()
        .filter(|entry| entry.action == "token-revoke" && entry.user_id == Some(user.id))
        .count();
    assert_eq!(revocations, 2);
}
