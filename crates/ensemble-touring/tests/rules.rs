//! The touring rules on the benchmark kit's instances: a route made by hand passes, each broken
//! rule is named, and the exact solver agrees with a separate enumeration written here (days
//! worked out leg by leg) on small instances drawn from the kit, including random ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_touring::{Budget, Evaluation, Instance, Kind, Route, Violation, check, exact, runs, schedule};
use proptest::prelude::*;

fn kit(k: usize) -> Instance {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../bench/touring/instances/tour_K{k}.json"));
    Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn confirmed(instance: &Instance) -> Vec<usize> {
    let mut found: Vec<(u32, usize)> = instance
        .nodes
        .iter()
        .filter(|node| node.kind == Kind::Confirmed)
        .map(|node| (node.window.unwrap().0, node.id))
        .collect();
    found.sort();
    found.into_iter().map(|(_, id)| id).collect()
}

/// Small instances cut from `tour_K20`: its two confirmed dates and five optional candidates
/// from each start in `starts`.
fn kit_cuts(starts: &[usize]) -> Vec<Instance> {
    let instance = kit(20);
    let fixed = confirmed(&instance);
    let optional: Vec<usize> = instance
        .nodes
        .iter()
        .filter(|node| node.kind == Kind::Optional)
        .map(|node| node.id)
        .collect();
    starts
        .iter()
        .map(|start| {
            let mut keep = fixed.clone();
            keep.extend(optional.iter().skip(*start).take(5));
            instance.restricted(&keep)
        })
        .collect()
}

/// The kit's towns `towns` with the given windows (first day, length) and fees, all optional.
fn towns_with(towns: &[usize], windows: &[(u32, u32)], fees: &[u32]) -> Instance {
    let mut instance = kit(20).restricted(towns);
    for (node, ((from, length), fee)) in instance.nodes.iter_mut().skip(1).zip(windows.iter().zip(fees)) {
        node.kind = Kind::Optional;
        node.window = Some((*from, (*from + *length).min(60)));
        node.value = f64::from(*fee);
    }
    instance
}

#[test]
fn a_route_through_the_confirmed_dates_passes_and_each_broken_rule_is_named() {
    let instance = kit(20);
    let fixed = confirmed(&instance);
    assert_eq!(fixed.len(), 2);
    let route = schedule(&instance, &fixed).expect("the confirmed dates can be played");
    let evaluation = check(&instance, &route).unwrap();
    assert_eq!(evaluation.visits, 2);
    let fees: f64 = fixed.iter().map(|&id| instance.nodes[id].value).sum();
    assert!((evaluation.value - fees).abs() < 1e-9);

    let mut early = route.clone();
    early[1].1 -= 1;
    assert!(matches!(check(&instance, &early), Err(Violation::OutsideWindow { .. })));
    let mut late_home = route.clone();
    let end = late_home.len() - 1;
    late_home[end].1 = instance.model.end_day_max + 1;
    assert_eq!(
        check(&instance, &late_home),
        Err(Violation::HomeTooLate(instance.model.end_day_max + 1))
    );
    let dropped = vec![route[0], route[1], *route.last().unwrap()];
    assert!(matches!(
        check(&instance, &dropped),
        Err(Violation::ConfirmedMissing(_))
    ));
    let twice = vec![route[0], route[1], route[1], *route.last().unwrap()];
    assert!(matches!(
        check(&instance, &twice),
        Err(Violation::VisitedTwice(_)) | Err(Violation::LegTooShort(_))
    ));
    let mut squeezed = route.clone();
    squeezed[2].1 = squeezed[1].1;
    assert!(check(&instance, &squeezed).is_err());
    assert_eq!(check(&instance, &[(0, 1), (0, 2)]), Err(Violation::NotHomeToHome));
}

/// Every order of every subset, days worked out leg by leg: the best profit.
fn enumerate(instance: &Instance) -> f64 {
    let candidates: Vec<usize> = (1..instance.nodes.len()).collect();
    let mut best = f64::NEG_INFINITY;
    let mut stack: Vec<(Vec<usize>, u32, f64, f64)> = vec![(Vec::new(), instance.model.start_day, 0.0, 0.0)];
    while let Some((order, day, value, km)) = stack.pop() {
        let at = order.last().copied().unwrap_or(0);
        let home = day + instance.matrix.travel_days[at][0];
        let all_confirmed = instance
            .nodes
            .iter()
            .all(|node| node.kind != Kind::Confirmed || order.contains(&node.id));
        if home <= instance.model.end_day_max && all_confirmed {
            best = best.max(value - (km + instance.matrix.road_km[at][0]) * instance.model.km_cost_per_km);
        }
        for &next in candidates.iter().filter(|c| !order.contains(c)) {
            let (from, to) = instance.nodes[next].window.unwrap();
            let arrive = (day + instance.matrix.travel_days[at][next]).max(from);
            if arrive <= to {
                let mut longer = order.clone();
                longer.push(next);
                stack.push((
                    longer,
                    arrive,
                    value + instance.nodes[next].value,
                    km + instance.matrix.road_km[at][next],
                ));
            }
        }
    }
    best
}

#[test]
fn the_exact_solver_agrees_with_enumeration_on_small_instances_from_the_kit() {
    for small in kit_cuts(&[0, 3, 6, 9]) {
        let (route, evaluation) = exact(&small).expect("a feasible route");
        assert_eq!(check(&small, &route), Ok(evaluation));
        assert!((evaluation.profit - enumerate(&small)).abs() < 1e-6, "{}", small.name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random windows and fees on seven of the kit's towns: the exact route keeps every rule and
    /// no order does better.
    #[test]
    fn exact_routes_keep_every_rule_and_are_best(
        towns in proptest::sample::subsequence((1usize..=20).collect::<Vec<_>>(), 7),
        windows in proptest::collection::vec((1u32..=55, 0u32..=10), 7),
        fees in proptest::collection::vec(500u32..=15_000, 7),
    ) {
        let instance = towns_with(&towns, &windows, &fees);
        let best = enumerate(&instance);
        let (route, evaluation) = exact(&instance).expect("staying home is always possible");
        prop_assert_eq!(check(&instance, &route), Ok(evaluation));
        prop_assert!((evaluation.profit - best).abs() < 1e-6);
    }
}

fn quick() -> ensemble_touring::Options {
    rounds(300)
}

fn rounds(count: u32) -> ensemble_touring::Options {
    ensemble_touring::Options {
        budget: Budget::Rounds(count),
        time_cap: std::time::Duration::from_secs(600),
        seed: 7,
    }
}

/// The optimiser's route and what it earns, after checking that the time cap did not stop it.
fn optimise(instance: &Instance, options: &ensemble_touring::Options) -> Option<(Route, Evaluation)> {
    let solution = ensemble_touring::optimise(instance, options)?;
    assert!(!solution.capped, "the time cap stopped the search");
    Some((solution.route, solution.evaluation))
}

#[test]
fn the_optimiser_finds_the_exact_best_on_small_instances_from_the_kit() {
    for small in kit_cuts(&[0, 3, 6, 9, 12]) {
        let (_, best) = exact(&small).unwrap();
        let (route, found) = optimise(&small, &quick()).unwrap();
        assert_eq!(check(&small, &route), Ok(found));
        assert!(
            (found.profit - best.profit).abs() < 1e-6,
            "{}: {} vs {}",
            small.name,
            found.profit,
            best.profit
        );
    }
}

#[test]
fn on_the_kits_instances_every_route_keeps_every_rule() {
    for k in [20, 40, 80] {
        let instance = kit(k);
        let (route, evaluation) = optimise(&instance, &rounds(50)).expect("a route");
        assert_eq!(check(&instance, &route), Ok(evaluation), "K = {k}");
        assert_eq!(keeps_the_rules_by_hand(&instance, &route), Ok(()), "K = {k}");
        assert!(
            route.windows(2).all(|leg| leg[1].1 > leg[0].1),
            "at most one show a day"
        );
    }
}

/// Random small instances drawn from a fixed seed (the same forty on every run): the
/// optimiser's route keeps every rule and earns what the best route earns.
#[test]
fn the_optimiser_equals_brute_force_on_forty_random_small_instances() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(40);
    let mut missed = Vec::new();
    for case in 0..40 {
        let mut towns: Vec<usize> = (1..=20).collect();
        rand::seq::SliceRandom::shuffle(towns.as_mut_slice(), &mut rng);
        towns.truncate(6);
        let windows: Vec<(u32, u32)> = (0..6)
            .map(|_| (rng.random_range(1..=55), rng.random_range(0..=12)))
            .collect();
        let fees: Vec<u32> = (0..6).map(|_| rng.random_range(500..=15_000)).collect();
        let instance = towns_with(&towns, &windows, &fees);
        let best = enumerate(&instance);
        let (route, found) = optimise(&instance, &quick()).expect("staying home is possible");
        assert_eq!(check(&instance, &route), Ok(found));
        if (found.profit - best).abs() > 1e-6 {
            missed.push((case, found.profit, best));
        }
    }
    assert!(missed.is_empty(), "{missed:?}");
}

/// The rules read again from the route itself, without `check`: every show in its window, the
/// confirmed date on its day, no more shows in a row than allowed (unless all are confirmed),
/// and no leg driving more than the kit's 600 km a day.
fn keeps_the_rules_by_hand(instance: &Instance, route: &[(usize, u32)]) -> Result<(), String> {
    for &(node, day) in &route[1..route.len() - 1] {
        let (from, to) = instance.nodes[node].window.unwrap();
        if day < from || day > to {
            return Err(format!("node {node} on day {day} outside {from}..{to}"));
        }
    }
    for node in instance.nodes.iter().filter(|n| n.kind == Kind::Confirmed) {
        let day = node.window.unwrap().0;
        if !route.contains(&(node.id, day)) {
            return Err(format!("confirmed node {} not played on day {day}", node.id));
        }
    }
    for leg in route.windows(2) {
        let km = instance.matrix.road_km[leg[0].0][leg[1].0];
        let days = leg[1].1 - leg[0].1;
        if days == 0 || km / f64::from(days) > 600.0 + 1e-9 {
            return Err(format!("{km} km in {days} days"));
        }
    }
    if let Some(limit) = instance.model.max_shows_in_a_row {
        // Too many shows on consecutive days are allowed only when all of them are confirmed.
        let visits = &route[1..route.len() - 1];
        let mut run: Vec<(usize, u32)> = Vec::new();
        for &(node, day) in visits.iter().chain(std::iter::once(&(0, u32::MAX))) {
            if run.last().is_some_and(|last| last.1 + 1 == day) {
                run.push((node, day));
                continue;
            }
            let proposed = run
                .iter()
                .any(|(node, _)| instance.nodes[*node].kind != Kind::Confirmed);
            if run.len() > limit as usize && proposed {
                return Err(format!("{} shows in a row with a proposed one: {run:?}", run.len()));
            }
            run = vec![(node, day)];
        }
    }
    Ok(())
}

#[test]
fn a_third_show_in_a_row_breaks_a_limit_of_two() {
    let mut instance = towns_with(&[1, 2, 3], &[(1, 10), (1, 10), (1, 10)], &[5_000, 5_000, 5_000]);
    let days: Vec<u32> = (1..=3).map(|node| instance.matrix.travel_days[0][node]).collect();
    assert!(
        days.iter().all(|d| *d == 1),
        "the first three towns are a day from home and one another"
    );
    let route = schedule(&instance, &[1, 2, 3]).unwrap();
    assert_eq!(route.iter().map(|stop| stop.1).collect::<Vec<_>>()[1..4], [1, 2, 3]);
    instance.model.max_shows_in_a_row = Some(2);
    assert_eq!(check(&instance, &route), Err(Violation::NoDayOff(3)));
    let rested = schedule(&instance, &[1, 2, 3]).unwrap();
    assert_eq!(rested.iter().map(|stop| stop.1).collect::<Vec<_>>()[1..4], [1, 2, 4]);
    assert!(check(&instance, &rested).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random small instances, some with a limit on shows in a row: the optimiser's route keeps
    /// every rule (read by `check` and again by hand), and it never earns less than playing the
    /// confirmed date alone.
    #[test]
    fn the_optimisers_routes_keep_every_rule(
        towns in proptest::sample::subsequence((1usize..=20).collect::<Vec<_>>(), 8),
        windows in proptest::collection::vec((1u32..=55, 0u32..=12), 8),
        fees in proptest::collection::vec(500u32..=15_000, 8),
        confirmed_day in 2u32..=50,
        in_a_row in proptest::option::of(1u32..=3),
    ) {
        let mut instance = towns_with(&towns, &windows, &fees);
        instance.nodes[1].kind = Kind::Confirmed;
        instance.nodes[1].window = Some((confirmed_day, confirmed_day));
        instance.model.max_shows_in_a_row = in_a_row;
        let alone = schedule(&instance, &[1]).and_then(|route| check(&instance, &route).ok());
        match optimise(&instance, &quick()) {
            Some((route, found)) => {
                prop_assert_eq!(check(&instance, &route), Ok(found));
                prop_assert_eq!(keeps_the_rules_by_hand(&instance, &route), Ok(()));
                prop_assert!(found.profit + 1e-6 >= alone.map_or(f64::NEG_INFINITY, |a| a.profit));
            }
            None => prop_assert!(alone.is_none(), "the confirmed date alone was playable"),
        }
    }
}

/// Home and one-day stops on the given days, every leg one day and 100 km, every fee 1,000 $.
fn one_day_stops(stops: &[(Kind, u32)], in_a_row: u32) -> Instance {
    let count = stops.len() + 1;
    let mut nodes = vec![ensemble_touring::Node {
        id: 0,
        name: "home".into(),
        lat: 46.0,
        lon: -72.0,
        kind: Kind::Home,
        value: 0.0,
        window: None,
        closed: Vec::new(),
    }];
    for (i, &(kind, day)) in stops.iter().enumerate() {
        nodes.push(ensemble_touring::Node {
            id: i + 1,
            name: format!("{kind:?} {day}"),
            kind,
            value: 1_000.0,
            window: Some((day, day)),
            ..nodes[0].clone()
        });
    }
    let table = |same: f64, other: f64| -> Vec<Vec<f64>> {
        (0..count)
            .map(|a| (0..count).map(|b| if a == b { same } else { other }).collect())
            .collect()
    };
    Instance {
        name: "one-day stops".into(),
        nodes,
        model: ensemble_touring::Model {
            start_day: 0,
            end_day_max: 60,
            km_cost_per_km: 1.0,
            max_shows_in_a_row: Some(in_a_row),
            blocked: Vec::new(),
        },
        matrix: ensemble_touring::Matrix {
            road_km: table(0.0, 100.0),
            travel_days: table(0.0, 1.0)
                .into_iter()
                .map(|row| row.into_iter().map(|d| d as u32).collect())
                .collect(),
        },
    }
}

fn days_of(route: &[(usize, u32)]) -> Vec<u32> {
    route[1..route.len() - 1].iter().map(|stop| stop.1).collect()
}

/// Proposed A on day 1, B on day 2, confirmed C on day 3, proposed D on day 4, at most two in a
/// row: A, B, C would be three shows on three days, and a proposed date may not make that run.
#[test]
fn a_proposed_date_never_makes_a_confirmed_date_the_third_in_a_row() {
    use Kind::{Confirmed, Optional};
    let instance = one_day_stops(&[(Optional, 1), (Optional, 2), (Confirmed, 3), (Optional, 4)], 2);
    assert_eq!(
        check(&instance, &[(0, 0), (1, 1), (2, 2), (3, 3), (0, 4)]),
        Err(Violation::NoDayOff(2))
    );
    assert_eq!(
        check(&instance, &[(0, 0), (2, 2), (3, 3), (4, 4), (0, 5)]),
        Err(Violation::NoDayOff(4))
    );
    assert_eq!(schedule(&instance, &[1, 2, 3]), None, "C cannot move and B cannot rest");
    let (best_route, best) = exact(&instance).unwrap();
    assert_eq!(days_of(&best_route), [1, 3, 4]);
    for seed in 0..20 {
        let options = ensemble_touring::Options { seed, ..quick() };
        let (route, found) = optimise(&instance, &options).unwrap();
        assert_eq!(days_of(&route), [1, 3, 4], "seed {seed}");
        assert_eq!(found, best);
    }
}

/// The most shows a set of one-day stops allows: every subset of the proposed days with all the
/// confirmed ones, runs read by hand.
fn most_shows(stops: &[(Kind, u32)], in_a_row: usize) -> usize {
    let proposed: Vec<u32> = stops.iter().filter(|s| s.0 == Kind::Optional).map(|s| s.1).collect();
    let confirmed: Vec<u32> = stops.iter().filter(|s| s.0 == Kind::Confirmed).map(|s| s.1).collect();
    (0u32..1 << proposed.len())
        .filter_map(|mask| {
            let chosen: Vec<u32> = (0..proposed.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| proposed[i])
                .collect();
            let mut days: Vec<(u32, bool)> = chosen.iter().map(|d| (*d, true)).collect();
            days.extend(confirmed.iter().map(|d| (*d, false)));
            days.sort();
            let mut start = 0;
            for end in 1..=days.len() {
                if end == days.len() || days[end].0 != days[end - 1].0 + 1 {
                    let run = &days[start..end];
                    if run.len() > in_a_row && run.iter().any(|d| d.1) {
                        return None;
                    }
                    start = end;
                }
            }
            Some(days.len())
        })
        .max()
        .unwrap_or(0)
}

/// Confirmed dates on consecutive days (one to six), proposed dates on each of the five days
/// before and after, limits of one to five shows in a row: the routes keep the limit around the
/// confirmed run, keep the run itself, and play as many dates as the rule allows.
#[test]
fn around_confirmed_dates_in_a_row_every_limit_from_one_to_five_holds() {
    for limit in 1..=5u32 {
        for length in 1..=6u32 {
            let mut stops: Vec<(Kind, u32)> = (5..=9).map(|day| (Kind::Optional, day)).collect();
            stops.extend((10..10 + length).map(|day| (Kind::Confirmed, day)));
            stops.extend((10 + length..15 + length).map(|day| (Kind::Optional, day)));
            let instance = one_day_stops(&stops, limit);
            let (route, found) = optimise(&instance, &quick()).unwrap();
            let case = format!("limit {limit}, {length} confirmed: {:?}", days_of(&route));
            assert_eq!(check(&instance, &route), Ok(found), "{case}");
            assert_eq!(keeps_the_rules_by_hand(&instance, &route), Ok(()), "{case}");
            let days = days_of(&route);
            assert!((10..10 + length).all(|day| days.contains(&day)), "{case}");
            if length >= limit {
                assert!(!days.contains(&9) && !days.contains(&(10 + length)), "{case}");
            }
            assert_eq!(found.visits, most_shows(&stops, limit as usize), "{case}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random instances with two or three confirmed dates, close together, and a limit: no route
    /// has a run longer than the limit that holds a proposed date, read by the library's runs and
    /// by hand; and when the optimiser finds no route, the confirmed dates alone cannot be played.
    #[test]
    fn no_route_lengthens_a_run_past_the_limit_with_a_proposed_date(
        towns in proptest::sample::subsequence((1usize..=20).collect::<Vec<_>>(), 8),
        windows in proptest::collection::vec((1u32..=40, 0u32..=12), 8),
        fees in proptest::collection::vec(500u32..=15_000, 8),
        first in 5u32..=35,
        gaps in proptest::collection::vec(1u32..=2, 1..=2),
        in_a_row in 1u32..=3,
    ) {
        let mut instance = towns_with(&towns, &windows, &fees);
        let mut day = first;
        for (i, gap) in std::iter::once(0).chain(gaps.iter().copied()).enumerate() {
            day += gap;
            instance.nodes[i + 1].kind = Kind::Confirmed;
            instance.nodes[i + 1].window = Some((day, day));
        }
        instance.model.max_shows_in_a_row = Some(in_a_row);
        let fixed = confirmed(&instance);
        match optimise(&instance, &quick()) {
            Some((route, found)) => {
                prop_assert_eq!(check(&instance, &route), Ok(found));
                prop_assert_eq!(keeps_the_rules_by_hand(&instance, &route), Ok(()));
                let visits = &route[1..route.len() - 1];
                for run in runs(visits) {
                    prop_assert!(
                        run.len() <= in_a_row as usize
                            || run.iter().all(|(node, _)| instance.nodes[*node].kind == Kind::Confirmed),
                        "{:?}", run
                    );
                }
            }
            None => prop_assert!(schedule(&instance, &fixed).is_none(), "the confirmed dates alone were playable"),
        }
    }
}

/// The search is bounded by rounds: the same instance and seed give the same route whatever the
/// machine is doing, here with every core kept busy during the second search.
#[test]
fn the_same_rounds_give_the_same_route_on_a_busy_machine() {
    let instance = kit(40);
    let options = rounds(1_500);
    let quiet = ensemble_touring::optimise(&instance, &options).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let burners: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            })
        })
        .collect();
    let busy = ensemble_touring::optimise(&instance, &options).unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for burner in burners {
        burner.join().unwrap();
    }
    assert_eq!(quiet.rounds, 1_500);
    assert!(!quiet.capped && !busy.capped);
    assert_eq!(quiet, busy);
    // A cap far too short for the rounds stops the search, and says so.
    let hurried = ensemble_touring::optimise(
        &instance,
        &ensemble_touring::Options {
            time_cap: std::time::Duration::ZERO,
            ..options
        },
    )
    .unwrap();
    assert!(hurried.capped);
    assert!(hurried.rounds < 1_500);
    assert_eq!(check(&instance, &hurried.route), Ok(hurried.evaluation));
}
