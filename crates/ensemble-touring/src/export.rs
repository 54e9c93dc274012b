//! A plan's proposed holds as a calendar (ICS, RFC 5545) and a table (CSV): one all-day event or
//! row per stop of the chosen alternative, with its kind (confirmed, hold, proposed).

use ensemble_model::cells::spreadsheet_safe;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use crate::season::{Scenario, StopKind, TourPlan};

fn kind_code(kind: StopKind) -> &'static str {
    match kind {
        StopKind::Confirmed => "confirmed",
        StopKind::Hold => "hold",
        StopKind::Proposed => "proposed",
    }
}

/// The stops of `scenario` as an iCalendar file; `label` names a stop's kind in the reader's
/// language (for the event's title).
pub fn ics(plan: &TourPlan, scenario: &Scenario, label: &dyn Fn(StopKind) -> String) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&format!("{} — {} → {}", plan.show.title_fr, plan.from, plan.to));
    for stop in &scenario.stops {
        let town = stop.municipality.clone().unwrap_or_default();
        let mut event = Event::new();
        event
            .all_day(stop.date)
            .summary(&format!(
                "{} — {} — {}",
                label(stop.kind),
                plan.show.title_fr,
                stop.name
            ))
            .location(&[stop.hall.clone().unwrap_or_default(), town].join(", "))
            .description(&format!("{} {} $", plan.show.slug, stop.fee / 100))
            .uid(&format!(
                "{}-{}-{}@ensemble",
                plan.show.slug, stop.date, stop.presenter.0
            ))
            .status(if stop.kind == StopKind::Confirmed {
                EventStatus::Confirmed
            } else {
                EventStatus::Tentative
            });
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// The stops of `scenario` as CSV (names that look like formulas kept as text), with a header: date, kind, hold level, presenter, town, hall,
/// fee in dollars, and the leg that leads there (km, days, kg CO2e).
pub fn csv(scenario: &Scenario) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "date",
        "kind",
        "hold_level",
        "presenter",
        "municipality",
        "hall",
        "fee",
        "leg_km",
        "leg_days",
        "leg_kg_co2e",
    ])?;
    for (stop, leg) in scenario.stops.iter().zip(&scenario.legs) {
        writer.write_record([
            stop.date.to_string(),
            kind_code(stop.kind).to_string(),
            stop.hold_level.map(|level| level.to_string()).unwrap_or_default(),
            spreadsheet_safe(&stop.name).into_owned(),
            spreadsheet_safe(stop.municipality.as_deref().unwrap_or_default()).into_owned(),
            spreadsheet_safe(stop.hall.as_deref().unwrap_or_default()).into_owned(),
            format!("{:.2}", stop.fee as f64 / 100.0),
            format!("{:.1}", leg.km),
            leg.days.to_string(),
            format!("{:.1}", leg.emissions.total_kg()),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
