//! The touring optimiser: ruin and recreate with simulated annealing.
//!
//! It starts from the confirmed dates in day order. Each round takes some visits out (strings of
//! neighbouring visits in the route, or visits at random), puts candidates back one at a time at
//! their best feasible place (in a random order, by fee, or nearest first), and keeps the result
//! when it scores more, or now and then a little less while the temperature is high. Whether a
//! candidate fits between two visits is known in constant time from each visit's earliest day and
//! the latest day it could be played without breaking what follows; both are brought up to date
//! after each change. The best route is scheduled with [`crate::schedule`] and checked with
//! [`crate::check`], so a route that breaks a rule is never returned.

use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::{Evaluation, Instance, Kind, Route, check, schedule};

/// How much the optimiser searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// This many rounds: the same instance, objective, seed and rounds give the same route on
    /// every machine, however fast or busy.
    Rounds(u32),
    /// As many rounds as fit in this time (benchmarks, which compare searches by time; the route
    /// then depends on the machine).
    Time(Duration),
}

/// How the optimiser searches.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How much it searches.
    pub budget: Budget,
    /// A safety cap: a search still running after this time stops with the best route found so
    /// far, and says so ([`Solution::capped`]).
    pub time_cap: Duration,
    /// The seed of its random choices.
    pub seed: u64,
}

impl Default for Options {
    /// 20,000 rounds, capped at 30 s, seed 2026.
    fn default() -> Self {
        Options {
            budget: Budget::Rounds(20_000),
            time_cap: Duration::from_secs(30),
            seed: 2026,
        }
    }
}

/// The best route a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The route, checked against every rule.
    pub route: Route,
    /// What it earns.
    pub evaluation: Evaluation,
    /// Rounds searched.
    pub rounds: u32,
    /// Whether the time cap stopped the search before its rounds were done (the route may then
    /// differ from one machine to another).
    pub capped: bool,
}

/// What the optimiser maximises: the fees of the visits, plus a bonus per visit, less a weight
/// per road kilometre. The instance's own objective (profit) is a bonus of 0 and its cost per km.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    /// Added for each visit (a large bonus asks for the most engagements).
    pub visit_bonus: f64,
    /// Taken for each road kilometre (a larger weight asks for fewer kilometres).
    pub km_weight: f64,
}

impl Objective {
    /// The instance's objective: fees less the cost of the road.
    pub fn profit(instance: &Instance) -> Objective {
        Objective {
            visit_bonus: 0.0,
            km_weight: instance.model.km_cost_per_km,
        }
    }
}

/// A route under construction: home, the visits in order, home; with each stop's earliest day
/// and the latest day it may be played so that every later stop stays in its window.
struct Plan<'a> {
    instance: &'a Instance,
    objective: Objective,
    /// Home, the visits, home.
    stops: Vec<usize>,
    earliest: Vec<i64>,
    latest: Vec<i64>,
    score: f64,
    /// Whether window bounds alone cannot decide feasibility (days off, closed days).
    bounds_only_necessary: bool,
}

impl<'a> Plan<'a> {
    fn new(instance: &'a Instance, objective: Objective, visits: &[usize]) -> Option<Plan<'a>> {
        let mut stops = Vec::with_capacity(visits.len() + 2);
        stops.push(0);
        stops.extend_from_slice(visits);
        stops.push(0);
        let mut plan = Plan {
            instance,
            objective,
            stops,
            earliest: Vec::new(),
            latest: Vec::new(),
            score: 0.0,
            bounds_only_necessary: instance.model.max_shows_in_a_row.is_some() || instance.has_closed_days(),
        };
        plan.refresh().then_some(plan)
    }

    fn days(&self, a: usize, b: usize) -> i64 {
        i64::from(self.instance.matrix.travel_days[a][b])
    }

    fn km(&self, a: usize, b: usize) -> f64 {
        self.instance.matrix.road_km[a][b]
    }

    /// First and last allowed day of a visit.
    fn window(&self, node: usize) -> (i64, i64) {
        let (from, to) = self.instance.nodes[node].window.unwrap_or((0, 0));
        (i64::from(from), i64::from(to))
    }

    fn gain(&self, node: usize) -> f64 {
        self.instance.nodes[node].value + self.objective.visit_bonus
    }

    /// Recomputes days and score; false when the route cannot be scheduled.
    fn refresh(&mut self) -> bool {
        let count = self.stops.len();
        self.earliest.resize(count, 0);
        self.latest.resize(count, 0);
        self.earliest[0] = i64::from(self.instance.model.start_day);
        for i in 1..count {
            let (a, b) = (self.stops[i - 1], self.stops[i]);
            let arrive = self.earliest[i - 1] + self.days(a, b);
            self.earliest[i] = if i + 1 == count {
                arrive
            } else {
                arrive.max(self.window(b).0)
            };
        }
        self.latest[count - 1] = i64::from(self.instance.model.end_day_max);
        for i in (0..count - 1).rev() {
            let (a, b) = (self.stops[i], self.stops[i + 1]);
            let by = self.latest[i + 1] - self.days(a, b);
            self.latest[i] = if i == 0 { by } else { by.min(self.window(a).1) };
        }
        let mut score = 0.0;
        for i in 1..count {
            score -= self.objective.km_weight * self.km(self.stops[i - 1], self.stops[i]);
            if i + 1 < count {
                score += self.gain(self.stops[i]);
            }
        }
        self.score = score;
        if self.bounds_only_necessary {
            return schedule(self.instance, self.visits()).is_some();
        }
        (0..count).all(|i| self.earliest[i] <= self.latest[i])
    }

    /// The score added by playing `node` between stops `i` and `i + 1`, when it fits there.
    fn insertion(&self, node: usize, i: usize) -> Option<f64> {
        let (a, b) = (self.stops[i], self.stops[i + 1]);
        let (from, to) = self.window(node);
        let day = (self.earliest[i] + self.days(a, node)).max(from);
        if day > to {
            return None;
        }
        let next = day + self.days(node, b);
        let next = if i + 2 == self.stops.len() {
            next
        } else {
            next.max(self.window(b).0)
        };
        if next > self.latest[i + 1] {
            return None;
        }
        if self.bounds_only_necessary {
            // Days off and closed days move later visits: the bounds above are necessary, the
            // schedule decides.
            let mut order = self.visits().to_vec();
            order.insert(i, node);
            schedule(self.instance, &order)?;
        }
        Some(self.gain(node) - self.objective.km_weight * (self.km(a, node) + self.km(node, b) - self.km(a, b)))
    }

    /// The best place for `node` and what it adds, skipping each place with probability `blink`.
    fn best_insertion(&self, node: usize, blink: f64, rng: &mut ChaCha8Rng) -> Option<(f64, usize)> {
        let mut best: Option<(f64, usize)> = None;
        for i in 0..self.stops.len() - 1 {
            if blink > 0.0 && rng.random_bool(blink) {
                continue;
            }
            if let Some(gain) = self.insertion(node, i)
                && best.is_none_or(|(kept, _)| gain > kept)
            {
                best = Some((gain, i));
            }
        }
        best
    }

    fn insert(&mut self, node: usize, i: usize) {
        self.stops.insert(i + 1, node);
        self.refresh();
    }

    fn visits(&self) -> &[usize] {
        &self.stops[1..self.stops.len() - 1]
    }
}

/// How the candidates are tried when a route is recreated.
#[derive(Clone, Copy)]
enum Order {
    Random,
    HighestFee,
    Nearest(usize),
}

/// Puts the candidates of `pool` not yet visited back, each at its best place when that adds
/// to the score.
fn recreate(plan: &mut Plan, pool: &mut [usize], order: Order, blink: f64, rng: &mut ChaCha8Rng) {
    match order {
        Order::Random => pool.shuffle(rng),
        Order::HighestFee => pool.sort_by(|a, b| plan.gain(*b).total_cmp(&plan.gain(*a))),
        Order::Nearest(centre) => pool.sort_by(|a, b| plan.km(centre, *a).total_cmp(&plan.km(centre, *b))),
    }
    for &node in pool.iter() {
        if plan.stops.contains(&node) {
            continue;
        }
        if let Some((gain, i)) = plan.best_insertion(node, blink, rng)
            && gain > 1e-9
        {
            plan.insert(node, i);
        }
    }
}

/// Takes out strings of visits that sit next to one another in the route, starting from visits
/// near a random one, or visits at random; confirmed dates stay.
/// Returns the visit the ruin started from, or none when what is left cannot be scheduled (an
/// imported matrix need not keep the triangle inequality).
fn ruin(plan: &mut Plan, fixed: &[bool], neighbours: &[Vec<usize>], rng: &mut ChaCha8Rng) -> Option<usize> {
    let removable: Vec<usize> = plan.visits().iter().copied().filter(|node| !fixed[*node]).collect();
    let Some(&centre) = removable.get(rng.random_range(0..removable.len().max(1))) else {
        return plan.refresh().then_some(0);
    };
    if rng.random_bool(0.3) {
        let count = rng.random_range(1..=removable.len().min(6));
        let mut out = removable.clone();
        out.shuffle(rng);
        out.truncate(count);
        plan.stops.retain(|node| !out.contains(node));
    } else {
        let strings = rng.random_range(1..=3);
        let mut removed = 0;
        for &seed in neighbours[centre].iter() {
            if removed >= strings {
                break;
            }
            let Some(at) = plan.stops.iter().position(|node| *node == seed) else {
                continue;
            };
            let length = rng.random_range(1..=5usize);
            let first = at.saturating_sub(rng.random_range(0..length)).max(1);
            let last = (first + length).min(plan.stops.len() - 1);
            let mut i = first;
            let mut end = last;
            while i < end {
                if fixed[plan.stops[i]] {
                    i += 1;
                } else {
                    plan.stops.remove(i);
                    end -= 1;
                }
            }
            removed += 1;
        }
    }
    plan.refresh().then_some(centre)
}

/// The best route found within the options for the instance's own objective (profit).
pub fn optimise(instance: &Instance, options: &Options) -> Option<Solution> {
    optimise_for(instance, Objective::profit(instance), options)
}

/// The best route found within the options for `objective`, checked against every rule; none
/// when even the confirmed dates cannot all be played.
pub fn optimise_for(instance: &Instance, objective: Objective, options: &Options) -> Option<Solution> {
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut confirmed: Vec<(u32, usize)> = instance
        .nodes
        .iter()
        .filter(|node| node.kind == Kind::Confirmed)
        .filter_map(|node| Some((node.window?.0, node.id)))
        .collect();
    confirmed.sort();
    let fixed_order: Vec<usize> = confirmed.into_iter().map(|(_, id)| id).collect();
    let mut fixed = vec![false; instance.nodes.len()];
    for node in &fixed_order {
        fixed[*node] = true;
    }
    let mut pool: Vec<usize> = instance
        .nodes
        .iter()
        .filter(|node| node.kind == Kind::Optional && node.window.is_some())
        .map(|node| node.id)
        .collect();
    let neighbours: Vec<Vec<usize>> = (0..instance.nodes.len())
        .map(|from| {
            let mut near: Vec<usize> = (1..instance.nodes.len()).filter(|to| *to != from).collect();
            near.sort_by(|a, b| instance.matrix.road_km[from][*a].total_cmp(&instance.matrix.road_km[from][*b]));
            near
        })
        .collect();

    let mut current = Plan::new(instance, objective, &fixed_order)?;
    recreate(&mut current, &mut pool, Order::HighestFee, 0.0, &mut rng);
    let mut best = current.stops.clone();
    let mut best_score = current.score;
    // Temperatures: from a fraction of a typical fee down to almost nothing.
    let typical = pool.iter().map(|node| instance.nodes[*node].value).sum::<f64>() / pool.len().max(1) as f64;
    let (hot, cold) = ((typical * 0.05).max(1.0), 0.5);
    let mut trial = Plan::new(instance, objective, &fixed_order)?;
    let (mut rounds, mut capped) = (0, false);
    loop {
        let elapsed = started.elapsed();
        // How far the search has gone, from 0 to 1: by rounds, so that the temperature (and so
        // the route) does not depend on the machine; by time only when time is the budget.
        let progress = match options.budget {
            Budget::Rounds(total) if rounds >= total => break,
            Budget::Rounds(total) => f64::from(rounds) / f64::from(total),
            Budget::Time(limit) if elapsed >= limit => break,
            Budget::Time(limit) => elapsed.as_secs_f64() / limit.as_secs_f64(),
        };
        if elapsed >= options.time_cap {
            capped = true;
            break;
        }
        rounds += 1;
        let temperature = hot * (cold / hot).powf(progress.min(1.0));
        trial.stops.clone_from(&current.stops);
        let Some(centre) = ruin(&mut trial, &fixed, &neighbours, &mut rng) else {
            continue;
        };
        let order = match rng.random_range(0..10) {
            0..5 => Order::Random,
            5..8 => Order::HighestFee,
            _ => Order::Nearest(centre),
        };
        recreate(&mut trial, &mut pool, order, 0.01, &mut rng);
        let accept = trial.score > current.score - temperature * rng.random::<f64>().max(1e-12).ln().abs();
        if accept {
            std::mem::swap(&mut current, &mut trial);
            if current.score > best_score + 1e-9 {
                best.clone_from(&current.stops);
                best_score = current.score;
            }
        }
    }
    let route = schedule(instance, &best[1..best.len() - 1])?;
    let evaluation = check(instance, &route).ok()?;
    Some(Solution {
        route,
        evaluation,
        rounds,
        capped,
    })
}
