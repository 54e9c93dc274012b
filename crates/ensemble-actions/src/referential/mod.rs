//! The shared referential in the store: the engine run over the catalogue's organisations,
//! places, halls, groups, people and shows (every member's and every source's records together),
//! its entities kept under stable numbers, and people's decisions on pairs, which every later run
//! keeps. Each is one audited write. An import runs it on what it created, in its own transaction
//! ([`after_import`]).
//!
//! A record alone whose most probable pair is doubtful joins that pair's entity provisionally:
//! the pair stays in the review queue until a person says one entity or two.

mod reconcile;
mod review;

use std::collections::{HashMap, HashSet};

use ensemble_model::geo::fold_name;
use ensemble_model::{Group, Hall, MemberId, Organization, Person, Place, Role, Show};
use ensemble_referential::{Decision, Kind, Record, Settings, Verdict};
use ensemble_store::referential::{Mention, PairDecision, ReferentialPair, ReferentialRun};
use ensemble_store::{AuditAction, ListFilter, Session, Store, StoreError};

use crate::{ActionError, Actor, only_if, rank};

pub use reconcile::{Candidate, Wanted, reconcile, suggest};
pub use review::{
    ConflictView, DecisionView, EntityView, FieldValue, IdentifierView, MentionView, PairView, Queue, RecordView,
    entities, entity, queue,
};

/// The tables the referential covers, with what their records describe. A hall is compared by
/// its full name (its building's and its own) in its building's town.
pub const TABLES: &[(&str, Kind)] = &[
    ("organizations", Kind::Organization),
    ("places", Kind::Place),
    ("halls", Kind::Place),
    ("performing_groups", Kind::Organization),
    ("persons", Kind::Person),
    ("shows", Kind::Show),
];

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
    /// Records joined to an entity provisionally, until a person reviews their pair.
    pub provisional: usize,
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

/// A record of the referential with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Numbered {
    /// Its number in its table.
    pub id: i64,
    /// The member whose import or form brought it; `None` for the public catalogue.
    pub member: Option<MemberId>,
    /// The import that brought it.
    pub batch: Option<i64>,
    /// For a hall, its place (record number): two halls of one place are two rooms.
    pub within: Option<i64>,
    /// The record as the engine reads it.
    pub record: Record,
}

fn numbered(id: i64, provenance: &ensemble_model::Provenance, record: Record) -> Numbered {
    let source = provenance
        .member_id
        .map_or_else(|| "catalogue".to_string(), |member| format!("member-{}", member.0));
    Numbered {
        id,
        member: provenance.member_id,
        batch: provenance.batch_id.map(|batch| batch.0),
        within: None,
        record: Record {
            id: id.to_string(),
            source,
            ..record
        },
    }
}

/// The records of `table` as the engine reads them, with their numbers and sources.
pub fn read(session: &mut Session<'_>, table: &str) -> Result<Vec<Numbered>, StoreError> {
    let all = ListFilter::default();
    let organization_names = |session: &mut Session<'_>| -> Result<HashMap<i64, String>, StoreError> {
        Ok(session
            .list_any::<Organization>(&all)?
            .into_iter()
            .map(|o| (o.id.0, o.name))
            .collect())
    };
    Ok(match table {
        "organizations" => session
            .list_any::<Organization>(&all)?
            .into_iter()
            .map(|o| {
                let record = Record {
                    name: o.name,
                    locality: o.municipality,
                    region: o.region_code.map(|r| r.as_str().to_string()),
                    postal_code: o.postal_code,
                    url: o.website,
                    identifiers: identifiers(&o.identifiers),
                    ..Record::default()
                };
                numbered(o.id.0, &o.provenance, record)
            })
            .collect(),
        "places" => {
            let names = organization_names(session)?;
            session
                .list_any::<Place>(&all)?
                .into_iter()
                .map(|p| numbered(p.id.0, &p.provenance, place_record(&p, &names)))
                .collect()
        }
        "halls" => {
            let names = organization_names(session)?;
            let places: HashMap<i64, Place> = session
                .list_any::<Place>(&all)?
                .into_iter()
                .map(|p| (p.id.0, p))
                .collect();
            let place_entity: HashMap<i64, i64> = session
                .referential_mentions("places")?
                .into_iter()
                .map(|m| (m.record_id, m.entity_id))
                .collect();
            session
                .list_any::<Hall>(&all)?
                .into_iter()
                .map(|h| {
                    let building = places.get(&h.place_id.0);
                    let mut record = building.map(|p| place_record(p, &names)).unwrap_or_default();
                    record.name = match building {
                        Some(place) if fold_name(&place.name) != fold_name(&h.name) => {
                            format!("{} – {}", place.name, h.name)
                        }
                        _ => h.name.clone(),
                    };
                    record.identifiers = identifiers(&h.identifiers);
                    // Halls of buildings that are not one entity are never one hall.
                    record.container = Some(match place_entity.get(&h.place_id.0) {
                        Some(entity) => format!("entity-{entity}"),
                        None => format!("place-{}", h.place_id.0),
                    });
                    Numbered {
                        within: Some(h.place_id.0),
                        ..numbered(h.id.0, &h.provenance, record)
                    }
                })
                .collect()
        }
        "performing_groups" => session
            .list_any::<Group>(&all)?
            .into_iter()
            .map(|g| {
                let record = Record {
                    name: g.name,
                    locality: g.home_municipality,
                    identifiers: identifiers(&g.identifiers),
                    ..Record::default()
                };
                numbered(g.id.0, &g.provenance, record)
            })
            .collect(),
        "persons" => session
            .list_any::<Person>(&all)?
            .into_iter()
            .map(|p| {
                let record = Record {
                    name: p.name,
                    locality: p.home_municipality,
                    identifiers: identifiers(&p.identifiers),
                    ..Record::default()
                };
                numbered(p.id.0, &p.provenance, record)
            })
            .collect(),
        "shows" => {
            let names = organization_names(session)?;
            session
                .list_any::<Show>(&all)?
                .into_iter()
                .map(|s| {
                    let record = Record {
                        name: s.title_fr,
                        alt_names: s.title_en.into_iter().collect(),
                        operator: s.producer_ids.first().and_then(|id| names.get(&id.0).cloned()),
                        identifiers: identifiers(&s.identifiers),
                        ..Record::default()
                    };
                    numbered(s.id.0, &s.provenance, record)
                })
                .collect()
        }
        _ => Vec::new(),
    })
}

fn place_record(p: &Place, operators: &HashMap<i64, String>) -> Record {
    Record {
        name: p.name.clone(),
        street: p.street_address.clone(),
        locality: p.municipality.clone(),
        region: p.province.clone(),
        postal_code: p.postal_code.clone(),
        coordinates: p.latitude.zip(p.longitude),
        operator: p.operator_id.and_then(|id| operators.get(&id.0).cloned()),
        identifiers: identifiers(&p.identifiers),
        ..Record::default()
    }
}

/// The records of `table` as the engine reads them, with their numbers.
pub fn records(session: &mut Session<'_>, table: &str) -> Result<Vec<(i64, Record)>, StoreError> {
    Ok(read(session, table)?.into_iter().map(|n| (n.id, n.record)).collect())
}

/// What a record is, to find it again under a new number: its source, name and town, folded.
pub fn record_key(record: &Record) -> String {
    format!(
        "{}|{}|{}",
        record.source,
        fold_name(&record.name),
        fold_name(record.locality.as_deref().unwrap_or_default())
    )
}

/// Where each decision's records are now (positions in `records`): by number when the record
/// there is still the one decided on, else by its key when one record has it, else by number.
fn locate(decision: &PairDecision, records: &[Numbered], position: &HashMap<i64, usize>) -> Option<(usize, usize)> {
    let find = |id: i64, key: &str| -> Option<usize> {
        let by_number = position.get(&id).copied();
        if key.is_empty() || by_number.is_some_and(|i| record_key(&records[i].record) == key) {
            return by_number;
        }
        let mut holders = records
            .iter()
            .enumerate()
            .filter(|(_, n)| record_key(&n.record) == key)
            .map(|(i, _)| i);
        match (holders.next(), holders.next()) {
            (Some(only), None) => Some(only),
            _ => by_number,
        }
    };
    Some((
        find(decision.left, &decision.left_key)?,
        find(decision.right, &decision.right_key)?,
    ))
}

/// Runs the engine over `table` inside `session` and keeps the result. Each entity keeps the
/// number most of its records had; an entity seen for the first time gets a new one.
fn run_in(session: &mut Session<'_>, table: &str, today: chrono::NaiveDate) -> Result<Summary, StoreError> {
    let kind = kind_of(table).unwrap_or(Kind::Organization);
    let numbered = read(session, table)?;
    let position: HashMap<i64, usize> = numbered.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let records: Vec<Record> = numbered.iter().map(|n| n.record.clone()).collect();
    let decisions = session.referential_decisions(table)?;
    let mut verdicts = Vec::new();
    let mut decided = HashSet::new();
    for decision in &decisions {
        let Some((left, right)) = locate(decision, &numbered, &position) else {
            continue;
        };
        let (left_id, right_id) = (numbered[left].id, numbered[right].id);
        if (left_id.min(right_id), left_id.max(right_id)) != (decision.left, decision.right) {
            session.repoint_pair_decision(decision.id, left_id, right_id)?;
        }
        decided.insert((left_id.min(right_id), left_id.max(right_id)));
        verdicts.push(Verdict {
            left,
            right,
            same: decision.same,
        });
    }
    // Two halls of one place are two rooms.
    let mut by_place: HashMap<i64, Vec<usize>> = HashMap::new();
    for (index, n) in numbered.iter().enumerate() {
        if let Some(place) = n.within {
            by_place.entry(place).or_default().push(index);
        }
    }
    for halls in by_place.values() {
        for (i, &left) in halls.iter().enumerate() {
            for &right in &halls[i + 1..] {
                verdicts.push(Verdict {
                    left,
                    right,
                    same: false,
                });
            }
        }
    }
    let settings = Settings::new(kind);
    let resolution = ensemble_referential::resolve_with(&records, &settings, &verdicts);
    let prepared = ensemble_referential::compare::Prepared::new(&records, kind);

    // A record alone joins the entity of its most probable doubtful pair, provisionally, when
    // no rule keeps it from any of that entity's records.
    let mut entity = resolution.entity.clone();
    let mut probability = resolution.probability.clone();
    let mut size: HashMap<usize, usize> = HashMap::new();
    for e in &entity {
        *size.entry(*e).or_default() += 1;
    }
    let alone: Vec<bool> = entity.iter().map(|e| size[e] == 1).collect();
    let mut provisional = HashSet::new();
    let mut doubtful: Vec<&ensemble_referential::ScoredPair> = resolution
        .pairs
        .iter()
        .filter(|pair| pair.decision == Decision::Review)
        .filter(|pair| {
            let (l, r) = (numbered[pair.left].id, numbered[pair.right].id);
            !decided.contains(&(l.min(r), l.max(r)))
        })
        .collect();
    doubtful.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    for pair in doubtful {
        // The later record (the newer import) joins the earlier one's entity.
        let (joining, target) = if numbered[pair.left].id > numbered[pair.right].id {
            (pair.left, pair.right)
        } else {
            (pair.right, pair.left)
        };
        if !alone[joining] || provisional.contains(&joining) || entity[joining] == entity[target] {
            continue;
        }
        let destination = entity[target];
        let allowed = (0..records.len())
            .filter(|&i| entity[i] == destination)
            .all(|i| !prepared.compare(joining.min(i), joining.max(i)).cannot_link);
        if allowed {
            entity[joining] = destination;
            probability[joining] = pair.probability;
            provisional.insert(joining);
        }
    }

    // Stable numbers: the biggest entities choose first among the numbers their records had.
    let before: HashMap<i64, i64> = session
        .referential_mentions(table)?
        .into_iter()
        .map(|m| (m.record_id, m.entity_id))
        .collect();
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (index, e) in entity.iter().enumerate() {
        groups.entry(*e).or_default().push(index);
    }
    let mut groups: Vec<(usize, Vec<usize>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let mut taken = HashSet::new();
    let mut next = session.next_referential_entity()?;
    let mut run = ReferentialRun::default();
    let mut number = vec![0_i64; records.len()];
    for (lead, members) in &groups {
        let mut votes: HashMap<i64, usize> = HashMap::new();
        for &member in members {
            if let Some(old) = before.get(&numbered[member].id) {
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
            record_id: numbered[i].id,
            entity_id: number[i],
            probability: probability[i],
        })
        .collect();
    run.pairs = resolution
        .pairs
        .iter()
        .filter(|pair| matches!(pair.decision, Decision::Review | Decision::HeldApart))
        // Two rooms of one place need nobody's review, nor halls of two buildings held apart:
        // the buildings' pair is the one to decide.
        .filter(|pair| {
            let (left, right) = (&numbered[pair.left], &numbered[pair.right]);
            left.within.is_none() || (left.within != right.within && left.record.container == right.record.container)
        })
        .filter_map(|pair| {
            let (left, right) = (numbered[pair.left].id, numbered[pair.right].id);
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
        provisional: provisional.len(),
        held_apart: run.pairs.iter().filter(|p| p.decision == "held-apart").count(),
        conflicts: resolution.conflicts.len(),
    };
    session.put_referential_run(table, &run, today)?;
    Ok(summary)
}

/// Works the referential out again for `table`: the coordination only. Refused:
/// `referential-coordination-only`, `referential-table-unknown`.
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

/// Works the referential out again for every table, in one transaction with one audit entry:
/// the coordination only. Refused: `referential-coordination-only`.
pub fn run_all(store: &Store, actor: &Actor) -> Result<Vec<Summary>, ActionError> {
    only_if(actor.is_coordination(), "referential-coordination-only")?;
    store.write(|session| {
        let summaries = TABLES
            .iter()
            .map(|(table, _)| run_in(session, table, actor.clock.today()))
            .collect::<Result<Vec<_>, _>>()?;
        let detail = serde_json::to_value(&summaries).unwrap_or_default();
        actor.record(session, None, AuditAction::ReferentialRun, "all".to_string(), detail)?;
        Ok(summaries)
    })
}

/// Runs the referential on every table where import `batch` created records (`created`: the
/// import's tally, by entity name), inside the import's transaction: clear cases are joined to
/// their entity, doubtful ones joined provisionally and queued for review. Returns what became of
/// the batch's records.
pub fn after_import(
    session: &mut Session<'_>,
    batch: i64,
    created: &std::collections::BTreeMap<&'static str, u64>,
    today: chrono::NaiveDate,
) -> Result<Vec<ensemble_ingest::ReferentialLinks>, StoreError> {
    let tables: HashSet<&str> = ensemble_model::entity_docs()
        .into_iter()
        .filter(|doc| created.get(doc.name).is_some_and(|&count| count > 0))
        .map(|doc| doc.table)
        .collect();
    let mut links = Vec::new();
    for (table, _) in TABLES.iter().filter(|(table, _)| tables.contains(table)) {
        let created: Vec<i64> = read(session, table)?
            .into_iter()
            .filter(|n| n.batch == Some(batch))
            .map(|n| n.id)
            .collect();
        if created.is_empty() {
            continue;
        }
        run_in(session, table, today)?;
        let mentions = session.referential_mentions(table)?;
        let entity_of: HashMap<i64, i64> = mentions.iter().map(|m| (m.record_id, m.entity_id)).collect();
        let mut holders: HashMap<i64, usize> = HashMap::new();
        for m in &mentions {
            *holders.entry(m.entity_id).or_default() += 1;
        }
        let waiting: HashSet<i64> = session
            .referential_pairs(table)?
            .into_iter()
            .filter(|p| p.decision == "review" && entity_of.get(&p.left) == entity_of.get(&p.right))
            .map(|p| p.left.max(p.right))
            .collect();
        let joined: Vec<&i64> = created
            .iter()
            .filter(|id| entity_of.get(id).is_some_and(|e| holders[e] > 1))
            .collect();
        links.push(ensemble_ingest::ReferentialLinks {
            table: table.to_string(),
            created: created.len(),
            joined: joined.len(),
            provisional: joined.iter().filter(|id| waiting.contains(id)).count(),
        });
    }
    Ok(links)
}

/// Whose pairs `actor` may decide on: every pair for the coordination, a member's own records'
/// pairs for its administrators; `None` for anyone else.
fn reviewer(actor: &Actor) -> Option<Option<MemberId>> {
    if actor.is_coordination() {
        Some(None)
    } else {
        actor
            .member
            .filter(|_| rank(actor.role) >= rank(Role::MemberAdmin))
            .map(Some)
    }
}

/// A person's decision that two records of `table` are one entity (`same`) or two, kept for
/// every later run; the referential is worked out again with it. The coordination decides on
/// any pair, a member's administrator on pairs where one record is the member's. Refused:
/// `referential-coordination-only` (anyone else), `referential-not-yours` (a member's
/// administrator on others' records), `referential-table-unknown`, `referential-record-unknown`
/// (a record that is not in the table, or the same record twice).
pub fn decide(
    store: &Store,
    actor: &Actor,
    table: &str,
    left: i64,
    right: i64,
    same: bool,
) -> Result<Summary, ActionError> {
    let scope = reviewer(actor).ok_or(ActionError::Refused("referential-coordination-only"))?;
    kind_of(table)?;
    only_if(left != right, "referential-record-unknown")?;
    store.write(|session| {
        let all = read(session, table)?;
        let found = |id: i64| all.iter().find(|n| n.id == id);
        let (Some(a), Some(b)) = (found(left), found(right)) else {
            return Err(ActionError::Refused("referential-record-unknown"));
        };
        if let Some(member) = scope {
            only_if(
                a.member == Some(member) || b.member == Some(member),
                "referential-not-yours",
            )?;
        }
        let id = session.put_pair_decision(&PairDecision {
            id: 0,
            entity_table: table.to_string(),
            left,
            right,
            same,
            decided_on: actor.clock.today(),
            left_key: record_key(&a.record),
            right_key: record_key(&b.record),
        })?;
        let summary = run_in(session, table, actor.clock.today())?;
        let detail =
            serde_json::json!({"decision": id, "left": left.min(right), "right": left.max(right), "same": same});
        actor.record(
            session,
            scope,
            AuditAction::ReferentialDecision,
            table.to_string(),
            detail,
        )?;
        Ok(summary)
    })
}

/// Takes back a decision on `table`; the referential is worked out again without it. The
/// coordination takes back any, a member's administrator those on its own records. Refused:
/// `referential-coordination-only`, `referential-not-yours`, `referential-table-unknown`,
/// `referential-decision-unknown`.
pub fn undo(store: &Store, actor: &Actor, table: &str, decision: i64) -> Result<Summary, ActionError> {
    let scope = reviewer(actor).ok_or(ActionError::Refused("referential-coordination-only"))?;
    kind_of(table)?;
    store.write(|session| {
        let found = session
            .referential_decisions(table)?
            .into_iter()
            .find(|d| d.id == decision)
            .ok_or(ActionError::Refused("referential-decision-unknown"))?;
        if let Some(member) = scope {
            let all = read(session, table)?;
            let mine = all
                .iter()
                .any(|n| (n.id == found.left || n.id == found.right) && n.member == Some(member));
            only_if(mine, "referential-not-yours")?;
        }
        session.delete_pair_decision(table, decision)?;
        let summary = run_in(session, table, actor.clock.today())?;
        let detail = serde_json::json!({"decision": decision, "undone": true});
        actor.record(
            session,
            scope,
            AuditAction::ReferentialDecision,
            table.to_string(),
            detail,
        )?;
        Ok(summary)
    })
}
