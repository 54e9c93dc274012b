//! The Fellegi–Sunter model: for each field and level, how often one entity's records agree so
//! (`m`) and how often two different entities' records do by chance (`u`). `u` is measured on
//! random pairs, `m` and the share of candidate pairs that are one entity are learned by
//! expectation–maximisation over the candidate pairs, but for names, whose `m` is set: blocking
//! on names makes their agreement among candidates say nothing of matches. A pair's weight is the sum, over the fields
//! both records have, of log2(m / u); same names count for less when the name is common (its
//! `u` is then the name's own frequency). External identifiers add or remove a fixed weight.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::Settings;
use crate::compare::{Comparison, FIELDS, LEVELS, Prepared};

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
    /// The share of candidate pairs that are one entity.
    pub prior: f64,
    /// How many records the frequencies are counted on.
    pub records: usize,
}

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
        vec![0.55, 0.25, 0.12, 0.06, 0.02],
        vec![0.9, 0.1],
        vec![0.7, 0.2, 0.1],
        vec![0.6, 0.3, 0.1],
        vec![0.6, 0.25, 0.1, 0.05],
        vec![0.8, 0.2],
        vec![0.8, 0.2],
    ]
}

fn normalised(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    counts.iter().map(|c| c / total).collect()
}

impl Model {
    /// Learns the model from the records and their candidate pairs.
    pub fn learn(prepared: &Prepared<'_>, candidates: &[Comparison], settings: &Settings) -> Model {
        let n = prepared.len();
        // Chance agreement, on random pairs (half a count everywhere so that no level is never seen).
        let mut u_counts: Vec<Vec<f64>> = LEVELS.iter().map(|levels| vec![0.5; levels.len()]).collect();
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
        let u: Vec<Vec<f64>> = u_counts.iter().map(|counts| normalised(counts)).collect();
        let mut model = Model {
            m: starting_m(),
            u,
            prior: 0.01,
            records: n,
        };
        for _ in 0..settings.iterations {
            let mut m_counts: Vec<Vec<f64>> = LEVELS.iter().map(|levels| vec![0.1; levels.len()]).collect();
            let mut matches = 0.0;
            for comparison in candidates {
                // Learned on the fields alone: identifiers and name frequencies are added after.
                let p = model.posterior(model.field_bits(comparison, false));
                matches += p;
                for (field, level) in comparison.levels.iter().enumerate() {
                    if let Some(level) = level {
                        m_counts[field][usize::from(*level)] += p;
                    }
                }
            }
            // Names stay at their starting `m`: blocking gathers pairs by their name words, so
            // among candidates a name's agreement cannot tell one entity from two; learning it
            // there makes "some words in common" look like a match.
            for (field, counts) in m_counts.iter().enumerate().skip(1) {
                model.m[field] = normalised(counts);
            }
            if !candidates.is_empty() {
                model.prior = (matches / candidates.len() as f64).clamp(1e-6, 0.999);
            }
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
        let names_close = comparison.levels[0].is_some_and(|level| level <= 2);
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
