//! The public agenda, without sign-in: the performances the members publish (each from its show's
//! announcement date, see `ensemble_actions::publication`), from today unless asked otherwise,
//! filterable by member, region, discipline and dates; each performance on its own page with its JSON-LD embedded for
//! search engines and Artsdata; and a sitemap of them. Light pages: no script, no image.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use ensemble_i18n::Lang;
use ensemble_model::{Member, Performance};
use ensemble_opendata::Catalogue;
use ensemble_store::ListFilter;

use crate::browse::{Choice, choices, discipline_codes, discipline_labels, disciplines, regions};
use crate::error::WebError;
use crate::http::Viewer;
use crate::pages::{Texts, label, local, region, render, texts};
use crate::{AppState, PageLang};

/// The most performances listed on one page of the agenda.
const LISTED: usize = 200;

/// The filters of the agenda.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AgendaQuery {
    membre: Option<String>,
    region: Option<String>,
    discipline: Option<String>,
    du: Option<String>,
    au: Option<String>,
}

/// One performance as a line of the agenda.
pub struct AgendaLine {
    id: i64,
    date: String,
    time: String,
    show: String,
    venue: String,
    municipality: String,
    status: String,
    cancelled: bool,
}

#[derive(Template)]
#[template(path = "agenda.html")]
struct AgendaPage {
    t: Texts,
    members: Vec<Choice>,
    regions: Vec<Choice>,
    disciplines: Vec<Choice>,
    du: String,
    au: String,
    lines: Vec<AgendaLine>,
    more: bool,
}

#[derive(Template)]
#[template(path = "agenda_event.html")]
struct EventPage {
    t: Texts,
    line: AgendaLine,
    presenter: String,
    disciplines: String,
    address: String,
    jsonld: String,
}

/// The consortium's published programme today (every member's), with the members.
async fn published(state: &AppState) -> Result<(Catalogue, Vec<Member>), WebError> {
    let store = state.store.clone();
    let today = state.clock.today();
    let found = tokio::task::spawn_blocking(move || {
        let members = store.read(|session| session.list::<Member>(&ListFilter::default()))?;
        let catalogue = ensemble_actions::publication::programme(&store, &members, today)?;
        Ok::<_, ensemble_actions::ActionError>((catalogue, members))
    })
    .await??;
    Ok(found)
}

pub(crate) async fn page_texts(state: &AppState, lang: Lang, viewer: &Viewer) -> Result<Texts, Response> {
    match viewer.0.as_ref() {
        Some(signed) => texts(state, lang, Some(signed)).await,
        None => Ok(Texts::new(lang, None, None)),
    }
}

fn line(lang: Lang, catalogue: &Catalogue, performance: &Performance) -> AgendaLine {
    let wall = local(&performance.starts_at, &performance.time_zone);
    let show = catalogue.shows.iter().find(|s| s.id == performance.show_id);
    let hall = catalogue.halls.iter().find(|h| h.id == performance.hall_id);
    let place = hall.and_then(|h| catalogue.places.iter().find(|p| p.id == h.place_id));
    AgendaLine {
        id: performance.id.0,
        date: ensemble_i18n::format::date(lang, wall.date()),
        time: ensemble_i18n::format::time(lang, wall.time()),
        show: show
            .map(|s| match (lang, &s.title_en) {
                (Lang::En, Some(title)) => title.clone(),
                _ => s.title_fr.clone(),
            })
            .unwrap_or_default(),
        venue: match (place, hall) {
            (Some(place), Some(hall)) if hall.name != place.name => format!("{} · {}", place.name, hall.name),
            (Some(place), _) => place.name.clone(),
            _ => String::new(),
        },
        municipality: place.and_then(|p| p.municipality.clone()).unwrap_or_default(),
        status: label(lang, performance.status.label_fr(), performance.status.label_en()),
        cancelled: performance.status == ensemble_model::EventStatus::Cancelled,
    }
}

fn day(value: &Option<String>) -> Option<NaiveDate> {
    value.as_deref().and_then(|v| v.trim().parse().ok())
}

/// `GET /agenda`: the upcoming published performances, filtered.
pub async fn list(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    viewer: Viewer,
    Query(query): Query<AgendaQuery>,
) -> Result<Response, WebError> {
    let (catalogue, members) = published(&state).await?;
    let member = query.membre.clone().unwrap_or_default();
    let region_code = query.region.clone().unwrap_or_default();
    let discipline = query.discipline.clone().unwrap_or_default();
    let wanted_disciplines = discipline_codes(&discipline);
    let from = day(&query.du).unwrap_or_else(|| state.clock.today());
    let to = day(&query.au);
    let organization = members.iter().find(|m| m.slug == member).map(|m| m.organization_id);
    let mut performances: Vec<&Performance> = catalogue
        .performances
        .iter()
        .filter(|p| p.local_date() >= from && to.is_none_or(|to| p.local_date() <= to))
        .filter(|p| organization.is_none_or(|o| p.presenter_id == o))
        .filter(|p| {
            region_code.is_empty() || {
                let hall = catalogue.halls.iter().find(|h| h.id == p.hall_id);
                let place = hall.and_then(|h| catalogue.places.iter().find(|pl| pl.id == h.place_id));
                place
                    .and_then(|pl| pl.region_code.as_ref())
                    .is_some_and(|r| r.as_str() == region_code)
            }
        })
        .filter(|p| {
            discipline.is_empty()
                || catalogue.shows.iter().find(|s| s.id == p.show_id).is_some_and(|s| {
                    s.disciplines
                        .iter()
                        .any(|d| wanted_disciplines.iter().any(|w| w == d.as_str()))
                })
        })
        .collect();
    performances.sort_by_key(|p| (p.starts_at, p.id.0));
    let more = performances.len() > LISTED;
    let t = match page_texts(&state, lang, &viewer).await {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let names: Vec<(String, String)> = {
        let store = state.store.clone();
        let organizations = tokio::task::spawn_blocking(move || {
            store.read(|session| session.list::<ensemble_model::Organization>(&ListFilter::default()))
        })
        .await??;
        members
            .iter()
            .map(|m| {
                let name = organizations
                    .iter()
                    .find(|o| o.id == m.organization_id)
                    .map_or_else(|| m.slug.clone(), |o| o.name.clone());
                (m.slug.clone(), name)
            })
            .collect()
    };
    let page = AgendaPage {
        members: choices(&member, names),
        regions: regions(&region_code),
        disciplines: disciplines(lang, &discipline),
        du: query.du.clone().unwrap_or_default(),
        au: query.au.clone().unwrap_or_default(),
        lines: performances
            .iter()
            .take(LISTED)
            .map(|p| line(lang, &catalogue, p))
            .collect(),
        more,
        t,
    };
    Ok(render(&page).into_response())
}

/// `GET /agenda/{performance}`: one published performance, with its JSON-LD.
pub async fn event(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (catalogue, _) = published(&state).await?;
    let performance = catalogue
        .performances
        .iter()
        .find(|p| p.id.0 == id)
        .ok_or(WebError::NotFound)?
        .clone();
    let mut one = catalogue.clone();
    one.performances = vec![performance.clone()];
    let base = crate::reconcile::base(&headers);
    let document = ensemble_opendata::jsonld(&one.programme(&base)).document;
    // Safe inside a script element: no "</" can close it early.
    let jsonld = document.to_string().replace("</", "<\\/");
    let show = catalogue.shows.iter().find(|s| s.id == performance.show_id);
    let hall = catalogue.halls.iter().find(|h| h.id == performance.hall_id);
    let place = hall.and_then(|h| catalogue.places.iter().find(|p| p.id == h.place_id));
    let address = place
        .map(|p| {
            [
                p.street_address.clone(),
                p.municipality.clone(),
                Some(region(p.region_code.as_ref().map(|r| r.as_str()))),
                p.postal_code.clone(),
            ]
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
        })
        .unwrap_or_default();
    let t = match page_texts(&state, lang, &viewer).await {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let page = EventPage {
        line: line(lang, &catalogue, &performance),
        presenter: catalogue
            .organizations
            .iter()
            .find(|o| o.id == performance.presenter_id)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        disciplines: show
            .map(|s| discipline_labels(lang, &s.disciplines))
            .unwrap_or_default(),
        address,
        jsonld,
        t,
    };
    Ok(render(&page).into_response())
}

/// `GET /sitemap.xml`: the agenda and every published performance's page.
pub async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let (catalogue, _) = published(&state).await?;
    let base = crate::reconcile::base(&headers);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    xml.push_str(&format!("<url><loc>{base}/agenda</loc></url>\n"));
    let mut performances: Vec<&Performance> = catalogue.performances.iter().collect();
    performances.sort_by_key(|p| (p.starts_at, p.id.0));
    for performance in performances {
        xml.push_str(&format!("<url><loc>{base}/agenda/{}</loc></url>\n", performance.id.0));
    }
    xml.push_str("</urlset>\n");
    Ok(([(CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response())
}
