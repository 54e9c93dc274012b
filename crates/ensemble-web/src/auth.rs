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

use crate::http::{FORM_COOKIE, SESSION_COOKIE, Viewer, cookie, redirect_with_cookie};
use crate::pages::{Texts, render};
use crate::{AppState, PageLang};

/// Failures allowed for one login within [`THROTTLE_WINDOW`] before sign-in is refused.
pub const THROTTLE_FAILURES: u32 = 5;
const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

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
    let (lookup, password, clock) = (login.clone(), form.password, state.clock);
    let opened = tokio::task::spawn_blocking(move || accounts::sign_in(&store, clock, &lookup, &password)).await;
    match opened {
        Ok(Ok(Some(accounts::Opened { token, .. }))) => {
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
