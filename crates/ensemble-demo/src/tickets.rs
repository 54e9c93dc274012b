//! Ticket lines with fictional buyers. A buyer's name, email and phone exist only here, in
//! memory: they are keyed into a pseudonym before the line leaves this module.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use ensemble_model::*;
use ensemble_privacy::{Pseudonymizer, age_band};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::names::{BUYER_LAST_NAMES, FIRST_NAMES};
use crate::world::{TicketPlan, date, local, settlement_figures};
use crate::{Scale, world};

/// A fictional buyer, as a ticketing system would hold them before pseudonymisation.
#[derive(Debug, Clone, PartialEq)]
pub struct FictionalBuyer {
    /// Full name.
    pub name: String,
    /// Email address, in the reserved `.example` domain.
    pub email: String,
    /// Phone number, in the 555-01xx range reserved for fiction.
    pub phone: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Home postal area.
    pub fsa: String,
}

/// The fictional population that buys tickets: a fixed number of people per Québec postal area.
pub struct Population {
    seed: u64,
    per_fsa: usize,
    fsas: Vec<&'static geo::Fsa>,
}

impl Population {
    /// The population of a demo.
    pub fn new(seed: u64, scale: Scale) -> Population {
        let per_fsa = match scale {
            Scale::Small => 12,
            Scale::Full => 700,
        };
        // Postal areas with a usable centroid (a few GeoNames rows are placeholders).
        let fsas = geo::quebec_fsas()
            .iter()
            .filter(|fsa| fsa.latitude < 63.0 && !fsa.code.starts_with("H0"))
            .collect();
        Population { seed, per_fsa, fsas }
    }

    /// How many people.
    pub fn len(&self) -> usize {
        self.per_fsa * self.fsas.len()
    }

    /// Whether there is nobody.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The person with this index (the same for a seed, whatever is generated around it).
    pub fn buyer(&self, index: usize) -> FictionalBuyer {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
        let last = BUYER_LAST_NAMES[rng.random_range(0..BUYER_LAST_NAMES.len())];
        let handle = format!(
            "{}.{}{}",
            geo::fold_name(first),
            geo::fold_name(last).replace(' ', ""),
            index
        );
        let fsa = self
            .fsas
            .get(index / self.per_fsa.max(1))
            .map_or_else(String::new, |fsa| fsa.code.clone());
        FictionalBuyer {
            name: format!("{first} {last}"),
            email: format!("{handle}@courriel.example"),
            phone: format!("514-555-01{:02}", rng.random_range(0..100)),
            birth_date: date(
                rng.random_range(1940..2010),
                rng.random_range(1..=12),
                rng.random_range(1..=28),
            ),
            fsa,
        }
    }
}

/// Cumulative weights of postal areas around a hall: most buyers live near it.
fn catchment(population: &Population, latitude: f64, longitude: f64) -> Vec<f64> {
    let mut total = 0.0;
    population
        .fsas
        .iter()
        .map(|fsa| {
            let km = geo::distance_km(latitude, longitude, fsa.latitude, fsa.longitude);
            total += 1.0 / (1.0 + (km / 12.0).powf(2.4));
            total
        })
        .collect()
}

/// Figures of a performance's ticket lines, from which its settlement is made.
#[derive(Debug, Clone, Default)]
struct Tally {
    paid: u32,
    complimentary: u32,
    gross: i64,
}

/// Streams the ticket lines of every ticketed performance, keying buyers on the way, and keeps
/// the box-office tally of each performance for its settlement.
pub struct TicketLines<'a> {
    plans: &'a [TicketPlan],
    population: &'a Population,
    pseudonymizer: &'a Pseudonymizer,
    rng: ChaCha8Rng,
    keys: Vec<Option<(PersonKey, Option<AgeBand>)>>,
    catchments: BTreeMap<(u64, u64), Vec<f64>>,
    plan_index: usize,
    pending: std::vec::IntoIter<TicketSale>,
    next_id: i64,
    tallies: Vec<Tally>,
    /// Lines produced so far.
    pub produced: u64,
}

impl<'a> TicketLines<'a> {
    /// Lines for these plans.
    pub fn new(
        plans: &'a [TicketPlan],
        population: &'a Population,
        pseudonymizer: &'a Pseudonymizer,
        seed: u64,
    ) -> Self {
        TicketLines {
            plans,
            population,
            pseudonymizer,
            rng: ChaCha8Rng::seed_from_u64(seed.wrapping_add(0x7113_C3E7)),
            keys: vec![None; population.len()],
            catchments: BTreeMap::new(),
            plan_index: 0,
            pending: Vec::new().into_iter(),
            next_id: 1,
            tallies: Vec::with_capacity(plans.len()),
            produced: 0,
        }
    }

    /// The settlements of the ticketed performances, once every line has been produced.
    pub fn settlements(&self) -> Vec<Settlement> {
        self.plans
            .iter()
            .zip(&self.tallies)
            .map(|(plan, tally)| {
                settlement_figures(
                    plan.performance,
                    plan.capacity,
                    tally.paid,
                    tally.complimentary,
                    tally.gross,
                    plan.artist_fee,
                    plan.deal,
                    plan.member,
                )
            })
            .collect()
    }

    fn buyer_key(&mut self, index: usize) -> (Option<PersonKey>, Option<String>, Option<AgeBand>) {
        let fsa = self
            .population
            .fsas
            .get(index / self.population.per_fsa.max(1))
            .map(|fsa| fsa.code.clone());
        if let Some(Some((key, band))) = self.keys.get(index) {
            return (Some(key.clone()), fsa, *band);
        }
        let buyer = self.population.buyer(index);
        let key = self
            .pseudonymizer
            .person_key(Some(&buyer.email), Some(&buyer.phone), None);
        let band = age_band(buyer.birth_date, world::reference_moment().date_naive());
        if let (Some(slot), Some(key)) = (self.keys.get_mut(index), key.clone()) {
            *slot = Some((key, band));
        }
        (key, fsa, band)
    }

    fn pick_buyer(&mut self, plan: &TicketPlan) -> usize {
        let location = (plan.latitude.to_bits(), plan.longitude.to_bits());
        let population = self.population;
        let weights = self
            .catchments
            .entry(location)
            .or_insert_with(|| catchment(population, plan.latitude, plan.longitude));
        let total = weights.last().copied().unwrap_or(1.0);
        let draw = self.rng.random::<f64>() * total;
        let fsa_index = weights
            .partition_point(|w| *w < draw)
            .min(weights.len().saturating_sub(1));
        // Returning buyers: the first people of an area buy far more often than the last.
        let within = (population.per_fsa as f64 * self.rng.random::<f64>().powf(2.2)) as usize;
        fsa_index * population.per_fsa + within.min(population.per_fsa - 1)
    }

    fn fill(&mut self, plan: &TicketPlan) -> Vec<TicketSale> {
        let mut lines = Vec::new();
        let mut tally = Tally::default();
        let capacity = plan.capacity;
        let sold = (f64::from(capacity) * plan.occupancy * 0.96).round() as u32;
        let comps = ((f64::from(capacity) * 0.03).round() as u32).min(capacity.saturating_sub(sold));
        let performance_day = plan.starts_at.date_naive();
        let mut remaining = sold;
        while remaining > 0 {
            let quantity = match self.rng.random::<f64>() {
                d if d < 0.52 => 1,
                d if d < 0.88 => 2,
                d if d < 0.95 => 3,
                _ => 4,
            }
            .min(remaining);
            remaining -= quantity;
            let draw = self.rng.random::<f64>();
            let (price_type, price) = match draw {
                d if plan.family && d < 0.45 => (PriceType::Child, plan.regular_price * 75 / 100),
                d if d < 0.58 => (PriceType::Regular, plan.regular_price),
                d if d < 0.74 => (PriceType::Senior, plan.regular_price * 9 / 10),
                d if d < 0.83 => (PriceType::Student, plan.regular_price * 7 / 10),
                _ => (PriceType::Subscription, plan.regular_price * 85 / 100),
            };
            let days_before = if price_type == PriceType::Subscription {
                let season_start = date(
                    if performance_day.month() >= 9 {
                        performance_day.year()
                    } else {
                        performance_day.year() - 1
                    },
                    8,
                    15,
                );
                (performance_day - season_start).num_days().max(1)
            } else {
                (75.0 * self.rng.random::<f64>().powf(2.5)) as i64
            };
            let day = performance_day - Duration::days(days_before);
            let hour = self.rng.random_range(8..=22);
            let mut sold_at = local(day, hour, self.rng.random_range(0..60));
            if sold_at >= plan.starts_at {
                sold_at = plan.starts_at - Duration::hours(1);
            }
            let channel = match self.rng.random::<f64>() {
                d if d < 0.62 => SalesChannel::Web,
                d if d < 0.82 => SalesChannel::BoxOffice,
                d if d < 0.94 => SalesChannel::Phone,
                _ => SalesChannel::Reseller,
            };
            let buyer = self.pick_buyer(plan);
            let (key, fsa, band) = self.buyer_key(buyer);
            tally.paid += quantity;
            tally.gross += price * i64::from(quantity);
            // One line per ticket, as attendee exports give them.
            for _ in 0..quantity {
                lines.push(TicketSale {
                    id: TicketSaleId(0),
                    performance_id: plan.performance,
                    sold_at,
                    price: Cents(price),
                    quantity: 1,
                    channel,
                    price_type,
                    buyer_key: key.clone(),
                    fsa: fsa.clone(),
                    age_band: band,
                    provenance: Provenance {
                        member_id: Some(plan.member),
                        batch_id: Some(plan.batch),
                        source_row: None,
                    },
                });
            }
        }
        for _ in 0..comps {
            let named = self.rng.random_bool(0.5);
            let (key, fsa, band) = if named {
                let buyer = self.pick_buyer(plan);
                self.buyer_key(buyer)
            } else {
                (None, None, None)
            };
            tally.complimentary += 1;
            lines.push(TicketSale {
                id: TicketSaleId(0),
                performance_id: plan.performance,
                sold_at: plan.starts_at - Duration::days(2),
                price: Cents(0),
                quantity: 1,
                channel: SalesChannel::BoxOffice,
                price_type: PriceType::Complimentary,
                buyer_key: key,
                fsa,
                age_band: band,
                provenance: Provenance {
                    member_id: Some(plan.member),
                    batch_id: Some(plan.batch),
                    source_row: None,
                },
            });
        }
        lines.sort_by_key(|line| line.sold_at);
        for line in &mut lines {
            line.id = TicketSaleId(self.next_id);
            self.next_id += 1;
        }
        self.tallies.push(tally);
        lines
    }
}

impl Iterator for TicketLines<'_> {
    type Item = TicketSale;

    fn next(&mut self) -> Option<TicketSale> {
        loop {
            if let Some(line) = self.pending.next() {
                self.produced += 1;
                return Some(line);
            }
            let plan = self.plans.get(self.plan_index)?;
            self.plan_index += 1;
            self.pending = self.fill(plan).into_iter();
        }
    }
}

impl TicketLines<'_> {
    /// Buyers who bought at least once, by population index, with their pseudonym.
    pub fn keyed_buyers(&self) -> impl Iterator<Item = (usize, &PersonKey)> {
        self.keys
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| slot.as_ref().map(|(key, _)| (index, key)))
    }
}
