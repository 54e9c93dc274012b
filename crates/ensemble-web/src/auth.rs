//! Signing in and out. The session token lives in an HttpOnly, SameSite=Lax cookie (Secure when
//! the request came over HTTPS through a proxy) and only its digest is stored. Every form carries
//! a CSRF token: before sign-in, a random token also set in a cookie (double submit); after, the
//! session's own. Repeated failures for a login are slowed down.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ensemble_actions::accounts::{self, SESSION_HOURS};
use ensemble_i18n::{Lang, tr};

use crate::http::{ClientAddress, FORM_COOKIE, SESSION_COOKIE, Viewer, cookie, redirect_with_cookie};
use crate::pages::{Texts, render};
use crate::{AppState, PageLang};

/// Failures allowed for one login from one address before that pair must wait.
pub const THROTTLE_FAILURES: u32 = 5;
/// Failures allowed from one address, whatever the logins, within [`THROTTLE_WINDOW`].
pub const ADDRESS_FAILURES: u32 = 30;
const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failed sign-ins, kept in memory: per login (folded to lower case) and address, and per
/// address. A login tried wrongly from one address must wait there, a minute after five
/// failures, then twice as long after each new one (at most the window); the same login from
/// another address, the real person's, is not held back. An address that fails with many
/// logins waits out the window.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// The key of a login tried from an address.
fn pair(login: &str, address: &str) -> String {
    format!("{login} {address}")
}

/// How long a pair with `count` failures waits after its last one.
fn backoff(count: u32) -> Duration {
    let doublings = count.saturating_sub(THROTTLE_FAILURES).min(10);
    Duration::from_secs(60 << doublings).min(THROTTLE_WINDOW)
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, Instant)>> {
        self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn blocked(&self, login: &str, address: &str) -> bool {
        let failures = self.lock();
        let held = failures
            .get(&pair(login, address))
            .is_some_and(|(count, last)| *count >= THROTTLE_FAILURES && last.elapsed() < backoff(*count));
        let flooding = failures
            .get(address)
            .is_some_and(|(count, last)| *count >= ADDRESS_FAILURES && last.elapsed() < THROTTLE_WINDOW);
        held || flooding
    }

    fn failed(&self, login: &str, address: &str) {
        let mut failures = self.lock();
        // Forget what is older than the window, so that the map stays small.
        failures.retain(|_, (_, last)| last.elapsed() < THROTTLE_WINDOW);
        for key in [pair(login, address), address.to_string()] {
            let entry = failures.entry(key).or_insert((0, Instant::now()));
            *entry = (entry.0 + 1, Instant::now());
        }
    }

    fn succeeded(&self, login: &str, address: &str) {
        self.lock().remove(&pair(login, address));
    }
}

fn secure(headers: &HeaderMap) -> &'static str {
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    if https { "; Secure" } else { "" }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Texts,
    csrf: String,
    login: String,
    error: Option<String>,
    notice: Option<String>,
}

fn login_page(lang: Lang, status: StatusCode, login: &str, error: Option<&str>, headers: &HeaderMap) -> Response {
    sign_in_page(lang, status, login, (error, None), headers)
}

/// The sign-in form with a problem or a notice (by message key), and its form token's cookie.
pub(crate) fn sign_in_page(
    lang: Lang,
    status: StatusCode,
    login: &str,
    (error, notice): (Option<&str>, Option<&str>),
    headers: &HeaderMap,
) -> Response {
    let csrf = ensemble_privacy::new_token();
    let page = LoginPage {
        t: Texts::new(lang, None, None),
        csrf: csrf.clone(),
        login: login.to_string(),
        error: error.map(|key| tr(lang, key)),
        notice: notice.map(|key| tr(lang, key)),
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
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let login = form.login.trim().to_lowercase();
    let address = address.map_or_else(|| "-".to_string(), |address| address.to_string());
    if form.csrf.is_empty() || cookie(&headers, FORM_COOKIE) != Some(form.csrf.as_str()) {
        return login_page(lang, StatusCode::FORBIDDEN, &login, Some("web-login-expired"), &headers);
    }
    if state.throttle.blocked(&login, &address) {
        return login_page(
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            &login,
            Some("web-login-throttled"),
            &headers,
        );
    }
    let store = state.store.clone();
    let (lookup, password, clock) = (login.clone(), form.password, state.clock);
    let opened = tokio::task::spawn_blocking(move || accounts::sign_in(&store, clock, &lookup, &password)).await;
    match opened {
        Ok(Ok(Some(accounts::Opened { token, .. }))) => {
            state.throttle.succeeded(&login, &address);
            let cookie = format!(
                "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                SESSION_HOURS * 3600,
                secure(&headers)
            );
            redirect_with_cookie("/", &cookie)
        }
        Ok(Ok(None)) => {
            state.throttle.failed(&login, &address);
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

/// `POST /deconnexion`: ends the session (the guard has checked the form's token).
pub async fn logout(State(state): State<AppState>, Viewer(viewer): Viewer, headers: HeaderMap) -> Response {
    if let (Some(token), Some(signed)) = (cookie(&headers, SESSION_COOKIE).map(str::to_string), viewer) {
        let store = state.store.clone();
        let actor = signed.actor(state.clock);
        // Signing out always ends at the home page; a session that could not be closed expires.
        if let Ok(Err(error)) = tokio::task::spawn_blocking(move || accounts::sign_out(&store, &actor, &token)).await {
            tracing::warn!(code = error.code(), cause = %error, "sign-out not recorded");
        }
    }
    redirect_with_cookie(
        "/",
        &format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
    )
}
