//! Open data: a public programme (performances with their shows, places, presenters and offers)
//! as schema.org JSON-LD that Artsdata's SHACL shapes accept, so that Artsdata, search engines
//! and the sector's platforms read it without re-typing, and as iCalendar for calendars
//! ([`calendar`]). No IO: the caller chooses what is public and writes the files.
//!
//! Only public entities of the model enter (`ensemble_model::Public`): the programme's fields are
//! typed so, and nothing private (deals, settlements, tickets, holds) can be passed. People are not
//! written: a credited person is published only with their consent, which is recorded elsewhere.
//!
//! The graph:
//! * each performance is a top-level `Event` (its `@id` stable: the portal's address of the
//!   performance), named as its show in French and English, with its start (and end, when the
//!   show's duration is known) as `xsd:dateTime` with the local offset, its status and attendance
//!   mode as schema.org terms, its place (with a complete postal address, which the shapes
//!   require), its presenter as `organizer`, its show as `workPerformed`, its languages and its
//!   offers in Canadian dollars;
//! * Artsdata, Wikidata and ISNI identifiers become `sameAs` IRIs;
//! * a performance whose place lacks part of its address is left out, with the reason, rather
//!   than published in a form the shapes refuse.

pub mod calendar;
pub mod sample;

use std::collections::HashMap;

use ensemble_model::{EventStatus, Hall, Identifiers, Offer, Organization, Performance, Place, Show};
use serde_json::{Value, json};

/// What is to be published, and where it lives.
#[derive(Debug, Clone, Copy)]
pub struct Programme<'a> {
    /// The public address of the portal (`https://ensemble.example`): the records' URIs start so.
    pub base: &'a str,
    /// The performances to publish.
    pub performances: &'a [Performance],
    /// Their shows.
    pub shows: &'a [Show],
    /// Their halls.
    pub halls: &'a [Hall],
    /// The halls' places.
    pub places: &'a [Place],
    /// The presenters.
    pub organizations: &'a [Organization],
    /// The performances' offers.
    pub offers: &'a [Offer],
}

/// The records of a programme, owned: what the caller reads from the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalogue {
    /// The performances to publish.
    pub performances: Vec<Performance>,
    /// Their shows.
    pub shows: Vec<Show>,
    /// Their halls.
    pub halls: Vec<Hall>,
    /// The halls' places.
    pub places: Vec<Place>,
    /// The presenters.
    pub organizations: Vec<Organization>,
    /// The performances' offers.
    pub offers: Vec<Offer>,
}

impl Catalogue {
    /// The catalogue as a programme whose URIs start with `base`.
    pub fn programme<'a>(&'a self, base: &'a str) -> Programme<'a> {
        Programme {
            base,
            performances: &self.performances,
            shows: &self.shows,
            halls: &self.halls,
            places: &self.places,
            organizations: &self.organizations,
            offers: &self.offers,
        }
    }
}

/// Why a performance was left out of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// Its show, hall, place or presenter is not in the programme.
    Incomplete,
    /// Its place lacks part of its postal address (street, town, province, postal code).
    AddressIncomplete,
}

/// The published graph and what it left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// The JSON-LD document (`@context` and `@graph`).
    pub document: Value,
    /// The performances left out, with why.
    pub left_out: Vec<(i64, LeftOut)>,
}

/// The document's context: schema.org as the vocabulary, identifiers and terms as IRIs, dates
/// typed, all inline (a validator offline reads it).
fn context() -> Value {
    json!({
        "@vocab": "http://schema.org/",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "sameAs": {"@type": "@id"},
        "eventStatus": {"@type": "@id"},
        "eventAttendanceMode": {"@type": "@id"},
        "availability": {"@type": "@id"},
        "startDate": {"@type": "xsd:dateTime"},
        "endDate": {"@type": "xsd:dateTime"},
    })
}

/// The `sameAs` IRIs of a record's external identifiers (those that name the thing on the web).
pub fn same_as(identifiers: &Identifiers) -> Vec<String> {
    let mut iris = Vec::new();
    if let Some(id) = identifiers
        .artsdata
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
    {
        iris.push(format!("http://kg.artsdata.ca/resource/{id}"));
    }
    if let Some(id) = identifiers
        .wikidata
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
    {
        iris.push(format!("http://www.wikidata.org/entity/{id}"));
    }
    if let Some(id) = identifiers
        .isni
        .as_deref()
        .map(|id| id.replace(' ', ""))
        .filter(|id| !id.is_empty())
    {
        iris.push(format!("https://isni.org/isni/{id}"));
    }
    iris
}

/// The schema.org term of a status, and the attendance mode it implies.
fn status(status: EventStatus) -> (&'static str, &'static str) {
    let offline = "http://schema.org/OfflineEventAttendanceMode";
    match status {
        EventStatus::Scheduled => ("http://schema.org/EventScheduled", offline),
        EventStatus::Cancelled => ("http://schema.org/EventCancelled", offline),
        EventStatus::Postponed => ("http://schema.org/EventPostponed", offline),
        EventStatus::Rescheduled => ("http://schema.org/EventRescheduled", offline),
        EventStatus::MovedOnline => (
            "http://schema.org/EventMovedOnline",
            "http://schema.org/OnlineEventAttendanceMode",
        ),
    }
}

/// A name in French, and in English when it differs.
fn names(french: &str, english: Option<&str>) -> Value {
    let mut names = vec![json!({"@value": french, "@language": "fr"})];
    if let Some(english) = english.map(str::trim).filter(|e| !e.is_empty() && *e != french) {
        names.push(json!({"@value": english, "@language": "en"}));
    }
    Value::Array(names)
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A place as the shapes want it, or `None` when its postal address is not complete. Its address
/// and coordinates have their own `@id`: a place written in several events stays one node with
/// one address (the shapes want exactly one).
fn place(base: &str, place: &Place) -> Option<Value> {
    let uri = format!("{base}/lieux/{}", place.id.0);
    let address = json!({
        "@id": format!("{uri}#adresse"),
        "@type": "PostalAddress",
        "streetAddress": present(&place.street_address)?,
        "addressLocality": present(&place.municipality)?,
        "addressRegion": present(&place.province)?,
        "postalCode": present(&place.postal_code)?,
        "addressCountry": place.country,
    });
    let mut node = json!({
        "@id": uri,
        "@type": "Place",
        "name": place.name,
        "address": address,
    });
    if let (Some(latitude), Some(longitude)) = (place.latitude, place.longitude) {
        node["geo"] = json!({
            "@id": format!("{uri}#geo"),
            "@type": "GeoCoordinates",
            "latitude": latitude,
            "longitude": longitude,
        });
    }
    let iris = same_as(&place.identifiers);
    if !iris.is_empty() {
        node["sameAs"] = json!(iris);
    }
    Some(node)
}

fn organization(base: &str, organization: &Organization) -> Value {
    let mut node = json!({
        "@id": format!("{base}/organisations/{}", organization.id.0),
        "@type": "Organization",
        "name": organization.name,
    });
    if let Some(website) = present(&organization.website) {
        node["url"] = json!(website);
    }
    let iris = same_as(&organization.identifiers);
    if !iris.is_empty() {
        node["sameAs"] = json!(iris);
    }
    node
}

fn offer(offer: &Offer) -> Value {
    let price = if offer.is_free {
        0
    } else {
        offer.price.map_or(0, |price| price.0)
    };
    let mut node = json!({
        "@type": "Offer",
        "price": format!("{}.{:02}", price / 100, price % 100),
        "priceCurrency": offer.currency,
        "category": offer.price_type.code(),
    });
    if offer.sold_out {
        node["availability"] = json!("http://schema.org/SoldOut");
    }
    if let Some(url) = present(&offer.url) {
        node["url"] = json!(url);
    }
    node
}

/// The programme as one JSON-LD document.
pub fn jsonld(programme: &Programme<'_>) -> Published {
    let base = programme.base.trim_end_matches('/');
    let shows: HashMap<i64, &Show> = programme.shows.iter().map(|s| (s.id.0, s)).collect();
    let halls: HashMap<i64, &Hall> = programme.halls.iter().map(|h| (h.id.0, h)).collect();
    let places: HashMap<i64, &Place> = programme.places.iter().map(|p| (p.id.0, p)).collect();
    let organizations: HashMap<i64, &Organization> = programme.organizations.iter().map(|o| (o.id.0, o)).collect();
    let mut offers: HashMap<i64, Vec<&Offer>> = HashMap::new();
    for offer in programme.offers {
        offers.entry(offer.performance_id.0).or_default().push(offer);
    }
    let mut graph = Vec::new();
    let mut left_out = Vec::new();
    let mut performances: Vec<&Performance> = programme.performances.iter().collect();
    performances.sort_by_key(|p| (p.starts_at, p.id.0));
    for performance in performances {
        let found = shows.get(&performance.show_id.0).zip(
            halls
                .get(&performance.hall_id.0)
                .and_then(|hall| places.get(&hall.place_id.0))
                .zip(organizations.get(&performance.presenter_id.0)),
        );
        let Some((show, (venue, presenter))) = found else {
            left_out.push((performance.id.0, LeftOut::Incomplete));
            continue;
        };
        let Some(location) = place(base, venue) else {
            left_out.push((performance.id.0, LeftOut::AddressIncomplete));
            continue;
        };
        let (status, mode) = status(performance.status);
        let mut event = json!({
            "@id": format!("{base}/agenda/{}", performance.id.0),
            "@type": "Event",
            "name": names(&show.title_fr, show.title_en.as_deref()),
            "startDate": performance.starts_at.to_rfc3339(),
            "eventStatus": status,
            "eventAttendanceMode": mode,
            "location": location,
            "organizer": organization(base, presenter),
            "workPerformed": {
                "@id": format!("{base}/spectacles/{}", show.slug),
                "@type": "CreativeWork",
                "name": names(&show.title_fr, show.title_en.as_deref()),
            },
        });
        if let Some(minutes) = show.duration_minutes {
            let end = performance.starts_at + chrono::Duration::minutes(i64::from(minutes));
            event["endDate"] = json!(end.to_rfc3339());
        }
        if !show.languages.is_empty() {
            event["inLanguage"] = json!(show.languages);
        }
        let iris = same_as(&show.identifiers);
        if !iris.is_empty() {
            event["workPerformed"]["sameAs"] = json!(iris);
        }
        if let Some(list) = offers.get(&performance.id.0) {
            event["offers"] = Value::Array(list.iter().map(|o| offer(o)).collect());
        }
        graph.push(event);
    }
    Published {
        document: json!({"@context": context(), "@graph": graph}),
        left_out,
    }
}
