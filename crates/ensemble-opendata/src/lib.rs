//! Open data: a public programme (performances with their shows, places, presenters and offers)
//! as schema.org JSON-LD that Artsdata's SHACL shapes accept, so that Artsdata, search engines
//! and the sector's platforms read it without re-typing, and as iCalendar for calendars
//! ([`calendar`]). No IO: the caller chooses what is public and writes the files.
//!
//! Only public entities of the model enter (`ensemble_model::Public`): the programme's fields are
//! typed so, and nothing private (deals, settlements, tickets, holds) can be passed. A credited
//! person is written only when the caller passes them in `people`: those who consented to it.
//! Groups and organisations credited are written as they are public.
//!
//! The graph:
//! * each performance is a top-level `Event` (its `@id` stable: the portal's address of the
//!   performance), named as its show in French and English, with its start (and end, when the
//!   show's duration is known) as `xsd:dateTime` with the local offset, its status and attendance
//!   mode as schema.org terms, its place (with a complete postal address, which the shapes
//!   require), its presenter as `organizer`, its show as `workPerformed`, its languages and its
//!   offers in Canadian dollars;
//! * the performances of a show at one place form an `EventSeries` (its `@id` stable too), which
//!   each names as its `superEvent`: the run of a show in a venue, as Artsdata groups them;
//! * the performing group and the credited people who consented are `performer`s (artists on
//!   stage) or `contributor`s of the show (the other credits);
//! * Artsdata, Wikidata and ISNI identifiers become `sameAs` IRIs;
//! * a performance whose place lacks part of its address is left out, with the reason, rather
//!   than published in a form the shapes refuse.

pub mod calendar;
pub mod datascene;
pub mod sample;

use std::collections::HashMap;

use ensemble_model::{
    AgentKind, EventStatus, Group, Hall, Identifiers, Offer, Organization, Performance, Person, Place, Show,
};
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
    /// The presenters, and the organisations credited in the shows.
    pub organizations: &'a [Organization],
    /// The performances' offers.
    pub offers: &'a [Offer],
    /// The groups credited in the shows.
    pub groups: &'a [Group],
    /// The people credited in the shows who consented to be published: no one else is written.
    pub people: &'a [Person],
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
    /// The presenters, and the organisations credited in the shows.
    pub organizations: Vec<Organization>,
    /// The performances' offers.
    pub offers: Vec<Offer>,
    /// The groups credited in the shows.
    pub groups: Vec<Group>,
    /// The people credited in the shows who consented to be published.
    pub people: Vec<Person>,
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
            groups: &self.groups,
            people: &self.people,
        }
    }
}

/// Why a performance was left out of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

/// An offer: its price in dollars (nought when free; none when not known, rather than a price
/// that would say it is free), its category, sold out, its ticket link.
fn offer(offer: &Offer) -> Value {
    let mut node = json!({
        "@type": "Offer",
        "priceCurrency": offer.currency,
        "category": offer.price_type.code(),
    });
    let price = if offer.is_free {
        Some(0)
    } else {
        offer.price.map(|price| price.0)
    };
    if let Some(price) = price {
        node["price"] = json!(format!("{}.{:02}", price / 100, price % 100));
    }
    if offer.sold_out {
        node["availability"] = json!("http://schema.org/SoldOut");
    }
    if let Some(url) = present(&offer.url) {
        node["url"] = json!(url);
    }
    node
}

/// Who is credited in a show, as published.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Agent<'a> {
    Person(&'a Person),
    Group(&'a Group),
    Organization(&'a Organization),
}

/// A credit of a show: who, in which role (a Datascène contribution type), and whether on stage.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Credit<'a> {
    pub agent: Agent<'a>,
    pub role: &'a str,
    pub on_stage: bool,
}

/// The role of artists on stage (Datascène `ArtisteSurScène`), that of a show's performing group.
const ON_STAGE: &str = "ArtisteSurScène";

/// A performance with every record it is published with.
pub(crate) struct Staged<'a> {
    pub performance: &'a Performance,
    pub show: &'a Show,
    pub hall: &'a Hall,
    pub place: &'a Place,
    pub presenter: &'a Organization,
    pub offers: Vec<&'a Offer>,
}

/// The programme's records by id.
pub(crate) struct Index<'a> {
    shows: HashMap<i64, &'a Show>,
    halls: HashMap<i64, &'a Hall>,
    places: HashMap<i64, &'a Place>,
    organizations: HashMap<i64, &'a Organization>,
    groups: HashMap<i64, &'a Group>,
    people: HashMap<i64, &'a Person>,
    offers: HashMap<i64, Vec<&'a Offer>>,
}

impl<'a> Index<'a> {
    pub(crate) fn new(programme: &Programme<'a>) -> Index<'a> {
        let mut offers: HashMap<i64, Vec<&Offer>> = HashMap::new();
        for offer in programme.offers {
            offers.entry(offer.performance_id.0).or_default().push(offer);
        }
        Index {
            shows: programme.shows.iter().map(|s| (s.id.0, s)).collect(),
            halls: programme.halls.iter().map(|h| (h.id.0, h)).collect(),
            places: programme.places.iter().map(|p| (p.id.0, p)).collect(),
            organizations: programme.organizations.iter().map(|o| (o.id.0, o)).collect(),
            groups: programme.groups.iter().map(|g| (g.id.0, g)).collect(),
            people: programme.people.iter().map(|p| (p.id.0, p)).collect(),
            offers,
        }
    }

    /// The programme's performances, the earliest first, each with its records; those whose
    /// show, hall, place or presenter is missing are left out.
    pub(crate) fn staged(&self, programme: &Programme<'a>) -> (Vec<Staged<'a>>, Vec<(i64, LeftOut)>) {
        let mut performances: Vec<&Performance> = programme.performances.iter().collect();
        performances.sort_by_key(|p| (p.starts_at, p.id.0));
        let mut staged = Vec::new();
        let mut left_out = Vec::new();
        for performance in performances {
            let hall = self.halls.get(&performance.hall_id.0).copied();
            let found = (
                self.shows.get(&performance.show_id.0).copied(),
                hall,
                hall.and_then(|hall| self.places.get(&hall.place_id.0).copied()),
                self.organizations.get(&performance.presenter_id.0).copied(),
            );
            let (Some(show), Some(hall), Some(place), Some(presenter)) = found else {
                left_out.push((performance.id.0, LeftOut::Incomplete));
                continue;
            };
            staged.push(Staged {
                performance,
                show,
                hall,
                place,
                presenter,
                offers: self.offers.get(&performance.id.0).cloned().unwrap_or_default(),
            });
        }
        (staged, left_out)
    }

    /// The credits of a show: its performing group on stage, then its contributions in billing
    /// order, people only when they consented (they are in the programme), each agent once per
    /// role.
    pub(crate) fn credits(&self, show: &'a Show) -> Vec<Credit<'a>> {
        let mut credits: Vec<Credit<'a>> = Vec::new();
        if let Some(group) = show.performer_group_id.and_then(|id| self.groups.get(&id.0)) {
            credits.push(Credit {
                agent: Agent::Group(group),
                role: ON_STAGE,
                on_stage: true,
            });
        }
        let mut contributions: Vec<_> = show.contributions.iter().collect();
        contributions.sort_by_key(|c| c.billing_order.unwrap_or(u32::MAX));
        for contribution in contributions {
            let id = contribution.agent.agent_id;
            let agent = match contribution.agent.kind {
                AgentKind::Person => self.people.get(&id).map(|p| Agent::Person(p)),
                AgentKind::Group => self.groups.get(&id).map(|g| Agent::Group(g)),
                AgentKind::Organization => self.organizations.get(&id).map(|o| Agent::Organization(o)),
            };
            let Some(agent) = agent else { continue };
            let role = contribution.role.as_str();
            let credit = Credit {
                agent,
                role,
                on_stage: role == ON_STAGE,
            };
            if !credits
                .iter()
                .any(|c| c.role == role && c.agent.key() == credit.agent.key())
            {
                credits.push(credit);
            }
        }
        credits
    }
}

impl Agent<'_> {
    /// The agent's kind and id.
    pub(crate) fn key(&self) -> (AgentKind, i64) {
        match self {
            Agent::Person(p) => (AgentKind::Person, p.id.0),
            Agent::Group(g) => (AgentKind::Group, g.id.0),
            Agent::Organization(o) => (AgentKind::Organization, o.id.0),
        }
    }

    pub(crate) fn name(&self) -> &str {
        match self {
            Agent::Person(p) => &p.name,
            Agent::Group(g) => &g.name,
            Agent::Organization(o) => &o.name,
        }
    }

    pub(crate) fn identifiers(&self) -> &Identifiers {
        match self {
            Agent::Person(p) => &p.identifiers,
            Agent::Group(g) => &g.identifiers,
            Agent::Organization(o) => &o.identifiers,
        }
    }

    /// The agent's stable URI.
    pub(crate) fn uri(&self, base: &str) -> String {
        match self {
            Agent::Person(p) => format!("{base}/personnes/{}", p.id.0),
            Agent::Group(g) => format!("{base}/groupes/{}", g.id.0),
            Agent::Organization(o) => format!("{base}/organisations/{}", o.id.0),
        }
    }

    /// The agent as a node of the graph.
    fn node(&self, base: &str) -> Value {
        if let Agent::Organization(organization) = self {
            return self::organization(base, organization);
        }
        let kind = match self {
            Agent::Person(_) => "Person",
            _ => "PerformingGroup",
        };
        let mut node = json!({"@id": self.uri(base), "@type": kind, "name": self.name()});
        let iris = same_as(self.identifiers());
        if !iris.is_empty() {
            node["sameAs"] = json!(iris);
        }
        node
    }
}

/// The URI of the run of a show at a place.
fn series_uri(base: &str, show: &Show, place: &Place) -> String {
    format!("{base}/spectacles/{}/lieux/{}", show.slug, place.id.0)
}

/// The programme as one JSON-LD document.
pub fn jsonld(programme: &Programme<'_>) -> Published {
    let base = programme.base.trim_end_matches('/');
    let index = Index::new(programme);
    let (staged, mut left_out) = index.staged(programme);
    let mut graph = Vec::new();
    // The runs: (show, place) → their events, in order.
    let mut runs: Vec<((i64, i64), Vec<&Staged<'_>>)> = Vec::new();
    for performance in &staged {
        let Some(location) = place(base, performance.place) else {
            left_out.push((performance.performance.id.0, LeftOut::AddressIncomplete));
            continue;
        };
        let (show, presenter) = (performance.show, performance.presenter);
        let run = (show.id.0, performance.place.id.0);
        match runs.iter_mut().find(|(key, _)| *key == run) {
            Some((_, events)) => events.push(performance),
            None => runs.push((run, vec![performance])),
        }
        let (status, mode) = status(performance.performance.status);
        let start = performance.performance.starts_at_local();
        let mut work = json!({
            "@id": format!("{base}/spectacles/{}", show.slug),
            "@type": "CreativeWork",
            "name": names(&show.title_fr, show.title_en.as_deref()),
        });
        let mut event = json!({
            "@id": format!("{base}/agenda/{}", performance.performance.id.0),
            "@type": "Event",
            "name": names(&show.title_fr, show.title_en.as_deref()),
            "startDate": start.to_rfc3339(),
            "eventStatus": status,
            "eventAttendanceMode": mode,
            "location": location,
            "organizer": organization(base, presenter),
            "superEvent": {"@id": series_uri(base, show, performance.place)},
        });
        if let Some(minutes) = show.duration_minutes {
            let end = start + chrono::Duration::minutes(i64::from(minutes));
            event["endDate"] = json!(end.to_rfc3339());
        }
        if !show.languages.is_empty() {
            event["inLanguage"] = json!(show.languages);
        }
        let iris = same_as(&show.identifiers);
        if !iris.is_empty() {
            work["sameAs"] = json!(iris);
        }
        let credits = index.credits(show);
        let performers: Vec<Value> = credits
            .iter()
            .filter(|c| c.on_stage)
            .map(|c| c.agent.node(base))
            .collect();
        let contributors: Vec<Value> = credits
            .iter()
            .filter(|c| !c.on_stage)
            .map(|c| c.agent.node(base))
            .collect();
        if !performers.is_empty() {
            event["performer"] = Value::Array(performers);
        }
        if !contributors.is_empty() {
            work["contributor"] = Value::Array(contributors);
        }
        event["workPerformed"] = work;
        if !performance.offers.is_empty() {
            event["offers"] = Value::Array(performance.offers.iter().map(|o| offer(o)).collect());
        }
        graph.push(event);
    }
    for (_, events) in runs {
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            continue;
        };
        let (show, venue) = (first.show, first.place);
        let end = last.performance.starts_at_local()
            + chrono::Duration::minutes(i64::from(show.duration_minutes.unwrap_or(0)));
        let mut series = json!({
            "@id": series_uri(base, show, venue),
            "@type": "EventSeries",
            "name": names(&show.title_fr, show.title_en.as_deref()),
            "startDate": first.performance.starts_at_local().to_rfc3339(),
            "endDate": end.to_rfc3339(),
            "location": {"@id": format!("{base}/lieux/{}", venue.id.0)},
            "workPerformed": {"@id": format!("{base}/spectacles/{}", show.slug)},
            "subEvent": events
                .iter()
                .map(|e| json!({"@id": format!("{base}/agenda/{}", e.performance.id.0)}))
                .collect::<Vec<_>>(),
        });
        if events.iter().all(|e| e.presenter.id == first.presenter.id) {
            series["organizer"] = json!({"@id": format!("{base}/organisations/{}", first.presenter.id.0)});
        }
        graph.push(series);
    }
    left_out.sort_unstable();
    Published {
        document: json!({"@context": context(), "@graph": graph}),
        left_out,
    }
}
