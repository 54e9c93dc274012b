//! What the Reconciliation API asks of the referential: the entities a client's records may be,
//! and entities by the beginning of their names.

use std::collections::HashMap;

use ensemble_referential::{Record, Settings};
use ensemble_store::Store;

use super::{kind_of, records};
use crate::ActionError;

/// What a client asks the Reconciliation API to find: a name, and what else it knows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Wanted {
    /// The name as the client has it.
    pub name: String,
    /// Municipality.
    pub locality: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Street address.
    pub street: Option<String>,
    /// Web address.
    pub url: Option<String>,
    /// External identifiers: register and value.
    pub identifiers: Vec<(String, String)>,
    /// The most candidates to return.
    pub limit: usize,
}

/// An entity of the referential offered for a wanted record.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The entity's number.
    pub entity: i64,
    /// Its name (its best-linked record's).
    pub name: String,
    /// Its municipality, when known.
    pub locality: String,
    /// The probability that it is the one wanted, from 0 to 1.
    pub probability: f64,
    /// Whether it is a certain match: probable enough to link, and the only such candidate.
    pub matched: bool,
    /// Each field's part: field and weight in bits.
    pub features: Vec<(String, f64)>,
}

/// The entities of `table` (`organizations` or `places`, public records only) that each wanted
/// record may be, the most probable first: the engine of the referential, its records and model,
/// with the wanted records added. Entities come from the latest run (records not yet in it are
/// left out).
pub fn reconcile(store: &Store, table: &str, wanted: &[Wanted]) -> Result<Vec<Vec<Candidate>>, ActionError> {
    let kind = kind_of(table)?;
    let (numbered, mentions) =
        store.read(|session| Ok((records(session, table)?, session.referential_mentions(table)?)))?;
    let entity_of: HashMap<i64, i64> = mentions.iter().map(|m| (m.record_id, m.entity_id)).collect();
    let known = numbered.len();
    let mut all: Vec<Record> = numbered.iter().map(|(_, record)| record.clone()).collect();
    all.extend(wanted.iter().enumerate().map(|(i, w)| Record {
        id: format!("wanted-{i}"),
        source: "wanted".to_string(),
        name: w.name.clone(),
        street: w.street.clone(),
        locality: w.locality.clone(),
        postal_code: w.postal_code.clone(),
        url: w.url.clone(),
        identifiers: w.identifiers.clone(),
        ..Record::default()
    }));
    let settings = Settings::new(kind);
    let prepared = ensemble_referential::compare::Prepared::new(&all, kind);
    let blocks = ensemble_referential::block::candidates(&prepared, settings.max_block);
    let comparisons: Vec<_> = blocks
        .pairs
        .iter()
        .map(|&(left, right)| prepared.compare(left, right))
        .collect();
    let model = ensemble_referential::Model::learn(&prepared, &comparisons, &settings);
    let mut found: Vec<Vec<Candidate>> = vec![Vec::new(); wanted.len()];
    for comparison in comparisons.iter().filter(|c| c.right >= known && c.left < known) {
        let (record, query) = (comparison.left, comparison.right - known);
        let Some(&entity) = entity_of.get(&numbered[record].0) else {
            continue;
        };
        let probability = model.probability(comparison);
        if comparison.cannot_link || probability < 0.01 {
            continue;
        }
        let candidate = Candidate {
            entity,
            name: all[record].name.clone(),
            locality: all[record].locality.clone().unwrap_or_default(),
            probability,
            matched: false,
            features: model
                .evidence(comparison)
                .into_iter()
                .map(|e| (e.field.to_string(), (e.weight * 10.0).round() / 10.0))
                .collect(),
        };
        let list = &mut found[query];
        match list.iter_mut().find(|c| c.entity == entity) {
            Some(existing) if existing.probability < probability => *existing = candidate,
            Some(_) => {}
            None => list.push(candidate),
        }
    }
    for (list, w) in found.iter_mut().zip(wanted) {
        list.sort_by(|a, b| b.probability.total_cmp(&a.probability).then(a.entity.cmp(&b.entity)));
        list.truncate(w.limit.max(1));
        let sure = list.iter().filter(|c| c.probability >= settings.link).count();
        if sure == 1 {
            list[0].matched = true;
        }
    }
    Ok(found)
}

/// Entities of `table` whose name holds every word of `prefix` (folded), at most `limit`.
pub fn suggest(
    store: &Store,
    table: &str,
    prefix: &str,
    limit: usize,
) -> Result<Vec<(i64, String, String)>, ActionError> {
    kind_of(table)?;
    let words: Vec<String> = ensemble_model::geo::fold_name(prefix)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    store
        .read(|session| {
            let entity_of: HashMap<i64, i64> = session
                .referential_mentions(table)?
                .into_iter()
                .map(|m| (m.record_id, m.entity_id))
                .collect();
            let mut found: Vec<(i64, String, String)> = Vec::new();
            for (record_id, record) in records(session, table)? {
                let folded = ensemble_model::geo::fold_name(&record.name);
                let matches = words
                    .iter()
                    .all(|w| folded.split(' ').any(|f| f.starts_with(w.as_str())));
                if let (true, Some(&entity)) = (matches, entity_of.get(&record_id))
                    && !found.iter().any(|(e, _, _)| *e == entity)
                {
                    found.push((entity, record.name, record.locality.unwrap_or_default()));
                }
            }
            found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            found.truncate(limit);
            Ok(found)
        })
        .map_err(ActionError::Store)
}
