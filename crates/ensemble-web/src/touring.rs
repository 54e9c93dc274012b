//! Tour planning on the portal (`ensemble_touring::season`): choose a show the member represents
//! and the dates, compare the three routes, read the chosen one as a timeline and a map (SVG drawn
//! from coordinates, no map tiles) and as a table, see the show's calendar (blocked dates,
//! confirmed dates, holds with their levels, presenters' closures), release a hold (the next one
//! moves up), read the presenters ranked with their reasons and each hall against the rider
//! (printable), and download the dates as ICS or CSV, or the whole plan as JSON.

use std::collections::HashMap;
use std::fmt::Write;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use ensemble_i18n::{Arg, Lang, format, tr, tr_args};
use ensemble_model::{Hall, Member, OrganizationId, Place, Purpose, Show};
use ensemble_store::ListFilter;
use ensemble_touring::carbon::{Mode, SOURCE};
use ensemble_touring::hall::{Verdict, fit, overall};
use ensemble_touring::season::{PlanError, Request, Scenario, ScenarioKind, Settings, StopKind, TourPlan};

use crate::browse::{Choice, choices};
use crate::pages::{Texts, encode, message, render, texts};
use crate::policy::{MemberScope, Signed, event, rank, requester};
use crate::{AppState, PageLang};

const KINDS: [ScenarioKind; 3] = [
    ScenarioKind::BestNet,
    ScenarioKind::MostEngagements,
    ScenarioKind::LeastCarbon,
];

/// A row of the alternatives' table.
pub struct ScenarioRow {
    name: String,
    stops: usize,
    km: String,
    idle: u32,
    fees: String,
    net: String,
    co2: String,
    home: String,
    link: String,
    chosen: bool,
}

/// A stop of the chosen route.
pub struct StopRow {
    date: String,
    kind: String,
    presenter: String,
    town: String,
    hall: String,
    km: String,
    kg: String,
}

/// A day of the calendar.
pub struct DayCell {
    number: u32,
    entries: Vec<(String, String)>,
}

/// A month of the calendar: weeks of seven cells (none outside the month).
pub struct MonthView {
    title: String,
    weeks: Vec<Vec<Option<DayCell>>>,
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

fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::America::Toronto).date_naive()
}

fn scenario_name(lang: Lang, kind: ScenarioKind) -> String {
    tr(lang, &format!("tour-scenario-{}", kind.code()))
}

fn stop_label(lang: Lang, kind: StopKind) -> String {
    tr(
        lang,
        match kind {
            StopKind::Confirmed => "tour-stop-confirmed",
            StopKind::Hold => "tour-stop-hold",
            StopKind::Proposed => "tour-stop-proposed",
        },
    )
}

fn whole(lang: Lang, value: f64) -> String {
    format::integer(lang, value.round() as i64)
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
    let start = today() + Duration::days(14);
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
    let chosen = KINDS
        .into_iter()
        .find(|kind| query.get("itineraire").is_some_and(|code| code == kind.code()))
        .unwrap_or(ScenarioKind::BestNet);
    let store = state.store.clone();
    let asking = requester(&signed, Purpose::Touring);
    let (slug, wanted) = (member.slug.clone(), show.clone());
    let made = tokio::task::spawn_blocking(move || {
        let request = Request {
            show: &wanted,
            member: Some(&slug),
            from,
            to,
            fee: None,
            home: None,
            matrix: None,
            settings: Settings::default(),
            today: today(),
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
            page.problem = Some(tr_args(lang, &format!("error-{}", error.code()), &args));
            return (StatusCode::BAD_REQUEST, render(&page)).into_response();
        }
    };
    let Some(scenario) = plan.scenarios.iter().find(|s| s.kind == chosen) else {
        return message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable");
    };
    let base = format!(
        "/membres/{}/tournees?spectacle={}&du={from}&au={to}",
        encode(&member.slug),
        encode(&show)
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
        _ => {}
    }
    page.plan = Some(view(lang, &plan, scenario, &base, &member.slug));
    if let Some(view) = &mut page.plan {
        view.download = download;
    }
    render(&page)
}

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
    let settings = Settings::default();
    let mode = |mode: Mode| tr(lang, &format!("tour-mode-{}", mode.code()));
    let mut lines = vec![
        tr_args(
            lang,
            "tour-plan-fee",
            &[
                ("fee", Arg::from(format::money(lang, plan.fee))),
                (
                    "candidates",
                    Arg::from(plan.ranking.iter().filter(|r| r.candidate).count() as i64),
                ),
                ("ranked", Arg::from(plan.ranking.len() as i64)),
            ],
        ),
        tr_args(
            lang,
            "tour-transport",
            &[
                ("people", Arg::from(i64::from(plan.transport.people))),
                ("mode", Arg::from(mode(plan.transport.people_by))),
            ],
        ),
        tr_args(
            lang,
            "tour-distances-estimated",
            &[
                (
                    "circuity",
                    Arg::from(match lang {
                        Lang::Fr => settings.circuity.to_string().replace('.', ","),
                        Lang::En => settings.circuity.to_string(),
                    }),
                ),
                ("km", Arg::from(settings.max_km_per_day.round() as i64)),
            ],
        ),
    ];
    lines.push(tr(lang, "web-tour-rules"));
    let scenarios = plan
        .scenarios
        .iter()
        .map(|s| ScenarioRow {
            name: scenario_name(lang, s.kind),
            stops: s.stops.len(),
            km: whole(lang, s.km),
            idle: s.idle_days,
            fees: format::money(lang, s.fees),
            net: format::money(lang, (s.net * 100.0).round() as i64),
            co2: whole(lang, s.co2_kg),
            home: format::date(lang, s.home_on),
            link: format!("{base}&itineraire={}", s.kind.code()),
            chosen: s.kind == scenario.kind,
        })
        .collect();
    let stops = scenario
        .stops
        .iter()
        .zip(&scenario.legs)
        .map(|(stop, leg)| {
            let mut kind = stop_label(lang, stop.kind);
            if let Some(level) = stop.hold_level {
                kind = format!(
                    "{kind} ({})",
                    tr_args(lang, "tour-hold-level", &[("level", Arg::from(i64::from(level)))])
                );
            }
            StopRow {
                date: format::date(lang, stop.date),
                kind,
                presenter: stop.name.clone(),
                town: stop.municipality.clone().unwrap_or_default(),
                hall: stop.hall.clone().unwrap_or_default(),
                km: whole(lang, leg.km),
                kg: whole(lang, leg.emissions.total_kg()),
            }
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
                .map(|part| {
                    let args: Vec<(&str, Arg)> = part
                        .args
                        .iter()
                        .map(|(name, value)| (*name, Arg::from(value.as_str())))
                        .collect();
                    tr_args(lang, part.key, &args)
                })
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
    let title = tr_args(
        lang,
        "tour-plan-title",
        &[
            ("show", Arg::from(plan.show.title_fr.as_str())),
            ("from", Arg::from(format::date(lang, plan.from))),
            ("to", Arg::from(format::date(lang, plan.to))),
            ("home", Arg::from(plan.home.0.as_str())),
        ],
    );
    PlanView {
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn colour(kind: StopKind) -> &'static str {
    match kind {
        StopKind::Confirmed => "#1d6b2f",
        StopKind::Hold => "#b35c00",
        StopKind::Proposed => "#0b4f8a",
    }
}

/// The period as a line of days: the show's blocked days and presenters' closures as bands, each
/// date of the route as a dot coloured by its kind, the months marked.
fn timeline(lang: Lang, plan: &TourPlan, scenario: &Scenario) -> String {
    const WIDTH: f64 = 900.0;
    const LEFT: f64 = 10.0;
    let days = (plan.to - plan.from).num_days().max(1) as f64;
    let x = |date: NaiveDate| LEFT + (date - plan.from).num_days() as f64 / days * (WIDTH - 2.0 * LEFT);
    let title = tr_args(
        lang,
        "web-tour-timeline-title",
        &[("name", Arg::from(scenario_name(lang, scenario.kind)))],
    );
    let dates: Vec<String> = scenario
        .stops
        .iter()
        .map(|s| format!("{} {} ({})", s.date, s.name, stop_label(lang, s.kind)))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="timeline-title timeline-desc" width="100%" viewBox="0 0 {WIDTH} 110"><title id="timeline-title">{}</title><desc id="timeline-desc">{}</desc>"##,
        escape(&title),
        escape(&dates.join(" ; "))
    );
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="60" x2="{:.1}" y2="60" stroke="#6b6b6b"/>"##,
        WIDTH - LEFT
    );
    for mark in plan.calendar.iter().filter(|m| m.kind == "blocked") {
        let (a, b) = (x(mark.from), x(mark.to + Duration::days(1)));
        let _ = write!(
            svg,
            r##"<rect x="{a:.1}" y="44" width="{:.1}" height="32" fill="#d0d0d0"><title>{}</title></rect>"##,
            (b - a).max(2.0),
            escape(&format!(
                "{} {} – {}",
                tr(lang, "tour-mark-blocked"),
                mark.from,
                mark.to
            ))
        );
    }
    let mut month = NaiveDate::from_ymd_opt(plan.from.year(), plan.from.month(), 1).unwrap_or(plan.from);
    while month <= plan.to {
        if month >= plan.from {
            let _ = write!(
                svg,
                r##"<line x1="{0:.1}" y1="50" x2="{0:.1}" y2="70" stroke="#6b6b6b"/><text x="{0:.1}" y="96" font-size="12" fill="#1a1a1a">{1}</text>"##,
                x(month),
                escape(&format::month(lang, month.year(), month.month()))
            );
        }
        month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(plan.to + Duration::days(1));
    }
    for stop in &scenario.stops {
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="60" r="5" fill="{}"><title>{}</title></circle>"##,
            x(stop.date),
            colour(stop.kind),
            escape(&format!(
                "{} · {} · {}",
                stop.date,
                stop.name,
                stop_label(lang, stop.kind)
            ))
        );
    }
    let legend = [StopKind::Confirmed, StopKind::Hold, StopKind::Proposed];
    for (index, kind) in legend.into_iter().enumerate() {
        let left = LEFT + index as f64 * 150.0;
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="16" r="5" fill="{}"/><text x="{:.1}" y="20" font-size="12" fill="#1a1a1a">{}</text>"##,
            left + 5.0,
            colour(kind),
            left + 14.0,
            escape(&stop_label(lang, kind))
        );
    }
    let _ = write!(
        svg,
        r##"<rect x="460" y="8" width="14" height="14" fill="#d0d0d0"/><text x="480" y="20" font-size="12" fill="#1a1a1a">{}</text></svg>"##,
        escape(&tr(lang, "tour-mark-blocked"))
    );
    svg
}

/// The route on a plane drawn from the coordinates (longitude scaled by the cosine of the mean
/// latitude): home as a square, stops as numbered dots, legs as lines.
fn map(lang: Lang, plan: &TourPlan, scenario: &Scenario) -> String {
    const WIDTH: f64 = 640.0;
    const HEIGHT: f64 = 420.0;
    const PAD: f64 = 30.0;
    let home = (plan.home.1, plan.home.2);
    let points: Vec<(f64, f64)> = std::iter::once(home)
        .chain(scenario.stops.iter().map(|s| (s.lat, s.lon)))
        .collect();
    let mean = points.iter().map(|p| p.0).sum::<f64>() / points.len() as f64;
    let scale_x = mean.to_radians().cos();
    let (min_x, max_x) = points
        .iter()
        .map(|p| p.1 * scale_x)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let (min_y, max_y) = points
        .iter()
        .map(|p| p.0)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let span = ((max_x - min_x) / (WIDTH - 2.0 * PAD))
        .max((max_y - min_y) / (HEIGHT - 2.0 * PAD))
        .max(1e-6);
    // Centred both ways.
    let left = (WIDTH - (max_x - min_x) / span) / 2.0;
    let bottom = (HEIGHT - (max_y - min_y) / span) / 2.0;
    let project = |(lat, lon): (f64, f64)| {
        (
            left + (lon * scale_x - min_x) / span,
            HEIGHT - bottom - (lat - min_y) / span,
        )
    };
    let title = tr_args(
        lang,
        "web-tour-map-title",
        &[("name", Arg::from(scenario_name(lang, scenario.kind)))],
    );
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="map-title map-desc" width="{WIDTH}" height="{HEIGHT}" style="max-width:100%;height:auto" viewBox="0 0 {WIDTH} {HEIGHT}"><title id="map-title">{}</title><desc id="map-desc">{}</desc><rect width="{WIDTH}" height="{HEIGHT}" fill="#f7f7f5"/>"##,
        escape(&title),
        escape(&tr(lang, "web-tour-map-desc"))
    );
    let path: Vec<String> = points
        .iter()
        .chain(std::iter::once(&home))
        .map(|p| {
            let (x, y) = project(*p);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#6b6b6b" stroke-width="1.5"/>"##,
        path.join(" ")
    );
    let (hx, hy) = project(home);
    let _ = write!(
        svg,
        r##"<rect x="{:.1}" y="{:.1}" width="12" height="12" fill="#1a1a1a"><title>{}</title></rect><text x="{:.1}" y="{:.1}" font-size="12" fill="#1a1a1a">{}</text>"##,
        hx - 6.0,
        hy - 6.0,
        escape(&plan.home.0),
        hx + 9.0,
        hy + 4.0,
        escape(&plan.home.0)
    );
    // A town is named once, and not where its name would overlap another's.
    let mut labelled: Vec<(String, f64, f64)> = vec![(plan.home.0.clone(), hx, hy)];
    for (index, stop) in scenario.stops.iter().enumerate() {
        let (x, y) = project((stop.lat, stop.lon));
        let _ = write!(
            svg,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="6" fill="{}"><title>{}</title></circle>"##,
            colour(stop.kind),
            escape(&format!(
                "{}. {} · {} · {}",
                index + 1,
                stop.date,
                stop.name,
                stop_label(lang, stop.kind)
            ))
        );
        let town = stop.municipality.clone().unwrap_or_default();
        let crowded = labelled
            .iter()
            .any(|(name, lx, ly)| *name == town || ((lx - x).abs() < 90.0 && (ly - y).abs() < 14.0));
        if !town.is_empty() && !crowded {
            let (anchor, dx) = if x > WIDTH - 130.0 {
                ("end", -8.0)
            } else {
                ("start", 8.0)
            };
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="{anchor}" fill="#1a1a1a">{}</text>"##,
                x + dx,
                y - 6.0,
                escape(&town)
            );
            labelled.push((town, x, y));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The months of the period, a week per row, with the show's marks and the chosen route's dates.
fn calendar(lang: Lang, plan: &TourPlan, scenario: &Scenario) -> Vec<MonthView> {
    let mut months = Vec::new();
    let mut first = NaiveDate::from_ymd_opt(plan.from.year(), plan.from.month(), 1).unwrap_or(plan.from);
    while first <= plan.to {
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(plan.to + Duration::days(1));
        let mut weeks: Vec<Vec<Option<DayCell>>> = Vec::new();
        let mut week: Vec<Option<DayCell>> = (0..first.weekday().num_days_from_monday()).map(|_| None).collect();
        let mut day = first;
        while day < next {
            let mut entries: Vec<(String, String)> = plan
                .calendar
                .iter()
                .filter(|mark| mark.from <= day && day <= mark.to)
                .map(|mark| {
                    let mut label = tr(lang, &format!("tour-mark-{}", mark.kind));
                    if let Some(level) = mark.level {
                        label = format!("{label} {level}");
                    }
                    (format!("mark-{}", mark.kind), format!("{label} · {}", mark.label))
                })
                .collect();
            entries.extend(
                scenario
                    .stops
                    .iter()
                    .filter(|stop| stop.date == day && stop.kind == StopKind::Proposed)
                    .map(|stop| {
                        (
                            "mark-proposed".to_string(),
                            format!("{} · {}", stop_label(lang, stop.kind), stop.name),
                        )
                    }),
            );
            week.push(Some(DayCell {
                number: day.day(),
                entries,
            }));
            if week.len() == 7 {
                weeks.push(std::mem::take(&mut week));
            }
            day += Duration::days(1);
        }
        if !week.is_empty() {
            while week.len() < 7 {
                week.push(None);
            }
            weeks.push(week);
        }
        months.push(MonthView {
            title: format::month(lang, first.year(), first.month()),
            weeks,
        });
        first = next;
    }
    months
}

/// `POST /membres/{member}/tournees/options/{engagement}/liberer`: releases the member's hold; the
/// holds behind it at the same presenter and date move up.
pub async fn release(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(signed): Extension<Signed>,
    Extension(MemberScope(member)): Extension<MemberScope>,
    Path((_, engagement)): Path<(String, i64)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let store = state.store.clone();
    let asking = requester(&signed, Purpose::Touring);
    let actor = signed.clone();
    let owner = member.id;
    let outcome = tokio::task::spawn_blocking(move || {
        store.write(|session| {
            let done = ensemble_touring::holds::release_hold(session, &asking, owner, engagement, today())?;
            if let Some(promoted) = &done {
                session.append_audit(
                    &event(
                        &actor,
                        Some(owner),
                        "hold-released",
                        format!("engagement {engagement}"),
                        serde_json::json!({ "promoted": promoted }),
                    ),
                    Utc::now(),
                )?;
            }
            Ok::<bool, ensemble_store::StoreError>(done.is_some())
        })
    })
    .await;
    let back = query
        .get("retour")
        .filter(|path| path.starts_with(&format!("/membres/{}/tournees", member.slug)))
        .cloned()
        .unwrap_or_else(|| format!("/membres/{}/tournees", encode(&member.slug)));
    match outcome {
        Ok(Ok(true)) => Redirect::to(&back).into_response(),
        Ok(Ok(false)) => message(lang, StatusCode::NOT_FOUND, "web-not-found"),
        _ => message(lang, StatusCode::SERVICE_UNAVAILABLE, "web-unavailable"),
    }
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
