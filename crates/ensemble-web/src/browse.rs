//! Browsing the public catalogue: organisations, shows, performances (by season, region,
//! discipline and venue) and venues with their halls. Each listing is paged and keeps its filters
//! in the address, so that a filtered page can be bookmarked and shared.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use ensemble_i18n::Lang;
use ensemble_model::{Hall, ValueChainRole, geo, vocab};
use ensemble_store::{OrganizationFilter, PerformanceFilter, PlaceFilter, ShowFilter};

use crate::http::Signed;
use crate::pages::{Pager, Texts, label, local, read, region, render, texts};
use crate::{AppState, PageLang};

/// One choice of a filter's list: its value, its label, and whether it is the current one.
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What the person reads.
    pub label: String,
    /// Whether it is chosen now.
    pub selected: bool,
}

pub(crate) fn choices(current: &str, options: impl IntoIterator<Item = (String, String)>) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == current,
            value,
            label,
        })
        .collect()
}

/// The administrative regions, by code.
pub(crate) fn regions(current: &str) -> Vec<Choice> {
    choices(
        current,
        geo::REGIONS
            .iter()
            .map(|(code, name)| ((*code).to_string(), format!("{code} · {name}"))),
    )
}

/// The top disciplines of the ASQ vocabulary.
pub(crate) fn disciplines(lang: Lang, current: &str) -> Vec<Choice> {
    let Some(vocabulary) = vocab::vocabulary("disciplines-asq") else {
        return Vec::new();
    };
    choices(
        current,
        vocabulary
            .top_terms()
            .into_iter()
            .map(|term| (term.code.clone(), term.label(lang == Lang::En).to_string())),
    )
}

/// A discipline and every discipline under it.
pub(crate) fn discipline_codes(code: &str) -> Vec<String> {
    vocab::vocabulary("disciplines-asq")
        .map(|vocabulary| vocabulary.with_narrower(code))
        .unwrap_or_default()
}

/// The labels of discipline codes.
pub fn discipline_labels(lang: Lang, codes: &[ensemble_model::DisciplineCode]) -> String {
    let vocabulary = vocab::vocabulary("disciplines-asq");
    codes
        .iter()
        .map(|code| {
            vocabulary
                .and_then(|vocabulary| vocabulary.term(code.as_str()))
                .map_or_else(
                    || code.as_str().to_string(),
                    |term| term.label(lang == Lang::En).to_string(),
                )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn blank(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

/// The filters of the organisation list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct OrganizationQuery {
    q: Option<String>,
    role: Option<String>,
    region: Option<String>,
    page: Option<u64>,
}

/// One organisation of the list.
pub struct OrganizationLine {
    name: String,
    roles: String,
    municipality: String,
    region: String,
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct OrganizationsPage {
    t: Texts,
    q: String,
    roles: Vec<Choice>,
    regions: Vec<Choice>,
    lines: Vec<OrganizationLine>,
    pager: Pager,
}

/// `GET /organisations`: every organisation of the referential, by name.
pub async fn organizations(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Query(query): Query<OrganizationQuery>,
) -> Response {
    let filter = OrganizationFilter {
        text: blank(&query.q),
        role: blank(&query.role).filter(|role| ValueChainRole::from_code(role).is_some()),
        region: blank(&query.region),
    };
    let window = Pager::window(query.page);
    let page = match read(&state, lang, move |session| session.organizations_page(&filter, window)).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let (q, role, region_code) = (
        blank(&query.q).unwrap_or_default(),
        blank(&query.role).unwrap_or_default(),
        blank(&query.region).unwrap_or_default(),
    );
    render(&OrganizationsPage {
        pager: Pager::new(
            query.page,
            page.total,
            &[
                ("q", q.clone()),
                ("role", role.clone()),
                ("region", region_code.clone()),
            ],
        ),
        roles: choices(
            &role,
            ValueChainRole::ALL
                .iter()
                .map(|role| (role.code().to_string(), label(lang, role.label_fr(), role.label_en()))),
        ),
        regions: regions(&region_code),
        lines: page
            .items
            .into_iter()
            .map(|organization| OrganizationLine {
                roles: organization
                    .roles
                    .iter()
                    .map(|role| label(lang, role.label_fr(), role.label_en()))
                    .collect::<Vec<_>>()
                    .join(", "),
                municipality: organization.municipality.clone().unwrap_or_default(),
                region: region(organization.region_code.as_ref().map(|code| code.as_str())),
                name: organization.name,
            })
            .collect(),
        q,
        t,
    })
}

/// The filters of the show list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ShowQuery {
    q: Option<String>,
    discipline: Option<String>,
    page: Option<u64>,
}

/// One show of the list.
pub struct ShowLine {
    id: i64,
    title: String,
    disciplines: String,
    duration: String,
}

#[derive(Template)]
#[template(path = "shows.html")]
struct ShowsPage {
    t: Texts,
    q: String,
    disciplines: Vec<Choice>,
    lines: Vec<ShowLine>,
    pager: Pager,
}

/// `GET /spectacles`: the shows, by title.
pub async fn shows(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let discipline = blank(&query.discipline).unwrap_or_default();
    let filter = ShowFilter {
        text: blank(&query.q),
        disciplines: discipline_codes(&discipline),
    };
    let window = Pager::window(query.page);
    let page = match read(&state, lang, move |session| session.shows_page(&filter, window)).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let q = blank(&query.q).unwrap_or_default();
    render(&ShowsPage {
        pager: Pager::new(
            query.page,
            page.total,
            &[("q", q.clone()), ("discipline", discipline.clone())],
        ),
        disciplines: disciplines(lang, &discipline),
        lines: page
            .items
            .into_iter()
            .map(|show| ShowLine {
                id: show.id.0,
                title: match (lang, &show.title_en) {
                    (Lang::En, Some(title)) => title.clone(),
                    _ => show.title_fr.clone(),
                },
                disciplines: discipline_labels(lang, &show.disciplines),
                duration: show
                    .duration_minutes
                    .map(|minutes| format!("{minutes} min"))
                    .unwrap_or_default(),
            })
            .collect(),
        q,
        t,
    })
}

/// The filters of the performance list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PerformanceQuery {
    season: Option<String>,
    region: Option<String>,
    discipline: Option<String>,
    lieu: Option<String>,
    spectacle: Option<String>,
    page: Option<u64>,
}

/// One performance of the list.
pub struct PerformanceLine {
    date: String,
    time: String,
    show: String,
    disciplines: String,
    venue: String,
    municipality: String,
    region: String,
    presenter: String,
    status: String,
}

#[derive(Template)]
#[template(path = "performances.html")]
struct PerformancesPage {
    t: Texts,
    seasons: Vec<Choice>,
    regions: Vec<Choice>,
    disciplines: Vec<Choice>,
    venues: Vec<Choice>,
    lines: Vec<PerformanceLine>,
    pager: Pager,
}

/// `GET /representations`: the performances, by date, filtered by season, region, discipline and
/// venue.
pub async fn performances(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Query(query): Query<PerformanceQuery>,
) -> Response {
    let season = blank(&query.season).unwrap_or_default();
    let region_code = blank(&query.region).unwrap_or_default();
    let discipline = blank(&query.discipline).unwrap_or_default();
    let venue = blank(&query.lieu).unwrap_or_default();
    let show = blank(&query.spectacle).unwrap_or_default();
    let filter = PerformanceFilter {
        season: season.parse().ok(),
        region: Some(region_code.clone()).filter(|code| !code.is_empty()),
        disciplines: discipline_codes(&discipline),
        place: venue.parse().ok(),
        show: show.parse().ok(),
    };
    let window = Pager::window(query.page);
    let page = match read(&state, lang, move |session| session.performances_page(&filter, window)).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let offered = state.cache.get_or(
        "performance-choices",
        read(&state, lang, |session| {
            Ok((session.performance_seasons()?, session.performance_places()?))
        }),
    );
    let (seasons, places) = match offered.await {
        Ok(choices) => (choices.0.clone(), choices.1.clone()),
        Err(response) => return response,
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let lines = page
        .items
        .into_iter()
        .map(|view| {
            let wall = local(&view.performance.starts_at, &view.performance.time_zone);
            PerformanceLine {
                date: ensemble_i18n::format::date(lang, wall.date()),
                time: ensemble_i18n::format::time(lang, wall.time()),
                show: view
                    .show
                    .as_ref()
                    .map(|show| match (lang, &show.title_en) {
                        (Lang::En, Some(title)) => title.clone(),
                        _ => show.title_fr.clone(),
                    })
                    .unwrap_or_default(),
                disciplines: view
                    .show
                    .as_ref()
                    .map(|show| discipline_labels(lang, &show.disciplines))
                    .unwrap_or_default(),
                venue: match (&view.place, &view.hall) {
                    (Some(place), Some(Hall { name, .. })) if *name != place.name => format!("{} · {name}", place.name),
                    (Some(place), _) => place.name.clone(),
                    _ => String::new(),
                },
                municipality: view
                    .place
                    .as_ref()
                    .and_then(|place| place.municipality.clone())
                    .unwrap_or_default(),
                region: region(
                    view.place
                        .as_ref()
                        .and_then(|place| place.region_code.as_ref())
                        .map(|code| code.as_str()),
                ),
                presenter: view.presenter.map(|presenter| presenter.name).unwrap_or_default(),
                status: label(
                    lang,
                    view.performance.status.label_fr(),
                    view.performance.status.label_en(),
                ),
            }
        })
        .collect();
    render(&PerformancesPage {
        pager: Pager::new(
            query.page,
            page.total,
            &[
                ("season", season.clone()),
                ("region", region_code.clone()),
                ("discipline", discipline.clone()),
                ("lieu", venue.clone()),
                ("spectacle", show.clone()),
            ],
        ),
        seasons: choices(
            &season,
            seasons
                .into_iter()
                .rev()
                .map(|year| (year.to_string(), format!("{year}-{}", year + 1))),
        ),
        regions: regions(&region_code),
        disciplines: disciplines(lang, &discipline),
        venues: choices(
            &venue,
            places.into_iter().map(|(id, name, municipality)| {
                let label = match municipality {
                    Some(municipality) => format!("{name} ({municipality})"),
                    None => name,
                };
                (id.to_string(), label)
            }),
        ),
        lines,
        t,
    })
}

/// The filters of the venue list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PlaceQuery {
    q: Option<String>,
    region: Option<String>,
    page: Option<u64>,
}

/// One hall of a venue.
pub struct HallLine {
    name: String,
    capacity: String,
}

/// One venue of the list.
pub struct PlaceLine {
    id: i64,
    name: String,
    municipality: String,
    region: String,
    halls: Vec<HallLine>,
}

#[derive(Template)]
#[template(path = "places.html")]
struct PlacesPage {
    t: Texts,
    q: String,
    regions: Vec<Choice>,
    lines: Vec<PlaceLine>,
    pager: Pager,
}

/// `GET /lieux`: the venues with their halls and capacities.
pub async fn places(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Query(query): Query<PlaceQuery>,
) -> Response {
    let filter = PlaceFilter {
        text: blank(&query.q),
        region: blank(&query.region),
    };
    let window = Pager::window(query.page);
    let page = match read(&state, lang, move |session| session.places_page(&filter, window)).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let q = blank(&query.q).unwrap_or_default();
    let region_code = blank(&query.region).unwrap_or_default();
    render(&PlacesPage {
        pager: Pager::new(
            query.page,
            page.total,
            &[("q", q.clone()), ("region", region_code.clone())],
        ),
        regions: regions(&region_code),
        lines: page
            .items
            .into_iter()
            .map(|view| PlaceLine {
                id: view.place.id.0,
                municipality: view.place.municipality.clone().unwrap_or_default(),
                region: region(view.place.region_code.as_ref().map(|code| code.as_str())),
                halls: view
                    .halls
                    .into_iter()
                    .map(|hall| HallLine {
                        capacity: hall
                            .configurations
                            .iter()
                            .map(|configuration| configuration.capacity)
                            .max()
                            .map(|seats| t.int(&u64::from(seats)))
                            .unwrap_or_default(),
                        name: hall.name,
                    })
                    .collect(),
                name: view.place.name,
            })
            .collect(),
        q,
        t,
    })
}
