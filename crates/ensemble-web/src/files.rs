//! The open-data files under a stable public path, without sign-in: `/donnees-ouvertes/` lists
//! them, `/donnees-ouvertes/{path}` serves each (`ensemble_actions::published`: the consortium's
//! and each member's JSON-LD, Datascène records and calendar, each venue's and show's calendar),
//! with an `ETag` (its content's digest) and a `Last-Modified`, so that a crawler that polls
//! gets "304 Not Modified" and no body until something changes; readable from any website's
//! scripts (`Access-Control-Allow-Origin: *`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use ensemble_actions::published::{self, Publishing};
use ensemble_model::{Member, Organization};
use ensemble_store::ListFilter;
use sha2::{Digest, Sha256};

use crate::error::WebError;
use crate::http::Viewer;
use crate::pages::{Texts, render};
use crate::{AppState, PageLang};

/// The longest path served: longer is no file's.
const LONGEST_PATH: usize = 200;

/// An HTTP date (RFC 9110, `Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(moment: DateTime<Utc>) -> String {
    moment.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Whether the client's copy is current: its `If-None-Match` names the tag (it decides when
/// given), else its `If-Modified-Since` is no earlier than the last change.
fn not_modified(headers: &HeaderMap, tag: &str, modified: DateTime<Utc>) -> bool {
    if let Some(wanted) = headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return wanted
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == tag || t == "*");
    }
    headers
        .get(IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|since| DateTime::parse_from_rfc2822(since).ok())
        .is_some_and(|since| modified.timestamp() <= since.timestamp())
}

/// `GET /donnees-ouvertes/{path}`: one published file, or "not modified".
pub async fn file(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if path.len() > LONGEST_PATH {
        return Err(WebError::NotFound);
    }
    let base = crate::reconcile::base(&headers);
    let store = state.store.clone();
    let clock = state.clock;
    let found = tokio::task::spawn_blocking(move || {
        let stamp = published::last_modified(&store, &clock)?;
        let publishing = Publishing {
            base: &base,
            today: clock.today(),
            stamp,
        };
        Ok::<_, ensemble_actions::ActionError>(published::one(&store, &path, &publishing)?.map(|file| (file, stamp)))
    })
    .await??;
    let (file, modified) = found.ok_or(WebError::NotFound)?;
    let digest = Sha256::digest(file.text.as_bytes());
    let tag = format!("\"{}\"", hex::encode(&digest[..16]));
    let common = [
        (ETAG, tag.clone()),
        (LAST_MODIFIED, http_date(modified)),
        (CACHE_CONTROL, "public, max-age=300".to_string()),
        (ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_string()),
    ];
    if not_modified(&headers, &tag, modified) {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    Ok((common, [(CONTENT_TYPE, file.media_type)], file.text).into_response())
}

/// A publisher's files as a line of the index: its name, and each file's path and form.
pub struct FileLine {
    name: String,
    files: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "open-data.html")]
struct IndexPage {
    t: Texts,
    lines: Vec<FileLine>,
}

/// `GET /donnees-ouvertes`: what is published, and where: the consortium's files and each
/// member's, by name.
pub async fn index(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let (members, organizations) = tokio::task::spawn_blocking(move || {
        store.read(|session| {
            let all = ListFilter::default();
            Ok((session.list::<Member>(&all)?, session.list::<Organization>(&all)?))
        })
    })
    .await??;
    let t = match crate::agenda::page_texts(&state, lang, &viewer).await {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let mut publishers = vec![("consortium".to_string(), t.get("web-open-data-consortium"))];
    for member in members {
        let name = organizations
            .iter()
            .find(|o| o.id == member.organization_id)
            .map_or_else(|| member.slug.clone(), |o| o.name.clone());
        publishers.push((member.slug, name));
    }
    let lines = publishers
        .into_iter()
        .map(|(slug, name)| FileLine {
            files: [
                ("jsonld", "JSON-LD"),
                ("datascene.json", "Datascène"),
                ("ics", "iCalendar"),
            ]
            .iter()
            .map(|(suffix, form)| (format!("{slug}.{suffix}"), form.to_string()))
            .collect(),
            name,
        })
        .collect();
    Ok(render(&IndexPage { t, lines }).into_response())
}
