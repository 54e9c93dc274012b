//! The same programme as an iCalendar file (RFC 5545), for a member's, a venue's or a show's feed:
//! one event per performance, its times in UTC (so that every calendar places it right whatever
//! its own zone), its place, its link; a cancelled performance stays as a cancelled event, so that
//! calendars that copied it take it off.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ensemble_model::{EventStatus, Performance};
use icalendar::{Calendar, Component, Event, EventLike};

use crate::Programme;

/// The programme's performances as one calendar named `name`; `stamp` is when it is written.
pub fn ics(programme: &Programme<'_>, name: &str, stamp: DateTime<Utc>) -> String {
    let base = programme.base.trim_end_matches('/');
    let shows: HashMap<i64, _> = programme.shows.iter().map(|s| (s.id.0, s)).collect();
    let halls: HashMap<i64, _> = programme.halls.iter().map(|h| (h.id.0, h)).collect();
    let places: HashMap<i64, _> = programme.places.iter().map(|p| (p.id.0, p)).collect();
    let mut performances: Vec<&Performance> = programme.performances.iter().collect();
    performances.sort_by_key(|p| (p.starts_at, p.id.0));
    let mut calendar = Calendar::new();
    calendar.name(name);
    for performance in performances {
        let Some(show) = shows.get(&performance.show_id.0) else {
            continue;
        };
        let hall = halls.get(&performance.hall_id.0);
        let place = hall.and_then(|h| places.get(&h.place_id.0));
        let location: Vec<&str> = [
            hall.map(|h| h.name.as_str()),
            place.map(|p| p.name.as_str()),
            place.and_then(|p| p.street_address.as_deref()),
            place.and_then(|p| p.municipality.as_deref()),
        ]
        .into_iter()
        .flatten()
        .filter(|part| !part.trim().is_empty())
        .collect();
        let uri = format!("{base}/agenda/{}", performance.id.0);
        let start = performance.starts_at.with_timezone(&Utc);
        let mut event = Event::new();
        event
            .uid(&uri)
            .timestamp(stamp)
            .summary(&show.title_fr)
            .starts(start)
            .location(&location.join(", "))
            .url(&uri)
            .status(match performance.status {
                EventStatus::Cancelled => icalendar::EventStatus::Cancelled,
                EventStatus::Postponed => icalendar::EventStatus::Tentative,
                _ => icalendar::EventStatus::Confirmed,
            });
        if let Some(minutes) = show.duration_minutes {
            event.ends(start + chrono::Duration::minutes(i64::from(minutes)));
        }
        if let Some(english) = show.title_en.as_deref().filter(|e| *e != show.title_fr) {
            event.description(english);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}
