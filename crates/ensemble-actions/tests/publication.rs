//! What a member publishes as open data, in a real SQLite file and on PostgreSQL, on the demo
//! consortium: nothing of a show before its announcement date; only the member's own
//! performances; a show withdrawn disappears; only the member's administrators choose, and each
//! choice is in the member's audit trail; no byte of what is published (JSON-LD, Datascène,
//! iCalendar) holds a private value (a deal's fee, a tour's name) or the name of a credited person
//! who did not consent; one who consented to the presenter is published with its shows, and is no
//! longer once the consent is withdrawn.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_actions::publication::{consent, credited, programme, set};
use ensemble_actions::{ActionError, Actor, Channel, Clock};
use ensemble_model::*;
use ensemble_store::testing::TestUrl;
use ensemble_store::{ListFilter, Store};

#[macro_use]
mod common;

on_both_backends! {
    check_members_publish_their_shows_from_their_announcement
        => sqlite_members_publish_their_shows_from_their_announcement,
           postgres_members_publish_their_shows_from_their_announcement;
}

fn person(member: &Member, role: Role) -> Actor {
    Actor {
        channel: Channel::Web,
        user_id: Some(1),
        member: Some(member.id),
        role,
        clock: Clock::default(),
    }
}

/// The events published, and every byte published: the JSON-LD graph, the Datascène records and
/// the calendar.
fn graph_text(store: &Store, members: &[Member], today: chrono::NaiveDate) -> (usize, String) {
    let catalogue = programme(store, members, today).unwrap();
    let programme = catalogue.programme("https://ensemble.example");
    let published = ensemble_opendata::jsonld(&programme);
    let graph = published.document["@graph"].as_array().unwrap();
    let events = graph.iter().filter(|node| node["@type"] == "Event").count();
    let records = ensemble_opendata::datascene::records(&programme).records;
    let calendar = ensemble_opendata::calendar::ics(&programme, "Ensemble", chrono::Utc::now());
    let text = format!(
        "{}\n{}\n{calendar}",
        published.document,
        serde_json::Value::Array(records)
    );
    (events, text)
}

fn check_members_publish_their_shows_from_their_announcement(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    let config = ensemble_demo::DemoConfig {
        scale: ensemble_demo::Scale::Small,
        seed: 1,
    };
    let key = ensemble_privacy::SecretKey::from_bytes([1; 32]);
    ensemble_demo::generate(&store, &config, &key, &mut |_| {}).unwrap();
    let presenter = store.read(|s| s.member_by_slug("deux-rivieres")).unwrap().unwrap();
    let choices = store.read(|s| s.published_shows(Some(presenter.id))).unwrap();
    assert!(!choices.is_empty(), "the demo's presenter publishes its shows");
    let first = choices.iter().map(|c| c.announced_on).min().unwrap();
    let last = choices.iter().map(|c| c.announced_on).max().unwrap();

    // Nothing before its announcement; the member's own performances after.
    let members = std::slice::from_ref(&presenter);
    assert_eq!(graph_text(&store, members, first.pred_opt().unwrap()).0, 0);
    let catalogue = programme(&store, members, last).unwrap();
    assert!(!catalogue.performances.is_empty());
    assert!(
        catalogue
            .performances
            .iter()
            .all(|p| p.presenter_id == presenter.organization_id)
    );

    // A show withdrawn disappears; announced later, it waits for its day.
    let show = catalogue.shows[0].clone();
    let its = |catalogue: &ensemble_opendata::Catalogue| {
        catalogue.performances.iter().filter(|p| p.show_id == show.id).count()
    };
    let before = its(&catalogue);
    let admin = person(&presenter, Role::MemberAdmin);
    set(&store, &admin, &presenter, &show.slug, None).unwrap();
    assert_eq!(its(&programme(&store, members, last).unwrap()), 0);
    let later = last + chrono::Duration::days(30);
    set(&store, &admin, &presenter, &show.slug, Some(later)).unwrap();
    assert_eq!(its(&programme(&store, members, last).unwrap()), 0);
    assert_eq!(its(&programme(&store, members, later).unwrap()), before);

    // Only the member's administrators choose; refusals change nothing.
    let viewer = person(&presenter, Role::Viewer);
    let refusals = [
        set(&store, &viewer, &presenter, &show.slug, Some(first)).err(),
        set(&store, &admin, &presenter, "pas-un-spectacle", Some(first)).err(),
        set(&store, &admin, &presenter, "pas-un-spectacle", None).err(),
    ];
    let codes: Vec<&str> = refusals
        .iter()
        .map(|e| match e {
            Some(ActionError::Refused(code)) => *code,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        codes,
        [
            "publication-not-yours",
            "publication-show-unknown",
            "publication-show-unknown"
        ]
    );
    set(&store, &admin, &presenter, &show.slug, None).unwrap();
    assert!(matches!(
        set(&store, &admin, &presenter, &show.slug, None),
        Err(ActionError::Refused("publication-not-published"))
    ));
    let trail = store.read(|s| s.audit_entries(None, 50)).unwrap();
    let choices: Vec<_> = trail.iter().filter(|e| e.action == "publication-set").collect();
    assert_eq!(choices.len(), 3);
    assert!(choices.iter().all(|e| e.member_id == Some(presenter.id.0)));

    // No private value, no credited person, in any published byte of the consortium's graph.
    let all_members = store.list_any::<Member>(&ListFilter::default()).unwrap();
    let engagement = store
        .list_any::<Engagement>(&ListFilter::default())
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let planted = Engagement {
        id: EngagementId(engagement.id.0 + 100_000),
        fee: Some(Cents(98_765_431)),
        ..engagement
    };
    store.write(|s| s.insert(std::slice::from_ref(&planted))).unwrap();
    let (events, text) = graph_text(&store, &all_members, last);
    assert!(events > 0);
    for secret in ["98765431", "987654.31", "987 654,31"] {
        assert!(!text.contains(secret), "a deal's fee is published: {secret}");
    }
    for tour in store.list_any::<Tour>(&ListFilter::default()).unwrap() {
        assert!(!text.contains(&tour.name), "a tour's name is published: {}", tour.name);
    }
    for credited in store.list_any::<Person>(&ListFilter::default()).unwrap() {
        assert!(!text.contains(&credited.name), "a person is published without consent");
    }
    let catalogue = programme(&store, &all_members, last).unwrap();
    let published = ensemble_opendata::jsonld(&catalogue.programme("https://ensemble.example"));
    let document = published.document;
    // No `Person`: no one consented.
    let mut types = std::collections::BTreeSet::new();
    collect_types(&document["@graph"], &mut types);
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        [
            "CreativeWork",
            "Event",
            "EventSeries",
            "GeoCoordinates",
            "Offer",
            "Organization",
            "PerformingGroup",
            "Place",
            "PostalAddress"
        ]
    );
}

/// Every `@type` in a JSON-LD value.
fn collect_types(value: &serde_json::Value, types: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(object) => {
            if let Some(kind) = object.get("@type").and_then(serde_json::Value::as_str) {
                types.insert(kind.to_string());
            }
            for inner in object.values() {
                collect_types(inner, types);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| collect_types(item, types)),
        _ => {}
    }
}

on_both_backends! {
    check_credited_people_are_published_only_with_their_consent
        => sqlite_credited_people_are_published_only_with_their_consent,
           postgres_credited_people_are_published_only_with_their_consent;
}

fn check_credited_people_are_published_only_with_their_consent(place: &TestUrl) {
    let store = Store::open(&place.url).unwrap();
    let config = ensemble_demo::DemoConfig {
        scale: ensemble_demo::Scale::Small,
        seed: 1,
    };
    let key = ensemble_privacy::SecretKey::from_bytes([1; 32]);
    ensemble_demo::generate(&store, &config, &key, &mut |_| {}).unwrap();
    let presenter = store.read(|s| s.member_by_slug("deux-rivieres")).unwrap().unwrap();
    let members = std::slice::from_ref(&presenter);
    let last = store
        .read(|s| s.published_shows(Some(presenter.id)))
        .unwrap()
        .iter()
        .map(|c| c.announced_on)
        .max()
        .unwrap();
    let people = credited(&store, &presenter).unwrap();
    assert!(people.len() >= 2, "the demo credits people in the presenter's shows");
    assert!(people.iter().all(|p| p.consented_on.is_none() && !p.shows.is_empty()));
    let (chosen, other) = (&people[0], &people[1]);

    // A consent recorded by the presenter's administrator publishes that person, and only them.
    let admin = person(&presenter, Role::MemberAdmin);
    consent(&store, &admin, &presenter, chosen.person, Some(last)).unwrap();
    let (_, text) = graph_text(&store, members, last);
    assert!(text.contains(&chosen.name), "the person who consented is credited");
    assert!(!text.contains(&other.name), "the one who did not is not");
    assert!(
        !text.contains(&format!("ensemble.example/personnes/{}\"", other.person.0)),
        "not even by address"
    );
    // Not before the day it was given.
    let (_, before) = graph_text(&store, members, last.pred_opt().unwrap());
    assert!(!before.contains(&chosen.name));
    assert_eq!(credited(&store, &presenter).unwrap()[0].consented_on, Some(last));

    // Another member's consent does not publish anyone in this member's programme.
    let others = store.list_any::<Member>(&ListFilter::default()).unwrap();
    let stranger = others.iter().find(|m| m.id != presenter.id).unwrap();
    let refusals = [
        consent(
            &store,
            &person(&presenter, Role::Viewer),
            &presenter,
            other.person,
            Some(last),
        )
        .err(),
        consent(
            &store,
            &person(stranger, Role::MemberAdmin),
            &presenter,
            other.person,
            Some(last),
        )
        .err(),
        consent(&store, &admin, &presenter, PersonId(987_654), Some(last)).err(),
        consent(&store, &admin, &presenter, other.person, None).err(),
    ];
    let codes: Vec<&str> = refusals
        .iter()
        .map(|e| match e {
            Some(ActionError::Refused(code)) => *code,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        codes,
        [
            "publication-not-yours",
            "publication-not-yours",
            "publication-person-unknown",
            "publication-no-consent"
        ]
    );

    // Withdrawn, the person is published no more; each consent is in the member's audit trail,
    // by number, never by name.
    consent(&store, &admin, &presenter, chosen.person, None).unwrap();
    let (_, after) = graph_text(&store, members, last);
    assert!(!after.contains(&chosen.name));
    let trail = store.read(|s| s.audit_entries(None, 50)).unwrap();
    let consents: Vec<_> = trail.iter().filter(|e| e.action == "publication-consent").collect();
    assert_eq!(consents.len(), 2);
    for entry in consents {
        assert_eq!(entry.member_id, Some(presenter.id.0));
        let written = serde_json::to_string(entry).unwrap();
        assert!(!written.contains(&chosen.name), "{written}");
    }
}

on_both_backends! {
    check_the_published_files_bring_the_same_catalogue_into_a_fresh_consortium
        => sqlite_the_published_files_bring_the_same_catalogue_into_a_fresh_consortium,
           postgres_the_published_files_bring_the_same_catalogue_into_a_fresh_consortium;
}

/// What a catalogue says of its performances, shows, places, halls and offers, by content (ids
/// differ from one consortium to the next), each list sorted.
#[derive(Debug, Default, PartialEq)]
struct Seen {
    shows: Vec<String>,
    performances: Vec<String>,
    places: Vec<String>,
    halls: Vec<String>,
    offers: Vec<String>,
}

/// The fields each form carries. Datascène: shows (titles in both languages, disciplines,
/// audiences, warnings, languages), performances (show, start, status, place, hall), places
/// (address, coordinates, Artsdata id), halls (name, configurations, wheelchair access), one offer
/// per performance. JSON-LD: shows (titles, languages), performances (show, start, status,
/// place), places, every offer (price, price type, free, sold out, ticket link); no halls, which
/// schema.org does not describe.
fn seen(catalogue: &ensemble_opendata::Catalogue, datascene: bool) -> Seen {
    let show_title = |id: ShowId| {
        catalogue
            .shows
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title_fr.clone())
            .unwrap_or_default()
    };
    let hall_of = |id: HallId| catalogue.halls.iter().find(|h| h.id == id).unwrap();
    let place_name = |id: PlaceId| {
        catalogue
            .places
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let mut seen = Seen::default();
    for show in &catalogue.shows {
        seen.shows.push(if datascene {
            format!(
                "{} / {:?} / {:?} / {:?} / {:?} / {:?}",
                show.title_fr, show.title_en, show.disciplines, show.audiences, show.warnings, show.languages
            )
        } else {
            format!("{} / {:?} / {:?}", show.title_fr, show.title_en, show.languages)
        });
    }
    for performance in &catalogue.performances {
        let hall = hall_of(performance.hall_id);
        let at = if datascene {
            format!(" / {}", hall.name)
        } else {
            String::new()
        };
        seen.performances.push(format!(
            "{} / {} / {:?} / {}{at}",
            show_title(performance.show_id),
            performance.starts_at_local().to_rfc3339(),
            performance.status,
            place_name(hall.place_id)
        ));
        let mut offers: Vec<&Offer> = catalogue
            .offers
            .iter()
            .filter(|o| o.performance_id == performance.id)
            .collect();
        if datascene {
            // One offer: the regular one, else the first; sold out when all are.
            let sold_out = !offers.is_empty() && offers.iter().all(|o| o.sold_out);
            let chosen = offers
                .iter()
                .find(|o| o.price_type == PriceType::Regular)
                .or_else(|| offers.first())
                .copied();
            offers = chosen.into_iter().collect();
            if let Some(offer) = offers.first() {
                seen.offers.push(format!(
                    "{} / {:?} / {} / {sold_out} / {:?}",
                    performance.starts_at_local().to_rfc3339(),
                    offer.price.filter(|_| !offer.is_free),
                    offer.is_free,
                    offer.url
                ));
            }
            continue;
        }
        for offer in offers {
            // A free offer's price is nought, or none: the same.
            seen.offers.push(format!(
                "{} / {:?} / {:?} / {} / {} / {:?} / {}",
                performance.starts_at_local().to_rfc3339(),
                offer.price.filter(|_| !offer.is_free),
                offer.price_type,
                offer.is_free,
                offer.sold_out,
                offer.url,
                offer.currency
            ));
        }
    }
    for place in &catalogue.places {
        seen.places.push(format!(
            "{} / {:?} / {:?} / {:?} / {:?} / {} / {:?} / {:?} / {:?}",
            place.name,
            place.street_address,
            place.municipality,
            place.postal_code,
            place.province,
            place.country,
            place.latitude,
            place.longitude,
            place.identifiers.artsdata
        ));
    }
    if datascene {
        for hall in &catalogue.halls {
            seen.halls.push(format!(
                "{} / {} / {:?} / {:?}",
                place_name(hall.place_id),
                hall.name,
                hall.configurations,
                hall.specs.wheelchair_accessible == Some(true)
            ));
        }
    }
    for list in [
        &mut seen.shows,
        &mut seen.performances,
        &mut seen.places,
        &mut seen.halls,
        &mut seen.offers,
    ] {
        list.sort();
    }
    seen
}

/// Each kind of record the same, field by field; a failure shows what differs.
fn same(imported: Seen, published: Seen) {
    assert!(!published.performances.is_empty() && !published.offers.is_empty());
    let kinds = [
        ("shows", imported.shows, published.shows),
        ("performances", imported.performances, published.performances),
        ("places", imported.places, published.places),
        ("halls", imported.halls, published.halls),
        ("offers", imported.offers, published.offers),
    ];
    for (kind, imported, published) in kinds {
        let extra: Vec<&String> = imported.iter().filter(|i| !published.contains(i)).collect();
        let missing: Vec<&String> = published.iter().filter(|p| !imported.contains(p)).collect();
        assert!(
            imported.len() == published.len() && extra.is_empty() && missing.is_empty(),
            "{kind}: {} imported, {} published; imported only: {extra:#?}; published only: {missing:#?}",
            imported.len(),
            published.len()
        );
    }
}

/// A fresh consortium with one presenter, `text` imported into it as `file`, and what it holds.
fn imported(place: &TestUrl, file: &str, text: &str) -> ensemble_opendata::Catalogue {
    let store = Store::open(&place.url).unwrap();
    let operator = Actor::operator(Clock::default());
    let member = ensemble_actions::members::admit(
        &store,
        &operator,
        &ensemble_actions::members::NewMember {
            slug: "diffuseur-neuf".to_string(),
            name: "Diffuseur neuf".to_string(),
            roles: vec![ValueChainRole::Presenter],
            municipality: None,
            region: None,
            postal_code: None,
        },
    )
    .unwrap();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join(file);
    std::fs::write(&path, text).unwrap();
    let request = ensemble_ingest::ImportRequest {
        member: &member.slug,
        path: &path,
        profile: ensemble_ingest::ProfileChoice::Auto,
        dry_run: false,
        strict: false,
        now: operator.clock.local_now(),
    };
    let key = ensemble_privacy::SecretKey::from_bytes([2; 32]);
    let report = ensemble_actions::imports::import(&store, &key, &operator, &member, &request, &mut |_| {}).unwrap();
    assert_eq!(report.rows_quarantined, 0, "{file}: {report:?}");
    let all = ListFilter::default();
    ensemble_opendata::Catalogue {
        performances: store.list_any(&all).unwrap(),
        shows: store.list_any(&all).unwrap(),
        halls: store.list_any(&all).unwrap(),
        places: store.list_any(&all).unwrap(),
        organizations: store.list_any(&all).unwrap(),
        offers: store.list_any(&all).unwrap(),
        groups: Vec::new(),
        people: Vec::new(),
    }
}

/// A member's published JSON-LD and Datascène records, each imported into a fresh consortium,
/// give back its public catalogue: the same shows, performances, places, halls and offers, field
/// by field, for the fields each form carries.
fn check_the_published_files_bring_the_same_catalogue_into_a_fresh_consortium(place: &TestUrl) {
    let source = TestUrl::sqlite();
    let store = Store::open(&source.url).unwrap();
    let config = ensemble_demo::DemoConfig {
        scale: ensemble_demo::Scale::Small,
        seed: 1,
    };
    let key = ensemble_privacy::SecretKey::from_bytes([1; 32]);
    ensemble_demo::generate(&store, &config, &key, &mut |_| {}).unwrap();
    let presenter = store.read(|s| s.member_by_slug("deux-rivieres")).unwrap().unwrap();
    let last = store
        .read(|s| s.published_shows(Some(presenter.id)))
        .unwrap()
        .iter()
        .map(|c| c.announced_on)
        .max()
        .unwrap();
    let mut catalogue = programme(&store, std::slice::from_ref(&presenter), last).unwrap();
    // What the demo lacks, for the round trip to carry it: an English title, a sold-out offer,
    // a ticket link, a free performance, and a second price (seniors') beside a regular one.
    catalogue.shows[0].title_en = Some("The Title in English".to_string());
    catalogue.offers[0].sold_out = true;
    catalogue.offers[1].url = Some("https://billets.example/1".to_string());
    catalogue.offers[2].is_free = true;
    catalogue.offers[2].price = None;
    catalogue.offers[2].price_type = PriceType::Free;
    let senior = Offer {
        id: OfferId(987_654),
        price_type: PriceType::Senior,
        price: Some(Cents(2_500)),
        ..catalogue.offers[3].clone()
    };
    catalogue.offers.push(senior);
    let programme = catalogue.programme("https://ensemble.example");
    let graph = ensemble_opendata::jsonld(&programme);
    let records = ensemble_opendata::datascene::records(&programme);
    assert!(
        graph.left_out.is_empty() && records.left_out.is_empty(),
        "the demo's places have their addresses"
    );
    for record in &records.records {
        let violations = ensemble_ingest::documents::datascene::violations(record);
        assert!(violations.is_empty(), "{violations:?}");
    }
    // What is published: the presenter's own organisation is the new consortium's member.
    catalogue.organizations.clear();

    let from_datascene = imported(
        place,
        "programme.datascene.json",
        &serde_json::to_string(&records.records).unwrap(),
    );
    same(seen(&from_datascene, true), seen(&catalogue, true));
    let from_jsonld = imported(&TestUrl::sqlite(), "programme.jsonld", &graph.document.to_string());
    same(seen(&from_jsonld, false), seen(&catalogue, false));
}
