//! The access rule of every route, enumerated from the route table the router is built from (a
//! new route is covered without touching this file): anonymous people, lower roles and other
//! members are refused where they must be, and forms without the session's token are rejected.

use axum::http::{Method, StatusCode};
use ensemble_model::{Batch, Role};
use ensemble_store::ListFilter;
use ensemble_web::{Access, Route};

use crate::{COORDINATOR, MEMBER, OTHER_MEMBER, Reply, TestApp, login};

/// A route's path with real values of the demo in place of its parameters.
pub fn concrete(app: &TestApp, pattern: &str) -> String {
    let member = app.store.read(|s| s.member_by_slug(MEMBER)).unwrap().unwrap();
    let batch = app
        .store
        .list_any::<Batch>(&ListFilter {
            member_id: Some(member.id),
            ..Default::default()
        })
        .unwrap()
        .first()
        .map_or(1, |batch| batch.id.0);
    let user = app.store.read(|s| s.user_by_login(crate::FORMER)).unwrap().unwrap().id;
    pattern
        .replace("{member}", MEMBER)
        .replace("{code}", "fr")
        .replace("{batch}", &batch.to_string())
        .replace("{entry}", "1")
        .replace("{upload}", "inconnu")
        .replace("{user}", &user.to_string())
        .replace("{agreement}", "1")
        .replace("{request}", "1")
        .replace("{file}", "export.json")
        .replace("{token}", "0123456789ab")
        .replace("{solution}", "1")
        .replace("{asset}", "1")
        .replace("{exchange}", "1")
        .replace("{table}", "lieux")
        .replace("{decision}", "1")
        .replace("{entity}", "1")
        .replace("{performance}", "1")
        .replace("{*path}", "consortium.jsonld")
}

async fn call(app: &TestApp, route: &Route, cookie: Option<&str>, body: &str) -> Reply {
    let path = concrete(app, route.path);
    match route.method {
        Method::POST => app.post(&path, body, cookie).await,
        Method::GET => app.get(&path, cookie).await,
        ref method => {
            let mut request = axum::http::Request::builder().method(method.clone()).uri(&path);
            if let Some(cookie) = cookie {
                request = request.header(axum::http::header::COOKIE, cookie);
            }
            app.send(request.body(axum::body::Body::empty()).unwrap()).await
        }
    }
}

fn refused_to_sign_in(reply: &Reply) -> bool {
    reply.status == StatusCode::SEE_OTHER && reply.location() == "/connexion"
}

#[tokio::test]
async fn anonymous_people_reach_only_public_routes() {
    let app = TestApp::new();
    let mut checked = 0;
    for route in ensemble_web::routes() {
        let reply = call(&app, &route, None, "").await;
        match route.access {
            Access::Public => assert!(!refused_to_sign_in(&reply), "{}", route.path),
            Access::Token => {
                assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", route.path);
                assert!(reply.body.contains(r#""code":"api-unauthorized""#), "{}", reply.body);
                checked += 1;
            }
            _ => {
                assert!(
                    refused_to_sign_in(&reply),
                    "{} {}: {}",
                    route.method,
                    route.path,
                    reply.status
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "{checked}");
}

/// The role just below a minimum, for a member's person.
fn below(minimum: Role) -> Option<&'static str> {
    match minimum {
        Role::MemberAnalyst => Some("consultation"),
        Role::MemberAdmin => Some("analyste"),
        Role::Coordinator => Some("admin"),
        Role::Viewer => None,
    }
}

#[tokio::test]
async fn lower_roles_are_refused() {
    let app = TestApp::new();
    let mut checked = 0;
    for route in ensemble_web::routes() {
        let minimum = match route.access {
            Access::Member(role) => role,
            Access::Coordinator => Role::Coordinator,
            _ => continue,
        };
        let Some(prefix) = below(minimum) else { continue };
        let person = app.sign_in(&login(prefix, MEMBER));
        let reply = call(&app, &route, Some(&person.cookie), &format!("csrf={}", person.csrf)).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{prefix} on {} {}",
            route.method,
            route.path
        );
        assert!(reply.body.contains("Accès refusé"));
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

#[tokio::test]
async fn another_members_people_are_refused_even_as_admins() {
    let app = TestApp::new();
    let mut checked = 0;
    for route in ensemble_web::routes() {
        if !matches!(route.access, Access::Member(_)) {
            continue;
        }
        let stranger = app.sign_in(&login("admin", OTHER_MEMBER));
        let reply = call(&app, &route, Some(&stranger.cookie), &format!("csrf={}", stranger.csrf)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{} {}", route.method, route.path);
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
}

#[tokio::test]
async fn forms_without_the_sessions_token_are_rejected() {
    let app = TestApp::new();
    let mut checked = 0;
    for route in ensemble_web::routes() {
        if route.method != Method::POST || matches!(route.access, Access::Public | Access::Token) {
            continue;
        }
        let coordinator = app.sign_in(COORDINATOR);
        for body in ["", "csrf=", "csrf=faux", &format!("csrf={}x", coordinator.csrf)] {
            let reply = call(&app, &route, Some(&coordinator.cookie), body).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{} with {body:?}", route.path);
            assert!(reply.body.contains("Formulaire expiré"), "{}", route.path);
        }
        // Another session's token is not this session's.
        let other = app.sign_in(COORDINATOR);
        let reply = call(&app, &route, Some(&coordinator.cookie), &format!("csrf={}", other.csrf)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", route.path);
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

/// The refusals above come from the rule, not from the requests: the right person with the
/// session's token gets through every route.
#[tokio::test]
async fn the_right_person_gets_through() {
    let app = TestApp::new();
    for route in ensemble_web::routes() {
        if matches!(route.access, Access::Public | Access::Token) {
            continue;
        }
        let person = match route.access {
            Access::Coordinator => app.sign_in(COORDINATOR),
            Access::Member(Role::Viewer) => app.sign_in(&login("consultation", MEMBER)),
            Access::Member(Role::MemberAnalyst) => app.sign_in(&login("analyste", MEMBER)),
            _ => app.sign_in(&login("admin", MEMBER)),
        };
        let reply = call(
            &app,
            &route,
            Some(&person.cookie),
            &format!("csrf={}&action=dismiss", person.csrf),
        )
        .await;
        assert!(
            reply.status != StatusCode::FORBIDDEN && !refused_to_sign_in(&reply),
            "{} {}: {}",
            route.method,
            route.path,
            reply.status
        );
    }
}

#[tokio::test]
async fn api_routes_want_a_token_not_a_session() {
    let app = TestApp::new();
    let coordinator = app.sign_in(COORDINATOR);
    for route in ensemble_web::routes().into_iter().filter(|r| r.access == Access::Token) {
        let reply = call(&app, &route, Some(&coordinator.cookie), "").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", route.path);
    }
}

/// Architecture: the portal reads private records only through a grant. The store's unchecked
/// reads (`get_any`, `list_any`, `get_many_any`) are for intake, administration and tests; no
/// handler may call them, and a private entity has no other typed read.
#[test]
fn handlers_never_read_private_records_without_a_grant() {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = 0;
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        files += 1;
        for (number, line) in text.lines().enumerate() {
            for unchecked in ["get_any", "list_any", "get_many_any"] {
                assert!(
                    !line.contains(unchecked),
                    "{}:{}: {unchecked} reads private records without a grant",
                    path.display(),
                    number + 1
                );
            }
        }
    }
    assert!(files >= 10, "{files}");
}
