//! Hall fit, carbon and presenter scores, each on both sides of its thresholds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use ensemble_model::{
    Hall, HallConfiguration, HallConfigurationCode, HallId, LoadingAccess, OrganizationId, PlaceId, RiderItem,
    RiderRequirement, TechnicalSpecs,
};
use ensemble_touring::carbon::{FACTORS, Mode, Transport};
use ensemble_touring::fit::{Presenter, Wanted, score};
use ensemble_touring::hall::{Reason, Verdict, fit, overall};

fn hall(width: Option<f64>, crew: Option<u32>, loading: Option<LoadingAccess>, seats: u32) -> Hall {
    Hall {
        id: HallId(1),
        place_id: PlaceId(1),
        name: "Salle d'essai".to_string(),
        configurations: vec![HallConfiguration {
            kind: HallConfigurationCode::new("PlacesAssises"),
            capacity: seats,
        }],
        specs: TechnicalSpecs {
            stage_opening_width_m: width,
            crew,
            loading,
            ..TechnicalSpecs::default()
        },
        identifiers: Default::default(),
        provenance: Default::default(),
    }
}

fn needs(item: RiderItem, minimum: f64) -> RiderRequirement {
    RiderRequirement {
        item: Some(item),
        minimum,
        note: None,
    }
}

#[test]
fn each_requirement_is_green_amber_or_red_at_its_thresholds() {
    let width = |have: Option<f64>| {
        let checks = fit(
            &[needs(RiderItem::StageOpeningWidth, 10.0)],
            &hall(have, None, None, 300),
        );
        (checks[0].verdict, checks[0].reason)
    };
    assert_eq!(width(Some(10.0)), (Verdict::Green, Reason::Met));
    assert_eq!(width(Some(9.0)), (Verdict::Amber, Reason::SlightlyShort));
    assert_eq!(width(Some(8.99)), (Verdict::Red, Reason::Short));
    assert_eq!(width(None), (Verdict::Amber, Reason::Unknown));

    let crew = |have: u32| fit(&[needs(RiderItem::Crew, 4.0)], &hall(None, Some(have), None, 300))[0].verdict;
    assert_eq!(
        (crew(4), crew(3), crew(2)),
        (Verdict::Green, Verdict::Amber, Verdict::Red)
    );

    let dock = |access| {
        fit(
            &[needs(RiderItem::LoadingDock, 1.0)],
            &hall(None, None, Some(access), 300),
        )[0]
        .verdict
    };
    assert_eq!(dock(LoadingAccess::Dock), Verdict::Green);
    assert_eq!(dock(LoadingAccess::Lift), Verdict::Amber);
    assert_eq!(dock(LoadingAccess::StreetLevel), Verdict::Amber);
    assert_eq!(dock(LoadingAccess::Stairs), Verdict::Red);

    let seats = |have: u32| fit(&[needs(RiderItem::Seats, 400.0)], &hall(None, None, None, have))[0].verdict;
    assert_eq!((seats(400), seats(399)), (Verdict::Green, Verdict::Red));

    let all = fit(
        &[
            needs(RiderItem::Seats, 400.0),
            needs(RiderItem::StageOpeningWidth, 10.0),
        ],
        &hall(Some(9.5), None, None, 500),
    );
    assert_eq!(overall(&all), Verdict::Amber);
    assert_eq!(overall(&[]), Verdict::Green);
}

#[test]
fn emissions_follow_the_cited_factors() {
    // 5 people by car need two cars; a van tour of 4 people needs two vans; freight in a truck.
    let by_car = Transport {
        people: 5,
        people_by: Mode::Car,
        freight_by: Some(Mode::Truck),
    };
    let leg = by_car.leg(100.0, 80.0);
    assert!((leg.people_kg - 2.0 * 0.16725 * 100.0).abs() < 1e-9);
    assert!((leg.freight_kg - 0.83751 * 100.0).abs() < 1e-9);
    // By train and plane, per passenger; the plane flies the great circle.
    let by_train = Transport {
        people: 5,
        people_by: Mode::Train,
        freight_by: None,
    };
    assert!((by_train.leg(100.0, 80.0).total_kg() - 5.0 * 0.03546 * 100.0).abs() < 1e-9);
    let by_plane = Transport {
        people: 5,
        people_by: Mode::Plane,
        freight_by: None,
    };
    assert!((by_plane.leg(100.0, 80.0).total_kg() - 5.0 * 0.22928 * 80.0).abs() < 1e-9);
    // Every factor cites its source and year.
    for factor in FACTORS {
        assert!(factor.source.starts_with("DESNZ 2025") && factor.year == 2025);
        assert_eq!(Mode::parse(factor.mode.code()), Some(factor.mode));
    }
}

fn presenter() -> Presenter {
    Presenter {
        organization_id: OrganizationId(7),
        name: "Diffuseur d'essai".to_string(),
        municipality: Some("Rimouski".to_string()),
        lat: 48.45,
        lon: -68.53,
        performances: 20,
        in_disciplines: 10,
        for_audiences: 5,
        fees_seen: vec![],
        best_hall: None,
        km_from_fixed: 100.0,
        last_hosted: None,
        radius_clause: None,
    }
}

fn wanted() -> Wanted {
    Wanted {
        fee: Some(1_000_000),
        has_audiences: true,
        from: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
    }
}

#[test]
fn a_score_adds_its_explained_parts() {
    let base = score(&presenter(), &wanted());
    // 12.5 (disciplines) + 2.5 (audiences) + 5 (fee unknown) + 5 (hall unknown) + 15 + 15 of 100.
    let points: u32 = base.parts.iter().map(|p| p.points).sum();
    assert_eq!(base.parts.iter().map(|p| p.max).sum::<u32>(), 100);
    assert_eq!(base.total, points);
    assert_eq!(
        base.parts.iter().map(|p| p.key).collect::<Vec<_>>(),
        [
            "fit-discipline",
            "fit-audience",
            "fit-fee-unknown",
            "fit-hall-unknown",
            "fit-distance",
            "fit-never-hosted"
        ]
    );
    // Hosted the show a year ago: the last-hosted part drops to 0.
    let recent = score(
        &Presenter {
            last_hosted: NaiveDate::from_ymd_opt(2026, 2, 1),
            ..presenter()
        },
        &wanted(),
    );
    assert_eq!(recent.total, base.total - 15);
    // Far away: the distance part drops.
    let far = score(
        &Presenter {
            km_from_fixed: 600.0,
            ..presenter()
        },
        &wanted(),
    );
    assert_eq!(far.total, base.total - 15);
    // A radius clause takes 10 points and says whose and until when.
    let clause = score(
        &Presenter {
            radius_clause: Some((
                "Voisin".to_string(),
                NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
                NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            )),
            ..presenter()
        },
        &wanted(),
    );
    assert_eq!(clause.total, base.total - 10);
    assert_eq!(clause.parts.last().unwrap().key, "fit-radius-clause");
}

#[test]
fn a_route_summary_adds_its_legs_and_compares_modes() {
    let transport = Transport {
        people: 4,
        people_by: Mode::Van,
        freight_by: None,
    };
    let legs = [(100.0, 80.0), (250.0, 190.0), (40.0, 30.0)];
    let summary = transport.summary(&legs);
    let by_leg: f64 = legs
        .iter()
        .map(|(road, crow)| transport.leg(*road, *crow).total_kg())
        .sum();
    assert!((summary.total_kg() - by_leg).abs() < 1e-9);
    assert!((summary.road_km - 390.0).abs() < 1e-9);
    let of = |mode: Mode| summary.by_mode.iter().find(|(m, _)| *m == mode).unwrap().1;
    assert!(
        (of(Mode::Van) - summary.total_kg()).abs() < 1e-9,
        "the current mode is the route itself"
    );
    // Four people: two vans (0.25561 per van-km) against four train seats (0.03546 per seat-km).
    assert!((of(Mode::Train) - 4.0 * 0.03546 * 390.0).abs() < 1e-9);
    assert!(of(Mode::Train) < of(Mode::Car) && of(Mode::Car) < of(Mode::Van));
}
