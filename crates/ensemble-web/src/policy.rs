//! Who may use which route. Every route of [`crate::routes`] declares an [`Access`]; the guard
//! below checks it before any handler runs: it finds the person (session cookie, or API token),
//! their role and member, the member named in the path, and on every form sent with a session the
//! session's form token. Handlers read what the guard found from the request's extensions.
//!
//! Architecture invariant: no handler decides on its own whether a person may reach it; a handler
//! that reads a member's records by number still checks that they belong to the member in the path
//! (and answers 404 when they do not).

use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use ensemble_i18n::Lang;
use ensemble_model::Role;

use crate::AppState;
use crate::http::{MemberScope, SESSION_COOKIE, Signed, cookie};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in.
    SignedIn,
    /// A person of the member named in the path (`{member}`) with at least this role, or the
    /// consortium's coordination.
    Member(Role),
    /// The consortium's coordination.
    Coordinator,
    /// A request carrying a personal API token (`Authorization: Bearer …`), any role.
    Token,
}

/// The largest form the guard reads to find its token (an upload of the import wizard).
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

/// How much a role may do, to compare with a route's minimum (the actions' own ranking).
pub use ensemble_actions::rank;

/// What the guard refuses, and how it says so.
enum Refusal {
    SignIn,
    Forbidden,
    NotFound,
    FormExpired,
    TooLarge,
    Unavailable,
    ApiUnauthorized,
}

impl Refusal {
    fn into_response(self, lang: Lang, api: bool) -> Response {
        if api {
            let (status, code) = match self {
                Refusal::ApiUnauthorized | Refusal::SignIn => (StatusCode::UNAUTHORIZED, "api-unauthorized"),
                Refusal::Forbidden | Refusal::FormExpired => (StatusCode::FORBIDDEN, "api-forbidden"),
                Refusal::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "api-too-large"),
                Refusal::NotFound => (StatusCode::NOT_FOUND, "api-not-found"),
                Refusal::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "api-unavailable"),
            };
            return crate::api::error(status, code);
        }
        match self {
            Refusal::SignIn | Refusal::ApiUnauthorized => crate::http::redirect_with_cookie("/connexion", ""),
            Refusal::Forbidden => crate::pages::message(lang, StatusCode::FORBIDDEN, "web-forbidden"),
            Refusal::NotFound => crate::pages::message(lang, StatusCode::NOT_FOUND, "web-not-found"),
            Refusal::FormExpired => crate::pages::message(lang, StatusCode::FORBIDDEN, "web-form-expired"),
            Refusal::TooLarge => crate::pages::message(lang, StatusCode::PAYLOAD_TOO_LARGE, "web-form-too-large"),
            Refusal::Unavailable => crate::pages::message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
        }
    }
}

/// Checks `access` for the request, then runs the handler.
pub async fn guard(access: Access, State(state): State<AppState>, request: Request, next: Next) -> Response {
    let lang = crate::lang::from_headers(request.headers());
    match admit(access, &state, request).await {
        Ok(request) => {
            let user = request
                .extensions()
                .get::<Option<Signed>>()
                .and_then(Option::as_ref)
                .map(|signed| crate::error::UserNumber(signed.user.id));
            let mut response = next.run(request).await;
            if let Some(user) = user {
                response.extensions_mut().insert(user);
            }
            response
        }
        Err(refusal) => refusal.into_response(lang, access == Access::Token),
    }
}

async fn admit(access: Access, state: &AppState, request: Request) -> Result<Request, Refusal> {
    let (mut parts, body) = request.into_parts();
    let member_slug = match RawPathParams::from_request_parts(&mut parts, state).await {
        Ok(params) => params
            .iter()
            .find(|(name, _)| *name == "member")
            .map(|(_, value)| value.to_string()),
        Err(_) => None,
    };
    let signed = match access {
        Access::Token => {
            let token = parts
                .headers
                .get(AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "))
                .map(str::trim)
                .map(str::to_string);
            let Some(token) = token else {
                return Err(Refusal::ApiUnauthorized);
            };
            let user = blocking(state, move |session| {
                session.api_token_user(&ensemble_privacy::token_digest(&token))
            })
            .await?;
            match user {
                Some(user) if !user.disabled => Some(Signed {
                    user,
                    csrf: String::new(),
                }),
                _ => return Err(Refusal::ApiUnauthorized),
            }
        }
        _ => match cookie(&parts.headers, SESSION_COOKIE).map(str::to_string) {
            Some(token) => blocking(state, move |session| {
                session.session_user(&ensemble_privacy::token_digest(&token), Utc::now().fixed_offset())
            })
            .await?
            .filter(|(user, _)| !user.disabled)
            .map(|(user, csrf)| Signed { user, csrf }),
            None => None,
        },
    };
    parts.extensions.insert(signed.clone());
    if access == Access::Public {
        return Ok(Request::from_parts(parts, body));
    }
    let Some(signed) = signed else {
        return Err(Refusal::SignIn);
    };
    match access {
        Access::Coordinator if signed.user.role != Role::Coordinator => return Err(Refusal::Forbidden),
        Access::Member(minimum) => {
            let Some(slug) = member_slug else {
                return Err(Refusal::NotFound);
            };
            let member = blocking(state, move |session| session.member_by_slug(&slug))
                .await?
                .ok_or(Refusal::NotFound)?;
            let allowed = signed.user.role == Role::Coordinator
                || (signed.user.member_id == Some(member.id) && rank(signed.user.role) >= rank(minimum));
            if !allowed {
                return Err(Refusal::Forbidden);
            }
            parts.extensions.insert(MemberScope(member));
        }
        _ => {}
    }
    parts.extensions.insert(signed.clone());
    if parts.method != Method::POST || access == Access::Token {
        return Ok(Request::from_parts(parts, body));
    }
    // A form sent with a session must carry the session's token, checked before the rest of a
    // large body is read: in the `x-csrf-token` header, as the first part of a multipart form, or
    // in a URL-encoded form of at most `FORM_LIMIT` bytes.
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (sent, body) = match parts.headers.get("x-csrf-token").and_then(|value| value.to_str().ok()) {
        Some(header) => (Some(header.to_string()), body),
        None if content_type.starts_with("multipart/form-data") => multipart_token(&content_type, body).await,
        None => {
            let bytes = axum::body::to_bytes(body, FORM_LIMIT)
                .await
                .map_err(|_| Refusal::TooLarge)?;
            let sent = form_urlencoded::parse(&bytes)
                .find(|(name, _)| name == "csrf")
                .map(|(_, value)| value.into_owned());
            (sent, Body::from(bytes))
        }
    };
    if sent.is_none_or(|sent| !same(&sent, &signed.csrf)) {
        return Err(Refusal::FormExpired);
    }
    Ok(Request::from_parts(parts, body))
}

/// The largest URL-encoded form (the longest, an incident, holds four texts of 4,000 characters).
pub const FORM_LIMIT: usize = 256 * 1024;
/// How much of a multipart form is read to find its first part, the form token.
const FIRST_PART_LIMIT: usize = 16 * 1024;

/// The form token of a multipart form, which must be its first part (the portal's forms put it
/// first), and the body to pass on, whole: what was read to find it, then the rest, not yet read.
async fn multipart_token(content_type: &str, body: Body) -> (Option<String>, Body) {
    use futures_util::StreamExt;
    let boundary = content_type
        .split(';')
        .filter_map(|param| param.trim().strip_prefix("boundary="))
        .map(|boundary| boundary.trim_matches('"').to_string())
        .next()
        .unwrap_or_default();
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    let token = loop {
        if let Some(token) = first_part_token(&read, &boundary) {
            break token;
        }
        if read.len() > FIRST_PART_LIMIT || boundary.is_empty() {
            break None;
        }
        match stream.next().await {
            Some(Ok(chunk)) => read.extend_from_slice(&chunk),
            _ => break None,
        }
    };
    let read = futures_util::stream::once(async move { Ok::<_, axum::Error>(axum::body::Bytes::from(read)) });
    (token, Body::from_stream(read.chain(stream)))
}

/// The value of the first part of a multipart body when that part is the `csrf` field:
/// `Some(Some(token))`; `Some(None)` when the first part is another field; `None` while more of
/// the body is needed to tell.
fn first_part_token(read: &[u8], boundary: &str) -> Option<Option<String>> {
    let opening = format!("--{boundary}\r\n");
    if read.len() < opening.len() {
        return None;
    }
    if !read.starts_with(opening.as_bytes()) {
        return Some(None);
    }
    let rest = &read[opening.len()..];
    let headers_end = find(rest, b"\r\n\r\n")?;
    let headers = String::from_utf8_lossy(&rest[..headers_end]).to_lowercase();
    if !headers.contains("name=\"csrf\"") {
        return Some(None);
    }
    let value = &rest[headers_end + 4..];
    let end = find(value, format!("\r\n--{boundary}").as_bytes())?;
    Some(String::from_utf8(value[..end].to_vec()).ok())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// Compares two tokens in time independent of where they differ.
fn same(sent: &str, expected: &str) -> bool {
    sent.len() == expected.len()
        && !expected.is_empty()
        && sent
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&mut ensemble_store::Session<'_>) -> Result<T, ensemble_store::StoreError> + Send + 'static,
) -> Result<T, Refusal> {
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || store.read(work)).await {
        Ok(Ok(value)) => Ok(value),
        _ => Err(Refusal::Unavailable),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_form_token_is_read_from_the_first_part_only() {
        let body =
            |first: &str| format!("--B\r\nContent-Disposition: form-data; name=\"{first}\"\r\n\r\nabc\r\n--B\r\n");
        assert_eq!(
            super::first_part_token(body("csrf").as_bytes(), "B"),
            Some(Some("abc".into()))
        );
        assert_eq!(super::first_part_token(body("file").as_bytes(), "B"), Some(None));
        // Not enough read yet to tell.
        assert_eq!(super::first_part_token(&body("csrf").as_bytes()[..30], "B"), None);
        assert_eq!(super::first_part_token(b"--", "B"), None);
        assert_eq!(super::first_part_token(b"garbage, not a form", "B"), Some(None));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(super::same("abc", "abc"));
        assert!(!super::same("abd", "abc"));
        assert!(!super::same("ab", "abc"));
        assert!(!super::same("", ""));
    }
}
