//! The touring rules on the benchmark kit's instances: a route made by hand passes, each broken
//! rule is named, and the exact solver agrees with a separate enumeration written here (days
//! worked out leg by leg) on small instances drawn from the kit, including random ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ensemble_touring::{Instance, Kind, Violation, check, exact, schedule};
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
    ensemble_touring::Options {
        rounds: 300,
        time_limit: std::time::Duration::from_secs(60),
        seed: 7,
    }
}

#[test]
fn the_optimiser_finds_the_exact_best_on_small_instances_from_the_kit() {
    for small in kit_cuts(&[0, 3, 6, 9, 12]) {
        let (_, best) = exact(&small).unwrap();
        let (route, found) = ensemble_touring::optimise(&small, &quick()).unwrap();
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
        let options = ensemble_touring::Options { rounds: 50, ..quick() };
        let (route, evaluation) = ensemble_touring::optimise(&instance, &options).expect("a route");
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
        let (route, found) = ensemble_touring::optimise(&instance, &quick()).expect("staying home is possible");
        assert_eq!(check(&instance, &route), Ok(found));
        if (found.profit - best).abs() > 1e-6 {
            missed.push((case, found.profit, best));
        }
    }
    assert!(missed.is_empty(), "{missed:?}");
}

/// The rules read again from the route itself, without `check`: every show in its window, the
/// confirmed date on its day, no more shows in a row than allowed (a confirmed date excepted),
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
        // A confirmed date stays where it is, even at the end of a longer run.
        let visits = &route[1..route.len() - 1];
        let mut run = 0;
        for (i, (node, day)) in visits.iter().enumerate() {
            run = if i > 0 && visits[i - 1].1 + 1 == *day {
                run + 1
            } else {
                1
            };
            if run > limit && instance.nodes[*node].kind != Kind::Confirmed {
                return Err(format!("{run} shows in a row by day {day}"));
            }
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
        match ensemble_touring::optimise(&instance, &quick()) {
            Some((route, found)) => {
                prop_assert_eq!(check(&instance, &route), Ok(found));
                prop_assert_eq!(keeps_the_rules_by_hand(&instance, &route), Ok(()));
                prop_assert!(found.profit + 1e-6 >= alone.map_or(f64::NEG_INFINITY, |a| a.profit));
            }
            None => prop_assert!(alone.is_none(), "the confirmed date alone was playable"),
        }
    }
}
