//! The touring optimiser: the confirmed dates in day order, then the candidate whose insertion
//! adds the most profit, at its best place, until none adds any; then ruin and recreate: take a
//! few visits out (at random, or those close to one another), put candidates back greedily in a
//! shuffled order, and keep the result when it earns more. Every order is scheduled with
//! [`crate::schedule`] and the answer is checked with [`crate::check`], so a route that breaks a
//! rule is never returned.

use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::{Evaluation, Instance, Kind, Route, check, schedule};

/// How long and how hard the optimiser searches.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Ruin-and-recreate rounds at most.
    pub rounds: u32,
    /// Time at most.
    pub time_limit: Duration,
    /// The seed of its random choices (the same seed, the same answer).
    pub seed: u64,
}

impl Default for Options {
    /// 20,000 rounds, 1 s, seed 2026.
    fn default() -> Self {
        Options {
            rounds: 20_000,
            time_limit: Duration::from_secs(1),
            seed: 2026,
        }
    }
}

/// Profit of an order, when it can be scheduled.
fn profit(instance: &Instance, order: &[usize]) -> Option<f64> {
    schedule(instance, order)?;
    let mut km = 0.0;
    let mut at = 0;
    for &node in order {
        km += instance.matrix.road_km[at][node];
        at = node;
    }
    km += instance.matrix.road_km[at][0];
    let value: f64 = order.iter().map(|&node| instance.nodes[node].value).sum();
    Some(value - instance.model.km_cost_per_km * km)
}

/// Inserts candidates, each time the one (among `pool`, in that order for ties) whose best
/// feasible place adds the most profit, until none adds any.
fn recreate(instance: &Instance, order: &mut Vec<usize>, pool: &[usize]) {
    let mut current = profit(instance, order).unwrap_or(f64::NEG_INFINITY);
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        let outside: Vec<usize> = pool.iter().copied().filter(|c| !order.contains(c)).collect();
        for candidate in outside {
            for position in 0..=order.len() {
                order.insert(position, candidate);
                if let Some(gain) = profit(instance, order).map(|p| p - current)
                    && gain > 1e-9
                    && best.is_none_or(|(kept, _, _)| gain > kept)
                {
                    best = Some((gain, candidate, position));
                }
                order.remove(position);
            }
        }
        match best {
            Some((gain, candidate, position)) => {
                order.insert(position, candidate);
                current += gain;
            }
            None => return,
        }
    }
}

/// The best route found within the options, checked against every rule; none when even the
/// confirmed dates cannot all be played.
pub fn optimise(instance: &Instance, options: &Options) -> Option<(Route, Evaluation)> {
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut confirmed: Vec<(u32, usize)> = instance
        .nodes
        .iter()
        .filter(|node| node.kind == Kind::Confirmed)
        .filter_map(|node| Some((node.window?.0, node.id)))
        .collect();
    confirmed.sort();
    let fixed: Vec<usize> = confirmed.into_iter().map(|(_, id)| id).collect();
    schedule(instance, &fixed)?;
    let optional: Vec<usize> = instance
        .nodes
        .iter()
        .filter(|node| node.kind == Kind::Optional)
        .map(|node| node.id)
        .collect();
    let mut best = fixed.clone();
    recreate(instance, &mut best, &optional);
    let mut best_profit = profit(instance, &best)?;
    let mut current = best.clone();
    let mut current_profit = best_profit;
    let mut pool = optional.clone();
    for round in 0..options.rounds {
        if round % 64 == 0 && started.elapsed() >= options.time_limit {
            break;
        }
        let mut trial = current.clone();
        // Ruin: a few optional visits out, at random or around one of them.
        let removable: Vec<usize> = trial.iter().copied().filter(|node| !fixed.contains(node)).collect();
        if !removable.is_empty() {
            let count = rng.random_range(1..=removable.len().min(4));
            if rng.random_bool(0.5) {
                let centre = removable[rng.random_range(0..removable.len())];
                let mut near = removable.clone();
                near.sort_by(|a, b| {
                    instance.matrix.road_km[centre][*a].total_cmp(&instance.matrix.road_km[centre][*b])
                });
                near.truncate(count);
                trial.retain(|node| !near.contains(node));
            } else {
                for _ in 0..count {
                    let out: Vec<usize> = trial.iter().copied().filter(|node| !fixed.contains(node)).collect();
                    if let Some(&node) = out.get(rng.random_range(0..out.len().max(1))) {
                        trial.retain(|kept| *kept != node);
                    }
                }
            }
        }
        // Recreate, trying candidates in a shuffled order.
        pool.shuffle(&mut rng);
        recreate(instance, &mut trial, &pool);
        let Some(trial_profit) = profit(instance, &trial) else {
            continue;
        };
        // Accept what earns more, and now and then a little less, to leave a local optimum.
        if trial_profit > current_profit + 1e-9 || rng.random_bool(0.02) && trial_profit > current_profit - 500.0 {
            current = trial;
            current_profit = trial_profit;
            if current_profit > best_profit + 1e-9 {
                best = current.clone();
                best_profit = current_profit;
            }
        }
    }
    let route = schedule(instance, &best)?;
    let evaluation = check(instance, &route).ok()?;
    Some((route, evaluation))
}
