//! What a handler can fail with, and the portal's request log.
//!
//! A handler returns `Result<Response, WebError>`; the error travels in the response's
//! extensions to [`observe`], the outermost layer, which knows the request's language and whether
//! it came to the JSON API: it renders the translated page or the JSON error, and logs the cause.
//! `observe` also writes one log line per request: its number, method, route (the pattern, never
//! the path, which can hold a member's short code or a number), status, latency and the user's
//! number. No personal value is ever logged.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ensemble_actions::ActionError;
use ensemble_i18n::{Arg, Lang};
use ensemble_store::StoreError;

/// Why a request was not done.
#[derive(Debug, Clone)]
pub enum WebError {
    /// Nothing here, or nothing of this member's.
    NotFound,
    /// A page message, `web-<key>-title` and `web-<key>-text`, with its status.
    Message(StatusCode, &'static str),
    /// An action's rule refused it: its code (message `error-<code>`).
    Refused(&'static str),
    /// Another write held the database for this many seconds; nothing was kept.
    Busy(u64),
    /// Something failed that the person cannot fix; the cause is logged, never shown.
    Unavailable(String),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            // A rule on who may act refuses the person; any other refuses what was sent.
            WebError::Refused(code) if code.ends_with("-not-yours") || code.ends_with("-only") => StatusCode::FORBIDDEN,
            WebError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Message(status, _) => *status,
            WebError::Busy(_) | WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The translated page (or JSON error for the API).
    fn render(&self, lang: Lang, api: bool) -> Response {
        let status = self.status();
        match (self, api) {
            (WebError::Refused(code), true) => crate::api::error(status, &format!("error-{code}")),
            (WebError::Busy(seconds), true) => {
                crate::api::error_with(status, "error-database-busy", &[("seconds", Arg::from(*seconds))])
            }
            (WebError::NotFound, true) => crate::api::error(status, "api-not-found"),
            (_, true) => crate::api::error(status, "api-unavailable"),
            (WebError::Refused(code), false) => {
                crate::pages::notice(lang, status, "web-refused-title", &format!("error-{code}"), &[])
            }
            (WebError::Busy(seconds), false) => crate::pages::notice(
                lang,
                status,
                "web-busy-title",
                "error-database-busy",
                &[("seconds", Arg::from(*seconds))],
            ),
            (WebError::NotFound, false) => crate::pages::message(lang, status, "web-not-found"),
            (WebError::Message(_, key), false) => crate::pages::message(lang, status, key),
            (WebError::Unavailable(_), false) => crate::pages::message(lang, status, "web-unavailable"),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Busy { waited_seconds } => WebError::Busy(waited_seconds),
            other => WebError::Unavailable(format!("{}: {other}", other.code())),
        }
    }
}

impl From<ActionError> for WebError {
    fn from(error: ActionError) -> Self {
        match error {
            ActionError::Refused(code) => WebError::Refused(code),
            ActionError::Store(error) => error.into(),
            // Its code only: a file's or a form's problem may quote what was sent.
            other => WebError::Unavailable(other.code().to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(error: tokio::task::JoinError) -> Self {
        WebError::Unavailable(format!("task: {error}"))
    }
}

/// The route pattern that answered, set by the router on the response.
#[derive(Debug, Clone, Copy)]
pub struct RoutePattern(pub &'static str);

/// The signed-in person's number, set by the guard on the response.
#[derive(Debug, Clone, Copy)]
pub struct UserNumber(pub i64);

/// The header that carries a request's number back, to quote when reporting a problem.
pub const REQUEST_ID: &str = "x-request-id";

static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);

/// The outermost layer: numbers the request, renders a [`WebError`] in the request's language,
/// and logs one line per request (and the cause of a failure).
pub async fn observe(request: Request, next: Next) -> Response {
    let id = NEXT_REQUEST.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let lang = crate::lang::from_headers(request.headers());
    let method = request.method().clone();
    let api = request.uri().path().starts_with("/api/");
    let https = request
        .headers()
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<WebError>() {
        if let WebError::Unavailable(cause) = &error {
            tracing::error!(target: "ensemble::request", request = id, cause = %cause, "failed");
        }
        let extensions = std::mem::take(response.extensions_mut());
        response = error.render(lang, api);
        response.extensions_mut().extend(extensions);
    }
    let route = response
        .extensions()
        .get::<RoutePattern>()
        .map_or("(none)", |route| route.0);
    let user = response.extensions().get::<UserNumber>().map(|user| user.0);
    let status = response.status().as_u16();
    // Tenths of a millisecond are enough to read, and keep the line short.
    let latency_ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
    if status >= 500 {
        tracing::warn!(target: "ensemble::request", request = id, %method, route, status, latency_ms, user, "answered");
    } else {
        tracing::info!(target: "ensemble::request", request = id, %method, route, status, latency_ms, user, "answered");
    }
    if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    protect(response.headers_mut(), user.is_some(), https);
    response
}

/// What every page and file may load: its own styles (the stylesheet is inline, in the page's
/// head) and images, no script at all, no frame around it, forms only to itself.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The security headers of every response: the content policy, no framing, no type guessing, the
/// address sent only to this site; nothing kept in a cache when a person is signed in; HTTPS
/// required from then on when the request came over it (behind a proxy).
fn protect(headers: &mut axum::http::HeaderMap, private: bool, https: bool) {
    use axum::http::header;
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
}
