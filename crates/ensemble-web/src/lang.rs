//! The page language: French unless the person chose English with the switch in the header
//! (a cookie, so that it works without JavaScript).

use axum::extract::{FromRequestParts, Path};
use axum::http::header::REFERER;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use ensemble_i18n::Lang;

/// The cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "ensemble_lang";

/// The language of the page being rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(from_headers(&parts.headers)))
    }
}

/// The language named by the cookie, else French.
pub fn from_headers(headers: &HeaderMap) -> Lang {
    crate::http::cookie(headers, LANG_COOKIE)
        .and_then(|value| value.parse().ok())
        .unwrap_or_default()
}

/// `GET /langue/{code}`: keeps the choice in a cookie and goes back to the page the person was on
/// (only within this site).
pub async fn switch(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let Ok(lang) = code.parse::<Lang>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let back = headers
        .get(REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(same_site_path)
        .unwrap_or("/")
        .to_string();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        lang.tag()
    );
    crate::http::redirect_with_cookie(&back, &cookie)
}

/// The path of a referring URL when it is one of this site's pages (`/…`; never `//host` nor
/// `/\host`, which browsers read as another site, nor anything with a backslash or a control
/// character).
fn same_site_path(referer: &str) -> Option<&str> {
    let path = match referer.find("://") {
        Some(scheme_end) => {
            let rest = &referer[scheme_end + 3..];
            &rest[rest.find('/')?..]
        }
        None => referer,
    };
    let local =
        path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control);
    local.then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_sites_paths_are_followed_back() {
        assert_eq!(
            same_site_path("http://127.0.0.1:8080/spectacles?x=1"),
            Some("/spectacles?x=1")
        );
        assert_eq!(same_site_path("/accueil"), Some("/accueil"));
        assert_eq!(same_site_path("//evil.example/"), None);
        assert_eq!(same_site_path("https://evil.example"), None);
        assert_eq!(same_site_path("https://e/\\evil.com/x"), None);
        assert_eq!(same_site_path("/\\evil.com"), None);
        assert_eq!(same_site_path("/a\tb"), None);
    }
}
