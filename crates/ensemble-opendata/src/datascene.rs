//! The programme as Datascène records (Québec's show-metadata standard), valid against its
//! published JSON Schemas: each place with the halls the programme uses (`Place` with `inRoom`),
//! then each show with its performances (`Show` with `hasPerformance`), each performance with
//! one offer that says where (place and hall), its status, its price in dollars, whether it is
//! free or sold out and where tickets are sold.
//!
//! Datascène's terms come from the model's vocabularies (disciplines of the ASQ taxonomy, target
//! audiences, content warnings, contribution types), with their codes, IRIs and labels. What the
//! model does not hold is not invented: a show's description is left empty, and a show with no
//! spoken language recorded is published as a show without words.

use ensemble_model::{Hall, Offer, Place, PriceType, Show, geo, vocab};
use serde_json::{Value, json};

use crate::{Agent, Credit, Index, LeftOut, Programme, Staged, present, same_as};

/// The `@context` the show schema requires: its published value, host spelled as it is there.
pub const CONTEXT: &str = "https://datascence.ca/context.jsonld";

/// The records and what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    /// The records: places first, then shows.
    pub records: Vec<Value>,
    /// The performances left out, with why.
    pub left_out: Vec<(i64, LeftOut)>,
}

/// A multilingual text: French, and English when it differs.
fn text(french: &str, english: Option<&str>) -> Value {
    let mut texts = vec![json!({"lang": "fr", "value": french})];
    if let Some(english) = english.map(str::trim).filter(|e| !e.is_empty() && *e != french) {
        texts.push(json!({"lang": "en", "value": english}));
    }
    Value::Array(texts)
}

/// A record's identifiers: its URI in Ensemble, then its web identifiers (Artsdata, Wikidata,
/// ISNI) as IRIs.
fn identifier(uri: String, identifiers: &ensemble_model::Identifiers) -> Value {
    let mut all = vec![uri];
    all.extend(same_as(identifiers));
    json!(all)
}

/// ISO 3166 alpha-3 of the alpha-2 codes the model keeps (the countries Québec companies tour
/// to most); another country is not guessed.
fn alpha3(alpha2: &str) -> Option<&'static str> {
    const COUNTRIES: &[(&str, &str)] = &[
        ("CA", "CAN"),
        ("US", "USA"),
        ("FR", "FRA"),
        ("BE", "BEL"),
        ("CH", "CHE"),
        ("LU", "LUX"),
        ("GB", "GBR"),
        ("DE", "DEU"),
        ("MX", "MEX"),
    ];
    let alpha2 = alpha2.trim().to_ascii_uppercase();
    COUNTRIES
        .iter()
        .find(|(two, _)| *two == alpha2)
        .map(|(_, three)| *three)
}

/// A place's postal address as Datascène wants it, or `None` when a part is missing or not in
/// its form (a Canadian postal code `A1A 1A1`, a province's two letters, a country it knows).
fn address(place: &Place) -> Option<Value> {
    let country = alpha3(&place.country)?;
    let region = present(&place.province)?.to_ascii_uppercase();
    let postal_code = if country == "CAN" {
        geo::normalize_postal_code(present(&place.postal_code)?)?
    } else {
        return None;
    };
    (region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase())).then_some(())?;
    Some(json!({
        "type": "PostalAddress",
        "streetAddress": present(&place.street_address)?,
        "addressLocality": present(&place.municipality)?,
        "addressRegion": region,
        "postalCode": postal_code,
        "addressCountry": country,
    }))
}

/// A place (without its halls), or `None` when its address is not complete.
fn place(base: &str, place: &Place) -> Option<Value> {
    let mut record = json!({
        "type": "Place",
        "identifier": identifier(format!("{base}/lieux/{}", place.id.0), &place.identifiers),
        "name": text(&place.name, None),
        "virtualPlace": false,
        "address": address(place)?,
    });
    if let (Some(latitude), Some(longitude)) = (place.latitude, place.longitude) {
        record["geoCoordinates"] = json!({"latitude": latitude, "longitude": longitude});
    }
    Some(record)
}

/// What is escaped of an IRI to make it a URI: controls, spaces and every non-ASCII byte.
const NOT_URI: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');

/// A term of one of the model's vocabularies, with its IRI and labels; `None` for a code the
/// vocabulary does not know.
fn term(vocabulary: &str, source: &str, code: &str, position: usize) -> Option<Value> {
    let found = vocab::vocabulary(vocabulary)?.term(code)?;
    let mut term = json!({
        "type": "Term",
        "vocabulary": source,
        "code": found.code,
        "label": text(&found.label_fr, found.label_en.as_deref()),
        "sequenceNumber": position + 1,
    });
    if let Some(iri) = &found.iri {
        // The schema wants a URI: the accents of a code (`ArtisteSurScène`) are percent-encoded.
        let uri = percent_encoding::utf8_percent_encode(iri, NOT_URI).to_string();
        term["identifier"] = json!([uri]);
    }
    Some(term)
}

fn terms<'c>(vocabulary: &str, source: &str, codes: impl Iterator<Item = &'c str>) -> Value {
    Value::Array(
        codes
            .enumerate()
            .filter_map(|(position, code)| term(vocabulary, source, code, position))
            .collect(),
    )
}

/// Wheelchair access, the one accessibility feature the model records of a hall.
const WHEELCHAIR: &str = "AccessibleFauteuilRoulant";

/// A hall as a Datascène room.
fn room(base: &str, hall: &Hall, place: &Place) -> Value {
    let mut room = json!({
        "type": "Room",
        "identifier": identifier(format!("{base}/salles/{}", hall.id.0), &hall.identifiers),
        "nameSameAsPlace": hall.name.trim() == place.name.trim(),
        "name": text(&hall.name, None),
    });
    if hall.specs.wheelchair_accessible == Some(true) {
        room["roomAccessibility"] = json!([{
            "type": "Term",
            "vocabulary": "ensemble",
            "code": WHEELCHAIR,
            "label": text("Accessible en fauteuil roulant", Some("Wheelchair accessible")),
            "sequenceNumber": 1,
        }]);
    }
    let configurations: Vec<Value> = hall
        .configurations
        .iter()
        .filter_map(|configuration| {
            let layout = term("hall-configurations", "datascene", configuration.kind.as_str(), 0)?;
            Some(json!({"type": "RoomConfiguration", "layout": layout, "capacity": configuration.capacity}))
        })
        .collect();
    if !configurations.is_empty() {
        room["roomConfiguration"] = Value::Array(configurations);
    }
    room
}

/// An amount in Datascène's form: dollars, a comma between thousands, two decimals.
fn dollars(cents: i64) -> String {
    let cents = cents.max(0);
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (position, digit) in whole.chars().enumerate() {
        if position > 0 && (whole.len() - position).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{grouped}.{:02}", cents % 100)
}

/// The offer of a performance: where, its status, and its regular price (else its first); a
/// performance with no offer recorded gets one that only says where, with no ticket link.
fn offer(performance: &Staged<'_>, place_record: &Value, room_record: &Value) -> Value {
    let status = match performance.performance.status {
        ensemble_model::EventStatus::Scheduled => "EventScheduled",
        ensemble_model::EventStatus::Cancelled => "EventCancelled",
        ensemble_model::EventStatus::Postponed => "EventPostponed",
        ensemble_model::EventStatus::Rescheduled => "EventRescheduled",
        ensemble_model::EventStatus::MovedOnline => "EventMovedOnline",
    };
    let offers = &performance.offers;
    let chosen: Option<&Offer> = offers
        .iter()
        .find(|o| o.price_type == PriceType::Regular)
        .or_else(|| offers.first())
        .copied();
    let free = chosen.is_some_and(|o| o.is_free || o.price_type == PriceType::Free);
    let link = chosen.and_then(|o| present(&o.url));
    let mut record = json!({
        "type": "Offer",
        "inPlace": place_record,
        "inRoom": room_record,
        "isSoldout": !offers.is_empty() && offers.iter().all(|o| o.sold_out),
        "offerStatus": status,
        "isAccessibleForFree": free,
        "isAccessibleFromAnotherOffer": false,
        "ticketLinkNotAvailable": link.is_none(),
    });
    if let Some(price) = chosen.and_then(|o| o.price).filter(|_| !free) {
        record["price"] = json!(dollars(price.0));
    }
    if let Some(link) = link {
        record["ticketLink"] = json!(link);
    }
    record
}

/// A credit as a Datascène contribution.
fn contribution(base: &str, credit: &Credit<'_>, position: usize) -> Value {
    let kind = match credit.agent {
        Agent::Person(_) => "Person",
        Agent::Group(_) => "Group",
        Agent::Organization(_) => "Organization",
    };
    json!({
        "type": "Contribution",
        "contributionType": terms("contribution-types", "datascene", std::iter::once(credit.role)),
        "contributor": {
            "type": "Contributor",
            "contributorType": kind,
            "identifier": identifier(credit.agent.uri(base), credit.agent.identifiers()),
            "name": text(credit.agent.name(), None),
        },
        "sequenceNumber": position + 1,
    })
}

/// A show without its performances.
fn show(base: &str, index: &Index<'_>, show: &Show) -> Value {
    let mut record = json!({
        "@context": CONTEXT,
        "type": "Show",
        "identifier": identifier(format!("{base}/spectacles/{}", show.slug), &show.identifiers),
        "name": text(&show.title_fr, show.title_en.as_deref()),
        "description": [],
        "discipline": terms("disciplines-asq", "scenepro", show.disciplines.iter().map(|d| d.as_str())),
        "audience": terms("public-cible", "datascene", show.audiences.iter().map(|a| a.as_str())),
        "showWithoutWords": show.languages.is_empty(),
        "hasPerformance": [],
    });
    let languages: Vec<&str> = show
        .languages
        .iter()
        .map(|l| l.trim())
        .filter(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()))
        .collect();
    if !languages.is_empty() {
        record["inLanguage"] = json!(languages);
    }
    if !show.warnings.is_empty() {
        record["contentWarning"] = terms("warnings", "datascene", show.warnings.iter().map(|w| w.as_str()));
    }
    let credits: Vec<Value> = index
        .credits(show)
        .iter()
        .enumerate()
        .map(|(position, credit)| contribution(base, credit, position))
        .collect();
    if !credits.is_empty() {
        record["hasContribution"] = Value::Array(credits);
    }
    record
}

/// The programme as Datascène records.
pub fn records(programme: &Programme<'_>) -> Records {
    let base = programme.base.trim_end_matches('/');
    let index = Index::new(programme);
    let (staged, mut left_out) = index.staged(programme);
    // Places in order of first performance, each with the halls used; shows likewise.
    let mut places: Vec<(&Place, Value, Vec<&Hall>)> = Vec::new();
    let mut shows: Vec<(i64, Value)> = Vec::new();
    for performance in &staged {
        let Some(place_record) = place(base, performance.place) else {
            left_out.push((performance.performance.id.0, LeftOut::AddressIncomplete));
            continue;
        };
        match places.iter_mut().find(|(p, _, _)| p.id == performance.place.id) {
            Some((_, _, halls)) if !halls.iter().any(|h| h.id == performance.hall.id) => halls.push(performance.hall),
            Some(_) => {}
            None => places.push((performance.place, place_record.clone(), vec![performance.hall])),
        }
        let room_record = room(base, performance.hall, performance.place);
        let show_id = performance.show.id.0;
        if !shows.iter().any(|(id, _)| *id == show_id) {
            shows.push((show_id, show(base, &index, performance.show)));
        }
        let start = performance.performance.starts_at_local();
        let mut record = json!({
            "type": "Performance",
            "identifier": [format!("{base}/agenda/{}", performance.performance.id.0)],
            "startDateTime": start.to_rfc3339(),
            "hasOffer": [offer(performance, &place_record, &room_record)],
        });
        if let Some(minutes) = performance.show.duration_minutes.filter(|m| *m > 0) {
            let end = start + chrono::Duration::minutes(i64::from(minutes));
            record["endDateTime"] = json!(end.to_rfc3339());
            record["duration"] = json!(format!("PT{minutes}M"));
        }
        if let Some((_, show)) = shows.iter_mut().find(|(id, _)| *id == show_id)
            && let Some(list) = show["hasPerformance"].as_array_mut()
        {
            list.push(record);
        }
    }
    let mut records: Vec<Value> = places
        .into_iter()
        .map(|(venue, mut record, halls)| {
            record["inRoom"] = Value::Array(halls.iter().map(|hall| room(base, hall, venue)).collect());
            record
        })
        .collect();
    records.extend(shows.into_iter().map(|(_, show)| show));
    left_out.sort_unstable();
    Records { records, left_out }
}
