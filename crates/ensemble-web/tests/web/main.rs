//! The portal as a browser and a program see it, through the router itself (no socket), on the
//! small demo consortium in memory: pages and translations, sign-in, the access rule of every
//! route, the import wizard, and the JSON API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::new_without_default)]

mod adversarial;
mod agenda;
mod api;
mod barometer;
mod clock;
mod edges;
mod isolation;
mod pages;
mod reconcile;
mod referential;
mod reports;
mod rights;
mod settlements;
mod sharing;
mod statistics;
mod touring;
mod wizard;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use ensemble_demo::{DemoConfig, Scale};
use ensemble_privacy::SecretKey;
use ensemble_store::Store;
use tower::ServiceExt;

/// The small demo consortium in memory, served by one router (so that the sign-in throttle and
/// the wizard's uploads are kept between requests).
pub struct TestApp {
    pub store: Arc<Store>,
    pub router: axum::Router,
}

/// The demo's secret key.
const KEY: [u8; 32] = [3; 32];

/// What a request got back.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map(|value| value.to_str().unwrap())
            .unwrap_or_default()
    }

    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }
}

/// A signed-in person: the cookie to send and the session's form token.
pub struct Person {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub fn new() -> TestApp {
        let store = Store::in_memory().unwrap();
        let config = DemoConfig {
            scale: Scale::Small,
            seed: 2026,
        };
        let key = SecretKey::from_bytes(KEY);
        ensemble_demo::generate(&store, &config, &key, &mut |_| {}).unwrap();
        // A former colleague, the account the routes acting on a user are tried on.
        let former = store
            .read(|s| s.user_by_login(&login("consultation", MEMBER)))
            .unwrap()
            .unwrap();
        store
            .write(|s| {
                let id = s.next_user_id()?;
                s.insert_user(&ensemble_store::User {
                    id,
                    login: FORMER.to_string(),
                    display_name: "Ancienne Collègue".to_string(),
                    ..former
                })
            })
            .unwrap();
        let store = Arc::new(store);
        let router = ensemble_web::router(ensemble_web::AppState::new(store.clone(), key));
        TestApp { store, router }
    }

    /// A consortium just started, without the demo: its coordinator only, no member.
    pub fn started() -> TestApp {
        let store = Store::in_memory().unwrap();
        let operator = ensemble_actions::Actor::operator(ensemble_actions::Clock::default());
        ensemble_actions::accounts::start(
            &store,
            &operator,
            "Regroupement fictif",
            COORDINATOR,
            "une phrase de passe fictive",
        )
        .unwrap();
        let store = Arc::new(store);
        let router = ensemble_web::router(ensemble_web::AppState::new(store.clone(), SecretKey::from_bytes(KEY)));
        TestApp { store, router }
    }

    /// The same consortium served on another clock (a moment of the tests' choosing).
    pub fn on_clock(&self, clock: ensemble_actions::Clock) -> TestApp {
        let state = ensemble_web::AppState::new(self.store.clone(), SecretKey::from_bytes(KEY)).with_clock(clock);
        TestApp {
            store: self.store.clone(),
            router: ensemble_web::router(state),
        }
    }

    /// The same consortium served by a portal that keeps the wizard's uploads in `folder`.
    pub fn with_uploads(&self, folder: &std::path::Path) -> TestApp {
        let state = ensemble_web::AppState::new(self.store.clone(), SecretKey::from_bytes(KEY))
            .with_uploads(folder.to_path_buf());
        TestApp {
            store: self.store.clone(),
            router: ensemble_web::router(state),
        }
    }

    /// Works the shared referential out (organisations and places), as `ensemble referential run`.
    pub fn run_referential(&self) {
        let operator = ensemble_actions::Actor::operator(ensemble_actions::Clock::default());
        ensemble_actions::referential::run_all(&self.store, &operator).unwrap();
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap();
        Reply {
            status,
            headers,
            // Downloads (workbooks) are not text: read what is.
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, path: &str, body: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body.to_string())).unwrap()).await
    }

    /// Opens a session for a demo account directly in the store (as a successful sign-in does).
    /// A new API token of a signed-in person, made through the account page as a person would.
    pub async fn new_token(&self, person: &Person, label: &str) -> String {
        let page = self
            .post(
                "/compte/jetons",
                &format!("csrf={}&label={label}", person.csrf),
                Some(&person.cookie),
            )
            .await;
        page.body
            .split(r#"class="secret">"#)
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string()
    }

    pub fn sign_in(&self, login: &str) -> Person {
        let user = self.store.read(|s| s.user_by_login(login)).unwrap().unwrap();
        let token = ensemble_privacy::new_token();
        let csrf = ensemble_privacy::new_token();
        let now = chrono::Utc::now().fixed_offset();
        self.store
            .write(|s| {
                s.insert_session(
                    &ensemble_privacy::token_digest(&token),
                    user.id,
                    &csrf,
                    now,
                    now + chrono::Duration::hours(1),
                )
            })
            .unwrap();
        Person {
            cookie: format!("{}={token}", ensemble_web::SESSION_COOKIE),
            csrf,
        }
    }
}

/// A page rendered with a key missing from the catalogue shows `{web-…}`.
pub fn assert_translated(html: &str) {
    assert!(
        !html.contains("{web-") && !html.contains("{api-"),
        "missing translation in:\n{html}"
    );
}

/// The members of the demo: the first one's pages are the ones tried.
pub const MEMBER: &str = "deux-rivieres";
pub const OTHER_MEMBER: &str = "grande-ourse";
pub const COORDINATOR: &str = "coordination@ensemble.example";
/// A viewer of the member that the tests may disable.
pub const FORMER: &str = "ancienne@deux-rivieres.example";

pub fn login(role: &str, member: &str) -> String {
    format!("{role}@{member}.example")
}

/// Imports a file as the command line's operator does (with its audit entry).
pub fn import_as_operator(
    app: &TestApp,
    key: &ensemble_privacy::SecretKey,
    request: &ensemble_ingest::ImportRequest<'_>,
) -> Result<ensemble_ingest::ImportReport, ensemble_actions::ActionError> {
    let member = app.store.read(|s| s.member_by_slug(request.member)).unwrap().unwrap();
    let actor = ensemble_actions::Actor::operator(ensemble_actions::Clock::default());
    ensemble_actions::imports::import(&app.store, key, &actor, &member, request, &mut |_| {})
}
