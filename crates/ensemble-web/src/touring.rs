//! Tour planning on the portal (`ensemble_touring::season`): choose a show the member represents,
//! the dates and, if need be, the plan's settings (fee, home town, transport, driving a day, shows
//! in a row), compare the three routes, read the chosen one as a timeline and a map (SVG drawn
//! from coordinates, no map tiles) and as a table, see the show's calendar (blocked dates,
//! confirmed dates, holds with their levels, presenters' closures), take a hold on a proposed
//! date, block dates, release a hold (the next one moves up), read the presenters ranked with their reasons and each hall against the rider
//! (printable), read the route's carbon on one printable page, and download the dates as ICS or
//! CSV, or the whole plan as JSON.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use ensemble_actions::{ActionError, touring};
use ensemble_i18n::{Arg, Lang, format, tr, tr_args};
use ensemble_model::{AvailabilityKind, Hall, Member, OrganizationId, Place, Purpose, Show};
use ensemble_store::ListFilter;
use ensemble_touring::carbon::{Mode, SOURCE, Transport};
use ensemble_touring::hall::{Verdict, fit, overall};
use ensemble_touring::season::{PlanError, Request, Scenario, ScenarioKind, Settings, StopKind, TourPlan};
use ensemble_touring::words::{self, ScenarioWords, StopWords, scenario_name, stop_label, whole};

use crate::browse::{Choice, choices};
use crate::error::WebError;
use crate::http::{MemberScope, Signed};
use crate::pages::{Texts, encode, message, render, texts};
use crate::policy::rank;
use crate::tour_drawing::{MonthView, calendar, map, timeline};
use crate::{AppState, PageLang};

const MODES: [Mode; 6] = [Mode::Car, Mode::Van, Mode::Truck, Mode::Coach, Mode::Train, Mode::Plane];

/// The plan's settings as the form sends them (query keys, in the order links carry them); an
/// empty field keeps the default.
const SETTINGS: [&str; 7] = [
    "cachet",
    "depart",
    "personnes",
    "personnes-par",
    "decor-par",
    "km-jour",
    "affilee",
];

/// What the settings ask of a plan.
struct Asked {
    fee: Option<i64>,
    home: Option<String>,
    settings: Settings,
}

/// A setting that cannot be read: its label and what it takes.
struct BadSetting {
    label: &'static str,
    hint: &'static str,
}

/// Reads the plan's settings from the query: the fee in dollars, the home town, the people on the
/// road and how they and the set travel, the kilometres in a day and the shows in a row.
fn asked(query: &HashMap<String, String>) -> Result<Asked, BadSetting> {
    let typed = |key: &str| {
        query
            .get(key)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    };
    let number = |key: &str, low: u32, high: u32, label, hint| -> Result<Option<u32>, BadSetting> {
        typed(key)
            .map(|value| {
                let digits: String = value.chars().filter(|c| !c.is_whitespace() && *c != '$').collect();
                digits
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (low..=high).contains(n))
                    .ok_or(BadSetting { label, hint })
            })
            .transpose()
    };
    let mode = |key: &str, label| -> Result<Option<Mode>, BadSetting> {
        typed(key)
            .map(|value| {
                Mode::parse(value).ok_or(BadSetting {
                    label,
                    hint: "web-tour-setting-mode-hint",
                })
            })
            .transpose()
    };
    let fee = number(
        "cachet",
        1,
        1_000_000,
        "web-tour-setting-fee",
        "web-tour-setting-fee-hint",
    )?;
    let people = number(
        "personnes",
        1,
        80,
        "web-tour-setting-people",
        "web-tour-setting-people-hint",
    )?;
    let km = number("km-jour", 100, 1_500, "web-tour-setting-km", "web-tour-setting-km-hint")?;
    let in_a_row = number(
        "affilee",
        1,
        14,
        "web-tour-setting-in-a-row",
        "web-tour-setting-in-a-row-hint",
    )?;
    let home = typed("depart").map(|town| town.chars().take(100).collect::<String>());
    let defaults = Settings::default();
    let transport = Transport {
        people: people.unwrap_or(defaults.transport.people),
        people_by: mode("personnes-par", "web-tour-setting-people-by")?.unwrap_or(defaults.transport.people_by),
        freight_by: mode("decor-par", "web-tour-setting-freight-by")?,
    };
    Ok(Asked {
        fee: fee.map(|dollars| i64::from(dollars) * 100),
        home,
        settings: Settings {
            transport,
            max_km_per_day: km.map_or(defaults.max_km_per_day, f64::from),
            max_shows_in_a_row: in_a_row.or(defaults.max_shows_in_a_row),
            ..defaults
        },
    })
}

/// The settings typed in the form, to fill it again and to carry in the page's links.
pub struct SettingsView {
    fee: String,
    home: String,
    people: String,
    km: String,
    in_a_row: String,
    people_by: Vec<Choice>,
    freight_by: Vec<Choice>,
    /// What an empty field means: people, km in a day, shows in a row.
    defaults: (u32, u32, u32),
    /// Whether any was typed (the settings are then shown open).
    open: bool,
}

fn settings_view(lang: Lang, query: &HashMap<String, String>) -> SettingsView {
    let typed = |key: &str| query.get(key).map(|value| value.trim().to_string()).unwrap_or_default();
    let modes = || MODES.map(|mode| (mode.code().to_string(), tr(lang, &format!("tour-mode-{}", mode.code()))));
    let people_by = typed("personnes-par");
    let mut freight = vec![(String::new(), tr(lang, "web-tour-setting-freight-with-people"))];
    freight.extend(modes());
    let defaults = Settings::default();
    SettingsView {
        defaults: (
            defaults.transport.people,
            defaults.max_km_per_day.round() as u32,
            defaults.max_shows_in_a_row.unwrap_or_default(),
        ),
        fee: typed("cachet"),
        home: typed("depart"),
        people: typed("personnes"),
        km: typed("km-jour"),
        in_a_row: typed("affilee"),
        people_by: choices(if people_by.is_empty() { "van" } else { &people_by }, modes()),
        freight_by: choices(&typed("decor-par"), freight),
        open: SETTINGS.iter().any(|key| !typed(key).is_empty()),
    }
}

/// The settings typed, as the end of a link's query.
fn settings_query(query: &HashMap<String, String>) -> String {
    SETTINGS
        .iter()
        .filter_map(|key| {
            let value = query.get(*key)?.trim();
            (!value.is_empty()).then(|| format!("&{key}={}", encode(value)))
        })
        .collect()
}

const KINDS: [ScenarioKind; 3] = [
    ScenarioKind::BestNet,
    ScenarioKind::MostEngagements,
    ScenarioKind::LeastCarbon,
];

/// A row of the alternatives' table.
pub struct ScenarioRow {
    words: ScenarioWords,
    link: String,
    chosen: bool,
}

/// A stop of the chosen route.
pub struct StopRow {
    /// Whether it is a date the plan proposes (a hold may be taken on it).
    proposed: bool,
    presenter_id: i64,
    iso: String,
    fee: i64,
    words: StopWords,
}

/// A hold the member may release.
pub struct HoldRow {
    id: i64,
    date: String,
    presenter: String,
    level: String,
}

/// A ranked presenter.
pub struct RankRow {
    name: String,
    town: String,
    score: u32,
    reasons: Vec<String>,
    hall_link: String,
    candidate: bool,
}

/// What the page shows of a plan.
pub struct PlanView {
    show: String,
    conflicts: Vec<String>,
    /// Whether a search hit its time cap.
    capped: bool,
    /// Every ranked presenter, by name, for the availability form.
    presenters: Vec<(i64, String)>,
    title: String,
    lines: Vec<String>,
    scenarios: Vec<ScenarioRow>,
    chosen: String,
    timeline: String,
    map: String,
    stops: Vec<StopRow>,
    back: String,
    months: Vec<MonthView>,
    holds: Vec<HoldRow>,
    ranking: Vec<RankRow>,
    download: String,
    source: String,
    weekdays: Vec<String>,
}

#[derive(Template)]
#[template(path = "tour.html")]
struct TourPage {
    t: Texts,
    slug: String,
    shows: Vec<Choice>,
    from: String,
    to: String,
    problem: Option<String>,
    admin: bool,
    settings: SettingsView,
    plan: Option<PlanView>,
}

/// One requirement of the printable hall report.
pub struct CheckRow {
    item: String,
    required: String,
    available: String,
    verdict: String,
    class: &'static str,
    reason: String,
}

/// One hall of the printable report.
pub struct HallView {
    name: String,
    overall: String,
    class: &'static str,
    checks: Vec<CheckRow>,
}

#[derive(Template)]
#[template(path = "tour_hall.html")]
struct HallPage {
    t: Texts,
    show: String,
    presenter: String,
    back: String,
    halls: Vec<HallView>,
}

/// The shows the member represents or produces, by short code and title.
fn shows_of(member: &Member, shows: &[Show]) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = shows
        .iter()
        .filter(|show| {
            show.agency_id == Some(member.organization_id) || show.producer_ids.contains(&member.organization_id)
        })
        .map(|show| (show.slug.clone(), show.title_fr.clone()))
        .collect();
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

/// `GET /membres/{member}/tournees?spectacle=CODE&du=DATE&au=DATE[&itineraire=KIND][&format=ics|csv|json]`.
pub async fn page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let clock = state.clock;
    let store = state.store.clone();
    let all_shows = tokio::task::spawn_blocking(move || store.read(|s| s.list::<Show>(&ListFilter::default()))).await;
    let Ok(Ok(all_shows)) = all_shows else {
        return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
    };
    let offered = shows_of(&member, &all_shows);
    let show = query
        .get("spectacle")
        .cloned()
        .unwrap_or_else(|| offered.first().map(|(slug, _)| slug.clone()).unwrap_or_default());
    let start = clock.today() + Duration::days(14);
    let parse = |key: &str| query.get(key).map(|text| text.parse::<NaiveDate>());
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let admin = (signed.user.member_id == Some(member.id) || signed.user.member_id.is_none())
        && rank(signed.user.role) >= rank(ensemble_model::Role::MemberAdmin);
    let mut page = TourPage {
        t,
        slug: member.slug.clone(),
        shows: choices(&show, offered.clone()),
        from: String::new(),
        to: String::new(),
        problem: None,
        admin,
        settings: settings_view(lang, &query),
        plan: None,
    };
    let (from, to) = match (parse("du"), parse("au")) {
        (Some(Ok(from)), Some(Ok(to))) => (from, to),
        (None, None) => (start, start + Duration::days(60)),
        _ => {
            page.problem = Some(tr(lang, "web-tour-dates-invalid"));
            return (StatusCode::BAD_REQUEST, render(&page)).into_response();
        }
    };
    page.from = from.to_string();
    page.to = to.to_string();
    if !query.contains_key("spectacle") {
        if offered.is_empty() {
            page.problem = Some(tr(lang, "web-tour-no-show"));
        }
        return render(&page);
    }
    let asked = match asked(&query) {
        Ok(asked) => asked,
        Err(bad) => {
            page.problem = Some(tr_args(
                lang,
                "web-tour-setting-invalid",
                &[
                    ("setting", Arg::from(tr(lang, bad.label))),
                    ("hint", Arg::from(tr(lang, bad.hint))),
                ],
            ));
            return (StatusCode::BAD_REQUEST, render(&page)).into_response();
        }
    };
    let chosen = KINDS
        .into_iter()
        .find(|kind| query.get("itineraire").is_some_and(|code| code == kind.code()))
        .unwrap_or(ScenarioKind::BestNet);
    let store = state.store.clone();
    let asking = signed.requester(Purpose::Touring);
    let (slug, wanted) = (member.slug.clone(), show.clone());
    let made = tokio::task::spawn_blocking(move || {
        let request = Request {
            show: &wanted,
            member: Some(&slug),
            from,
            to,
            fee: asked.fee,
            home: asked.home.as_deref(),
            matrix: None,
            settings: asked.settings,
            today: clock.today(),
        };
        ensemble_touring::season::plan(&store, &asking, &request)
    })
    .await;
    let plan = match made {
        Ok(Ok(plan)) => plan,
        Ok(Err(PlanError::Store(_))) | Err(_) => {
            return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
        }
        Ok(Err(error)) => {
            let args: Vec<(&str, Arg)> = error
                .args()
                .into_iter()
                .map(|(name, value)| (name, Arg::from(value)))
                .collect();
            // The portal's own words where the command line's name an option.
            let key = match error {
                PlanError::NoFee(_) | PlanError::NoHome(_) => format!("web-{}", error.code()),
                _ => format!("error-{}", error.code()),
            };
            page.problem = Some(tr_args(lang, &key, &args));
            return (StatusCode::BAD_REQUEST, render(&page)).into_response();
        }
    };
    let Some(scenario) = plan.scenarios.iter().find(|s| s.kind == chosen) else {
        return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
    };
    let base = format!(
        "/membres/{}/tournees?spectacle={}&du={from}&au={to}{}",
        encode(&member.slug),
        encode(&show),
        settings_query(&query)
    );
    let download = format!("{base}&itineraire={}", chosen.code());
    match query.get("format").map(String::as_str) {
        Some("ics") => {
            let body = ensemble_touring::export::ics(&plan, scenario, &|kind| stop_label(lang, kind));
            return file(&format!("{show}-{from}.ics"), "text/calendar; charset=utf-8", body);
        }
        Some("csv") => {
            let Ok(body) = ensemble_touring::export::csv(scenario) else {
                return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
            };
            return file(&format!("{show}-{from}.csv"), "text/csv; charset=utf-8", body);
        }
        Some("json") => {
            let body = serde_json::to_string_pretty(&plan).unwrap_or_default();
            return file(&format!("{show}-{from}.json"), "application/json", body);
        }
        Some("carbone") => return carbon_page(page.t, lang, &plan, scenario, download),
        _ => {}
    }
    page.plan = Some(view(lang, &plan, scenario, &base, &member.slug));
    if let Some(view) = &mut page.plan {
        view.download = download;
    }
    render(&page)
}

/// How the tour travels, in a sentence (with the set's own mode when it has one).
fn file(name: &str, content_type: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response()
}

fn view(lang: Lang, plan: &TourPlan, scenario: &Scenario, base: &str, slug: &str) -> PlanView {
    let settings = &plan.settings;
    let mut lines = vec![
        words::fee_line(lang, plan),
        words::transport_line(lang, &plan.transport, ("tour-transport", "tour-transport-freight")),
        words::distances_line(lang, settings),
    ];
    lines.push(tr_args(
        lang,
        "web-tour-rules",
        &[("count", Arg::from(settings.max_shows_in_a_row.map_or(0, i64::from)))],
    ));
    let scenarios = plan
        .scenarios
        .iter()
        .map(|s| ScenarioRow {
            words: ScenarioWords::of(lang, s),
            link: format!("{base}&itineraire={}", s.kind.code()),
            chosen: s.kind == scenario.kind,
        })
        .collect();
    let stops = scenario
        .stops
        .iter()
        .zip(&scenario.legs)
        .map(|(stop, leg)| StopRow {
            proposed: stop.kind == StopKind::Proposed,
            presenter_id: stop.presenter.0,
            iso: stop.date.to_string(),
            fee: stop.fee,
            words: StopWords::of(lang, stop, leg),
        })
        .collect();
    let back = scenario.legs.last().map_or_else(String::new, |leg| {
        tr_args(
            lang,
            "tour-return-line",
            &[
                ("date", Arg::from(format::date(lang, scenario.home_on))),
                ("home", Arg::from(plan.home.0.as_str())),
                ("km", Arg::from(whole(lang, leg.km))),
                ("kg", Arg::from(whole(lang, leg.emissions.total_kg()))),
            ],
        )
    });
    let holds = plan
        .calendar
        .iter()
        .filter(|mark| mark.kind == "hold")
        .filter_map(|mark| {
            Some(HoldRow {
                id: mark.engagement?,
                date: format::date(lang, mark.from),
                presenter: mark.label.clone(),
                level: mark
                    .level
                    .map(|level| tr_args(lang, "tour-hold-level", &[("level", Arg::from(i64::from(level)))]))
                    .unwrap_or_default(),
            })
        })
        .collect();
    let ranking = plan
        .ranking
        .iter()
        .take(15)
        .map(|ranked| RankRow {
            name: ranked.presenter.name.clone(),
            town: ranked.presenter.municipality.clone().unwrap_or_default(),
            score: ranked.score.total,
            reasons: ranked
                .score
                .parts
                .iter()
                .map(|part| words::message(lang, part.key, &part.args))
                .collect(),
            hall_link: format!(
                "/membres/{}/tournees/salle?spectacle={}&diffuseur={}",
                encode(slug),
                encode(&plan.show.slug),
                ranked.presenter.organization_id.0
            ),
            candidate: ranked.candidate,
        })
        .collect();
    let title = words::title(lang, plan);
    let mut presenters: Vec<(i64, String)> = plan
        .ranking
        .iter()
        .map(|r| (r.presenter.organization_id.0, r.presenter.name.clone()))
        .collect();
    presenters.sort_by(|a, b| a.1.cmp(&b.1));
    PlanView {
        conflicts: plan
            .conflicts
            .iter()
            .map(|c| words::message(lang, c.key, &c.args))
            .collect(),
        capped: plan.capped,
        presenters,
        show: plan.show.slug.clone(),
        title,
        lines,
        scenarios,
        chosen: scenario_name(lang, scenario.kind),
        timeline: timeline(lang, plan, scenario),
        map: map(lang, plan, scenario),
        stops,
        back,
        months: calendar(lang, plan, scenario),
        holds,
        ranking,
        download: String::new(),
        weekdays: tr(lang, "web-tour-weekdays")
            .split(',')
            .map(|d| d.trim().to_string())
            .collect(),
        source: tr_args(
            lang,
            "tour-carbon-source",
            &[
                ("source", Arg::from(SOURCE)),
                ("year", Arg::from(i64::from(Mode::Van.factor().year))),
            ],
        ),
    }
}

/// `POST /membres/{member}/tournees/options/{engagement}/liberer`: releases the member's hold; the
/// holds behind it at the same presenter and date move up.
pub async fn release(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, engagement)): Path<(String, i64)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let owner = member.clone();
    let done = tokio::task::spawn_blocking(move || touring::release_hold(&store, &actor, &owner, engagement)).await?;
    answer(done.map(|_| ()), back_to(&member, query.get("retour")))
}

/// `GET /membres/{member}/tournees/salle?spectacle=CODE&diffuseur=ID`: every hall of a presenter
/// against the show's rider, green, amber or red per requirement, to print.
pub async fn hall(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let slug = query.get("spectacle").cloned().unwrap_or_default();
    let Some(presenter) = query.get("diffuseur").and_then(|id| id.parse::<i64>().ok()) else {
        return message(lang, StatusCode::NOT_FOUND, "web-not-found");
    };
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || {
        store.read(|s| {
            let all = ListFilter::default();
            let show = s.list::<Show>(&all)?.into_iter().find(|show| show.slug == slug);
            let organization = s.get::<ensemble_model::Organization>(presenter)?;
            let places: Vec<Place> = s
                .list::<Place>(&all)?
                .into_iter()
                .filter(|p| p.operator_id == Some(OrganizationId(presenter)))
                .collect();
            let performed: Vec<i64> = s
                .list::<ensemble_model::Performance>(&all)?
                .into_iter()
                .filter(|p| p.presenter_id.0 == presenter)
                .map(|p| p.hall_id.0)
                .collect();
            let halls: Vec<Hall> = s
                .list::<Hall>(&all)?
                .into_iter()
                .filter(|h| places.iter().any(|p| p.id == h.place_id) || performed.contains(&h.id.0))
                .collect();
            Ok((show, organization, halls))
        })
    })
    .await;
    let Ok(Ok((Some(show), Some(organization), halls))) = found else {
        return message(lang, StatusCode::NOT_FOUND, "web-not-found");
    };
    let t = match texts(&state, lang, Some(&signed)).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let verdict = |v: Verdict| (tr(lang, &format!("hall-verdict-{}", v.code())), verdict_class(v));
    let number = |value: f64| {
        let text = format!("{}", (value * 10.0).round() / 10.0);
        match lang {
            Lang::Fr => text.replace('.', ","),
            Lang::En => text,
        }
    };
    let views = halls
        .iter()
        .map(|hall| {
            let checks = fit(&show.rider, hall);
            let (label, class) = verdict(overall(&checks));
            HallView {
                name: hall.name.clone(),
                overall: label,
                class,
                checks: checks
                    .iter()
                    .map(|check| {
                        let (label, class) = verdict(check.verdict);
                        CheckRow {
                            item: crate::pages::label(lang, check.item.label_fr(), check.item.label_en()),
                            required: number(check.required),
                            available: check.available.map_or_else(|| "—".to_string(), number),
                            verdict: label,
                            class,
                            reason: tr(lang, &format!("hall-reason-{}", check.reason.code())),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    render(&HallPage {
        t,
        show: show.title_fr.clone(),
        presenter: organization.name,
        back: format!(
            "/membres/{}/tournees?spectacle={}",
            encode(&member.slug),
            encode(&show.slug)
        ),
        halls: views,
    })
}

/// The class that colours a verdict.
fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Green => "verdict-green",
        Verdict::Amber => "verdict-amber",
        Verdict::Red => "verdict-red",
    }
}

#[derive(Template)]
#[template(path = "tour_carbon.html")]
struct CarbonPage {
    t: Texts,
    show: String,
    period: String,
    scenario: String,
    transport: String,
    dates: usize,
    km: String,
    back: String,
    total: String,
    people: String,
    freight: String,
    per_date: String,
    modes: Vec<(String, String, String)>,
    alternatives: Vec<(String, usize, String, String)>,
    legs: Vec<(String, String, String, String, String)>,
    factors: Vec<(String, String, String, String)>,
    source: String,
}

/// The chosen route's emissions on one printable page: totals for people and set, the same legs
/// with the people by each mode, the three alternatives, every leg, and the factors with their
/// source.
fn carbon_page(t: Texts, lang: Lang, plan: &TourPlan, scenario: &Scenario, back: String) -> Response {
    let kg = |value: f64| format!("{} kg", whole(lang, value));
    let legs: Vec<(f64, f64)> = scenario.legs.iter().map(|leg| (leg.km, leg.crow_km)).collect();
    let summary = plan.transport.summary(&legs);
    let mode = |mode: Mode| tr(lang, &format!("tour-mode-{}", mode.code()));
    let total = summary.total_kg();
    let per = |per: ensemble_touring::carbon::Per| {
        tr(
            lang,
            match per {
                ensemble_touring::carbon::Per::VehicleKm => "web-tour-carbon-vehicle-km",
                ensemble_touring::carbon::Per::PassengerKm => "web-tour-carbon-passenger-km",
            },
        )
    };
    let page = CarbonPage {
        show: plan.show.title_fr.clone(),
        period: format!("{} – {}", format::date(lang, plan.from), format::date(lang, plan.to)),
        scenario: scenario_name(lang, scenario.kind),
        transport: words::transport_line(
            lang,
            &plan.transport,
            ("web-tour-carbon-transport", "web-tour-carbon-transport-freight"),
        ),
        dates: scenario.stops.len(),
        km: whole(lang, summary.road_km),
        back,
        total: kg(total),
        people: kg(summary.people_kg),
        freight: kg(summary.freight_kg),
        per_date: kg(total / scenario.stops.len().max(1) as f64),
        modes: summary
            .by_mode
            .iter()
            .map(|(m, value)| {
                let difference = value - total;
                let sign = if difference > 0.5 { "+" } else { "" };
                (mode(*m), kg(*value), format!("{sign}{}", kg(difference)))
            })
            .collect(),
        alternatives: plan
            .scenarios
            .iter()
            .map(|s| {
                (
                    scenario_name(lang, s.kind),
                    s.stops.len(),
                    whole(lang, s.km),
                    kg(s.co2_kg),
                )
            })
            .collect(),
        legs: scenario
            .legs
            .iter()
            .map(|leg| {
                (
                    leg.from.clone(),
                    leg.to.clone(),
                    whole(lang, leg.km),
                    kg(leg.emissions.people_kg),
                    kg(leg.emissions.freight_kg),
                )
            })
            .collect(),
        factors: ensemble_touring::carbon::FACTORS
            .iter()
            .map(|f| {
                let factor = match lang {
                    Lang::Fr => f.kg_co2e.to_string().replace('.', ","),
                    Lang::En => f.kg_co2e.to_string(),
                };
                (mode(f.mode), factor, per(f.per), f.source.to_string())
            })
            .collect(),
        source: tr_args(
            lang,
            "tour-carbon-source",
            &[
                ("source", Arg::from(SOURCE)),
                ("year", Arg::from(i64::from(Mode::Van.factor().year))),
            ],
        ),
        t,
    };
    render(&page)
}

/// What the form taking a hold sends (from a proposed date of a route).
#[derive(Debug, serde::Deserialize)]
pub struct HoldForm {
    spectacle: String,
    diffuseur: i64,
    date: String,
    #[serde(default)]
    cachet: Option<i64>,
    #[serde(default)]
    retour: Option<String>,
}

/// What the availability form sends: the show's blocked dates, or a presenter's closure or
/// season window.
#[derive(Debug, serde::Deserialize)]
pub struct BlockForm {
    spectacle: String,
    #[serde(default)]
    genre: String,
    #[serde(default)]
    diffuseur: String,
    du: String,
    au: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    retour: Option<String>,
}

/// The answer to a form that changed the member's planning data: back to the page when done, not
/// found when there was nothing to change (or nothing of the member's).
fn answer(outcome: Result<(), ActionError>, back: String) -> Result<Response, WebError> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(ActionError::Refused(
            "hold-show-unknown" | "tour-presenter-unknown" | "hold-not-yours" | "hold-unknown" | "availability-invalid",
        )) => Err(WebError::NotFound),
        Err(error) => Err(error.into()),
    }
}

/// Where to go back after a form: the planning page it came from, else the member's.
fn back_to(member: &Member, asked: Option<&String>) -> String {
    asked
        .filter(|path| path.starts_with(&format!("/membres/{}/tournees", encode(&member.slug))))
        .cloned()
        .unwrap_or_else(|| format!("/membres/{}/tournees", encode(&member.slug)))
}

/// `POST /membres/{member}/tournees/options`: takes a hold on a proposed date, behind the
/// member's holds already there; audited.
pub async fn take(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    axum::Form(form): axum::Form<HoldForm>,
) -> Result<Response, WebError> {
    let Ok(date) = form.date.parse::<NaiveDate>() else {
        return Err(WebError::Message(StatusCode::BAD_REQUEST, "web-tour-dates-invalid"));
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    let (show, presenter, fee) = (form.spectacle, OrganizationId(form.diffuseur), form.cachet);
    let taken = tokio::task::spawn_blocking(move || {
        touring::take_hold(
            &store,
            &actor,
            &scope,
            &show,
            presenter,
            date,
            fee.map(ensemble_model::Cents),
        )
    })
    .await?;
    answer(taken.map(|_| ()), back_to(&member, form.retour.as_ref()))
}

/// `POST /membres/{member}/tournees/disponibilites`: the show's blocked days (no new date is
/// proposed there), or a presenter's closure or season window as the member knows it; audited.
pub async fn block(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    axum::Form(form): axum::Form<BlockForm>,
) -> Result<Response, WebError> {
    let (Ok(from), Ok(to)) = (form.du.parse::<NaiveDate>(), form.au.parse::<NaiveDate>()) else {
        return Err(WebError::Message(StatusCode::BAD_REQUEST, "web-tour-dates-invalid"));
    };
    if to < from {
        return Err(WebError::Message(StatusCode::BAD_REQUEST, "web-tour-dates-invalid"));
    }
    let (kind, company) = match form.genre.as_str() {
        "" | "blocked" => (AvailabilityKind::Blocked, false),
        "company-blocked" => (AvailabilityKind::Blocked, true),
        "blackout" => (AvailabilityKind::Blackout, false),
        "season-window" => (AvailabilityKind::SeasonWindow, false),
        _ => {
            return Err(WebError::Message(
                StatusCode::BAD_REQUEST,
                "web-tour-availability-invalid",
            ));
        }
    };
    let presenter = form.diffuseur.parse::<i64>().ok().map(OrganizationId);
    if (kind == AvailabilityKind::Blocked) != presenter.is_none() {
        return Err(WebError::Message(
            StatusCode::BAD_REQUEST,
            "web-tour-availability-invalid",
        ));
    }
    let new = touring::NewAvailability {
        show: form.spectacle,
        kind,
        presenter,
        company,
        from,
        to,
        note: Some(form.note),
    };
    let store = state.store.clone();
    let actor = signed.actor(state.clock);
    let scope = member.clone();
    let recorded =
        tokio::task::spawn_blocking(move || touring::record_availability(&store, &actor, &scope, &new)).await?;
    answer(recorded.map(|_| ()), back_to(&member, form.retour.as_ref()))
}
