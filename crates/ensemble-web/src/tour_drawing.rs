//! The drawings of a tour plan, made on the server without script: the period as a timeline, the
//! route as a map drawn from coordinates (no map tiles), and the show's calendar month by month.
//! Each SVG has a title and a description that screen readers read; the page's tables give the
//! same information.

use std::fmt::Write;

use chrono::{Datelike, Duration, NaiveDate};
use ensemble_i18n::{Arg, Lang, format, tr, tr_args};
use ensemble_touring::season::{Scenario, StopKind, TourPlan};

use crate::chart::escape;
use ensemble_touring::words::{scenario_name, stop_label};

/// A day of the calendar.
pub struct DayCell {
    pub(crate) number: u32,
    pub(crate) entries: Vec<(String, String)>,
}

/// A month of the calendar: weeks of seven cells (none outside the month).
pub struct MonthView {
    pub(crate) title: String,
    pub(crate) weeks: Vec<Vec<Option<DayCell>>>,
}

fn colour(kind: StopKind) -> &'static str {
    match kind {
        StopKind::Confirmed => "#1d6b2f",
        StopKind::Hold => "#b35c00",
        StopKind::Proposed => "#0b4f8a",
    }
}

/// The period as a line of days: the show's blocked days as bands, each date of the route as a dot
/// coloured by its kind, the months marked.
pub(crate) fn timeline(lang: Lang, plan: &TourPlan, scenario: &Scenario) -> String {
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
pub(crate) fn map(lang: Lang, plan: &TourPlan, scenario: &Scenario) -> String {
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
pub(crate) fn calendar(lang: Lang, plan: &TourPlan, scenario: &Scenario) -> Vec<MonthView> {
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
