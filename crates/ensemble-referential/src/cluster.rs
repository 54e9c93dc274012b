//! Pairs gathered into entities, the most probable first; two entities are not joined when a rule
//! holds apart one record of each (a hall and its building, two towns, two identifiers of one
//! register), so that "Main Stage" of one town never reaches "Main Stage" of another through a
//! third record.

use std::collections::HashSet;

use crate::Settings;

/// The entities found.
#[derive(Debug, Clone, PartialEq)]
pub struct Clusters {
    /// For each record, its entity: the lowest index of the entity's records.
    pub entity: Vec<usize>,
    /// Probable pairs left apart because the entities they would join hold a forbidden pair.
    pub refused: HashSet<(usize, usize)>,
}

/// The entity of `x`, without shortening the path (for checks made while borrowing).
fn find(parent: &[usize], mut x: usize) -> usize {
    while parent[x] != x {
        x = parent[x];
    }
    x
}

/// The entity of `x`, shortening the path on the way.
fn root(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Gathers `records` records from their scored pairs (`left`, `right`, probability); a pair whose
/// `forbidden` flag is set, or less than `settings.unlikely` probable, is never joined, nor are
/// entities holding such a pair, nor entities whose compared pairs are less than
/// `settings.review` probable on average (so that records do not chain into one entity through
/// their neighbours). Pairs at least `settings.link` probable are joined; doubtful ones are left
/// to a person.
pub fn gather(records: usize, scored: &[(usize, usize, f64)], forbidden: &[bool], settings: &Settings) -> Clusters {
    // Each record's compared neighbours: who, how probable, whether a rule forbids the pair.
    let mut neighbours: Vec<Vec<(usize, f64, bool)>> = vec![Vec::new(); records];
    for (&(left, right, p), &forbid) in scored.iter().zip(forbidden) {
        neighbours[left].push((right, p, forbid));
        neighbours[right].push((left, p, forbid));
    }
    let mut order: Vec<usize> = (0..scored.len()).filter(|&i| scored[i].2 >= settings.link).collect();
    order.sort_by(|&a, &b| scored[b].2.total_cmp(&scored[a].2).then(a.cmp(&b)));
    let mut parent: Vec<usize> = (0..records).collect();
    let mut members: Vec<Vec<usize>> = (0..records).map(|r| vec![r]).collect();
    let mut refused = HashSet::new();
    for index in order {
        let (left, right, _) = scored[index];
        let (a, b) = (root(&mut parent, left), root(&mut parent, right));
        if a == b {
            continue;
        }
        let (small, large) = if members[a].len() <= members[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        // The pairs compared across the two entities: none forbidden or unlikely, and probable
        // on average, so that records do not chain through their neighbours.
        let mut blocked = forbidden[index];
        let (mut sum, mut count) = (0.0, 0_usize);
        for &x in &members[small] {
            for &(y, p, forbid) in &neighbours[x] {
                if find(&parent, y) == large {
                    blocked |= forbid;
                    sum += p;
                    count += 1;
                }
            }
        }
        if blocked || (count > 0 && sum / (count as f64) < settings.unlikely) {
            refused.insert((left, right));
            continue;
        }
        parent[small] = large;
        let moved = std::mem::take(&mut members[small]);
        members[large].extend(moved);
    }
    let mut entity = vec![0; records];
    for group in &members {
        if let Some(&lowest) = group.iter().min() {
            for &record in group {
                entity[record] = lowest;
            }
        }
    }
    Clusters { entity, refused }
}
