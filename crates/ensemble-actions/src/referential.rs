//! The shared referential in the store: the engine run over the catalogue's organisations and
//! places (every member's and every source's records together), its entities kept under stable
//! numbers, and people's decisions on pairs, which every later run keeps. Each is one audited
//! write.

use std::collections::HashMap;

use ensemble_model::{Organization, Place};
use ensemble_referential::{Decision, Kind, Record, Settings, Verdict};
use ensemble_store::referential::{Mention, PairDecision, ReferentialPair, ReferentialRun};
use ensemble_store::{AuditAction, ListFilter, Session, Store, StoreError};

use crate::{ActionError, Actor, only_if};

/// The tables the referential covers, with what their records describe.
pub const TABLES: &[(&str, Kind)] = &[("organizations", Kind::Organization), ("places", Kind::Place)];

/// What a run found in one table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// The table.
    pub table: String,
    /// Records read.
    pub records: usize,
    /// Entities they make.
    pub entities: usize,
    /// Entities seen for the first time.
    pub new_entities: usize,
    /// Pairs a person should review.
    pub review: usize,
    /// Probable pairs a rule held apart.
    pub held_apart: usize,
    /// Identifiers carried by records of different entities.
    pub conflicts: usize,
}

fn kind_of(table: &str) -> Result<Kind, ActionError> {
    TABLES
        .iter()
        .find(|(name, _)| *name == table)
        .map(|(_, kind)| *kind)
        .ok_or(ActionError::Refused("referential-table-unknown"))
}

fn identifiers(ids: &ensemble_model::Identifiers) -> Vec<(String, String)> {
    [
        ("artsdata", &ids.artsdata),
        ("wikidata", &ids.wikidata),
        ("isni", &ids.isni),
        ("neq", &ids.neq),
        ("scenepro", &ids.scenepro),
    ]
    .into_iter()
    .filter_map(|(register, value)| value.as_ref().map(|v| (register.to_string(), v.clone())))
    .collect()
}

fn source(provenance: &ensemble_model::Provenance) -> String {
    provenance
        .member_id
        .map_or_else(|| "catalogue".to_string(), |member| format!("member-{}", member.0))
}

/// The records of `table` as the engine reads them, with their numbers.
pub fn records(session: &mut Session<'_>, table: &str) -> Result<Vec<(i64, Record)>, StoreError> {
    let all = ListFilter::default();
    let organizations = session.list_any::<Organization>(&all)?;
    Ok(match table {
        "organizations" => organizations
            .into_iter()
            .map(|o| {
                let record = Record {
                    id: o.id.0.to_string(),
                    source: source(&o.provenance),
                    name: o.name,
                    locality: o.municipality,
                    region: o.region_code.map(|r| r.as_str().to_string()),
                    postal_code: o.postal_code,
                    url: o.website,
                    identifiers: identifiers(&o.identifiers),
                    ..Record::default()
                };
                (o.id.0, record)
            })
            .collect(),
        _ => {
            let names: HashMap<i64, String> = organizations.into_iter().map(|o| (o.id.0, o.name)).collect();
            session
                .list_any::<Place>(&all)?
                .into_iter()
                .map(|p| {
                    let record = Record {
                        id: p.id.0.to_string(),
                        source: source(&p.provenance),
                        name: p.name,
                        street: p.street_address,
                        locality: p.municipality,
                        region: p.province,
                        postal_code: p.postal_code,
                        coordinates: p.latitude.zip(p.longitude),
                        operator: p.operator_id.and_then(|id| names.get(&id.0).cloned()),
                        identifiers: identifiers(&p.identifiers),
                        ..Record::default()
                    };
                    (p.id.0, record)
                })
                .collect()
        }
    })
}

/// Runs the engine over `table` inside `session` and keeps the result. Each entity keeps the
/// number most of its records had; an entity seen for the first time gets a new one.
fn run_in(session: &mut Session<'_>, table: &str, today: chrono::NaiveDate) -> Result<Summary, ActionError> {
    let kind = kind_of(table)?;
    let numbered = records(session, table)?;
    let position: HashMap<i64, usize> = numbered.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    let records: Vec<Record> = numbered.iter().map(|(_, record)| record.clone()).collect();
    let decisions = session.referential_decisions(table)?;
    let verdicts: Vec<Verdict> = decisions
        .iter()
        .filter_map(|d| {
            Some(Verdict {
                left: *position.get(&d.left)?,
                right: *position.get(&d.right)?,
                same: d.same,
            })
        })
        .collect();
    let resolution = ensemble_referential::resolve_with(&records, &Settings::new(kind), &verdicts);

    // Stable numbers: the biggest entities choose first among the numbers their records had.
    let before: HashMap<i64, i64> = session
        .referential_mentions(table)?
        .into_iter()
        .map(|m| (m.record_id, m.entity_id))
        .collect();
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (index, entity) in resolution.entity.iter().enumerate() {
        groups.entry(*entity).or_default().push(index);
    }
    let mut groups: Vec<(usize, Vec<usize>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let mut taken = std::collections::HashSet::new();
    let mut next = session.next_referential_entity()?;
    let mut run = ReferentialRun::default();
    let mut number = vec![0_i64; records.len()];
    for (lead, members) in &groups {
        let mut votes: HashMap<i64, usize> = HashMap::new();
        for &member in members {
            if let Some(old) = before.get(&numbered[member].0) {
                *votes.entry(*old).or_default() += 1;
            }
        }
        let mut votes: Vec<(i64, usize)> = votes.into_iter().filter(|(id, _)| !taken.contains(id)).collect();
        votes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let id = match votes.first() {
            Some((id, _)) => *id,
            None => {
                let id = next;
                next += 1;
                run.new_entities.push((id, records[*lead].name.clone()));
                id
            }
        };
        taken.insert(id);
        for &member in members {
            number[member] = id;
        }
    }
    run.mentions = (0..records.len())
        .map(|i| Mention {
            record_id: numbered[i].0,
            entity_id: number[i],
            probability: resolution.probability[i],
        })
        .collect();
    let decided: std::collections::HashSet<(i64, i64)> = decisions.iter().map(|d| (d.left, d.right)).collect();
    let prepared = ensemble_referential::compare::Prepared::new(&records, kind);
    run.pairs = resolution
        .pairs
        .iter()
        .filter(|pair| matches!(pair.decision, Decision::Review | Decision::HeldApart))
        .filter_map(|pair| {
            let (left, right) = (numbered[pair.left].0, numbered[pair.right].0);
            let key = (left.min(right), left.max(right));
            (!decided.contains(&key)).then(|| ReferentialPair {
                left: key.0,
                right: key.1,
                probability: pair.probability,
                decision: match pair.decision {
                    Decision::HeldApart => "held-apart".to_string(),
                    _ => "review".to_string(),
                },
                evidence: resolution
                    .model
                    .evidence(&prepared.compare(pair.left, pair.right))
                    .into_iter()
                    .map(|e| {
                        (
                            e.field.to_string(),
                            e.level.to_string(),
                            (e.weight * 10.0).round() / 10.0,
                        )
                    })
                    .collect(),
            })
        })
        .collect();
    let summary = Summary {
        table: table.to_string(),
        records: records.len(),
        entities: groups.len(),
        new_entities: run.new_entities.len(),
        review: run.pairs.iter().filter(|p| p.decision == "review").count(),
        held_apart: run.pairs.iter().filter(|p| p.decision == "held-apart").count(),
        conflicts: resolution.conflicts.len(),
    };
    session.put_referential_run(table, &run, today)?;
    Ok(summary)
}

/// Works the referential out again for `table` (`organizations` or `places`): the coordination
/// only. Refused: `not-coordination`, `referential-table-unknown`.
pub fn run(store: &Store, actor: &Actor, table: &str) -> Result<Summary, ActionError> {
    only_if(actor.is_coordination(), "referential-coordination-only")?;
    kind_of(table)?;
    store.write(|session| {
        let summary = run_in(session, table, actor.clock.today())?;
        let detail = serde_json::to_value(&summary).unwrap_or_default();
        actor.record(session, None, AuditAction::ReferentialRun, table.to_string(), detail)?;
        Ok(summary)
    })
}

/// A person's decision that two records of `table` are one entity (`same`) or two, kept for
/// every later run; the referential is worked out again with it. The coordination only.
/// Refused: `not-coordination`, `referential-table-unknown`, `referential-record-unknown`
/// (a record that is not in the table, or the same record twice).
pub fn decide(
    store: &Store,
    actor: &Actor,
    table: &str,
    left: i64,
    right: i64,
    same: bool,
) -> Result<Summary, ActionError> {
    only_if(actor.is_coordination(), "referential-coordination-only")?;
    kind_of(table)?;
    only_if(left != right, "referential-record-unknown")?;
    store.write(|session| {
        let known = session.referential_mentions(table)?;
        let exists = |id: i64| known.iter().any(|m| m.record_id == id);
        only_if(exists(left) && exists(right), "referential-record-unknown")?;
        let id = session.put_pair_decision(&PairDecision {
            id: 0,
            entity_table: table.to_string(),
            left,
            right,
            same,
            decided_on: actor.clock.today(),
        })?;
        let summary = run_in(session, table, actor.clock.today())?;
        let detail =
            serde_json::json!({"decision": id, "left": left.min(right), "right": left.max(right), "same": same});
        actor.record(
            session,
            None,
            AuditAction::ReferentialDecision,
            table.to_string(),
            detail,
        )?;
        Ok(summary)
    })
}

/// Takes back a decision on `table`; the referential is worked out again without it. The
/// coordination only. Refused: `not-coordination`, `referential-table-unknown`,
/// `referential-decision-unknown`.
pub fn undo(store: &Store, actor: &Actor, table: &str, decision: i64) -> Result<Summary, ActionError> {
    only_if(actor.is_coordination(), "referential-coordination-only")?;
    kind_of(table)?;
    store.write(|session| {
        only_if(
            session.delete_pair_decision(table, decision)?,
            "referential-decision-unknown",
        )?;
        let summary = run_in(session, table, actor.clock.today())?;
        let detail = serde_json::json!({"decision": decision, "undone": true});
        actor.record(
            session,
            None,
            AuditAction::ReferentialDecision,
            table.to_string(),
            detail,
        )?;
        Ok(summary)
    })
}

/// A record as a person reviewing a pair sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordView {
    /// Its number in its table.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its municipality, when known.
    pub locality: String,
    /// The member whose import brought it (its code), or `None` for the public catalogue.
    pub member: Option<String>,
    /// Its entity's number.
    pub entity: i64,
}

/// A pair waiting for a person, with each field's part.
#[derive(Debug, Clone, PartialEq)]
pub struct PairView {
    /// The first record.
    pub left: RecordView,
    /// The second record.
    pub right: RecordView,
    /// The probability that they are one entity.
    pub probability: f64,
    /// Held apart by a rule (rather than doubtful).
    pub held_apart: bool,
    /// Field, level, weight in bits.
    pub evidence: Vec<(String, String, f64)>,
}

/// A decision as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionView {
    /// Its number.
    pub id: i64,
    /// The first record.
    pub left: RecordView,
    /// The second record.
    pub right: RecordView,
    /// One entity or two.
    pub same: bool,
    /// When.
    pub decided_on: chrono::NaiveDate,
}

/// What the review page shows of one table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Queue {
    /// Records in the referential (none before a first run).
    pub records: usize,
    /// Entities they make.
    pub entities: usize,
    /// Pairs waiting for a person, the most probable first (at most the limit asked).
    pub pairs: Vec<PairView>,
    /// How many pairs wait in all.
    pub waiting: usize,
    /// People's decisions, the latest first.
    pub decisions: Vec<DecisionView>,
}

/// The review queue of `table`: its latest run's pairs (at most `limit`) and its decisions.
pub fn queue(store: &Store, table: &str, limit: usize) -> Result<Queue, ActionError> {
    kind_of(table)?;
    store
        .read(|session| {
            let mentions = session.referential_mentions(table)?;
            let entity_of: HashMap<i64, i64> = mentions.iter().map(|m| (m.record_id, m.entity_id)).collect();
            let members: HashMap<i64, String> = session
                .list_any::<ensemble_model::Member>(&ListFilter::default())?
                .into_iter()
                .map(|m| (m.id.0, m.slug))
                .collect();
            let views: HashMap<i64, RecordView> = records(session, table)?
                .into_iter()
                .map(|(id, record)| {
                    let member = record
                        .source
                        .strip_prefix("member-")
                        .and_then(|n| n.parse::<i64>().ok())
                        .and_then(|n| members.get(&n).cloned());
                    let view = RecordView {
                        id,
                        name: record.name,
                        locality: record.locality.unwrap_or_default(),
                        member,
                        entity: entity_of.get(&id).copied().unwrap_or(0),
                    };
                    (id, view)
                })
                .collect();
            let view = |id: i64| {
                views.get(&id).cloned().unwrap_or(RecordView {
                    id,
                    name: String::new(),
                    locality: String::new(),
                    member: None,
                    entity: 0,
                })
            };
            let pairs = session.referential_pairs(table)?;
            let mut decisions: Vec<DecisionView> = session
                .referential_decisions(table)?
                .into_iter()
                .map(|d| DecisionView {
                    id: d.id,
                    left: view(d.left),
                    right: view(d.right),
                    same: d.same,
                    decided_on: d.decided_on,
                })
                .collect();
            decisions.reverse();
            let mut entities: Vec<i64> = entity_of.values().copied().collect();
            entities.sort_unstable();
            entities.dedup();
            Ok(Queue {
                records: mentions.len(),
                entities: entities.len(),
                waiting: pairs.len(),
                pairs: pairs
                    .into_iter()
                    .take(limit)
                    .map(|p| PairView {
                        left: view(p.left),
                        right: view(p.right),
                        probability: p.probability,
                        held_apart: p.decision == "held-apart",
                        evidence: p.evidence,
                    })
                    .collect(),
                decisions,
            })
        })
        .map_err(ActionError::Store)
}

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

/// An entity of the referential as a client previews it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityView {
    /// Its number.
    pub id: i64,
    /// `organizations` or `places`.
    pub table: String,
    /// Its records' names, the most frequent first.
    pub names: Vec<String>,
    /// Its records' municipalities.
    pub localities: Vec<String>,
    /// How many records mention it.
    pub records: usize,
}

/// The entity numbered `id`, if the referential has it.
pub fn entity(store: &Store, id: i64) -> Result<Option<EntityView>, ActionError> {
    for (table, _) in TABLES {
        let found = store.read(|session| {
            let mentions = session.referential_mentions(table)?;
            let members: Vec<i64> = mentions
                .iter()
                .filter(|m| m.entity_id == id)
                .map(|m| m.record_id)
                .collect();
            if members.is_empty() {
                return Ok(None);
            }
            let mut names: Vec<String> = Vec::new();
            let mut localities: Vec<String> = Vec::new();
            for (record_id, record) in records(session, table)? {
                if members.contains(&record_id) {
                    names.push(record.name);
                    localities.extend(record.locality);
                }
            }
            names.sort();
            names.dedup();
            localities.sort();
            localities.dedup();
            Ok(Some(EntityView {
                id,
                table: table.to_string(),
                names,
                localities,
                records: members.len(),
            }))
        })?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
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
