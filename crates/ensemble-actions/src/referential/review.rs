//! What people see of the referential: the review queue (the coordination's, or a member's own
//! records' pairs) and one entity as a golden record, each field with the record it comes from.
//!
//! Survivorship: for each field, the value most of the entity's records give (compared folded);
//! on a tie, the value of a record a public register identifies (Artsdata, Wikidata, ISNI); then
//! the most recent record's. Every identifier of every record is attached to the entity.

use std::collections::{HashMap, HashSet};

use ensemble_model::MemberId;
use ensemble_model::geo::fold_name;
use ensemble_store::{ListFilter, Session, Store, StoreError};

use super::{Numbered, TABLES, kind_of, read};
use crate::ActionError;

/// A record as a person reviewing a pair sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordView {
    /// Its number in its table.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its municipality, when known.
    pub locality: String,
    /// The member whose import brought it (its name), or `None` for the public catalogue.
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
    /// Joined provisionally in one entity until a person decides.
    pub provisional: bool,
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
    /// Records in the referential (none before a first run); on a member's queue, the member's.
    pub records: usize,
    /// Entities they make.
    pub entities: usize,
    /// Pairs waiting for a person, the most probable first (at most the limit asked).
    pub pairs: Vec<PairView>,
    /// How many pairs wait in all.
    pub waiting: usize,
    /// People's decisions, the latest first.
    pub decisions: Vec<DecisionView>,
    /// Identifiers carried by records of different entities: listed, never merged.
    pub conflicts: Vec<ConflictView>,
}

/// One external identifier carried by records the referential holds apart.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictView {
    /// The register.
    pub register: String,
    /// The identifier.
    pub value: String,
    /// The records that carry it.
    pub records: Vec<RecordView>,
}

/// Each member's name (its organisation's), by member number.
fn member_names(session: &mut Session<'_>) -> Result<HashMap<i64, String>, StoreError> {
    let all = ListFilter::default();
    let names: HashMap<i64, String> = session
        .list_any::<ensemble_model::Organization>(&all)?
        .into_iter()
        .map(|o| (o.id.0, o.name))
        .collect();
    Ok(session
        .list_any::<ensemble_model::Member>(&all)?
        .into_iter()
        .map(|m| (m.id.0, names.get(&m.organization_id.0).cloned().unwrap_or(m.slug)))
        .collect())
}

/// The review queue of `table`: its latest run's pairs (at most `limit`) and its decisions;
/// with `member`, only those where one record is the member's.
pub fn queue(store: &Store, table: &str, member: Option<MemberId>, limit: usize) -> Result<Queue, ActionError> {
    kind_of(table)?;
    store
        .read(|session| {
            let mentions = session.referential_mentions(table)?;
            let entity_of: HashMap<i64, i64> = mentions.iter().map(|m| (m.record_id, m.entity_id)).collect();
            let members = member_names(session)?;
            let all = read(session, table)?;
            let owner: HashMap<i64, Option<MemberId>> = all.iter().map(|n| (n.id, n.member)).collect();
            let mut holders: HashMap<(String, String), Vec<i64>> = HashMap::new();
            for n in &all {
                for (register, value) in &n.record.identifiers {
                    let key = (register.clone(), value.trim().to_uppercase());
                    holders.entry(key).or_default().push(n.id);
                }
            }
            let views: HashMap<i64, RecordView> = all
                .into_iter()
                .map(|n| {
                    let view = RecordView {
                        id: n.id,
                        name: n.record.name,
                        locality: n.record.locality.unwrap_or_default(),
                        member: n.member.and_then(|m| members.get(&m.0).cloned()),
                        entity: entity_of.get(&n.id).copied().unwrap_or(0),
                    };
                    (n.id, view)
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
            let concerns = |left: i64, right: i64| {
                member.is_none_or(|m| [left, right].iter().any(|id| owner.get(id) == Some(&Some(m))))
            };
            let pairs: Vec<_> = session
                .referential_pairs(table)?
                .into_iter()
                .filter(|p| concerns(p.left, p.right))
                .collect();
            let mut decisions: Vec<DecisionView> = session
                .referential_decisions(table)?
                .into_iter()
                .filter(|d| concerns(d.left, d.right))
                .map(|d| DecisionView {
                    id: d.id,
                    left: view(d.left),
                    right: view(d.right),
                    same: d.same,
                    decided_on: d.decided_on,
                })
                .collect();
            decisions.reverse();
            let mut conflicts: Vec<ConflictView> = holders
                .into_iter()
                .filter(|(_, records)| {
                    let entities: HashSet<Option<&i64>> = records.iter().map(|r| entity_of.get(r)).collect();
                    entities.len() > 1 && member.is_none_or(|m| records.iter().any(|r| owner.get(r) == Some(&Some(m))))
                })
                .map(|((register, value), records)| ConflictView {
                    register,
                    value,
                    records: records.into_iter().map(view).collect(),
                })
                .collect();
            conflicts.sort_by(|a, b| (&a.register, &a.value).cmp(&(&b.register, &b.value)));
            // A member's page counts the member's own records and their entities.
            let counted: Vec<i64> = mentions
                .iter()
                .filter(|m| member.is_none() || owner.get(&m.record_id) == Some(&member))
                .map(|m| m.entity_id)
                .collect();
            let entities: HashSet<i64> = counted.iter().copied().collect();
            Ok(Queue {
                records: counted.len(),
                entities: entities.len(),
                waiting: pairs.len(),
                pairs: pairs
                    .into_iter()
                    .take(limit)
                    .map(|p| PairView {
                        provisional: p.decision == "review" && entity_of.get(&p.left) == entity_of.get(&p.right),
                        left: view(p.left),
                        right: view(p.right),
                        probability: p.probability,
                        held_apart: p.decision == "held-apart",
                        evidence: p.evidence,
                    })
                    .collect(),
                decisions,
                conflicts,
            })
        })
        .map_err(ActionError::Store)
}

/// One field of a golden record: its value and the record it comes from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldValue {
    /// The field: `name`, `street`, `locality`, `region`, `postal_code`, `url`, `operator`.
    pub field: &'static str,
    /// The value chosen.
    pub value: String,
    /// The record it was taken from.
    pub record: i64,
    /// How many of the entity's records give it.
    pub agreeing: usize,
    /// How many give a value for the field at all.
    pub giving: usize,
}

/// One external identifier of an entity, with the records that carry it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IdentifierView {
    /// The register: `artsdata`, `wikidata`, `isni`, `neq`, `scenepro`.
    pub register: String,
    /// The identifier.
    pub value: String,
    /// The records that carry it.
    pub records: Vec<i64>,
}

/// One record of an entity, with where it comes from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MentionView {
    /// Its number in its table.
    pub record: i64,
    /// Its name.
    pub name: String,
    /// Its municipality.
    pub locality: String,
    /// The member whose import or form brought it (its name); `None` for the public catalogue.
    pub member: Option<String>,
    /// The import that brought it.
    pub batch: Option<i64>,
    /// The probability that it belongs to the entity.
    pub probability: f64,
    /// Joined provisionally: its pair waits for a person.
    pub provisional: bool,
}

/// An entity of the referential: its golden record, its identifiers and its records.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EntityView {
    /// Its number.
    pub id: i64,
    /// Its table (`organizations`, `places`, `halls`, `performing_groups`, `persons`, `shows`).
    pub table: String,
    /// Its golden record's name.
    pub name: String,
    /// Its golden record, field by field, with provenance.
    pub fields: Vec<FieldValue>,
    /// Every identifier its records carry.
    pub identifiers: Vec<IdentifierView>,
    /// Its records, the most probable first.
    pub mentions: Vec<MentionView>,
    /// Its records' distinct names.
    pub names: Vec<String>,
    /// Its records' distinct municipalities.
    pub localities: Vec<String>,
}

impl EntityView {
    /// The golden value of `field`, if any record gives one.
    pub fn value(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.field == field).map(|f| f.value.as_str())
    }
}

/// The registers whose identifiers say a public register knows the record.
const REGISTERS: &[&str] = &["artsdata", "wikidata", "isni"];

/// The golden value of one field among `records` (the most recent last).
fn survivor(
    field: &'static str,
    records: &[&Numbered],
    value: impl Fn(&Numbered) -> Option<String>,
) -> Option<FieldValue> {
    let given: Vec<(&Numbered, String)> = records
        .iter()
        .filter_map(|n| value(n).map(|v| (*n, v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (_, v) in &given {
        *counts.entry(fold_name(v)).or_default() += 1;
    }
    let registered = |n: &Numbered| {
        n.record
            .identifiers
            .iter()
            .any(|(r, _)| REGISTERS.contains(&r.as_str()))
    };
    let (record, chosen) = given.iter().max_by(|(a, va), (b, vb)| {
        counts[&fold_name(va)]
            .cmp(&counts[&fold_name(vb)])
            .then(registered(a).cmp(&registered(b)))
            .then(a.id.cmp(&b.id))
    })?;
    Some(FieldValue {
        field,
        value: chosen.clone(),
        record: record.id,
        agreeing: counts[&fold_name(chosen)],
        giving: given.len(),
    })
}

fn golden(
    id: i64,
    table: &str,
    members: &HashMap<i64, String>,
    records: &[&Numbered],
    mentions: &[(i64, f64, bool)],
) -> EntityView {
    let fields: Vec<FieldValue> = [
        survivor("name", records, |n| Some(n.record.name.clone())),
        survivor("street", records, |n| n.record.street.clone()),
        survivor("locality", records, |n| n.record.locality.clone()),
        survivor("region", records, |n| n.record.region.clone()),
        survivor("postal_code", records, |n| n.record.postal_code.clone()),
        survivor("url", records, |n| n.record.url.clone()),
        survivor("operator", records, |n| n.record.operator.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut identifiers: Vec<IdentifierView> = Vec::new();
    for n in records {
        for (register, value) in &n.record.identifiers {
            let value = value.trim();
            match identifiers
                .iter_mut()
                .find(|i| i.register == *register && i.value.eq_ignore_ascii_case(value))
            {
                Some(found) => found.records.push(n.id),
                None => identifiers.push(IdentifierView {
                    register: register.clone(),
                    value: value.to_string(),
                    records: vec![n.id],
                }),
            }
        }
    }
    identifiers.sort_by(|a, b| (&a.register, &a.value).cmp(&(&b.register, &b.value)));
    let mut views: Vec<MentionView> = records
        .iter()
        .map(|n| {
            let (probability, provisional) = mentions
                .iter()
                .find(|(record, _, _)| *record == n.id)
                .map_or((1.0, false), |(_, p, provisional)| (*p, *provisional));
            MentionView {
                record: n.id,
                name: n.record.name.clone(),
                locality: n.record.locality.clone().unwrap_or_default(),
                member: n.member.and_then(|m| members.get(&m.0).cloned()),
                batch: n.batch,
                probability,
                provisional,
            }
        })
        .collect();
    views.sort_by(|a, b| b.probability.total_cmp(&a.probability).then(a.record.cmp(&b.record)));
    let distinct = |values: Vec<String>| {
        let mut seen = HashSet::new();
        values
            .into_iter()
            .filter(|v| !v.is_empty() && seen.insert(fold_name(v)))
            .collect()
    };
    EntityView {
        id,
        table: table.to_string(),
        name: fields.first().map(|f| f.value.clone()).unwrap_or_default(),
        names: distinct(records.iter().map(|n| n.record.name.clone()).collect()),
        localities: distinct(records.iter().filter_map(|n| n.record.locality.clone()).collect()),
        fields,
        identifiers,
        mentions: views,
    }
}

/// The entity numbered `id`, if the referential has it, as a golden record.
pub fn entity(store: &Store, id: i64) -> Result<Option<EntityView>, ActionError> {
    Ok(entities(store, &[id])?.into_iter().next())
}

/// The entities numbered `ids` that the referential has, as golden records, in the order asked.
pub fn entities(store: &Store, ids: &[i64]) -> Result<Vec<EntityView>, ActionError> {
    let wanted: HashSet<i64> = ids.iter().copied().collect();
    let mut found: HashMap<i64, EntityView> = HashMap::new();
    store.read(|session| {
        let members = member_names(session)?;
        for (table, _) in TABLES {
            let mentions = session.referential_mentions(table)?;
            let ours: Vec<&ensemble_store::referential::Mention> =
                mentions.iter().filter(|m| wanted.contains(&m.entity_id)).collect();
            if ours.is_empty() {
                continue;
            }
            let entity_of: HashMap<i64, i64> = ours.iter().map(|m| (m.record_id, m.entity_id)).collect();
            // The later record of a doubtful pair inside one entity joined it provisionally.
            let provisional: HashSet<i64> = session
                .referential_pairs(table)?
                .into_iter()
                .filter(|p| {
                    p.decision == "review"
                        && entity_of.contains_key(&p.left)
                        && entity_of.get(&p.left) == entity_of.get(&p.right)
                })
                .map(|p| p.left.max(p.right))
                .collect();
            let all = read(session, table)?;
            let mut by_entity: HashMap<i64, Vec<&Numbered>> = HashMap::new();
            for n in &all {
                if let Some(e) = entity_of.get(&n.id) {
                    by_entity.entry(*e).or_default().push(n);
                }
            }
            for (id, records) in by_entity {
                let marks: Vec<(i64, f64, bool)> = ours
                    .iter()
                    .filter(|m| m.entity_id == id)
                    .map(|m| (m.record_id, m.probability, provisional.contains(&m.record_id)))
                    .collect();
                found.insert(id, golden(id, table, &members, &records, &marks));
            }
        }
        Ok(())
    })?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}
