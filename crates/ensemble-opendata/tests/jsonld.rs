//! The public programme as JSON-LD, on a fictional presenter's season: each performance an
//! `Event` with a stable `@id`, its show's names tagged French and English, its start with its
//! local offset, its status and attendance mode as schema.org terms, its place with the complete
//! postal address Artsdata's shapes require, its presenter, its offers in dollars, and `sameAs`
//! IRIs from external identifiers; a performance whose place lacks part of its address is left
//! out with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_model::*;
use ensemble_opendata::sample::performance;
use ensemble_opendata::{LeftOut, jsonld};
use serde_json::{Value, json};

fn published(performances: &[Performance]) -> (Value, Vec<(i64, LeftOut)>) {
    let season = ensemble_opendata::Catalogue {
        performances: performances.to_vec(),
        ..ensemble_opendata::sample::season()
    };
    let done = jsonld(&season.programme(ensemble_opendata::sample::BASE));
    (done.document, done.left_out)
}

fn events(document: &Value) -> Vec<&Value> {
    let graph = document["@graph"].as_array().unwrap();
    graph.iter().filter(|node| node["@type"] == "Event").collect()
}

#[test]
fn a_performance_is_an_event_the_shapes_accept() {
    let (document, left_out) = published(&[performance(
        100,
        10,
        "2026-10-01T20:00:00-04:00",
        EventStatus::Scheduled,
    )]);
    assert!(left_out.is_empty());
    assert_eq!(document["@context"]["@vocab"], "http://schema.org/");
    assert_eq!(document["@context"]["sameAs"], json!({"@type": "@id"}));
    let event = &document["@graph"][0];
    assert_eq!(event["@id"], "https://ensemble.example/agenda/100");
    assert_eq!(event["@type"], "Event");
    assert_eq!(
        event["name"],
        json!([{"@value": "Les Marées", "@language": "fr"}, {"@value": "The Tides", "@language": "en"}])
    );
    assert_eq!(event["startDate"], "2026-10-01T20:00:00-04:00");
    assert_eq!(event["endDate"], "2026-10-01T21:30:00-04:00", "the show's 90 minutes");
    assert_eq!(event["eventStatus"], "http://schema.org/EventScheduled");
    assert_eq!(
        event["eventAttendanceMode"],
        "http://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(event["inLanguage"], json!(["fr"]));
    let location = &event["location"];
    assert_eq!(location["@id"], "https://ensemble.example/lieux/1");
    assert_eq!(location["sameAs"], json!(["http://kg.artsdata.ca/resource/K99-1"]));
    assert_eq!(
        location["address"],
        json!({"@id": "https://ensemble.example/lieux/1#adresse", "@type": "PostalAddress", "streetAddress": "12, rue Fictive", "addressLocality": "Sherbrooke",
               "addressRegion": "QC", "postalCode": "J1H 1A1", "addressCountry": "CA"})
    );
    assert_eq!(event["organizer"]["name"], "Diffusion fictive");
    assert_eq!(
        event["workPerformed"]["@id"],
        "https://ensemble.example/spectacles/les-marees"
    );
    assert_eq!(
        event["workPerformed"]["sameAs"],
        json!(["http://www.wikidata.org/entity/Q4115189"])
    );
    let offers = event["offers"].as_array().unwrap();
    assert_eq!(offers[0]["price"], "34.50");
    assert_eq!(offers[0]["priceCurrency"], "CAD");
    assert_eq!(offers[1]["availability"], "http://schema.org/SoldOut");
}

#[test]
fn statuses_are_schema_org_terms_and_events_come_in_time_order() {
    let (document, _) = published(&[
        performance(102, 10, "2026-10-03T20:00:00-04:00", EventStatus::MovedOnline),
        performance(101, 10, "2026-10-02T20:00:00-04:00", EventStatus::Cancelled),
    ]);
    let graph = document["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@id"], "https://ensemble.example/agenda/101");
    assert_eq!(graph[0]["eventStatus"], "http://schema.org/EventCancelled");
    assert_eq!(graph[1]["eventStatus"], "http://schema.org/EventMovedOnline");
    assert_eq!(
        graph[1]["eventAttendanceMode"],
        "http://schema.org/OnlineEventAttendanceMode"
    );
}

/// The performances of a show in one place are a run: an `EventSeries` with its first start and
/// last end, its place, and every performance as a `subEvent`, each naming it as `superEvent`.
#[test]
fn the_runs_of_a_show_are_event_series() {
    let (document, _) = published(&[
        performance(100, 10, "2026-10-01T20:00:00-04:00", EventStatus::Scheduled),
        performance(101, 10, "2026-10-02T20:00:00-04:00", EventStatus::Cancelled),
    ]);
    let graph = document["@graph"].as_array().unwrap();
    let series: Vec<&Value> = graph.iter().filter(|n| n["@type"] == "EventSeries").collect();
    assert_eq!(series.len(), 1);
    let run = series[0];
    assert_eq!(run["@id"], "https://ensemble.example/spectacles/les-marees/lieux/1");
    assert_eq!(run["startDate"], "2026-10-01T20:00:00-04:00");
    assert_eq!(run["endDate"], "2026-10-02T21:30:00-04:00");
    assert_eq!(run["location"]["@id"], "https://ensemble.example/lieux/1");
    assert_eq!(
        run["subEvent"],
        json!([{"@id": "https://ensemble.example/agenda/100"}, {"@id": "https://ensemble.example/agenda/101"}])
    );
    for event in events(&document) {
        assert_eq!(event["superEvent"]["@id"], run["@id"]);
    }
}

/// The performing group and the credited person who consented perform; the person who did not
/// consent is nowhere, neither by name nor by address.
#[test]
fn only_consented_people_are_credited() {
    let (document, _) = published(&[performance(
        100,
        10,
        "2026-10-01T20:00:00-04:00",
        EventStatus::Scheduled,
    )]);
    let event = events(&document)[0];
    let performers = event["performer"].as_array().unwrap();
    assert_eq!(performers[0]["@type"], "PerformingGroup");
    assert_eq!(performers[0]["name"], "Collectif des Marées");
    assert_eq!(performers[1]["@type"], "Person");
    assert_eq!(performers[1]["name"], "Camille Fictive");
    assert_eq!(performers.len(), 2);
    let text = document.to_string();
    let absent = format!("personnes/{}", ensemble_opendata::sample::NOT_CONSENTED);
    assert!(!text.contains(&absent), "{text}");
    assert!(
        event["workPerformed"].get("contributor").is_none(),
        "the unconsented director"
    );
}

/// An offer whose price is not known says no price, rather than one that would make it free; a
/// free one says nought.
#[test]
fn an_unknown_price_is_not_written_as_free() {
    let mut season = ensemble_opendata::sample::season();
    season.performances.truncate(1);
    season.offers[0].price = None;
    season.offers[1].is_free = true;
    season.offers[1].price = None;
    let document = jsonld(&season.programme(ensemble_opendata::sample::BASE)).document;
    let offers = events(&document)[0]["offers"].as_array().unwrap().clone();
    assert!(offers[0].get("price").is_none(), "{offers:?}");
    assert_eq!(offers[1]["price"], "0.00");
}

#[test]
fn a_place_without_its_full_address_is_left_out_with_the_reason() {
    let (document, left_out) = published(&[
        performance(100, 10, "2026-10-01T20:00:00-04:00", EventStatus::Scheduled),
        performance(103, 20, "2026-10-04T20:00:00-04:00", EventStatus::Scheduled),
        performance(104, 99, "2026-10-05T20:00:00-04:00", EventStatus::Scheduled),
    ]);
    assert_eq!(events(&document).len(), 1);
    assert_eq!(
        left_out,
        vec![(103, LeftOut::AddressIncomplete), (104, LeftOut::Incomplete)]
    );
}

/// The same season as a calendar: one event per performance at its UTC time, the cancelled one
/// kept as cancelled, lines folded as RFC 5545 wants (75 octets at most).
#[test]
fn the_season_as_a_calendar() {
    let season = ensemble_opendata::sample::season();
    let stamp = chrono::DateTime::parse_from_rfc3339("2026-09-01T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let text = ensemble_opendata::calendar::ics(
        &season.programme(ensemble_opendata::sample::BASE),
        "Diffusion fictive",
        stamp,
    );
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 4, "{text}");
    assert!(text.contains("DTSTART:20261002T000000Z"), "20:00 at -04:00: {text}");
    assert!(text.contains("DTEND:20261002T013000Z"));
    assert!(text.contains("UID:https://ensemble.example/agenda/101"));
    let cancelled = text
        .split("BEGIN:VEVENT")
        .find(|event| event.contains("agenda/101"))
        .unwrap();
    assert!(cancelled.contains("STATUS:CANCELLED"), "{cancelled}");
    assert!(text.contains("SUMMARY:Les Marées") && text.contains("DESCRIPTION:The Tides"));
    assert!(text.lines().all(|line| line.len() <= 75), "{text}");
    assert!(text.contains("\r\n"), "lines end with CRLF");
}
