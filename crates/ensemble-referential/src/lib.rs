//! Entity resolution for the shared referential: which records of members and public sources
//! mean the same organisation, place, person or show.
//!
//! Records are normalised ([`normalise`]), gathered into candidate pairs by blocking on what
//! they share ([`block`]), compared field by field ([`compare`]), and scored by a Fellegi–Sunter
//! model whose weights are learned from the records themselves by expectation–maximisation, with
//! exact names weighed by how common they are ([`model`]). External identifiers are strong
//! evidence, different identifiers of one register strong counter-evidence; some pairs are never
//! merged whatever their score (a hall and its building, two halls in different towns). Pairs are
//! then gathered into entities without breaking those rules ([`cluster`]). Every decision can be
//! explained: which fields agreed, at what level, with what weight.
//!
//! No IO: the caller reads and writes the records (the CLI's `referential dedupe`, the actions'
//! referential runs).

pub mod block;
pub mod cluster;
pub mod compare;
pub mod model;
pub mod normalise;

use std::collections::HashMap;

pub use compare::{Comparison, Levels};
pub use model::{Evidence, Model};

/// What a record describes; the rules differ a little (halls in different towns are never one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An organisation: a presenter, a company, an agency, a festival.
    Organization,
    /// A place: a venue, a hall, a building.
    Place,
    /// A person.
    Person,
    /// A show or a work.
    Show,
}

impl Kind {
    /// The kind named `code` (`organization`, `place`, `person`, `show`).
    pub fn from_code(code: &str) -> Option<Kind> {
        match code {
            "organization" => Some(Kind::Organization),
            "place" => Some(Kind::Place),
            "person" => Some(Kind::Person),
            "show" => Some(Kind::Show),
            _ => None,
        }
    }

    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::Place => "place",
            Kind::Person => "person",
            Kind::Show => "show",
        }
    }
}

/// One source's record of an entity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Its identifier in the caller's terms (unique).
    pub id: String,
    /// Where it comes from (a member's import, a public source).
    pub source: String,
    /// Its name.
    pub name: String,
    /// Its other names: in the other language, former names, acronyms.
    pub alt_names: Vec<String>,
    /// Street address.
    pub street: Option<String>,
    /// Municipality.
    pub locality: Option<String>,
    /// Province or region.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Latitude and longitude.
    pub coordinates: Option<(f64, f64)>,
    /// Web address.
    pub url: Option<String>,
    /// For a place, the organisation that runs it.
    pub operator: Option<String>,
    /// For a hall, the record of the building it is in.
    pub parent_place: Option<String>,
    /// For a hall, what holds it: its building's entity. Records held by different things are
    /// never one (two halls of two buildings), whatever their names.
    pub container: Option<String>,
    /// External identifiers: register (`wikidata`, `artsdata`, `isni`, `neq`, `scenepro`) and value.
    pub identifiers: Vec<(String, String)>,
}

/// How the engine decides.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// What the records describe.
    pub kind: Kind,
    /// A pair at least this probable is linked.
    pub link: f64,
    /// A pair at least this probable, but below `link`, is to be reviewed by a person.
    pub review: f64,
    /// Two entities whose compared pairs are less probable than this on average are not joined.
    pub unlikely: f64,
    /// A blocking key shared by more records than this is too common to block on.
    pub max_block: usize,
    /// Random pairs drawn to learn how often fields agree by chance.
    pub sample_pairs: usize,
    /// Expectation–maximisation rounds.
    pub iterations: usize,
    /// Seed of the random draws: the same records give the same entities.
    pub seed: u64,
}

impl Settings {
    /// The settings of the consortium's referential and of `referential dedupe`, for `kind`.
    pub fn new(kind: Kind) -> Settings {
        Settings {
            kind,
            link: 0.7,
            review: 0.2,
            unlikely: 0.25,
            max_block: 250,
            sample_pairs: 200_000,
            iterations: 20,
            seed: 20_261_205,
        }
    }
}

/// What a scored pair became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Linked: one entity.
    Linked,
    /// Doubtful: left apart until a person decides.
    Review,
    /// Held apart although probable: a rule forbids it (a hall and its building, two towns,
    /// different identifiers of one register) or the entities it would join hold such a pair.
    HeldApart,
    /// Probable, but its records ended in different entities through stronger pairs.
    Apart,
}

/// A candidate pair, scored.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredPair {
    /// The first record (index in the input).
    pub left: usize,
    /// The second record.
    pub right: usize,
    /// The probability that they are one entity.
    pub probability: f64,
    /// What it became.
    pub decision: Decision,
}

/// One external identifier found on records the engine holds apart: listed, never merged.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentifierConflict {
    /// The register.
    pub register: String,
    /// The identifier.
    pub value: String,
    /// The records that carry it (indexes in the input), in more than one entity.
    pub records: Vec<usize>,
}

/// The engine's answer for a set of records.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// For each record, the index of its entity (the lowest index of the entity's records).
    pub entity: Vec<usize>,
    /// For each record, the probability that it belongs to its entity: its most probable link
    /// inside it, or for a record alone, the probability that it has no match.
    pub probability: Vec<f64>,
    /// The pairs scored at least `review`, with what they became.
    pub pairs: Vec<ScoredPair>,
    /// Identifiers shared by records held apart.
    pub conflicts: Vec<IdentifierConflict>,
    /// The learned model, to explain a pair.
    pub model: Model,
    /// Candidate pairs compared.
    pub candidates: usize,
    /// Blocking keys left out as too common.
    pub skipped_keys: usize,
}

/// A person's decision on a pair of records (indexes in the input): one entity or two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The first record.
    pub left: usize,
    /// The second record.
    pub right: usize,
    /// One entity (`true`) or two.
    pub same: bool,
}

/// Resolves `records` into entities.
pub fn resolve(records: &[Record], settings: &Settings) -> Resolution {
    resolve_with(records, settings, &[])
}

/// Resolves `records` into entities, keeping people's decisions: a pair said to be one entity is
/// linked whatever its score or rules, a pair said to be two is never joined, directly or
/// through other records.
pub fn resolve_with(records: &[Record], settings: &Settings, verdicts: &[Verdict]) -> Resolution {
    let prepared = compare::Prepared::new(records, settings.kind);
    let blocks = block::candidates(&prepared, settings.max_block);
    let mut comparisons: Vec<Comparison> = blocks
        .pairs
        .iter()
        .map(|&(left, right)| prepared.compare(left, right))
        .collect();
    let model = Model::learn(&prepared, &comparisons, settings);
    let mut scored: Vec<(usize, usize, f64)> = comparisons
        .iter()
        .map(|comparison| (comparison.left, comparison.right, model.probability(comparison)))
        .collect();
    let mut constraints: Vec<bool> = comparisons.iter().map(|c| c.cannot_link).collect();
    for verdict in verdicts
        .iter()
        .filter(|v| v.left != v.right && v.left.max(v.right) < records.len())
    {
        let (left, right) = (verdict.left.min(verdict.right), verdict.left.max(verdict.right));
        let index = match scored.iter().position(|&(l, r, _)| (l, r) == (left, right)) {
            Some(index) => index,
            None => {
                let comparison = prepared.compare(left, right);
                scored.push((left, right, model.probability(&comparison)));
                constraints.push(comparison.cannot_link);
                comparisons.push(comparison);
                scored.len() - 1
            }
        };
        if verdict.same {
            scored[index].2 = 1.0;
        }
        constraints[index] = !verdict.same;
    }
    let clusters = cluster::gather(records.len(), &scored, &constraints, settings);

    let mut probability = vec![1.0_f64; records.len()];
    let mut best_alone = vec![0.0_f64; records.len()];
    let mut best_inside = vec![0.0_f64; records.len()];
    let mut pairs = Vec::new();
    for (index, &(left, right, p)) in scored.iter().enumerate() {
        let together = clusters.entity[left] == clusters.entity[right];
        if together {
            best_inside[left] = best_inside[left].max(p);
            best_inside[right] = best_inside[right].max(p);
        } else {
            best_alone[left] = best_alone[left].max(p);
            best_alone[right] = best_alone[right].max(p);
        }
        if p >= settings.review {
            let decision = if together {
                Decision::Linked
            } else if constraints[index] || clusters.refused.contains(&(left, right)) {
                Decision::HeldApart
            } else if p < settings.link {
                Decision::Review
            } else {
                Decision::Apart
            };
            pairs.push(ScoredPair {
                left,
                right,
                probability: p,
                decision,
            });
        }
    }
    let sizes = clusters.entity.iter().fold(HashMap::new(), |mut sizes, &e| {
        *sizes.entry(e).or_insert(0_usize) += 1;
        sizes
    });
    for record in 0..records.len() {
        probability[record] = if sizes[&clusters.entity[record]] > 1 {
            best_inside[record]
        } else {
            1.0 - best_alone[record]
        };
    }
    let conflicts = conflicts(records, &clusters.entity);
    Resolution {
        entity: clusters.entity,
        probability,
        pairs,
        conflicts,
        model,
        candidates: comparisons.len(),
        skipped_keys: blocks.skipped_keys,
    }
}

/// Identifiers that records in more than one entity carry.
fn conflicts(records: &[Record], entity: &[usize]) -> Vec<IdentifierConflict> {
    // Identifiers compared as the engine does (case and spaces aside), shown as first given.
    let mut holders: HashMap<(String, String), (&str, Vec<usize>)> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        for (register, value) in &record.identifiers {
            let key = (register.trim().to_lowercase(), value.trim().to_lowercase());
            holders.entry(key).or_insert((value.trim(), Vec::new())).1.push(index);
        }
    }
    let mut found: Vec<IdentifierConflict> = holders
        .into_iter()
        .filter(|(_, (_, records))| records.iter().any(|&r| entity[r] != entity[records[0]]))
        .map(|((register, _), (value, records))| IdentifierConflict {
            register,
            value: value.to_string(),
            records,
        })
        .collect();
    found.sort_by(|a, b| (&a.register, &a.value).cmp(&(&b.register, &b.value)));
    found
}
