//! What every page and API route shares about a request, below every other module of the portal:
//! its cookies, a redirection that sets one, and the signed-in person and the member named in the
//! path, as the access guard (`policy`) found them.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ensemble_model::Member;
use ensemble_store::User;

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "ensemble_session";
/// The cookie that carries the sign-in form's token before there is a session.
pub const FORM_COOKIE: &str = "ensemble_form";

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

/// The signed-in person and the session's form token (or an empty token for an API request).
#[derive(Debug, Clone)]
pub struct Signed {
    /// The person.
    pub user: User,
    /// The session's form token.
    pub csrf: String,
}

impl Signed {
    /// Through what the person came: the portal (a session, with its form token) or the API (a
    /// personal token, none).
    pub fn channel(&self) -> ensemble_actions::Channel {
        if self.csrf.is_empty() {
            ensemble_actions::Channel::Api
        } else {
            ensemble_actions::Channel::Web
        }
    }

    /// The person as the actor of an action, on the consortium's clock.
    pub fn actor(&self, clock: ensemble_actions::Clock) -> ensemble_actions::Actor {
        ensemble_actions::Actor {
            channel: self.channel(),
            user_id: Some(self.user.id),
            member: self.user.member_id,
            role: self.user.role,
            clock,
        }
    }

    /// The person asking, for a grant (their member's own data, and what agreements give it).
    pub fn requester(&self, purpose: ensemble_model::Purpose) -> ensemble_store::Requester {
        ensemble_store::Requester {
            channel: self.channel().code(),
            user_id: Some(self.user.id),
            member: self.user.member_id,
            purpose,
        }
    }
}

/// The member named in the path, once the guard has let the person through.
#[derive(Debug, Clone)]
pub struct MemberScope(pub Member);

/// The signed-in person, if any, as the access guard found them.
pub struct Viewer(pub Option<Signed>);

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Viewer(parts.extensions.get::<Option<Signed>>().cloned().flatten()))
    }
}

/// The address the request came from, when the server knows it (the connection's peer).
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(ClientAddress(peer))
    }
}
