//! The market barometer (`/barometre?saison=AAAA-AAAA`, anyone signed in): a season's pooled
//! supply and demand by region and by hall size, with the season before, as
//! `ensemble_actions::pooled::barometer_document` lays it out for the command line's workbook too;
//! and its API (`/api/v1/barometer?season=`), the release as it is kept.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use ensemble_actions::ActionError;
use ensemble_actions::pooled::{barometer, barometer_document, barometer_seasons};
use ensemble_i18n::{Arg, tr, tr_args};
use ensemble_store::barometer::Season;

use crate::browse::Choice;
use crate::document::{PageSection, sections};
use crate::error::WebError;
use crate::http::Signed;
use crate::pages::{Texts, render, texts};
use crate::{AppState, PageLang};

#[derive(Template)]
#[template(path = "barometer.html")]
struct BarometerPage {
    t: Texts,
    seasons: Vec<Choice>,
    title: String,
    subtitle: String,
    sections: Vec<PageSection>,
    problem: Option<String>,
    reasons: Vec<(String, String)>,
}

/// `GET /barometre?saison=AAAA-AAAA`: a season's barometer (by default the latest released).
pub async fn page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let actor = signed.actor(state.clock);
    let store = state.store.clone();
    let wanted = query
        .get("saison")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let chosen = wanted.as_deref().map(Season::parse);
    let found = tokio::task::spawn_blocking(move || {
        let seasons = barometer_seasons(&store, &actor)?;
        let season = match chosen {
            Some(Some(season)) => season,
            Some(None) => return Ok((seasons, Err("barometer-season-invalid"))),
            None => match seasons.first() {
                Some(season) => *season,
                None => return Ok((seasons, Err("barometer-nothing-pooled"))),
            },
        };
        let released = match barometer(&store, &actor, season) {
            Ok(released) => released,
            Err(ActionError::Refused(code)) => return Ok((seasons, Err(code))),
            Err(error) => return Err(error),
        };
        let before = barometer(&store, &actor, season.previous()).ok();
        Ok::<_, ActionError>((seasons, Ok((released, before))))
    })
    .await??;
    let (seasons, outcome) = found;
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let (selected, title, subtitle, sections, problem, rules) = match &outcome {
        Ok((released, before)) => {
            let document = barometer_document(lang, released, before.as_ref());
            let sections = sections(lang, &document);
            (
                released.season.clone(),
                document.title,
                document.subtitle,
                sections,
                None,
                Some(released.rules),
            )
        }
        Err(code) => (
            wanted.clone().unwrap_or_default(),
            tr(lang, "web-barometer-title"),
            String::new(),
            Vec::new(),
            Some(tr(lang, &format!("error-{code}"))),
            None,
        ),
    };
    let reasons = match rules {
        Some(rules) => [
            ("too-few-people", "people"),
            ("too-few-members", "members"),
            ("mostly-one-member", "one-member"),
            ("complementary", "complementary"),
        ]
        .iter()
        .map(|(code, why)| {
            let args = [
                ("people", Arg::from(rules.min_people)),
                ("members", Arg::from(rules.min_members)),
            ];
            (
                tr(lang, &format!("report-hidden-{code}")),
                tr_args(lang, &format!("web-barometer-why-{why}"), &args),
            )
        })
        .collect(),
        None => Vec::new(),
    };
    let page = BarometerPage {
        seasons: seasons
            .iter()
            .map(|season| Choice {
                value: season.to_string(),
                label: season.to_string(),
                selected: season.to_string() == selected,
            })
            .collect(),
        t,
        title,
        subtitle,
        sections,
        problem,
        reasons,
    };
    let status = if outcome.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok((status, render(&page)).into_response())
}

/// A season given to the API: written as the document says (`YYYY-YYYY`), else 400; written so
/// but no season (`2025-2027`), no season's figures to give: 404.
pub(crate) fn season_parameter(text: &str) -> Result<Season, Box<Response>> {
    let written = text.len() == 9 && text.as_bytes()[4] == b'-' && text.bytes().filter(u8::is_ascii_digit).count() == 8;
    match Season::parse(text) {
        Some(season) => Ok(season),
        None if written => Err(Box::new(crate::api::error_with(
            StatusCode::NOT_FOUND,
            "api-not-found",
            &[],
        ))),
        None => Err(Box::new(crate::api::error_with(
            StatusCode::BAD_REQUEST,
            "api-invalid-parameter",
            &[("parameter", Arg::from("season"))],
        ))),
    }
}

/// `GET /api/v1/barometer?season=AAAA-AAAA`: a season's barometer as released (by default the
/// latest released season).
pub async fn api(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(name) = query.keys().find(|name| name.as_str() != "season") {
        return crate::api::error_with(
            StatusCode::BAD_REQUEST,
            "api-unknown-parameter",
            &[("parameter", Arg::from(name.as_str()))],
        );
    }
    let actor = signed.actor(state.clock);
    let season = match query.get("season").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Season::latest_released(actor.clock.today()),
        Some(text) => match season_parameter(text) {
            Ok(season) => season,
            Err(response) => return *response,
        },
    };
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || barometer(&store, &actor, season)).await {
        Ok(Ok(released)) => Json(released).into_response(),
        Ok(Err(ActionError::Refused("barometer-season-empty"))) => {
            crate::api::error_with(StatusCode::NOT_FOUND, "api-not-found", &[])
        }
        Ok(Err(ActionError::Refused(_))) => crate::api::error_with(
            StatusCode::NOT_FOUND,
            "api-not-released",
            &[
                ("month", Arg::from(season.to_string())),
                ("day", Arg::from(season.released_on().to_string())),
            ],
        ),
        _ => crate::api::error_with(StatusCode::SERVICE_UNAVAILABLE, "api-unavailable", &[]),
    }
}
