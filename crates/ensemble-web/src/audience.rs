//! A presenter's audience (`/membres/{member}/publics?saison=AAAA-AAAA`, the member's own
//! people): `ensemble_actions::audience::insights` laid out by `audience_document`, with a map of
//! where its buyers live (the FSAs shown, at their centres); and its API (`/api/v1/audience`, the
//! token's member).

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use ensemble_actions::ActionError;
use ensemble_actions::audience::{Audience, audience_document, insights, seasons};
use ensemble_i18n::{Arg, Lang, tr};
use ensemble_model::geo;
use ensemble_privacy::disclosure::Figure;
use ensemble_store::barometer::Season;

use crate::browse::Choice;
use crate::document::{PageSection, sections};
use crate::error::WebError;
use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, render, texts};
use crate::{AppState, PageLang};

#[derive(Template)]
#[template(path = "audience.html")]
struct AudiencePage {
    t: Texts,
    slug: String,
    seasons: Vec<Choice>,
    title: String,
    subtitle: String,
    sections: Vec<PageSection>,
    map: Option<String>,
    problem: Option<String>,
}

/// Where the buyers live: a circle per FSA shown, at its centre, its area the number of buyers;
/// none with fewer than two FSAs.
fn map(lang: Lang, audience: &Audience) -> Option<String> {
    let fsa = audience.distributions.iter().find(|d| d.dimension == "fsa")?;
    let points: Vec<(&geo::Fsa, u64)> = fsa
        .rows
        .iter()
        .zip(&fsa.buyers)
        .filter_map(|(code, figure)| match figure {
            Figure::Shown(count) if *count > 0 => geo::fsa(code).map(|f| (f, *count)),
            _ => None,
        })
        .collect();
    if points.len() < 2 {
        return None;
    }
    let (width, height, margin) = (600.0, 400.0, 20.0);
    let fold = |f: fn(f64, f64) -> f64, pick: fn(&geo::Fsa) -> f64, start: f64| {
        points.iter().map(|(p, _)| pick(p)).fold(start, f)
    };
    let (west, east) = (
        fold(f64::min, |p| p.longitude, f64::MAX),
        fold(f64::max, |p| p.longitude, f64::MIN),
    );
    let (south, north) = (
        fold(f64::min, |p| p.latitude, f64::MAX),
        fold(f64::max, |p| p.latitude, f64::MIN),
    );
    let span = |a: f64, b: f64| (b - a).max(0.01);
    let largest = points.iter().map(|(_, n)| *n).max().unwrap_or(1) as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" class=\"map\">",
        tr(lang, "web-audience-map")
    );
    for (fsa, count) in &points {
        let x = margin + (fsa.longitude - west) / span(west, east) * (width - 2.0 * margin);
        let y = margin + (north - fsa.latitude) / span(south, north) * (height - 2.0 * margin);
        let radius = 3.0 + 17.0 * (*count as f64 / largest).sqrt();
        svg.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius:.1}\"><title>{} ({}) : {}</title></circle>",
            fsa.code,
            askama::filters::escape(&fsa.name, askama::filters::Html)
                .map(|e| e.to_string())
                .unwrap_or_default(),
            ensemble_i18n::format::integer(lang, *count as i64)
        ));
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// `GET /membres/{member}/publics?saison=AAAA-AAAA`.
pub async fn page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let actor = signed.actor(state.clock);
    let store = state.store.clone();
    let owner = member.clone();
    let wanted = query
        .get("saison")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let chosen = wanted.as_deref().map(Season::parse);
    let found = tokio::task::spawn_blocking(move || {
        let offered = seasons(&store, &owner)?;
        let season = match chosen {
            Some(Some(season)) => season,
            Some(None) => return Ok((offered, Err("barometer-season-invalid"))),
            None => match offered.first() {
                Some(season) => *season,
                None => return Ok((offered, Err("audience-nothing-sold"))),
            },
        };
        let name = ensemble_actions::members::display_name(&store, &owner)?;
        match insights(&store, &actor, &owner, season, None) {
            Ok(audience) => Ok((offered, Ok((audience, name)))),
            Err(ActionError::Refused(code)) => Ok((offered, Err(code))),
            Err(error) => Err(error),
        }
    })
    .await??;
    let (offered, outcome) = found;
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let (selected, title, subtitle, sections, map, problem) = match &outcome {
        Ok((audience, name)) => {
            let document = audience_document(lang, audience, name);
            (
                audience.season.clone(),
                document.title.clone(),
                document.subtitle.clone(),
                sections(lang, &document),
                map(lang, audience),
                None,
            )
        }
        Err(code) => (
            wanted.clone().unwrap_or_default(),
            tr(lang, "web-audience-title"),
            String::new(),
            Vec::new(),
            None,
            Some(tr(lang, &format!("error-{code}"))),
        ),
    };
    let page = AudiencePage {
        t,
        slug: member.slug.clone(),
        seasons: offered
            .iter()
            .map(|season| Choice {
                value: season.to_string(),
                label: season.to_string(),
                selected: season.to_string() == selected,
            })
            .collect(),
        title,
        subtitle,
        sections,
        map,
        problem,
    };
    let status = if outcome.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /api/v1/audience?season=AAAA-AAAA&show=CODE`: the token's member's audience (the
/// previous season by default).
pub async fn api(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(name) = query.keys().find(|name| !["season", "show"].contains(&name.as_str())) {
        return crate::api::error_with(
            StatusCode::BAD_REQUEST,
            "api-unknown-parameter",
            &[("parameter", Arg::from(name.as_str()))],
        );
    }
    let actor = signed.actor(state.clock);
    let season = match query.get("season").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Season::of(actor.clock.today()).previous(),
        Some(text) => match crate::barometer::season_parameter(text) {
            Ok(season) => season,
            Err(response) => return *response,
        },
    };
    let show = query
        .get("show")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let store = state.store.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let member = match actor.member {
            Some(id) => store.read(|s| s.get::<ensemble_model::Member>(id.0))?,
            None => None,
        };
        let Some(member) = member else {
            return Ok(None);
        };
        insights(&store, &actor, &member, season, show.as_deref()).map(Some)
    })
    .await;
    match answer {
        Ok(Ok(Some(audience))) => Json(audience).into_response(),
        Ok(Ok(None)) => crate::api::error_with(StatusCode::FORBIDDEN, "api-forbidden", &[]),
        Ok(Err(ActionError::Refused("audience-show-unknown"))) => {
            crate::api::error_with(StatusCode::NOT_FOUND, "api-not-found", &[])
        }
        Ok(Err(ActionError::Refused(_))) => crate::api::error_with(StatusCode::FORBIDDEN, "api-forbidden", &[]),
        _ => crate::api::error_with(StatusCode::SERVICE_UNAVAILABLE, "api-unavailable", &[]),
    }
}
