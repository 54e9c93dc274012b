//! Solves a touring instance file and prints profit, km, visits, time and the route as one JSON
//! line:
//! `cargo run --release -p ensemble-touring --example solve -- bench/touring/instances/tour_K40.json [seconds] [seed]`.

use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("give an instance file")?;
    let seconds: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1.0);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2026);
    let instance = ensemble_touring::Instance::from_json(&std::fs::read_to_string(&path)?)?;
    // The benchmark compares searches by time: as many rounds as fit in the seconds given.
    let options = ensemble_touring::Options {
        budget: ensemble_touring::Budget::Time(Duration::from_secs_f64(seconds)),
        time_cap: Duration::from_secs_f64(seconds * 2.0),
        seed,
    };
    let started = Instant::now();
    let solution = ensemble_touring::optimise(&instance, &options).ok_or("no feasible route")?;
    let (route, evaluation) = (solution.route, solution.evaluation);
    let candidates = instance.nodes.len() - 1;
    println!(
        "{{\"instance\": \"{}\", \"profit\": {:.1}, \"km\": {:.1}, \"visits\": {}, \"candidates\": {}, \"seconds\": {:.3}, \"seed\": {}, \"home_day\": {}, \"route\": {}}}",
        instance.name,
        evaluation.profit,
        evaluation.km,
        evaluation.visits,
        candidates,
        started.elapsed().as_secs_f64(),
        seed,
        route.last().map_or(0, |stop| stop.1),
        serde_json::to_string(&route)?
    );
    Ok(())
}
