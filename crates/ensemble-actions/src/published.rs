//! The open-data files, by their stable path, the same whether `ensemble publish` writes them to
//! a folder or the portal serves them under `/donnees-ouvertes/`:
//!
//! * `consortium.jsonld`, `consortium.ics`, `consortium.datascene.json`: every member's programme;
//! * `CODE.jsonld`, `CODE.ics`, `CODE.datascene.json`: one member's;
//! * `lieux/N.ics` and `spectacles/CODE.ics`: the calendar of a venue and of a show.
//!
//! A file changes only when the records or the choices behind it do, or when an announcement
//! date or a consent comes: [`last_modified`] is that moment (the calendars' stamp), so the
//! portal can answer a crawler's conditional request with "not modified".

use chrono::{DateTime, NaiveDate, Utc};
use ensemble_model::Member;
use ensemble_opendata::{Catalogue, LeftOut};
use ensemble_store::{ListFilter, Store};

use crate::{ActionError, Clock};

/// A published file.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedFile {
    /// Its path under the open-data folder (`consortium.jsonld`, `lieux/12.ics`).
    pub path: String,
    /// Its media type.
    pub media_type: &'static str,
    /// Its text.
    pub text: String,
    /// How many performances it holds (none for the venue's and show's calendars).
    pub events: usize,
    /// How many performances it leaves out for their place's incomplete address.
    pub unaddressed: usize,
}

/// The media types of the three forms.
pub const JSONLD: &str = "application/ld+json";
/// iCalendar.
pub const CALENDAR: &str = "text/calendar; charset=utf-8";
/// Datascène records.
pub const DATASCENE: &str = "application/json";

/// What the files are computed from: the portal's address and the moment they were last changed.
#[derive(Debug, Clone, Copy)]
pub struct Publishing<'a> {
    /// The portal's public address: the records' URIs start with it.
    pub base: &'a str,
    /// The consortium's today: announcements and consents count from their day.
    pub today: NaiveDate,
    /// The calendars' stamp (see [`last_modified`]).
    pub stamp: DateTime<Utc>,
}

/// The three files of a programme named `name`.
fn forms(name: &str, catalogue: &Catalogue, publishing: &Publishing<'_>) -> Vec<PublishedFile> {
    let programme = catalogue.programme(publishing.base);
    let graph = ensemble_opendata::jsonld(&programme);
    let records = ensemble_opendata::datascene::records(&programme);
    let events = graph.document["@graph"]
        .as_array()
        .map_or(0, |nodes| nodes.iter().filter(|n| n["@type"] == "Event").count());
    let unaddressed = |left_out: &[(i64, LeftOut)]| {
        left_out
            .iter()
            .filter(|(_, why)| *why == LeftOut::AddressIncomplete)
            .count()
    };
    vec![
        PublishedFile {
            path: format!("{name}.jsonld"),
            media_type: JSONLD,
            text: serde_json::to_string_pretty(&graph.document).unwrap_or_default(),
            events,
            unaddressed: unaddressed(&graph.left_out),
        },
        PublishedFile {
            path: format!("{name}.ics"),
            media_type: CALENDAR,
            text: ensemble_opendata::calendar::ics(&programme, name, publishing.stamp),
            events: catalogue.performances.len(),
            unaddressed: 0,
        },
        PublishedFile {
            path: format!("{name}.datascene.json"),
            media_type: DATASCENE,
            text: serde_json::to_string_pretty(&records.records).unwrap_or_default(),
            events: catalogue.performances.len().saturating_sub(records.left_out.len()),
            unaddressed: unaddressed(&records.left_out),
        },
    ]
}

/// The calendar of part of the consortium's programme.
fn feed(
    path: String,
    name: &str,
    everything: &Catalogue,
    keep: impl Fn(&ensemble_model::Performance) -> bool,
    publishing: &Publishing<'_>,
) -> PublishedFile {
    let mut part = everything.clone();
    part.performances.retain(|p| keep(p));
    PublishedFile {
        path,
        media_type: CALENDAR,
        text: ensemble_opendata::calendar::ics(&part.programme(publishing.base), name, publishing.stamp),
        events: 0,
        unaddressed: 0,
    }
}

/// The calendars of each venue and each show of the consortium's programme.
fn feeds(everything: &Catalogue, publishing: &Publishing<'_>) -> Vec<PublishedFile> {
    let mut files = Vec::new();
    for place in &everything.places {
        let halls: Vec<i64> = everything
            .halls
            .iter()
            .filter(|h| h.place_id == place.id)
            .map(|h| h.id.0)
            .collect();
        let path = format!("lieux/{}.ics", place.id.0);
        files.push(feed(
            path,
            &place.name,
            everything,
            |p| halls.contains(&p.hall_id.0),
            publishing,
        ));
    }
    for show in &everything.shows {
        let path = format!("spectacles/{}.ics", show.slug);
        files.push(feed(
            path,
            &show.title_fr,
            everything,
            |p| p.show_id == show.id,
            publishing,
        ));
    }
    files
}

fn members(store: &Store) -> Result<Vec<Member>, ActionError> {
    Ok(store.list_any::<Member>(&ListFilter::default())?)
}

/// Every file: the consortium's, each member's, and the venues' and shows' calendars; with
/// `only`, that member's three files alone.
pub fn all(
    store: &Store,
    only: Option<&Member>,
    publishing: &Publishing<'_>,
) -> Result<Vec<PublishedFile>, ActionError> {
    let members = members(store)?;
    let mut files = Vec::new();
    if only.is_none() {
        let everything = crate::publication::programme(store, &members, publishing.today)?;
        files.extend(forms("consortium", &everything, publishing));
        files.extend(feeds(&everything, publishing));
    }
    for member in members.iter().filter(|m| only.is_none_or(|only| only.id == m.id)) {
        let catalogue = crate::publication::programme(store, std::slice::from_ref(member), publishing.today)?;
        files.extend(forms(&member.slug, &catalogue, publishing));
    }
    Ok(files)
}

/// The file at `path`, or `None` when there is none.
pub fn one(store: &Store, path: &str, publishing: &Publishing<'_>) -> Result<Option<PublishedFile>, ActionError> {
    let members = members(store)?;
    if let Some(rest) = path.strip_prefix("lieux/").or_else(|| path.strip_prefix("spectacles/")) {
        if rest.contains('/') || !rest.ends_with(".ics") {
            return Ok(None);
        }
        let everything = crate::publication::programme(store, &members, publishing.today)?;
        return Ok(feeds(&everything, publishing).into_iter().find(|f| f.path == path));
    }
    let Some(name) = [".jsonld", ".ics", ".datascene.json"]
        .iter()
        .find_map(|suffix| path.strip_suffix(suffix))
    else {
        return Ok(None);
    };
    let publishers: Vec<Member> = match name {
        "consortium" => members,
        slug => match members.into_iter().find(|m| m.slug == slug) {
            Some(member) => vec![member],
            None => return Ok(None),
        },
    };
    let catalogue = crate::publication::programme(store, &publishers, publishing.today)?;
    Ok(forms(name, &catalogue, publishing).into_iter().find(|f| f.path == path))
}

/// When the published files last changed, at the latest: the latest entry of the audit trail
/// (every write is audited), or the start of the latest day an announcement or a consent took
/// effect, whichever is later. Never earlier than a change, so a conditional request is never
/// answered "not modified" wrongly; at times later than one, which costs a download.
pub fn last_modified(store: &Store, clock: &Clock) -> Result<DateTime<Utc>, ActionError> {
    let today = clock.today();
    store
        .read(|session| {
            let audited = session
                .audit_entries(None, 1)?
                .first()
                .map(|e| e.at.with_timezone(&Utc));
            let days = session
                .published_shows(None)?
                .into_iter()
                .map(|p| p.announced_on)
                .chain(session.publication_consents(None)?.into_iter().map(|c| c.given_on))
                .filter(|day| *day <= today)
                .max();
            let started = days.and_then(|day| {
                day.and_hms_opt(0, 0, 0)
                    .and_then(|midnight| midnight.and_local_timezone(clock.zone()).earliest())
                    .map(|moment| moment.with_timezone(&Utc))
            });
            Ok(audited.max(started).unwrap_or(DateTime::UNIX_EPOCH))
        })
        .map_err(ActionError::Store)
}
