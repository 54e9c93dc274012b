//! The touring problem: a show leaves its home base, may play at candidate presenters, each with
//! a fee and a window of allowed days (confirmed dates are one-day windows that must be played),
//! at most one show a day, legs that take whole travel days, and comes home by a last day. The
//! aim is the most fees less the cost of the road (a prize-collecting travelling-salesman problem
//! with time windows).
//!
//! This module holds the instance (the same JSON as the benchmark kit in `bench/touring`), the
//! rules as one checker ([`check`]), the earliest schedule of an order of visits ([`schedule`]),
//! an exact solver by enumeration for small instances ([`exact`]), the yardstick of the
//! optimiser's tests, and the optimiser itself ([`optimise`]).

pub mod carbon;
pub mod export;
pub mod fit;
pub mod hall;
pub mod holds;
pub mod optimise;
pub mod season;
pub mod words;

use serde::{Deserialize, Serialize};

pub use optimise::{Budget, Objective, Options, Solution, optimise, optimise_for};

/// What kind of stop a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The home base (node 0).
    Home,
    /// A presenter that may be visited.
    Optional,
    /// A confirmed date: must be visited, on its one day.
    Confirmed,
}

/// A place of the instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Its number (0 is home).
    pub id: usize,
    /// Its name.
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Home, optional or confirmed.
    pub kind: Kind,
    /// The fee, in dollars (none at home).
    #[serde(default)]
    pub value: f64,
    /// First and last allowed show day (none at home).
    #[serde(default)]
    pub window: Option<(u32, u32)>,
    /// Days inside the window when this presenter cannot host (its blackout dates, a radius
    /// clause), as first and last day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed: Vec<(u32, u32)>,
}

/// The rules every route follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The day the show leaves home.
    pub start_day: u32,
    /// The last day it may be back home.
    pub end_day_max: u32,
    /// Cost of a road kilometre, in dollars.
    pub km_cost_per_km: f64,
    /// At most this many shows on consecutive days; the next day is a day off (no limit when
    /// absent). Confirmed dates alone may make a longer run (they are kept, and reported); a
    /// proposed date never makes or lengthens one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_shows_in_a_row: Option<u32>,
    /// Days when the show takes no new engagement (its blocked dates), as first and last day;
    /// confirmed dates already there stay.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<(u32, u32)>,
}

/// Distances and travel days between every two nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// Road kilometres.
    pub road_km: Vec<Vec<f64>>,
    /// Whole days a leg takes (at least 1 between distinct places).
    pub travel_days: Vec<Vec<u32>>,
}

/// A touring instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// Its name.
    pub name: String,
    /// Its nodes, home first.
    pub nodes: Vec<Node>,
    /// The rules.
    pub model: Model,
    /// Distances and travel days.
    pub matrix: Matrix,
}

impl Instance {
    /// The first day on or after `day` when `node` may be played: inside its window, outside its
    /// closed days and the show's blocked days; none once its window has closed.
    pub fn first_open_day(&self, node: usize, day: u32) -> Option<u32> {
        let candidate = self.nodes.get(node)?;
        let (from, to) = candidate.window?;
        let mut day = day.max(from);
        loop {
            let blocked = if candidate.kind == Kind::Confirmed {
                &[][..]
            } else {
                &self.model.blocked[..]
            };
            let shut = candidate
                .closed
                .iter()
                .chain(blocked)
                .find(|(first, last)| (*first..=*last).contains(&day));
            match shut {
                Some((_, last)) => day = last + 1,
                None => break,
            }
        }
        (day <= to).then_some(day)
    }

    /// Whether some days inside windows are closed or blocked (then an order's feasibility is
    /// decided by scheduling it, not by window bounds alone).
    pub fn has_closed_days(&self) -> bool {
        !self.model.blocked.is_empty() || self.nodes.iter().any(|node| !node.closed.is_empty())
    }

    /// Reads an instance written as JSON (the benchmark kit's format).
    pub fn from_json(text: &str) -> Result<Instance, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The same problem on home and some of the candidates only (numbered again from 0, home
    /// first, in the order given).
    pub fn restricted(&self, candidates: &[usize]) -> Instance {
        let keep: Vec<usize> = std::iter::once(0).chain(candidates.iter().copied()).collect();
        let pick = |matrix: &Vec<Vec<f64>>| -> Vec<Vec<f64>> {
            keep.iter()
                .map(|&a| keep.iter().map(|&b| matrix[a][b]).collect())
                .collect()
        };
        Instance {
            name: format!("{} ({} candidates)", self.name, candidates.len()),
            nodes: keep
                .iter()
                .enumerate()
                .map(|(id, &old)| Node {
                    id,
                    ..self.nodes[old].clone()
                })
                .collect(),
            model: self.model.clone(),
            matrix: Matrix {
                road_km: pick(&self.matrix.road_km),
                travel_days: keep
                    .iter()
                    .map(|&a| keep.iter().map(|&b| self.matrix.travel_days[a][b]).collect())
                    .collect(),
            },
        }
    }
}

/// A route: (node, day) from home on the start day, through the visits, back home.
pub type Route = Vec<(usize, u32)>;

/// Why a route breaks the rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    /// It does not start at home on the start day, or does not end at home.
    #[error("the route must leave home on the start day and end at home")]
    NotHomeToHome,
    /// A node is not in the instance, or home is visited in the middle.
    #[error("node {0} is not a candidate")]
    UnknownNode(usize),
    /// A candidate is visited twice.
    #[error("node {0} is visited twice")]
    VisitedTwice(usize),
    /// A leg is shorter in days than its travel days.
    #[error("the leg to node {0} is too short in days")]
    LegTooShort(usize),
    /// A show falls outside its window.
    #[error("node {node} on day {day} is outside its window")]
    OutsideWindow {
        /// The node.
        node: usize,
        /// The day.
        day: u32,
    },
    /// Home too late.
    #[error("home on day {0}, after the last day")]
    HomeTooLate(u32),
    /// A confirmed date is missing.
    #[error("the confirmed date at node {0} is missing")]
    ConfirmedMissing(usize),
    /// Too many shows on consecutive days, without a day off.
    #[error("node {0} is played without the day off that is due")]
    NoDayOff(usize),
    /// A show on a day the presenter is closed or the show is blocked.
    #[error("node {node} on day {day}, a closed or blocked day")]
    ClosedDay {
        /// The node.
        node: usize,
        /// The day.
        day: u32,
    },
}

/// What a valid route earns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    /// Fees collected.
    pub value: f64,
    /// Road kilometres.
    pub km: f64,
    /// Fees less the cost of the road.
    pub profit: f64,
    /// Candidates visited.
    pub visits: usize,
}

/// Checks a route against every rule and evaluates it.
pub fn check(instance: &Instance, route: &[(usize, u32)]) -> Result<Evaluation, Violation> {
    let (Some(first), Some(last)) = (route.first(), route.last()) else {
        return Err(Violation::NotHomeToHome);
    };
    if *first != (0, instance.model.start_day) || last.0 != 0 || route.len() < 2 {
        return Err(Violation::NotHomeToHome);
    }
    let visits = &route[1..route.len() - 1];
    let mut seen = vec![false; instance.nodes.len()];
    let mut value = 0.0;
    for &(node, day) in visits {
        let Some(candidate) = instance.nodes.get(node).filter(|n| n.kind != Kind::Home) else {
            return Err(Violation::UnknownNode(node));
        };
        if std::mem::replace(&mut seen[node], true) {
            return Err(Violation::VisitedTwice(node));
        }
        let (from, to) = candidate.window.unwrap_or((0, 0));
        if day < from || day > to {
            return Err(Violation::OutsideWindow { node, day });
        }
        if instance.first_open_day(node, day) != Some(day) {
            return Err(Violation::ClosedDay { node, day });
        }
        value += candidate.value;
    }
    let mut km = 0.0;
    for pair in route.windows(2) {
        let ((a, day_a), (b, day_b)) = (pair[0], pair[1]);
        km += instance.matrix.road_km[a][b];
        if day_b < day_a || day_b - day_a < instance.matrix.travel_days[a][b] {
            return Err(Violation::LegTooShort(b));
        }
    }
    if last.1 > instance.model.end_day_max {
        return Err(Violation::HomeTooLate(last.1));
    }
    if let Some(limit) = instance.model.max_shows_in_a_row {
        // A run of shows on consecutive days longer than the limit is kept only when it is made
        // of confirmed dates alone (the planner's data, reported as a conflict); a proposed date
        // never makes or lengthens one. The last proposed date of such a run is named.
        for run in runs(visits) {
            if run.len() > limit as usize
                && let Some(&(node, _)) = run
                    .iter()
                    .rfind(|(node, _)| instance.nodes[*node].kind != Kind::Confirmed)
            {
                return Err(Violation::NoDayOff(node));
            }
        }
    }
    if let Some(missing) = instance
        .nodes
        .iter()
        .find(|node| node.kind == Kind::Confirmed && !seen[node.id])
    {
        return Err(Violation::ConfirmedMissing(missing.id));
    }
    Ok(Evaluation {
        value,
        km,
        profit: value - instance.model.km_cost_per_km * km,
        visits: visits.len(),
    })
}

/// The visits of a route cut into runs of shows on consecutive days.
pub fn runs(visits: &[(usize, u32)]) -> impl Iterator<Item = &[(usize, u32)]> {
    visits.chunk_by(|a, b| a.1 + 1 == b.1)
}

/// The route that plays `order` each on its earliest possible day (waiting when a window has not
/// opened or a day is closed, and taking the day off that is due after too many shows in a row),
/// or none when a window closes first or home is reached too late. Without a limit on shows in a
/// row, playing as early as possible never closes a later window, so an order is feasible exactly
/// when this succeeds; with one, this finds the earliest schedule that rests as soon as a rest is
/// due, and none when a proposed date would join confirmed dates on the next days into too long
/// a run (a confirmed date cannot move, and the proposed one cannot come later than the day
/// before it).
pub fn schedule(instance: &Instance, order: &[usize]) -> Option<Route> {
    let limit = instance
        .model
        .max_shows_in_a_row
        .map_or(usize::MAX, |limit| limit as usize);
    let mut route = Vec::with_capacity(order.len() + 2);
    let (mut at, mut day) = (0, instance.model.start_day);
    // The run of shows on consecutive days ending at the last visit, and whether a proposed date
    // is in it.
    let (mut run, mut run_proposed) = (0, false);
    route.push((at, day));
    for (i, &node) in order.iter().enumerate() {
        let previous = day;
        day = instance.first_open_day(node, day + instance.matrix.travel_days[at][node])?;
        let follows = |day: u32| at != 0 && day == previous + 1;
        if instance.nodes[node].kind == Kind::Confirmed {
            (run, run_proposed) = if follows(day) {
                (run + 1, run_proposed)
            } else {
                (1, false)
            };
            if run > limit && run_proposed {
                return None;
            }
        } else {
            loop {
                let before = if follows(day) { run } else { 0 };
                let after = confirmed_run_from(instance, &order[i + 1..], day + 1);
                if before + 1 + after <= limit {
                    (run, run_proposed) = (before + 1, true);
                    break;
                }
                if after > 0 {
                    return None;
                }
                day = instance.first_open_day(node, day + 1)?;
            }
        }
        route.push((node, day));
        at = node;
    }
    day += instance.matrix.travel_days[at][0];
    if day > instance.model.end_day_max {
        return None;
    }
    route.push((0, day));
    Some(route)
}

/// How many of the next visits are confirmed dates on consecutive days from `day`.
fn confirmed_run_from(instance: &Instance, next: &[usize], day: u32) -> usize {
    next.iter()
        .zip(day..)
        .take_while(|(node, day)| {
            let node = &instance.nodes[**node];
            node.kind == Kind::Confirmed && node.window.is_some_and(|(from, _)| from == *day)
        })
        .count()
}

/// The best route by trying every order of every set of candidates: exact, for small instances
/// only (the yardstick of the optimiser's tests). Orders are extended one visit at a time and
/// abandoned as soon as they cannot be scheduled: days only grow along an order, and road
/// kilometres keep the triangle inequality, so no longer order could be scheduled either.
pub fn exact(instance: &Instance) -> Option<(Route, Evaluation)> {
    let candidates: Vec<usize> = instance
        .nodes
        .iter()
        .filter(|node| node.kind != Kind::Home)
        .map(|node| node.id)
        .collect();
    let mut best: Option<(Route, Evaluation)> = None;
    let mut order = Vec::new();
    extend(instance, &candidates, &mut order, &mut best);
    best
}

fn extend(instance: &Instance, candidates: &[usize], order: &mut Vec<usize>, best: &mut Option<(Route, Evaluation)>) {
    let Some(route) = schedule(instance, order) else {
        return;
    };
    if let Ok(evaluation) = check(instance, &route)
        && best
            .as_ref()
            .is_none_or(|(_, kept)| evaluation.profit > kept.profit + 1e-9)
    {
        *best = Some((route, evaluation));
    }
    for &node in candidates {
        if !order.contains(&node) {
            order.push(node);
            extend(instance, candidates, order, best);
            order.pop();
        }
    }
}
