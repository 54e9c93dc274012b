//! What intake keeps beside the model's tables: the natural key of every imported record and the
//! quarantine of rows that could not be imported.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use ensemble_model::{Batch, BatchId, BatchKind, Entity, MemberId};

use crate::{Session, StoreError, Value};

/// At most this many keys are looked up in one statement.
const KEYS_PER_QUERY: usize = 2000;

/// Where a quarantined row stands.
pub const QUARANTINE_OPEN: &str = "open";
/// The row was corrected and imported.
pub const QUARANTINE_REPLAYED: &str = "replayed";
/// The member chose not to import the row.
pub const QUARANTINE_DISMISSED: &str = "dismissed";

/// One row kept in quarantine with its values and the reasons it was not imported.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuarantineEntry {
    /// Its number.
    pub id: i64,
    /// The member that imported it.
    pub member_id: MemberId,
    /// The import it came from.
    pub batch_id: BatchId,
    /// Its row (or record number) in the source file.
    pub source_row: i64,
    /// What the row was to become (`tickets`, `venues`, ...).
    pub target: String,
    /// The mapping profile used.
    pub profile: String,
    /// Field name to value, personal values already replaced by pseudonyms.
    pub raw: serde_json::Value,
    /// The diagnostics that kept it out.
    pub diagnostics: serde_json::Value,
    /// `open`, `replayed` or `dismissed`.
    pub status: String,
    /// The first record created when it was replayed.
    pub record_id: Option<i64>,
    /// Last change.
    pub updated_at: DateTime<FixedOffset>,
}

const QUARANTINE_COLUMNS: &[&str] = &[
    "id",
    "member_id",
    "batch_id",
    "source_row",
    "target",
    "profile",
    "raw",
    "diagnostics",
    "status",
    "record_id",
    "updated_at",
];

impl Session<'_> {
    /// Of these natural keys, those already recorded for the member and table, with their record.
    pub fn existing_keys(
        &mut self,
        member: MemberId,
        table: &str,
        keys: &[&str],
    ) -> Result<HashMap<String, i64>, StoreError> {
        let mut found = HashMap::new();
        for chunk in keys.chunks(KEYS_PER_QUERY) {
            let placeholders = vec!["?"; chunk.len()].join(", ");
            let sql = format!(
                "SELECT natural_key, record_id FROM record_keys \
                 WHERE member_id = ? AND entity_table = ? AND natural_key IN ({placeholders})"
            );
            let mut params = Vec::with_capacity(chunk.len() + 2);
            params.push(Value::Int(member.0));
            params.push(Value::from(table));
            params.extend(chunk.iter().map(|key| Value::from(*key)));
            for row in self.database.query(&sql, &params)? {
                found.insert(row.text(0), row.int(1));
            }
        }
        Ok(found)
    }

    /// Whether the member holds any natural key for a table.
    pub fn has_keys(&mut self, member: MemberId, table: &str) -> Result<bool, StoreError> {
        let rows = self.database.query(
            "SELECT 1 FROM record_keys WHERE member_id = ? AND entity_table = ? LIMIT 1",
            &[Value::Int(member.0), Value::from(table)],
        )?;
        Ok(!rows.is_empty())
    }

    /// Every natural key the member holds for a table, with its record.
    pub fn keys_of(&mut self, member: MemberId, table: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = self.database.query(
            "SELECT natural_key, record_id FROM record_keys WHERE member_id = ? AND entity_table = ?",
            &[Value::Int(member.0), Value::from(table)],
        )?;
        Ok(rows.iter().map(|row| (row.text(0), row.int(1))).collect())
    }

    /// Records natural keys: `(table, key, record id)` for the member and batch.
    pub fn insert_keys<'k>(
        &mut self,
        member: MemberId,
        batch: BatchId,
        keys: impl Iterator<Item = (&'k str, &'k str, i64)>,
    ) -> Result<u64, StoreError> {
        let mut rows = keys.map(|(table, key, record)| {
            vec![
                Value::Int(member.0),
                Value::from(table),
                Value::from(key),
                Value::Int(record),
                Value::Int(batch.0),
            ]
        });
        self.database.bulk_insert(
            "record_keys",
            &["member_id", "entity_table", "natural_key", "record_id", "batch_id"],
            &mut rows,
        )
    }

    /// The member's import batches of a file with this SHA-256, oldest first.
    pub fn batches_of_file(&mut self, member: MemberId, sha256: &str) -> Result<Vec<Batch>, StoreError> {
        let batches: Vec<Batch> = self.list_any(&crate::ListFilter {
            member_id: Some(member),
            ..Default::default()
        })?;
        Ok(batches
            .into_iter()
            .filter(|batch| batch.kind == BatchKind::Import && batch.file_sha256.as_deref() == Some(sha256))
            .collect())
    }

    /// The next free quarantine number.
    pub fn next_quarantine_id(&mut self) -> Result<i64, StoreError> {
        let rows = self
            .database
            .query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM quarantine", &[])?;
        Ok(rows.first().map_or(0, |row| row.int(0)) + 1)
    }

    /// Keeps rows in quarantine (their ids must be free; see [`Session::next_quarantine_id`]).
    pub fn insert_quarantine(&mut self, entries: &[QuarantineEntry]) -> Result<u64, StoreError> {
        let mut rows = entries.iter().map(|entry| {
            vec![
                Value::Int(entry.id),
                Value::Int(entry.member_id.0),
                Value::Int(entry.batch_id.0),
                Value::Int(entry.source_row),
                Value::from(entry.target.as_str()),
                Value::from(entry.profile.as_str()),
                Value::Json(entry.raw.clone()),
                Value::Json(entry.diagnostics.clone()),
                Value::from(entry.status.as_str()),
                entry.record_id.map_or(Value::Null, Value::Int),
                Value::Timestamp(entry.updated_at),
            ]
        });
        self.database.bulk_insert("quarantine", QUARANTINE_COLUMNS, &mut rows)
    }

    /// Quarantined rows of a member, optionally of one batch and in one status, by number.
    pub fn quarantine_any(
        &mut self,
        member: MemberId,
        batch: Option<BatchId>,
        status: Option<&str>,
    ) -> Result<Vec<QuarantineEntry>, StoreError> {
        let mut sql = String::from(
            "SELECT id, member_id, batch_id, source_row, target, profile, CAST(raw AS TEXT), \
             CAST(diagnostics AS TEXT), status, record_id, updated_at FROM quarantine WHERE member_id = ?",
        );
        let mut params = vec![Value::Int(member.0)];
        if let Some(batch) = batch {
            sql.push_str(" AND batch_id = ?");
            params.push(Value::Int(batch.0));
        }
        if let Some(status) = status {
            sql.push_str(" AND status = ?");
            params.push(Value::from(status));
        }
        sql.push_str(" ORDER BY id");
        let rows = self.database.query(&sql, &params)?;
        rows.iter()
            .map(|row| {
                let json = |index: usize| {
                    serde_json::from_str(&row.text(index)).map_err(|error| StoreError::Decode {
                        table: "quarantine".to_string(),
                        detail: error.to_string(),
                    })
                };
                let updated_at = crate::value::timestamp(row.get(10)).ok_or_else(|| StoreError::Decode {
                    table: "quarantine".to_string(),
                    detail: "updated_at".to_string(),
                })?;
                Ok(QuarantineEntry {
                    id: row.int(0),
                    member_id: MemberId(row.int(1)),
                    batch_id: BatchId(row.int(2)),
                    source_row: row.int(3),
                    target: row.text(4),
                    profile: row.text(5),
                    raw: json(6)?,
                    diagnostics: json(7)?,
                    status: row.text(8),
                    record_id: row.get(9).as_i64(),
                    updated_at,
                })
            })
            .collect()
    }

    /// Saves a quarantined row's values, diagnostics, status and record.
    pub fn update_quarantine(&mut self, entry: &QuarantineEntry) -> Result<bool, StoreError> {
        let changed = self.database.execute(
            "UPDATE quarantine SET raw = ?, diagnostics = ?, status = ?, record_id = ?, updated_at = ? \
             WHERE id = ? AND member_id = ?",
            &[
                Value::Json(entry.raw.clone()),
                Value::Json(entry.diagnostics.clone()),
                Value::from(entry.status.as_str()),
                entry.record_id.map_or(Value::Null, Value::Int),
                Value::Timestamp(entry.updated_at),
                Value::Int(entry.id),
                Value::Int(entry.member_id.0),
            ],
        )?;
        Ok(changed > 0)
    }

    /// Forgets the natural keys and quarantine of a batch, and the keys that other batches hold
    /// on the batch's records (called by [`Session::roll_back_batch`]).
    pub(crate) fn forget_intake(&mut self, batch: BatchId, tables: &[&str]) -> Result<(), StoreError> {
        for table in tables {
            let sql = format!(
                "DELETE FROM record_keys WHERE entity_table = ? AND record_id IN (SELECT id FROM {table} WHERE batch_id = ?)"
            );
            self.database
                .execute(&sql, &[Value::from(*table), Value::Int(batch.0)])?;
        }
        self.database
            .execute("DELETE FROM record_keys WHERE batch_id = ?", &[Value::Int(batch.0)])?;
        self.database
            .execute("DELETE FROM quarantine WHERE batch_id = ?", &[Value::Int(batch.0)])?;
        Ok(())
    }

    /// Whether records of other batches still point to records of this batch (checked before a
    /// rollback is committed).
    pub(crate) fn dangling_references(&mut self) -> Result<bool, StoreError> {
        match self.backend() {
            crate::Backend::Sqlite => Ok(!self.database.query("PRAGMA foreign_key_check", &[])?.is_empty()),
            crate::Backend::Postgres => match self.database.execute_batch("SET CONSTRAINTS ALL IMMEDIATE") {
                Ok(()) => {
                    self.database.execute_batch("SET CONSTRAINTS ALL DEFERRED")?;
                    Ok(false)
                }
                Err(_) => Ok(true),
            },
        }
    }
}

/// The entity tables, as [`Entity::TABLE`] names, in declaration order.
pub fn entity_tables() -> Vec<&'static str> {
    let mut tables = Vec::new();
    macro_rules! table {
        ($entity:ident) => {
            tables.push(<ensemble_model::$entity as Entity>::TABLE);
        };
    }
    ensemble_model::for_each_entity!(table);
    tables
}
