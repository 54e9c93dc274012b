//! Writes a ticket export in Eventbrite's attendee-report format for a member of a demo database:
//! one line per ticket for the member's performances, buyers from the demo's fictional
//! population. Used by the import benchmark (`bench/import/run.py`).
//!
//! cargo run --release -p ensemble-demo --example eventbrite-export -- \
//!     --database sqlite://demo.db --member deux-rivieres --lines 1000000 --output attendees.csv

use std::collections::HashMap;

use chrono::Duration;
use ensemble_demo::{Population, Scale};
use ensemble_model::{Member, Performance, Show};
use ensemble_store::{ListFilter, Store};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const HEADERS: &[&str] = &[
    "Order #",
    "Order Date",
    "Prefix",
    "First Name",
    "Last Name",
    "Suffix",
    "Email",
    "Quantity",
    "Ticket Type",
    "Attendee #",
    "Group",
    "Order Type",
    "Currency",
    "Total Paid",
    "Fees Paid",
    "Eventbrite Fees",
    "Eventbrite Payment Processing",
    "Attendee Status",
    "Event Name",
    "Event ID",
    "Event Start Date",
    "Home Address 1",
    "Home City",
    "Home State",
    "Home Zip",
    "Home Country",
    "Cell Phone",
];

const TICKET_TYPES: &[(&str, i64)] = &[
    ("Adulte", 4_200),
    ("Aîné", 3_600),
    ("Étudiant", 2_500),
    ("Enfant", 1_800),
];

fn argument(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|index| args.get(index + 1).cloned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let database = argument(&args, "--database").ok_or("--database URL is required")?;
    let slug = argument(&args, "--member").unwrap_or_else(|| "deux-rivieres".to_string());
    let lines: u64 = argument(&args, "--lines")
        .unwrap_or_else(|| "1000000".to_string())
        .parse()?;
    let output = argument(&args, "--output").ok_or("--output FILE is required")?;

    let store = Store::open(&database)?;
    let member: Member = store
        .read(|session| session.member_by_slug(&slug))?
        .ok_or("no such member")?;
    let shows: HashMap<i64, String> = store
        .list::<Show>(&ListFilter::default())?
        .into_iter()
        .map(|show| (show.id.0, show.title_fr))
        .collect();
    let performances: Vec<Performance> = store
        .list::<Performance>(&ListFilter::default())?
        .into_iter()
        .filter(|p| p.presenter_id == member.organization_id)
        .collect();
    if performances.is_empty() {
        return Err("the member presents no performance".into());
    }
    let population = Population::new(2026, Scale::Small);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut writer = csv::Writer::from_path(&output)?;
    writer.write_record(HEADERS)?;
    let (mut order, mut written, mut attendee) = (100_000_000u64, 0u64, 500_000_000u64);
    while written < lines {
        let performance = &performances[rng.random_range(0..performances.len())];
        let title = shows.get(&performance.show_id.0).map_or("Spectacle", String::as_str);
        let buyer = population.buyer(rng.random_range(0..population.len()));
        let (first, last) = buyer.name.split_once(' ').unwrap_or((buyer.name.as_str(), ""));
        let sold_at = performance.starts_at
            - Duration::days(rng.random_range(1..90))
            - Duration::minutes(rng.random_range(0..1440));
        let tickets = rng.random_range(1..=4u64).min(lines - written);
        order += 1;
        for _ in 0..tickets {
            let (ticket_type, price) = TICKET_TYPES[rng.random_range(0..TICKET_TYPES.len())];
            let status = if rng.random_range(0..100) < 2 {
                "Refunded"
            } else {
                "Attending"
            };
            attendee += 1;
            let postal_code = format!(
                "{} {}{}{}",
                buyer.fsa,
                rng.random_range(1..10),
                'A',
                rng.random_range(1..10)
            );
            writer.write_record([
                order.to_string().as_str(),
                &sold_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                "",
                first,
                last,
                "",
                &buyer.email,
                "1",
                ticket_type,
                &attendee.to_string(),
                "",
                "Eventbrite Completed",
                "CAD",
                &format!("{}.{:02}", price / 100, price % 100),
                "2.50",
                "1.99",
                "1.27",
                status,
                title,
                &format!("{}", 700_000_000 + performance.id.0),
                &performance.starts_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                "",
                "",
                "QC",
                &postal_code,
                "CA",
                &buyer.phone,
            ])?;
            written += 1;
        }
    }
    writer.flush()?;
    eprintln!(
        "{written} lines for {} performances written to {output}",
        performances.len()
    );
    Ok(())
}
