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
    let instance = kit(20);
    let fixed = confirmed(&instance);
    let optional: Vec<usize> = instance
        .nodes
        .iter()
        .filter(|node| node.kind == Kind::Optional)
        .map(|node| node.id)
        .collect();
    for start in [0, 3, 6, 9] {
        let mut keep = fixed.clone();
        keep.extend(optional.iter().skip(start).take(5));
        let small = instance.restricted(&keep);
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
        let base = kit(20);
        let mut instance = base.restricted(&towns);
        for (node, ((from, length), fee)) in instance.nodes.iter_mut().skip(1).zip(windows.iter().zip(&fees)) {
            node.kind = Kind::Optional;
            node.window = Some((*from, (*from + *length).min(60)));
            node.value = f64::from(*fee);
        }
        let best = enumerate(&instance);
        let (route, evaluation) = exact(&instance).expect("staying home is always possible");
        prop_assert_eq!(check(&instance, &route), Ok(evaluation));
        prop_assert!((evaluation.profit - best).abs() < 1e-6);
    }
}
