//! A tour plan on the small demo: the agency plans one of its shows over ten weeks of the next
//! season. Every alternative keeps the show's blocked days, the presenters' windows, blackouts
//! and radius clauses, and plays every confirmed date on its day; the three alternatives differ
//! the way they are meant to; another member is refused and the read is audited.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use chrono::NaiveDate;
use ensemble_model::{Availability, AvailabilityKind, Engagement, EngagementStatus, Member, Purpose, Show};
use ensemble_store::{ListFilter, Requester, Store};
use ensemble_touring::check;
use ensemble_touring::season::{PlanError, Request, RoadMatrix, ScenarioKind, Settings, StopKind, TourPlan, plan};

fn demo() -> Store {
    let store = Store::in_memory().unwrap();
    let config = ensemble_demo::DemoConfig {
        scale: ensemble_demo::Scale::Small,
        seed: 1,
    };
    let key = ensemble_privacy::SecretKey::from_bytes([1; 32]);
    ensemble_demo::generate(&store, &config, &key, &mut |_| {}).unwrap();
    store
}

fn agency(store: &Store) -> (Member, Vec<Show>) {
    let all = ListFilter::default();
    store
        .read(|s| {
            let member = s.member_by_slug("clair-de-scene")?.unwrap();
            let shows = s
                .list::<Show>(&all)?
                .into_iter()
                .filter(|show| show.agency_id == Some(member.organization_id))
                .collect();
            Ok((member, shows))
        })
        .unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn requester(member: &Member) -> Requester {
    Requester {
        channel: "cli",
        user_id: None,
        member: Some(member.id),
        purpose: Purpose::Touring,
    }
}

fn settings() -> Settings {
    Settings {
        // Rounds, not time, bound the search: the same answer on every machine; the cap is
        // only a safety net.
        time_cap: Duration::from_secs(120),
        ..Settings::default()
    }
}

fn request<'a>(show: &'a str, from: &str, to: &str) -> Request<'a> {
    Request {
        show,
        member: None,
        from: day(from),
        to: day(to),
        fee: None,
        home: None,
        matrix: None,
        settings: settings(),
        today: day("2026-08-15"),
    }
}

/// The show with the most dated engagements (confirmed, holds) between the dates.
fn busiest(store: &Store, member: &Member, shows: &[Show], from: &str, to: &str) -> Show {
    let engagements: Vec<Engagement> = store
        .read(|s| {
            s.list_any(&ListFilter {
                member_id: Some(member.id),
                ..ListFilter::default()
            })
        })
        .unwrap();
    shows
        .iter()
        .max_by_key(|show| {
            engagements
                .iter()
                .filter(|e| e.show_id == show.id && e.status != EngagementStatus::Cancelled)
                .filter(|e| e.performance_date >= day(from) && e.performance_date <= day(to))
                .count()
        })
        .cloned()
        .unwrap()
}

fn assert_keeps_every_rule(plan: &TourPlan, availabilities: &[Availability], engagements: &[Engagement]) {
    for scenario in &plan.scenarios {
        let mut seen = std::collections::BTreeSet::new();
        for stop in &scenario.stops {
            assert!(stop.date >= plan.from && stop.date <= plan.to, "{stop:?}");
            assert!(seen.insert(stop.date), "two shows on {}", stop.date);
            for a in availabilities
                .iter()
                .filter(|a| a.show_id.is_none_or(|id| id == plan.show.id))
            {
                let inside = a.starts_on <= stop.date && stop.date <= a.ends_on;
                match (a.kind, a.organization_id) {
                    (AvailabilityKind::Blocked, None) => {
                        assert!(!inside || stop.kind == StopKind::Confirmed, "blocked day {}", stop.date)
                    }
                    (AvailabilityKind::Blackout, Some(o)) if o == stop.presenter => {
                        assert!(!inside, "{} closed on {}", stop.name, stop.date)
                    }
                    (AvailabilityKind::SeasonWindow, Some(o)) if o == stop.presenter => {
                        assert!(
                            inside || stop.kind != StopKind::Proposed,
                            "{} outside its season",
                            stop.name
                        )
                    }
                    _ => {}
                }
            }
        }
        for e in engagements.iter().filter(|e| {
            e.show_id == plan.show.id
                && matches!(e.status, EngagementStatus::Confirmed | EngagementStatus::Contracted)
                && e.performance_date >= plan.from
                && e.performance_date <= plan.to
        }) {
            assert!(
                scenario
                    .stops
                    .iter()
                    .any(|s| s.presenter == e.presenter_id && s.date == e.performance_date),
                "confirmed date {} missing from {:?}",
                e.performance_date,
                scenario.kind
            );
        }
        assert!(scenario.home_on <= plan.to.max(scenario.home_on));
        let legs_km: f64 = scenario.legs.iter().map(|l| l.km).sum();
        assert!((legs_km - scenario.km).abs() < 1e-6);
    }
}

#[test]
fn the_agency_plans_a_tour_that_keeps_every_rule() {
    let store = demo();
    let (member, shows) = agency(&store);
    let (from, to) = ("2027-01-10", "2027-03-20");
    let show = busiest(&store, &member, &shows, from, to);
    let plan = plan(&store, &requester(&member), &request(&show.slug, from, to)).unwrap();

    let (availabilities, engagements): (Vec<Availability>, Vec<Engagement>) = store
        .read(|s| {
            let mine = ListFilter {
                member_id: Some(member.id),
                ..ListFilter::default()
            };
            Ok((s.list_any(&mine)?, s.list_any(&mine)?))
        })
        .unwrap();
    assert_keeps_every_rule(&plan, &availabilities, &engagements);
    assert_eq!(plan.scenarios.len(), 3);
    // Confirmed dates on the show's blocked days are kept and reported, and only those.
    let mut on_blocked: Vec<NaiveDate> = engagements
        .iter()
        .filter(|e| e.show_id == show.id && e.performance_date >= day(from) && e.performance_date <= day(to))
        .filter(|e| matches!(e.status, EngagementStatus::Confirmed | EngagementStatus::Contracted))
        .filter(|e| {
            availabilities.iter().any(|a| {
                a.kind == AvailabilityKind::Blocked
                    && a.show_id == Some(show.id)
                    && a.starts_on <= e.performance_date
                    && e.performance_date <= a.ends_on
            })
        })
        .map(|e| e.performance_date)
        .collect();
    on_blocked.sort();
    let reported: Vec<NaiveDate> = plan
        .conflicts
        .iter()
        .filter(|c| c.key == "tour-conflict-blocked")
        .map(|c| c.date)
        .collect();
    assert_eq!(reported, on_blocked);
    let by = |kind| plan.scenarios.iter().find(|s| s.kind == kind).unwrap();
    let (best, most, least) = (
        by(ScenarioKind::BestNet),
        by(ScenarioKind::MostEngagements),
        by(ScenarioKind::LeastCarbon),
    );
    assert!(most.stops.len() >= best.stops.len());
    assert!(least.km <= best.km + 1e-6 && least.co2_kg <= best.co2_kg + 1e-6);
    assert!(best.net + 1e-6 >= least.net && best.net + 1e-6 >= most.net);
    assert!(
        best.stops.iter().any(|s| s.kind == StopKind::Proposed),
        "the plan proposes dates"
    );
    // Ranking: best first, every candidate's hall is not red.
    assert!(plan.ranking.windows(2).all(|w| w[0].score.total >= w[1].score.total));
    for ranked in plan.ranking.iter().filter(|r| r.candidate) {
        let (_, checks) = ranked.presenter.best_hall.as_ref().unwrap();
        assert_ne!(
            ensemble_touring::hall::overall(checks),
            ensemble_touring::hall::Verdict::Red
        );
    }
    // The low-carbon alternative gives up far engagements for fewer kilometres.
    assert!(least.stops.len() < best.stops.len() && least.km < best.km);
    // Each alternative's route, read back as (node, day), passes the rules' checker.
    for scenario in &plan.scenarios {
        let mut route = vec![(0, 0)];
        for stop in &scenario.stops {
            let node = plan
                .instance
                .nodes
                .iter()
                .position(|n| {
                    n.name == stop.name
                        && n.window.is_some_and(|(a, b)| {
                            let d = (stop.date - plan.from).num_days() as u32 + 1;
                            a <= d && d <= b
                        })
                })
                .unwrap();
            route.push((node, (stop.date - plan.from).num_days() as u32 + 1));
        }
        route.push((0, (scenario.home_on - plan.from).num_days() as u32 + 1));
        let evaluation = check(&plan.instance, &route).unwrap();
        assert!((evaluation.km - scenario.km).abs() < 1e-6);
        assert_eq!(evaluation.visits, scenario.stops.len());
    }
}

#[test]
fn another_member_cannot_plan_the_agencys_show_and_reads_are_audited() {
    let store = demo();
    let (member, shows) = agency(&store);
    let other = store.read(|s| s.member_by_slug("deux-rivieres")).unwrap().unwrap();
    let accesses = || {
        store
            .read(|s| s.audit_actions(member.id, ensemble_store::AuditAction::DataAccess, 10_000))
            .unwrap()
            .len()
    };
    let before = accesses();
    let error = plan(
        &store,
        &requester(&other),
        &Request {
            member: Some("deux-rivieres"),
            ..request(&shows[0].slug, "2027-01-10", "2027-03-20")
        },
    )
    .unwrap_err();
    assert_eq!(error.code(), "tour-not-your-show");
    // Asking as the agency about itself but naming another member is refused too.
    let error = plan(
        &store,
        &requester(&other),
        &request(&shows[0].slug, "2027-01-10", "2027-03-20"),
    )
    .unwrap_err();
    assert!(matches!(error, PlanError::NotYourShow { .. }));
    plan(
        &store,
        &requester(&member),
        &request(&shows[0].slug, "2027-01-10", "2027-03-20"),
    )
    .unwrap();
    assert_eq!(accesses(), before + 1, "one grant, audited, for the plan that was made");
}

#[test]
fn bad_requests_get_their_codes() {
    let store = demo();
    let (member, shows) = agency(&store);
    let who = requester(&member);
    let code = |r: Request<'_>| plan(&store, &who, &r).unwrap_err().code();
    assert_eq!(
        code(request("pas-un-spectacle", "2027-01-10", "2027-03-20")),
        "tour-show-unknown"
    );
    assert_eq!(
        code(request(&shows[0].slug, "2027-03-20", "2027-01-10")),
        "tour-period-invalid"
    );
    assert_eq!(
        code(Request {
            home: Some("Atlantide"),
            ..request(&shows[0].slug, "2027-01-10", "2027-03-20")
        }),
        "tour-no-home"
    );
}

#[test]
fn imported_distances_and_driving_times_replace_the_estimates() {
    let store = demo();
    let (member, shows) = agency(&store);
    let (from, to) = ("2027-01-10", "2027-03-20");
    let show = busiest(&store, &member, &shows, from, to);
    let first = plan(&store, &requester(&member), &request(&show.slug, from, to)).unwrap();
    assert_eq!(first.imported_distances, 0);
    // Every candidate's town 50 km from home by road, but 20 hours of driving: three days at 8
    // hours a day.
    let towns: Vec<(String, String)> = first
        .ranking
        .iter()
        .filter(|r| r.candidate)
        .filter_map(|r| Some((r.presenter.name.clone(), r.presenter.municipality.clone()?)))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("distances.csv");
    let mut text = String::from("from,to,km,hours\n");
    for (_, town) in &towns {
        text.push_str(&format!("Montréal,{town},50,20\n"));
    }
    std::fs::write(&path, text).unwrap();
    let matrix = RoadMatrix::read(&path).unwrap();
    let second = plan(
        &store,
        &requester(&member),
        &Request {
            matrix: Some(&matrix),
            ..request(&show.slug, from, to)
        },
    )
    .unwrap();
    assert!(second.imported_distances > 0);
    let mut checked = 0;
    for (name, town) in &towns {
        let Some(node) = second.instance.nodes.iter().position(|n| &n.name == name) else {
            continue;
        };
        if town == "Montréal" {
            continue;
        }
        assert_eq!(second.instance.matrix.road_km[0][node], 50.0, "{name}");
        assert_eq!(second.instance.matrix.travel_days[0][node], 3, "{name}");
        assert_eq!(second.instance.matrix.travel_days[node][0], 3, "both ways");
        checked += 1;
    }
    assert!(checked > 0);
    // A bad driving time is refused with its line.
    std::fs::write(&path, "from,to,km,hours\nMontréal,Québec,250,longtemps\n").unwrap();
    let error = RoadMatrix::read(&path).unwrap_err();
    assert_eq!(error.code(), "tour-matrix-invalid");
    assert!(error.to_string().contains("line 2"), "{error}");
}

#[test]
fn a_confirmed_date_on_blocked_days_is_kept_and_reported() {
    let store = demo();
    let (member, shows) = agency(&store);
    let (from, to) = ("2027-01-10", "2027-03-20");
    let show = busiest(&store, &member, &shows, from, to);
    let confirmed = store
        .read(|s| {
            s.list_any::<Engagement>(&ListFilter {
                member_id: Some(member.id),
                ..ListFilter::default()
            })
        })
        .unwrap()
        .into_iter()
        .find(|e| {
            e.show_id == show.id
                && matches!(e.status, EngagementStatus::Confirmed | EngagementStatus::Contracted)
                && e.performance_date >= day(from)
                && e.performance_date <= day(to)
        })
        .expect("a confirmed date in the period");
    let on = confirmed.performance_date;
    store
        .write(|s| {
            let blocked = Availability {
                id: ensemble_model::AvailabilityId(s.next_id::<Availability>()?),
                show_id: Some(show.id),
                organization_id: None,
                kind: AvailabilityKind::Blocked,
                starts_on: on - chrono::Duration::days(2),
                ends_on: on + chrono::Duration::days(2),
                note: Some("Résidence".to_string()),
                provenance: ensemble_model::Provenance {
                    member_id: Some(member.id),
                    ..Default::default()
                },
            };
            s.insert(std::slice::from_ref(&blocked))
        })
        .unwrap();
    let plan = plan(&store, &requester(&member), &request(&show.slug, from, to)).unwrap();
    let conflict = plan
        .conflicts
        .iter()
        .find(|c| c.key == "tour-conflict-blocked" && c.date == on)
        .expect("the conflict is reported");
    assert!(conflict.args.contains(&("note", " (Résidence)".to_string())));
    for scenario in &plan.scenarios {
        assert!(
            scenario
                .stops
                .iter()
                .any(|s| s.date == on && s.kind == StopKind::Confirmed)
        );
        assert!(
            scenario
                .stops
                .iter()
                .filter(|s| s.kind == StopKind::Proposed)
                .all(|s| s.date < on - chrono::Duration::days(2) || s.date > on + chrono::Duration::days(2)),
            "no new date in the blocked days"
        );
    }
}

/// Three confirmed dates on three days with at most two shows in a row: they stay, the plan says
/// so, and no proposed date touches their run.
#[test]
fn confirmed_dates_in_too_long_a_run_are_kept_and_reported() {
    let store = demo();
    let (member, shows) = agency(&store);
    let (from, to) = ("2027-01-10", "2027-03-20");
    let show = busiest(&store, &member, &shows, from, to);
    let engagements = store
        .read(|s| {
            s.list_any::<Engagement>(&ListFilter {
                member_id: Some(member.id),
                ..ListFilter::default()
            })
        })
        .unwrap();
    let taken: std::collections::BTreeSet<NaiveDate> = engagements
        .iter()
        .filter(|e| e.show_id == show.id)
        .map(|e| e.performance_date)
        .collect();
    let confirmed = engagements
        .iter()
        .find(|e| {
            e.show_id == show.id
                && matches!(e.status, EngagementStatus::Confirmed | EngagementStatus::Contracted)
                && e.performance_date >= day(from)
                && e.performance_date + chrono::Duration::days(3) <= day(to)
                && (1..=10).all(|d| !taken.contains(&(e.performance_date + chrono::Duration::days(d))))
        })
        .expect("a confirmed date with ten free days after it")
        .clone();
    let on = confirmed.performance_date;
    store
        .write(|s| {
            for days in 1..=2 {
                let mut next = confirmed.clone();
                next.id = ensemble_model::EngagementId(s.next_id::<Engagement>()?);
                next.performance_date = on + chrono::Duration::days(days);
                s.insert(std::slice::from_ref(&next))?;
            }
            Ok::<_, ensemble_store::StoreError>(())
        })
        .unwrap();
    let mut asked = request(&show.slug, from, to);
    asked.settings.max_shows_in_a_row = Some(2);
    let plan = plan(&store, &requester(&member), &asked).unwrap();
    let conflict = plan
        .conflicts
        .iter()
        .find(|c| c.key == "tour-conflict-in-a-row")
        .expect("the run is reported");
    assert_eq!(conflict.date, on);
    assert!(conflict.args.contains(&("count", "3".to_string())), "{conflict:?}");
    assert!(
        conflict
            .args
            .contains(&("last", (on + chrono::Duration::days(2)).to_string()))
    );
    for scenario in &plan.scenarios {
        let dates: Vec<NaiveDate> = scenario.stops.iter().map(|s| s.date).collect();
        assert!((0..=2).all(|d| dates.contains(&(on + chrono::Duration::days(d)))));
        assert!(
            !dates.contains(&(on - chrono::Duration::days(1))) && !dates.contains(&(on + chrono::Duration::days(3))),
            "no date next to the run: {dates:?}"
        );
    }
}
