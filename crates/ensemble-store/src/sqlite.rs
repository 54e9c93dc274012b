//! The SQLite backend: one file, zero setup, the default.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};

use crate::StoreError;
use crate::database::{Backend, Database};
use crate::value::{ColumnKind, Row, Value};

/// A connection to a SQLite file (or to memory, for tests).
pub struct SqliteDatabase {
    connection: Connection,
    path: Option<PathBuf>,
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
        let mut database = SqliteDatabase { connection, path: None };
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
        let mut statement = self.connection.prepare_cached(sql).map_err(sql_error)?;
        let changed = statement
            .execute(rusqlite::params_from_iter(params.iter()))
            .map_err(sql_error)?;
        Ok(changed as u64)
    }

    fn execute_batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.connection.execute_batch(sql).map_err(sql_error)
    }

    fn begin_write(&mut self, wait: std::time::Duration) -> Result<(), StoreError> {
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
        let placeholders = vec!["?"; columns.len()].join(", ");
        let sql = format!("INSERT INTO {table} ({}) VALUES ({placeholders})", columns.join(", "));
        let mut statement = self.connection.prepare_cached(&sql).map_err(sql_error)?;
        let mut count = 0;
        for row in rows {
            statement
                .execute(rusqlite::params_from_iter(row.iter()))
                .map_err(sql_error)?;
            count += 1;
        }
        Ok(count)
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
