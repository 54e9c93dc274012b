//! A fictional presenter's season, for the tests, the example that writes it for the SHACL check
//! of `.ci/run`, and the documentation: one show in French and English, a place with its full
//! address and one without its postal code, a presenter, offers, a performing group and two
//! credited people, one of whom consented to be published.

use chrono::DateTime;
use ensemble_model::*;

use crate::Catalogue;

/// The public address the sample's URIs start with.
pub const BASE: &str = "https://ensemble.example/";

/// A place named Salle Bleue, in Sherbrooke.
pub fn place(id: i64, postal_code: Option<&str>) -> Place {
    Place {
        id: PlaceId(id),
        name: "Salle Bleue".to_string(),
        street_address: Some("12, rue Fictive".to_string()),
        municipality: Some("Sherbrooke".to_string()),
        postal_code: postal_code.map(String::from),
        fsa: None,
        region_code: None,
        province: Some("QC".to_string()),
        country: "CA".to_string(),
        latitude: Some(45.4),
        longitude: Some(-71.9),
        operator_id: None,
        identifiers: Identifiers {
            artsdata: Some("K99-1".to_string()),
            ..Identifiers::default()
        },
        provenance: Provenance::default(),
    }
}

/// A hall of `place`.
pub fn hall(id: i64, place: i64) -> Hall {
    Hall {
        id: HallId(id),
        place_id: PlaceId(place),
        name: "Grande salle".to_string(),
        configurations: vec![HallConfiguration {
            kind: HallConfigurationCode::new("Cabaret"),
            capacity: 180,
        }],
        specs: TechnicalSpecs {
            wheelchair_accessible: Some(true),
            ..TechnicalSpecs::default()
        },
        identifiers: Identifiers::default(),
        provenance: Provenance::default(),
    }
}

/// The show: Les Marées / The Tides, 90 minutes, in French.
pub fn show() -> Show {
    Show {
        id: ShowId(3),
        slug: "les-marees".to_string(),
        title_fr: "Les Marées".to_string(),
        title_en: Some("The Tides".to_string()),
        work_id: None,
        disciplines: vec![DisciplineCode::new("Theatre")],
        genres: Vec::new(),
        audiences: vec![AudienceCode::new("ToutPublics")],
        languages: vec!["fr".to_string()],
        duration_minutes: Some(90),
        warnings: vec![WarningCode::new("FumeeOuVapeur")],
        producer_ids: Vec::new(),
        performer_group_id: Some(GroupId(7)),
        agency_id: None,
        contributions: vec![
            credit(CONSENTED, "ArtisteSurScène", 1),
            credit(NOT_CONSENTED, "DirectionArtistiqueCréative", 2),
        ],
        rider: Vec::new(),
        identifiers: Identifiers {
            wikidata: Some("Q4115189".to_string()),
            ..Identifiers::default()
        },
        provenance: Provenance::default(),
    }
}

/// The credited person who consented to be published.
pub const CONSENTED: i64 = 8;
/// The credited person who did not: nothing of them may be published.
pub const NOT_CONSENTED: i64 = 9;

fn credit(person: i64, role: &str, order: u32) -> Contribution {
    Contribution {
        agent: AgentRef {
            kind: AgentKind::Person,
            agent_id: person,
        },
        role: ContributionRoleCode::new(role),
        billing_order: Some(order),
    }
}

/// A credited person (fictional).
pub fn person(id: i64, name: &str) -> Person {
    Person {
        id: PersonId(id),
        name: name.to_string(),
        home_municipality: Some("Sherbrooke".to_string()),
        identifiers: Identifiers::default(),
        provenance: Provenance::default(),
    }
}

/// The show's performing group.
pub fn group() -> Group {
    Group {
        id: GroupId(7),
        name: "Collectif des Marées".to_string(),
        disciplines: vec![DisciplineCode::new("Theatre")],
        home_municipality: Some("Sherbrooke".to_string()),
        identifiers: Identifiers::default(),
        provenance: Provenance::default(),
    }
}

/// The presenter.
pub fn presenter() -> Organization {
    Organization {
        id: OrganizationId(5),
        name: "Diffusion fictive".to_string(),
        roles: vec![ValueChainRole::Presenter],
        municipality: Some("Sherbrooke".to_string()),
        postal_code: None,
        region_code: None,
        website: Some("https://diffusion.example".to_string()),
        identifiers: Identifiers::default(),
        provenance: Provenance::default(),
    }
}

/// A performance of the show in `hall` by the presenter.
pub fn performance(id: i64, hall: i64, start: &str, status: EventStatus) -> Performance {
    Performance {
        id: PerformanceId(id),
        show_id: ShowId(3),
        hall_id: HallId(hall),
        presenter_id: OrganizationId(5),
        series_id: None,
        starts_at: DateTime::parse_from_rfc3339(start).unwrap_or_default(),
        time_zone: "America/Toronto".to_string(),
        status,
        school: false,
        provenance: Provenance::default(),
    }
}

/// An offer of `performance` at `cents`.
pub fn offer(id: i64, performance: i64, cents: i64, sold_out: bool) -> Offer {
    Offer {
        id: OfferId(id),
        performance_id: PerformanceId(performance),
        price_type: PriceType::Regular,
        price: Some(Cents(cents)),
        currency: "CAD".to_string(),
        is_free: false,
        sold_out,
        url: Some("https://billets.example/marees".to_string()),
        provenance: Provenance::default(),
    }
}

/// The season: performances 100 (scheduled), 101 (cancelled) and 102 (moved online) in the
/// place with its full address, 103 in the one without its postal code; the group, and of the
/// two people credited only the one who consented (as the caller passes them).
pub fn season() -> Catalogue {
    Catalogue {
        performances: vec![
            performance(100, 10, "2026-10-01T20:00:00-04:00", EventStatus::Scheduled),
            performance(101, 10, "2026-10-02T20:00:00-04:00", EventStatus::Cancelled),
            performance(102, 10, "2026-10-03T20:00:00-04:00", EventStatus::MovedOnline),
            performance(103, 20, "2026-10-04T20:00:00-04:00", EventStatus::Scheduled),
        ],
        shows: vec![show()],
        halls: vec![hall(10, 1), hall(20, 2)],
        places: vec![place(1, Some("J1H 1A1")), place(2, None)],
        organizations: vec![presenter()],
        offers: vec![offer(1, 100, 3450, false), offer(2, 100, 2500, true)],
        groups: vec![group()],
        people: vec![person(CONSENTED, "Camille Fictive")],
    }
}
