//! The SQLite backend: one file, zero setup, the default.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};

use crate::StoreError;
use crate::database::{Backend, Database};
use crate::value::{ColumnKind, Row, Value};

/// Bulk inserts bind at most this many values per statement...
const BULK_VALUES: usize = 2048;
/// ...and insert at most this many rows per statement.
const BULK_ROWS: usize = 128;

/// A connection to a SQLite file (or to memory, for tests).
pub struct SqliteDatabase {
    connection: Connection,
    path: Option<PathBuf>,
    /// A bulk insert failed and SQLite rolled its transaction back: every statement is refused
    /// until the caller ends the transaction (as PostgreSQL does after an error), so that nothing
    /// written afterwards is kept on its own.
    aborted: bool,
}

impl SqliteDatabase {
    /// Opens (and creates) the file at `path`, in write-ahead-log mode.
    pub fn open(path: &Path) -> Result<SqliteDatabase, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.exists()
        {
            return Err(StoreError::Unreachable {
                target: path.display().to_string(),
                cause: "the folder does not exist".to_string(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(path, flags).map_err(|error| StoreError::Unreachable {
            target: path.display().to_string(),
            cause: error.to_string(),
        })?;
        let mut database = SqliteDatabase {
            connection,
            path: Some(path.to_path_buf()),
            aborted: false,
        };
        database.configure(true)?;
        Ok(database)
    }

    /// A private database in memory, gone when dropped.
    pub fn in_memory() -> Result<SqliteDatabase, StoreError> {
        let connection = Connection::open_in_memory().map_err(|error| StoreError::Unreachable {
            target: ":memory:".to_string(),
            cause: error.to_string(),
        })?;
        let mut database = SqliteDatabase {
            connection,
            path: None,
            aborted: false,
        };
        database.configure(false)?;
        Ok(database)
    }

    fn configure(&mut self, file: bool) -> Result<(), StoreError> {
        let mut pragmas = String::from("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
        if file {
            // A 64 MiB page cache keeps the indexes that a million-line import updates in memory
            // (the default 2 MiB makes every insert read index pages back from disk).
            pragmas.push_str(" PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;");
        }
        self.execute_batch(&pragmas)
    }
}

fn sql_error(error: rusqlite::Error) -> StoreError {
    StoreError::Sql(error.to_string())
}

fn aborted_error() -> StoreError {
    StoreError::Sql("the transaction was rolled back after an error: roll it back to go on".to_string())
}

impl SqliteDatabase {
    fn refuse_when_aborted(&self) -> Result<(), StoreError> {
        if self.aborted { Err(aborted_error()) } else { Ok(()) }
    }

    /// Inserts rows `BULK_ROWS` at a time with one statement, the last ones one by one.
    fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value>>,
    ) -> Result<u64, StoreError> {
        let per_statement = (BULK_VALUES / columns.len().max(1)).clamp(1, BULK_ROWS);
        let row = format!("({})", vec!["?"; columns.len()].join(", "));
        // OR ROLLBACK: a failed row ends the whole transaction instead of undoing the rest of
        // its statement, which would need SQLite's statement journal (written to a temporary
        // file: it made a million-line import slower with many rows per statement than with one).
        let statement = |rows: usize| {
            format!(
                "INSERT OR ROLLBACK INTO {table} ({}) VALUES {}",
                columns.join(", "),
                vec![row.as_str(); rows].join(", ")
            )
        };
        let mut many = self
            .connection
            .prepare_cached(&statement(per_statement))
            .map_err(sql_error)?;
        let mut pending: Vec<Value> = Vec::with_capacity(per_statement * columns.len());
        let mut pending_rows = 0;
        let mut count = 0;
        for row in rows {
            pending.extend(row);
            pending_rows += 1;
            count += 1;
            if pending_rows == per_statement {
                many.execute(rusqlite::params_from_iter(pending.iter()))
                    .map_err(sql_error)?;
                pending.clear();
                pending_rows = 0;
            }
        }
        drop(many);
        if pending_rows > 0 {
            let mut one = self.connection.prepare_cached(&statement(1)).map_err(sql_error)?;
            for row in pending.chunks(columns.len().max(1)) {
                one.execute(rusqlite::params_from_iter(row.iter())).map_err(sql_error)?;
            }
        }
        Ok(count)
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Int(value) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*value)),
            Value::Real(value) => ToSqlOutput::Owned(rusqlite::types::Value::Real(*value)),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Bool(value) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(i64::from(*value))),
            Value::Date(date) => ToSqlOutput::Owned(rusqlite::types::Value::Text(date.to_string())),
            Value::Timestamp(moment) => ToSqlOutput::Owned(rusqlite::types::Value::Text(moment.to_rfc3339())),
            Value::Json(json) => ToSqlOutput::Owned(rusqlite::types::Value::Text(json.to_string())),
        })
    }
}

fn read_value(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(value) => Value::Int(value),
        ValueRef::Real(value) => Value::Real(value),
        ValueRef::Text(bytes) => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(bytes) => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
    }
}

impl Database for SqliteDatabase {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        self.refuse_when_aborted()?;
        let mut statement = self.connection.prepare_cached(sql).map_err(sql_error)?;
        let changed = statement
            .execute(rusqlite::params_from_iter(params.iter()))
            .map_err(sql_error)?;
        Ok(changed as u64)
    }

    fn execute_batch(&mut self, sql: &str) -> Result<(), StoreError> {
        if self.aborted {
            // SQLite has already rolled the transaction back.
            if sql.trim().eq_ignore_ascii_case("ROLLBACK") {
                self.aborted = false;
                return Ok(());
            }
            return Err(aborted_error());
        }
        self.connection.execute_batch(sql).map_err(sql_error)
    }

    fn begin_write(&mut self, wait: std::time::Duration) -> Result<(), StoreError> {
        self.aborted = false;
        self.connection.busy_timeout(wait).map_err(sql_error)?;
        // IMMEDIATE takes the write lock now, waiting up to the busy timeout; a deferred BEGIN
        // would take it at the first write and fail at once if another writer came first.
        match self.connection.execute_batch("BEGIN IMMEDIATE") {
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if matches!(
                    failure.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                Err(StoreError::Busy {
                    waited_seconds: wait.as_secs(),
                })
            }
            other => other.map_err(sql_error),
        }
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        self.refuse_when_aborted()?;
        let mut statement = self.connection.prepare_cached(sql).map_err(sql_error)?;
        let columns: Arc<[String]> = statement.column_names().iter().map(|name| name.to_string()).collect();
        let count = columns.len();
        let mut rows = statement
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(sql_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sql_error)? {
            let mut values = Vec::with_capacity(count);
            for index in 0..count {
                values.push(read_value(row.get_ref(index).map_err(sql_error)?));
            }
            out.push(Row {
                columns: columns.clone(),
                values,
            });
        }
        Ok(out)
    }

    fn query_each(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut statement = self.connection.prepare(sql).map_err(sql_error)?;
        let columns: Arc<[String]> = statement.column_names().iter().map(|name| name.to_string()).collect();
        let mut rows = statement
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(sql_error)?;
        while let Some(row) = rows.next().map_err(sql_error)? {
            let values = (0..columns.len())
                .map(|index| row.get_ref(index).map(read_value).map_err(sql_error))
                .collect::<Result<Vec<Value>, StoreError>>()?;
            each(Row {
                columns: columns.clone(),
                values,
            })?;
        }
        Ok(())
    }

    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value>>,
    ) -> Result<u64, StoreError> {
        self.refuse_when_aborted()?;
        let in_transaction = !self.connection.is_autocommit();
        let inserted = self.insert_rows(table, columns, rows);
        if inserted.is_err() && in_transaction && self.connection.is_autocommit() {
            self.aborted = true;
        }
        inserted
    }

    fn columns(&mut self, table: &str) -> Result<Vec<(String, ColumnKind)>, StoreError> {
        let rows = self.query(
            "SELECT name, type FROM pragma_table_info(?) ORDER BY cid",
            &[Value::from(table)],
        )?;
        Ok(rows
            .iter()
            .map(|row| (row.text(0), ColumnKind::from_declared(&row.text(1))))
            .collect())
    }

    fn size_bytes(&mut self) -> Result<u64, StoreError> {
        let rows = self.query(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            &[],
        )?;
        let mut size = rows.first().map_or(0, |row| row.int(0)) as u64;
        if let Some(path) = &self.path {
            let wal = PathBuf::from(format!("{}-wal", path.display()));
            size += std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0);
        }
        Ok(size)
    }
}
