//! Backups: a consistent snapshot of every table, taken while the portal serves and imports
//! run, written as one file that either backend restores.
//!
//! The file is a ZIP archive: `tables/<table>.jsonl` (one JSON array per row, values written by
//! the column's kind, so that a SQLite backup restores into PostgreSQL and back) and
//! `manifest.json` (format, schema version, each table's rows and SHA-256, and the audit trail's
//! head). The snapshot is one read transaction: SQLite's WAL gives it a fixed view while writers
//! go on; PostgreSQL's `REPEATABLE READ` does the same. Sessions are left out: a restored
//! portal asks everyone to sign in again. The secret key is never in a backup: it is kept apart
//! (with it, a stolen backup would let its holder test names against the pseudonyms).

use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::database::Backend;
use crate::value::{ColumnKind, Value};
use crate::{MIGRATIONS, Store, StoreError};

/// The version of the file's layout.
pub const BACKUP_FORMAT: u32 = 1;

/// The tables a backup holds, parents before the tables that point to them (the order the
/// migrations create them in); `sessions` is left out.
pub const BACKED_UP_TABLES: &[&str] = &[
    "batches",
    "organizations",
    "members",
    "persons",
    "performing_groups",
    "places",
    "halls",
    "works",
    "shows",
    "series",
    "performances",
    "offers",
    "tours",
    "engagements",
    "availabilities",
    "ticket_sales",
    "grants",
    "sharing_agreements",
    "consents",
    "record_keys",
    "quarantine",
    "users",
    "api_tokens",
    "audit_log",
    "rights_requests",
    "incidents",
    "retention_rules",
    "disclosure_rules",
    "pooled_releases",
    "settlements",
    "consortium",
    "maturity_answers",
    "chain_activities",
    "chain_exchanges",
    "diagnostic_problems",
    "diagnostic_solutions",
    "solution_scores",
    "use_cases",
    "data_assets",
    "referential_entities",
    "referential_mentions",
    "referential_pairs",
    "referential_decisions",
    "published_shows",
    "publication_consents",
];

/// What a backup holds, written last in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`BACKUP_FORMAT`] when written.
    pub format: u32,
    /// When the snapshot was taken.
    pub taken_at: DateTime<FixedOffset>,
    /// The schema version (the last migration applied).
    pub schema_version: i64,
    /// `sqlite` or `postgres`: where it was taken.
    pub backend: String,
    /// Each table: its name, rows and the SHA-256 of its file.
    pub tables: Vec<TableEntry>,
    /// The audit trail's last entry, if any.
    pub audit_head: Option<AuditHead>,
}

/// One table of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    /// Its name.
    pub name: String,
    /// Its columns, in the file's order.
    pub columns: Vec<String>,
    /// How many rows.
    pub rows: u64,
    /// The SHA-256 of `tables/<name>.jsonl`, in lowercase hexadecimal.
    pub sha256: String,
}

/// The audit trail's last entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    /// Its number.
    pub id: i64,
    /// Its hash.
    pub hash: String,
}

/// Why a backup cannot be read, verified or restored. Each has a stable code.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The file cannot be opened or is not a backup.
    #[error("not a readable backup: {0}")]
    Unreadable(String),
    /// A table's file is missing, or does not have the checksum or rows the manifest gives.
    #[error("the backup is damaged: {0}")]
    Damaged(String),
    /// Made by another version of Ensemble (another file layout or schema).
    #[error("the backup's schema version is {found}; this Ensemble has {known}")]
    SchemaDiffers {
        /// The backup's.
        found: i64,
        /// This program's.
        known: i64,
    },
    /// The database to restore into already holds data.
    #[error("the database is not empty")]
    NotEmpty,
    /// The file cannot be written.
    #[error("cannot write the backup: {0}")]
    Write(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BackupError {
    /// What went wrong, for the message (never a value of the data).
    pub fn detail(&self) -> String {
        match self {
            BackupError::Unreadable(detail) | BackupError::Damaged(detail) | BackupError::Write(detail) => {
                detail.clone()
            }
            other => other.to_string(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::Unreadable(_) => "backup-unreadable",
            BackupError::Damaged(_) => "backup-damaged",
            BackupError::SchemaDiffers { .. } => "backup-schema-differs",
            BackupError::NotEmpty => "backup-target-not-empty",
            BackupError::Write(_) => "backup-unwritable",
            BackupError::Store(error) => error.code(),
        }
    }
}

fn table_file(name: &str) -> String {
    format!("tables/{name}.jsonl")
}

/// A value as JSON, by its column's kind (SQLite keeps booleans as integers, dates and moments as
/// text: written the same from either backend).
fn to_json(value: &Value, kind: ColumnKind) -> serde_json::Value {
    use serde_json::Value as J;
    match (value, kind) {
        (Value::Null, _) => J::Null,
        (Value::Bool(b), _) => J::Bool(*b),
        (Value::Int(i), ColumnKind::Boolean) => J::Bool(*i != 0),
        (Value::Int(i), _) => J::from(*i),
        (Value::Real(r), _) => serde_json::Number::from_f64(*r).map_or(J::Null, J::Number),
        (Value::Date(date), _) => J::String(date.to_string()),
        (Value::Timestamp(moment), _) => J::String(moment.to_rfc3339()),
        (Value::Json(json), _) => json.clone(),
        (Value::Text(text), ColumnKind::Json) => serde_json::from_str(text).unwrap_or_else(|_| J::String(text.clone())),
        (Value::Text(text), _) => J::String(text.clone()),
    }
}

/// A JSON value back into a value for its column's kind; `None` when it does not fit.
fn from_json(json: &serde_json::Value, kind: ColumnKind) -> Option<Value> {
    use serde_json::Value as J;
    Some(match (json, kind) {
        (J::Null, _) => Value::Null,
        (J::Bool(b), ColumnKind::Boolean) => Value::Bool(*b),
        (J::Number(n), ColumnKind::Integer) => Value::Int(n.as_i64()?),
        (J::Number(n), ColumnKind::Real) => Value::Real(n.as_f64()?),
        (J::String(text), ColumnKind::Text) => Value::Text(text.clone()),
        (J::String(text), ColumnKind::Date) => Value::Date(text.parse::<NaiveDate>().ok()?),
        (J::String(text), ColumnKind::Timestamp) => Value::Timestamp(DateTime::parse_from_rfc3339(text).ok()?),
        (other, ColumnKind::Json) => Value::Json(other.clone()),
        _ => return None,
    })
}

/// A writer that hashes and counts what goes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buffer)?;
        self.hasher.update(&buffer[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Store {
    /// Writes a consistent snapshot of every table to `output` (a file created or replaced),
    /// then returns its manifest. Writers are not held up: the snapshot is a read transaction.
    pub fn backup(&self, output: &Path, taken_at: DateTime<FixedOffset>) -> Result<Manifest, BackupError> {
        let write_error = |error: &dyn std::fmt::Display| BackupError::Write(error.to_string());
        let partial = output.with_extension("partial");
        // Personal data (pseudonymised) lives in a backup: readable by its owner only.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&partial).map_err(|e| write_error(&e))?;
        let mut archive = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        let manifest = self.read(|session| {
            let database = &mut *session.database;
            let backend = database.backend();
            database.execute_batch(match backend {
                Backend::Sqlite => "BEGIN",
                Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            })?;
            let result = (|| {
                let version = database
                    .query(
                        "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
                        &[],
                    )?
                    .first()
                    .map_or(0, |row| row.int(0));
                let mut tables = Vec::new();
                for &table in BACKED_UP_TABLES {
                    let columns = database.columns(table)?;
                    let names: Vec<String> = columns.iter().map(|(name, _)| name.clone()).collect();
                    archive
                        .start_file(table_file(table), options)
                        .map_err(|e| StoreError::Sql(format!("backup file: {e}")))?;
                    let mut writer = Hashing {
                        inner: std::io::BufWriter::new(&mut archive),
                        hasher: Sha256::new(),
                    };
                    let mut rows = 0u64;
                    // The trail in its order, so that its last line is its head.
                    let order = if table == "audit_log" { " ORDER BY id" } else { "" };
                    let sql = format!("SELECT {} FROM {table}{order}", names.join(", "));
                    database.query_each(&sql, &[], &mut |row| {
                        let line: Vec<serde_json::Value> = (columns.iter().enumerate())
                            .map(|(index, (_, kind))| to_json(row.get(index), *kind))
                            .collect();
                        serde_json::to_writer(&mut writer, &line)
                            .and_then(|()| writer.write_all(b"\n").map_err(serde_json::Error::io))
                            .map_err(|e| StoreError::Sql(format!("backup file: {e}")))?;
                        rows += 1;
                        Ok(())
                    })?;
                    writer
                        .flush()
                        .map_err(|e| StoreError::Sql(format!("backup file: {e}")))?;
                    let sha256 = hex::encode(writer.hasher.finalize());
                    tables.push(TableEntry {
                        name: table.to_string(),
                        columns: names,
                        rows,
                        sha256,
                    });
                }
                let audit_head = database
                    .query("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", &[])?
                    .first()
                    .map(|row| AuditHead {
                        id: row.int(0),
                        hash: row.text(1),
                    });
                Ok(Manifest {
                    format: BACKUP_FORMAT,
                    taken_at,
                    schema_version: version,
                    backend: backend.name().to_string(),
                    tables,
                    audit_head,
                })
            })();
            database.execute_batch("ROLLBACK")?;
            result
        })?;
        archive
            .start_file("manifest.json", options)
            .map_err(|e| write_error(&e))?;
        serde_json::to_writer_pretty(&mut archive, &manifest).map_err(|e| write_error(&e))?;
        let mut file = archive.finish().map_err(|e| write_error(&e))?;
        file.flush().map_err(|e| write_error(&e))?;
        file.get_ref().sync_all().map_err(|e| write_error(&e))?;
        drop(file);
        std::fs::rename(&partial, output).map_err(|e| write_error(&e))?;
        Ok(manifest)
    }

    /// Restores a backup into this database, which must be empty unless `force` (then everything
    /// in it is replaced), in one transaction with what `on_commit` writes (the restore's audit
    /// entry): a failure keeps the database as it was. The backup is verified first.
    pub fn restore(
        &self,
        input: &Path,
        force: bool,
        on_commit: &mut dyn FnMut(&mut crate::Session<'_>, &Manifest) -> Result<(), StoreError>,
    ) -> Result<Manifest, BackupError> {
        let manifest = verify(input)?;
        let known = MIGRATIONS.last().map_or(0, |m| m.version);
        if manifest.schema_version != known {
            return Err(BackupError::SchemaDiffers {
                found: manifest.schema_version,
                known,
            });
        }
        let mut archive = open(input)?;
        self.write(|session| {
            let database = &mut *session.database;
            let held: i64 = ["members", "users", "audit_log", "batches"]
                .iter()
                .map(|table| {
                    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}");
                    database
                        .query(&sql, &[])
                        .map(|rows| rows.first().map_or(0, |row| row.int(0)))
                })
                .sum::<Result<i64, StoreError>>()?;
            if held > 0 && !force {
                return Err(BackupError::NotEmpty);
            }
            for table in BACKED_UP_TABLES.iter().rev().chain(std::iter::once(&"sessions")) {
                database.execute(&format!("DELETE FROM {table}"), &[])?;
            }
            for entry in &manifest.tables {
                let kinds = database.columns(&entry.name)?;
                let columns: Vec<(&str, ColumnKind)> = (entry.columns.iter())
                    .map(|name| {
                        let kind = kinds.iter().find(|(known, _)| known == name).map(|(_, kind)| *kind);
                        kind.map(|kind| (name.as_str(), kind))
                            .ok_or_else(|| BackupError::Damaged(format!("{}: column {name}", entry.name)))
                    })
                    .collect::<Result<_, _>>()?;
                let file = archive
                    .by_name(&table_file(&entry.name))
                    .map_err(|e| BackupError::Damaged(e.to_string()))?;
                let mut problem = None;
                let mut lines = BufReader::new(file).lines();
                let mut rows = std::iter::from_fn(|| {
                    let line = match lines.next()? {
                        Ok(line) => line,
                        Err(error) => {
                            problem = Some(error.to_string());
                            return None;
                        }
                    };
                    let values: Option<Vec<Value>> = serde_json::from_str::<Vec<serde_json::Value>>(&line)
                        .ok()
                        .filter(|values| values.len() == columns.len())
                        .and_then(|values| {
                            (values.iter().zip(&columns))
                                .map(|(json, (_, kind))| from_json(json, *kind))
                                .collect()
                        });
                    if values.is_none() {
                        problem = Some(format!("{}: a row does not fit its columns", entry.name));
                    }
                    values
                });
                let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
                let inserted = database.bulk_insert(&entry.name, &names, &mut rows)?;
                if let Some(problem) = problem {
                    return Err(BackupError::Damaged(problem));
                }
                if inserted != entry.rows {
                    return Err(BackupError::Damaged(format!("{}: {inserted} rows", entry.name)));
                }
            }
            on_commit(session, &manifest)?;
            Ok(())
        })?;
        Ok(manifest)
    }
}

fn open(input: &Path) -> Result<zip::ZipArchive<BufReader<std::fs::File>>, BackupError> {
    let file = std::fs::File::open(input).map_err(|e| BackupError::Unreadable(e.kind().to_string()))?;
    zip::ZipArchive::new(BufReader::new(file)).map_err(|e| BackupError::Unreadable(e.to_string()))
}

fn manifest_of<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Result<Manifest, BackupError> {
    let file = archive
        .by_name("manifest.json")
        .map_err(|_| BackupError::Unreadable("no manifest.json".to_string()))?;
    // A manifest is a few kilobytes; a larger one is not Ensemble's.
    let manifest: Manifest = serde_json::from_reader(file.take(1 << 20))
        .map_err(|e| BackupError::Unreadable(format!("manifest.json: {e}")))?;
    if manifest.format != BACKUP_FORMAT {
        return Err(BackupError::Unreadable(format!("format {}", manifest.format)));
    }
    Ok(manifest)
}

/// Checks a backup without a database: every table's file is there with its checksum and rows,
/// the schema version is this program's or older, and the audit trail's last row is the head
/// the manifest names. Returns the manifest.
pub fn verify(input: &Path) -> Result<Manifest, BackupError> {
    let mut archive = open(input)?;
    let manifest = manifest_of(&mut archive)?;
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    if manifest.schema_version > known {
        return Err(BackupError::SchemaDiffers {
            found: manifest.schema_version,
            known,
        });
    }
    for &table in BACKED_UP_TABLES {
        if !manifest.tables.iter().any(|entry| entry.name == table) {
            return Err(BackupError::Damaged(format!("{table}: missing")));
        }
    }
    for entry in &manifest.tables {
        let file = archive
            .by_name(&table_file(&entry.name))
            .map_err(|_| BackupError::Damaged(format!("{}: missing", entry.name)))?;
        let mut hasher = Sha256::new();
        let (mut rows, mut last) = (0u64, String::new());
        let mut reader = BufReader::new(file);
        let mut line = String::new();
        loop {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .map_err(|e| BackupError::Damaged(format!("{}: {e}", entry.name)))?;
            if read == 0 {
                break;
            }
            hasher.update(line.as_bytes());
            rows += 1;
            if entry.name == "audit_log" {
                last.clone_from(&line);
            }
        }
        if hex::encode(hasher.finalize()) != entry.sha256 || rows != entry.rows {
            return Err(BackupError::Damaged(format!("{}: checksum", entry.name)));
        }
        if entry.name == "audit_log" {
            let head = audit_head(entry, &last);
            if head != manifest.audit_head {
                return Err(BackupError::Damaged("audit_log: head".to_string()));
            }
        }
    }
    Ok(manifest)
}

/// The audit head a backed-up trail ends with (its last line's number and hash).
fn audit_head(entry: &TableEntry, last: &str) -> Option<AuditHead> {
    let values: Vec<serde_json::Value> = serde_json::from_str(last).ok()?;
    let at = |name: &str| entry.columns.iter().position(|c| c == name).and_then(|i| values.get(i));
    Some(AuditHead {
        id: at("id")?.as_i64()?,
        hash: at("hash")?.as_str()?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table the migrations make is backed up, but sessions and the migrations' own record;
    /// parents come before the tables that point to them (the order the migrations create them).
    #[test]
    fn every_table_is_backed_up_in_creation_order() {
        let store = Store::in_memory().unwrap();
        let tables: Vec<String> = store
            .read(|session| {
                session.database.query(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid",
                    &[],
                )
            })
            .unwrap()
            .iter()
            .map(|row| row.text(0))
            .filter(|name| !["schema_migrations", "sessions", "sqlite_sequence"].contains(&name.as_str()))
            .collect();
        assert_eq!(tables, BACKED_UP_TABLES);
    }

    /// Values written from either backend's form read back as the column's kind.
    #[test]
    fn values_keep_their_kind_through_the_file() {
        let moment = DateTime::parse_from_rfc3339("2026-12-04T20:00:00-05:00").unwrap();
        let cases = [
            (Value::Int(1), ColumnKind::Boolean, Value::Bool(true)),
            (Value::Bool(false), ColumnKind::Boolean, Value::Bool(false)),
            (
                Value::Text(moment.to_rfc3339()),
                ColumnKind::Timestamp,
                Value::Timestamp(moment),
            ),
            (
                Value::Timestamp(moment),
                ColumnKind::Timestamp,
                Value::Timestamp(moment),
            ),
            (
                Value::Text("2026-12-04".into()),
                ColumnKind::Date,
                Value::Date(moment.date_naive()),
            ),
            (
                Value::Text("[1,\"a\"]".into()),
                ColumnKind::Json,
                Value::Json(serde_json::json!([1, "a"])),
            ),
            (Value::Real(12.5), ColumnKind::Real, Value::Real(12.5)),
            (Value::Null, ColumnKind::Text, Value::Null),
            (
                Value::Text("Salle « fictive »".into()),
                ColumnKind::Text,
                Value::Text("Salle « fictive »".into()),
            ),
        ];
        for (stored, kind, expected) in cases {
            assert_eq!(
                from_json(&to_json(&stored, kind), kind),
                Some(expected),
                "{stored:?} {kind:?}"
            );
        }
        assert_eq!(from_json(&serde_json::json!("x"), ColumnKind::Integer), None);
    }
}
