//! The shared referential's records (migration 17): stable entities, the records that mention
//! them, the pairs of the latest run to review or held apart, and people's decisions on pairs.

use chrono::NaiveDate;

use crate::{Session, StoreError, Value};

/// A record's place in the referential.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Mention {
    /// The record (in its entity's table).
    pub record_id: i64,
    /// Its entity.
    pub entity_id: i64,
    /// The probability that it belongs to its entity.
    pub probability: f64,
}

/// A pair of records as the latest run left it: to review, or held apart by a rule.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReferentialPair {
    /// The first record.
    pub left: i64,
    /// The second record.
    pub right: i64,
    /// The probability that they are one entity.
    pub probability: f64,
    /// `review` or `held-apart`.
    pub decision: String,
    /// Each field's part: field, level, weight in bits.
    pub evidence: Vec<(String, String, f64)>,
}

/// A person's decision on a pair of records: one entity or two.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairDecision {
    /// Its number.
    pub id: i64,
    /// The records' table (`organizations`, `places`).
    pub entity_table: String,
    /// The first record (the lower number).
    pub left: i64,
    /// The second record.
    pub right: i64,
    /// One entity (`true`) or two.
    pub same: bool,
    /// When it was taken.
    pub decided_on: NaiveDate,
    /// What the first record is (its source, name and town, folded), to find it again under a
    /// new number after its import is rolled back and brought back.
    pub left_key: String,
    /// What the second record is.
    pub right_key: String,
}

/// What a run of the engine leaves for one table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReferentialRun {
    /// Entities first seen in this run: number and name.
    pub new_entities: Vec<(i64, String)>,
    /// Every record's entity.
    pub mentions: Vec<Mention>,
    /// The pairs to review or held apart.
    pub pairs: Vec<ReferentialPair>,
}

fn real(value: &Value) -> f64 {
    match value {
        Value::Real(value) => *value,
        other => other.as_i64().unwrap_or(0) as f64,
    }
}

fn flag(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        other => other.as_i64().unwrap_or(0) != 0,
    }
}

impl Session<'_> {
    /// Every record of `table` in the referential, by record.
    pub fn referential_mentions(&mut self, table: &str) -> Result<Vec<Mention>, StoreError> {
        let rows = self.database.query(
            "SELECT record_id, entity_id, probability FROM referential_mentions WHERE entity_table = ? ORDER BY record_id",
            &[Value::from(table)],
        )?;
        Ok(rows
            .iter()
            .map(|row| Mention {
                record_id: row.int(0),
                entity_id: row.int(1),
                probability: real(row.get(2)),
            })
            .collect())
    }

    /// The pairs of the latest run on `table`, the most probable first.
    pub fn referential_pairs(&mut self, table: &str) -> Result<Vec<ReferentialPair>, StoreError> {
        let rows = self.database.query(
            "SELECT left_record, right_record, probability, decision, evidence FROM referential_pairs \
             WHERE entity_table = ? ORDER BY probability DESC, left_record, right_record",
            &[Value::from(table)],
        )?;
        Ok(rows
            .iter()
            .map(|row| {
                let evidence = match row.get(4) {
                    Value::Json(json) => serde_json::from_value(json.clone()).ok(),
                    Value::Text(text) => serde_json::from_str(text).ok(),
                    _ => None,
                };
                ReferentialPair {
                    left: row.int(0),
                    right: row.int(1),
                    probability: real(row.get(2)),
                    decision: row.text(3),
                    evidence: evidence.unwrap_or_default(),
                }
            })
            .collect())
    }

    /// People's decisions on pairs of `table`, oldest first.
    pub fn referential_decisions(&mut self, table: &str) -> Result<Vec<PairDecision>, StoreError> {
        let rows = self.database.query(
            "SELECT id, entity_table, left_record, right_record, same, decided_on, left_key, right_key \
             FROM referential_decisions WHERE entity_table = ? ORDER BY id",
            &[Value::from(table)],
        )?;
        rows.iter()
            .map(|row| {
                Ok(PairDecision {
                    id: row.int(0),
                    entity_table: row.text(1),
                    left: row.int(2),
                    right: row.int(3),
                    same: flag(row.get(4)),
                    decided_on: crate::diagnostic::decoded(
                        crate::value::date(row.get(5)),
                        "referential_decisions",
                        "decided_on",
                    )?,
                    left_key: row.text(6),
                    right_key: row.text(7),
                })
            })
            .collect()
    }

    /// The number the next new entity gets (entities are never renumbered nor their numbers reused).
    pub fn next_referential_entity(&mut self) -> Result<i64, StoreError> {
        let rows = self
            .database
            .query("SELECT COALESCE(MAX(id), 0) + 1 FROM referential_entities", &[])?;
        Ok(rows.first().map_or(1, |row| row.int(0)))
    }

    /// Keeps a run on `table`: its new entities, and every mention and pair in place of the
    /// previous run's.
    pub fn put_referential_run(
        &mut self,
        table: &str,
        run: &ReferentialRun,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        for (id, name) in &run.new_entities {
            self.database.execute(
                "INSERT INTO referential_entities (id, entity_table, name, created_on) VALUES (?, ?, ?, ?)",
                &[
                    Value::Int(*id),
                    Value::from(table),
                    Value::from(name.as_str()),
                    Value::Date(today),
                ],
            )?;
        }
        self.database.execute(
            "DELETE FROM referential_mentions WHERE entity_table = ?",
            &[Value::from(table)],
        )?;
        for mention in &run.mentions {
            self.database.execute(
                "INSERT INTO referential_mentions (entity_table, record_id, entity_id, probability) VALUES (?, ?, ?, ?)",
                &[
                    Value::from(table),
                    Value::Int(mention.record_id),
                    Value::Int(mention.entity_id),
                    Value::Real(mention.probability),
                ],
            )?;
        }
        self.database.execute(
            "DELETE FROM referential_pairs WHERE entity_table = ?",
            &[Value::from(table)],
        )?;
        for pair in &run.pairs {
            self.database.execute(
                "INSERT INTO referential_pairs (entity_table, left_record, right_record, probability, decision, evidence) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                &[
                    Value::from(table),
                    Value::Int(pair.left),
                    Value::Int(pair.right),
                    Value::Real(pair.probability),
                    Value::from(pair.decision.as_str()),
                    Value::Json(serde_json::json!(pair.evidence)),
                ],
            )?;
        }
        Ok(())
    }

    /// Keeps a person's decision on a pair, in place of an earlier one on the same pair; returns
    /// its number.
    pub fn put_pair_decision(&mut self, decision: &PairDecision) -> Result<i64, StoreError> {
        let (left, right) = (decision.left.min(decision.right), decision.left.max(decision.right));
        let (left_key, right_key) = if decision.left <= decision.right {
            (&decision.left_key, &decision.right_key)
        } else {
            (&decision.right_key, &decision.left_key)
        };
        self.database.execute(
            "DELETE FROM referential_decisions WHERE entity_table = ? AND left_record = ? AND right_record = ?",
            &[
                Value::from(decision.entity_table.as_str()),
                Value::Int(left),
                Value::Int(right),
            ],
        )?;
        let rows = self
            .database
            .query("SELECT COALESCE(MAX(id), 0) + 1 FROM referential_decisions", &[])?;
        let id = rows.first().map_or(1, |row| row.int(0));
        self.database.execute(
            "INSERT INTO referential_decisions (id, entity_table, left_record, right_record, same, decided_on, left_key, right_key) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            &[
                Value::Int(id),
                Value::from(decision.entity_table.as_str()),
                Value::Int(left),
                Value::Int(right),
                Value::Bool(decision.same),
                Value::Date(decision.decided_on),
                Value::from(left_key.as_str()),
                Value::from(right_key.as_str()),
            ],
        )?;
        Ok(id)
    }

    /// Points decision `id` at the records now numbered `left` and `right` (found again by their
    /// keys after their import was brought back).
    pub fn repoint_pair_decision(&mut self, id: i64, left: i64, right: i64) -> Result<(), StoreError> {
        let (low, high) = (left.min(right), left.max(right));
        self.database.execute(
            "UPDATE referential_decisions SET left_record = ?, right_record = ?, \
             left_key = CASE WHEN ? THEN left_key ELSE right_key END, \
             right_key = CASE WHEN ? THEN right_key ELSE left_key END WHERE id = ?",
            &[
                Value::Int(low),
                Value::Int(high),
                Value::Bool(left <= right),
                Value::Bool(left <= right),
                Value::Int(id),
            ],
        )?;
        Ok(())
    }

    /// Takes back a decision; `false` when there is none with this number on `table`.
    pub fn delete_pair_decision(&mut self, table: &str, id: i64) -> Result<bool, StoreError> {
        Ok(self.database.execute(
            "DELETE FROM referential_decisions WHERE entity_table = ? AND id = ?",
            &[Value::from(table), Value::Int(id)],
        )? > 0)
    }
}
