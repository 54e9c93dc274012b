//! The Fellegi–Sunter model: for each field and level, how often one entity's records agree so
//! (`m`) and how often two different entities' records do by chance (`u`). `u` is measured on
//! random pairs; `m` of the other fields is counted on the candidate pairs whose same name only
//! those two records hold (nearly all one entity, chosen without looking at those fields), and
//! the share of pairs that are one entity is then learned by expectation–maximisation.
//! Names keep a set `m`: blocking on names makes their agreement among candidates say nothing of
//! matches. A pair's weight is the sum, over the fields
//! both records have, of log2(m / u); same names count for less when the name is common (its
//! `u` is then the name's own frequency). External identifiers add or remove a fixed weight.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::compare::{Comparison, FIELDS, LEVELS, Prepared};
use crate::{Kind, Settings};

/// The weight, in bits, of a shared identifier (added) or of different identifiers of one
/// register (taken away).
pub const IDENTIFIER_WEIGHT: f64 = 12.0;

/// What the engine learned from the records.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// For each field and level, the share of one entity's pairs that agree so.
    pub m: Vec<Vec<f64>>,
    /// For each field and level, the share of random pairs that agree so.
    pub u: Vec<Vec<f64>>,
    /// The share of all pairs of records that are one entity.
    pub prior: f64,
    /// How many records the frequencies are counted on.
    pub records: usize,
    /// Whether the other fields count for a pair only when the names are close (organisations
    /// and places, whose addresses are shared by halls of one building, a town and its festival).
    pub gated: bool,
}

/// The fewest pairs with a same rare name to learn the other fields' `m` from; below, their
/// starting values stay.
const MIN_ANCHORS: usize = 10;

/// One field's part in a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The field (`name`, `locality`…, or `identifier`).
    pub field: &'static str,
    /// How it agreed (`same`, `different`…).
    pub level: &'static str,
    /// Its weight in bits: positive for one entity, negative against.
    pub weight: f64,
}

/// Where expectation–maximisation starts: agreement likely for one entity's records.
fn starting_m() -> Vec<Vec<f64>> {
    vec![
        vec![0.7, 0.15, 0.08, 0.05, 0.02],
        vec![0.85, 0.05, 0.1],
        vec![0.7, 0.2, 0.1],
        vec![0.6, 0.3, 0.1],
        vec![0.6, 0.25, 0.1, 0.05],
        vec![0.8, 0.2],
        vec![0.8, 0.2],
    ]
}

/// What random pairs of the sector's records usually give, counted as `PRIOR_PAIRS` pairs before
/// the records' own: a small file (a member's list of a few dozen) has too few pairs, many of them
/// its duplicates, to measure chance agreement alone.
fn starting_u() -> Vec<Vec<f64>> {
    vec![
        vec![0.0005, 0.001, 0.004, 0.03, 0.9645],
        vec![0.05, 0.002, 0.948],
        vec![0.01, 0.04, 0.95],
        vec![0.005, 0.01, 0.985],
        vec![0.002, 0.02, 0.2, 0.778],
        vec![0.005, 0.995],
        vec![0.02, 0.98],
    ]
}

/// How many random pairs [`starting_u`] counts for.
const PRIOR_PAIRS: f64 = 500.0;

fn normalised(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    counts.iter().map(|c| c / total).collect()
}

impl Model {
    /// Learns the model from the records and their candidate pairs.
    pub fn learn(prepared: &Prepared<'_>, candidates: &[Comparison], settings: &Settings) -> Model {
        let n = prepared.len();
        // Chance agreement, on random pairs, after the usual shares.
        let mut u_counts: Vec<Vec<f64>> = starting_u()
            .into_iter()
            .map(|shares| shares.iter().map(|share| share * PRIOR_PAIRS).collect())
            .collect();
        if n >= 2 {
            let mut random = ChaCha8Rng::seed_from_u64(settings.seed);
            let all_pairs = n.saturating_mul(n - 1) / 2;
            for _ in 0..settings.sample_pairs.min(all_pairs) {
                let left = random.random_range(0..n);
                let mut right = random.random_range(0..n - 1);
                if right >= left {
                    right += 1;
                }
                let comparison = prepared.compare(left, right);
                for (field, level) in comparison.levels.iter().enumerate() {
                    if let Some(level) = level {
                        u_counts[field][usize::from(*level)] += 1.0;
                    }
                }
            }
        }
        let mut u: Vec<Vec<f64>> = u_counts.iter().map(|counts| normalised(counts)).collect();
        // A closer name never weighs less than a farther one: random pairs of a small file hold
        // its duplicates too, which makes exact names look commoner by chance than they are.
        let m = starting_m();
        for level in (0..u[0].len() - 1).rev() {
            let floor = u[0][level + 1] * m[0][level] / m[0][level + 1];
            u[0][level] = u[0][level].min(floor);
        }
        let mut model = Model {
            m,
            u,
            prior: 0.0,
            records: n,
            gated: matches!(settings.kind, Kind::Organization | Kind::Place),
        };
        // `m` of the other fields from pairs whose same name only these two records hold: nearly
        // all one entity, and chosen without looking at the fields learned.
        let anchors: Vec<&Comparison> = candidates
            .iter()
            .filter(|c| c.levels[0] == Some(0) && c.name_frequency == 0.0)
            .collect();
        if anchors.len() >= MIN_ANCHORS {
            for (field, levels) in LEVELS.iter().enumerate().skip(1) {
                let mut counts = vec![0.5; levels.len()];
                for comparison in &anchors {
                    if let Some(level) = comparison.levels[field] {
                        counts[usize::from(level)] += 1.0;
                    }
                }
                model.m[field] = normalised(&counts);
            }
        }
        // The share of all pairs that are one entity (`u` is measured on all pairs too), by
        // expectation–maximisation with every `m` and `u` held: the matches expected among the
        // candidates, over all pairs (matches outside the candidates are taken as none).
        let all_pairs = (n as f64) * (n.saturating_sub(1) as f64) / 2.0;
        model.prior = (candidates.len() as f64 / all_pairs.max(1.0) / 10.0).clamp(1e-12, 0.5);
        for _ in 0..settings.iterations {
            if candidates.is_empty() {
                break;
            }
            let matches: f64 = candidates
                .iter()
                .map(|comparison| model.posterior(model.field_bits(comparison, true)))
                .sum();
            model.prior = (matches / all_pairs.max(1.0)).clamp(1e-12, 0.5);
        }
        model
    }

    fn posterior(&self, bits: f64) -> f64 {
        let odds = (self.prior / (1.0 - self.prior)).log2() + bits;
        1.0 / (1.0 + (-odds).exp2())
    }

    /// The fields' weights; with `frequency`, a same name weighs by how common it is.
    fn field_bits(&self, comparison: &Comparison, frequency: bool) -> f64 {
        self.evidence_of(comparison, frequency).iter().map(|e| e.weight).sum()
    }

    fn evidence_of(&self, comparison: &Comparison, frequency: bool) -> Vec<Evidence> {
        // Halls of one building, a town's services and its festival share an address: the other
        // fields count for a pair only when the names are close; otherwise only against it.
        let names_close = !self.gated || comparison.levels[0].is_some_and(|level| level <= 2);
        let mut evidence = Vec::new();
        for (field, level) in comparison.levels.iter().enumerate() {
            let Some(level) = level.map(usize::from) else {
                continue;
            };
            let mut u = self.u[field][level];
            if frequency && field == 0 && level == 0 && comparison.name_frequency > 0.0 {
                u = comparison.name_frequency.max(u);
            }
            let weight = (self.m[field][level] / u).log2();
            evidence.push(Evidence {
                field: FIELDS[field],
                level: LEVELS[field][level],
                weight: if field == 0 || names_close {
                    weight
                } else {
                    weight.min(0.0)
                },
            });
        }
        evidence
    }

    /// Each field's part in the decision on a pair, identifiers included.
    pub fn evidence(&self, comparison: &Comparison) -> Vec<Evidence> {
        let mut evidence = self.evidence_of(comparison, true);
        if comparison.shared_identifier {
            evidence.push(Evidence {
                field: "identifier",
                level: "same",
                weight: IDENTIFIER_WEIGHT,
            });
        }
        if comparison.conflicting_identifier {
            evidence.push(Evidence {
                field: "identifier",
                level: "different",
                weight: -IDENTIFIER_WEIGHT,
            });
        }
        evidence
    }

    /// The probability that the two records compared are one entity.
    pub fn probability(&self, comparison: &Comparison) -> f64 {
        self.posterior(self.evidence(comparison).iter().map(|e| e.weight).sum())
    }
}
