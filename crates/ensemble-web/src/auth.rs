//! Signing in and out. The session token lives in an HttpOnly, SameSite=Lax cookie (Secure when
//! the request came over HTTPS through a proxy) and only its digest is stored. Every form carries
//! a CSRF token: before sign-in, a random token also set in a cookie (double submit); after, the
//! session's own. Repeated failures for a login are slowed down.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use ensemble_i18n::{Lang, tr};

use crate::pages::{Texts, render};
use crate::policy::Signed;
use crate::{AppState, PageLang};

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "ensemble_session";
/// The cookie that carries the sign-in form's token before there is a session.
pub const FORM_COOKIE: &str = "ensemble_form";
/// Failures allowed for one login within [`THROTTLE_WINDOW`] before sign-in is refused.
pub const THROTTLE_FAILURES: u32 = 5;
const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a session lasts.
const SESSION_HOURS: i64 = 12;

/// Failed sign-ins per login (folded to lower case), kept in memory.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    fn blocked(&self, login: &str) -> bool {
        let failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        failures
            .get(login)
            .is_some_and(|(count, since)| *count >= THROTTLE_FAILURES && since.elapsed() < THROTTLE_WINDOW)
    }

    fn failed(&self, login: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = failures.entry(login.to_string()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= THROTTLE_WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    fn succeeded(&self, login: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        failures.remove(login);
    }
}

/// A cookie's value from the request's headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn secure(headers: &HeaderMap) -> &'static str {
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    if https { "; Secure" } else { "" }
}

/// The signed-in person, if any, as the access guard found them.
pub struct Viewer(pub Option<Signed>);

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Viewer(parts.extensions.get::<Option<Signed>>().cloned().flatten()))
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Texts,
    csrf: String,
    login: String,
    error: Option<String>,
}

fn login_page(lang: Lang, status: StatusCode, login: &str, error: Option<&str>, headers: &HeaderMap) -> Response {
    let csrf = ensemble_privacy::new_token();
    let page = LoginPage {
        t: Texts::new(lang, None, None),
        csrf: csrf.clone(),
        login: login.to_string(),
        error: error.map(|key| tr(lang, key)),
    };
    let mut response = (status, render(&page)).into_response();
    let cookie = format!(
        "{FORM_COOKIE}={csrf}; Path=/; HttpOnly; SameSite=Lax{}",
        secure(headers)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// `GET /connexion`: the sign-in form.
pub async fn login_form(PageLang(lang): PageLang, headers: HeaderMap) -> Response {
    login_page(lang, StatusCode::OK, "", None, &headers)
}

/// What the sign-in form sends.
#[derive(serde::Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    csrf: String,
}

/// `POST /connexion`: checks the form token, the throttle and the password, then opens a session.
pub async fn login(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let login = form.login.trim().to_lowercase();
    if form.csrf.is_empty() || cookie(&headers, FORM_COOKIE) != Some(form.csrf.as_str()) {
        return login_page(lang, StatusCode::FORBIDDEN, &login, Some("web-login-expired"), &headers);
    }
    if state.throttle.blocked(&login) {
        return login_page(
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            &login,
            Some("web-login-throttled"),
            &headers,
        );
    }
    let store = state.store.clone();
    let (lookup, password) = (login.clone(), form.password);
    let opened = tokio::task::spawn_blocking(move || -> Result<Option<String>, ensemble_store::StoreError> {
        let Some(user) = store.read(|session| session.user_by_login(&lookup))? else {
            // Same work as for a known login, so that timing does not tell which logins exist.
            let _ = ensemble_privacy::verify_password(&password, dummy_hash());
            return Ok(None);
        };
        if user.disabled || !ensemble_privacy::verify_password(&password, &user.password_hash) {
            return Ok(None);
        }
        let token = ensemble_privacy::new_token();
        let now = Utc::now().fixed_offset();
        let digest = ensemble_privacy::token_digest(&token);
        let csrf = ensemble_privacy::new_token();
        store.write(|session| {
            session.insert_session(
                &digest,
                user.id,
                &csrf,
                now,
                now + chrono::Duration::hours(SESSION_HOURS),
            )?;
            let event = ensemble_store::AuditEvent {
                channel: "web",
                user_id: Some(user.id),
                member_id: user.member_id,
                action: "sign-in",
                subject: format!("user {}", user.id),
                detail: serde_json::json!({}),
            };
            session.append_audit(&event, Utc::now()).map(|_| ())
        })?;
        Ok(Some(token))
    })
    .await;
    match opened {
        Ok(Ok(Some(token))) => {
            state.throttle.succeeded(&login);
            let cookie = format!(
                "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                SESSION_HOURS * 3600,
                secure(&headers)
            );
            redirect_with_cookie("/", &cookie)
        }
        Ok(Ok(None)) => {
            state.throttle.failed(&login);
            login_page(
                lang,
                StatusCode::UNAUTHORIZED,
                &login,
                Some("web-login-failed"),
                &headers,
            )
        }
        _ => crate::pages::message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
    }
}

/// A hash verified when a login is unknown (made once, of a random password).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| ensemble_privacy::hash_password(&ensemble_privacy::new_token()).unwrap_or_default())
}

/// `POST /deconnexion`: ends the session (the guard has checked the form's token).
pub async fn logout(State(state): State<AppState>, Viewer(viewer): Viewer, headers: HeaderMap) -> Response {
    if let (Some(token), Some(signed)) = (cookie(&headers, SESSION_COOKIE).map(str::to_string), viewer) {
        let store = state.store.clone();
        let _ = tokio::task::spawn_blocking(move || {
            store.write(|session| {
                session.delete_session(&ensemble_privacy::token_digest(&token))?;
                let event = crate::policy::event(
                    &signed,
                    signed.user.member_id,
                    "sign-out",
                    format!("user {}", signed.user.id),
                    serde_json::json!({}),
                );
                session.append_audit(&event, Utc::now()).map(|_| ())
            })
        })
        .await;
    }
    redirect_with_cookie(
        "/",
        &format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
    )
}

/// A redirection (303) to `location` that sets a cookie (none when `cookie` is empty).
pub(crate) fn redirect_with_cookie(location: &str, cookie: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, location);
    }
    if !cookie.is_empty()
        && let Ok(cookie) = HeaderValue::from_str(cookie)
    {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}
