//! The one trait both backends implement: statements, queries, bulk loads and schema facts.

use crate::StoreError;
use crate::value::{ColumnKind, Row, Value};

/// Which database engine is behind a [`Database`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, in one file (the default).
    Sqlite,
    /// PostgreSQL, for a shared server.
    Postgres,
}

impl Backend {
    /// The name used in messages and migration folders.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A connection to one database. SQL is written with `?` placeholders; each backend translates.
///
/// Architecture invariant: only this crate sees SQL; the rest of the workspace calls
/// [`crate::Session`] and [`crate::Store`].
pub trait Database: Send {
    /// The engine.
    fn backend(&self) -> Backend;

    /// Runs one statement and returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;

    /// Runs several statements separated by semicolons, without parameters.
    fn execute_batch(&mut self, sql: &str) -> Result<(), StoreError>;

    /// Begins a writing transaction once no other writer holds the database, waiting at most
    /// `wait` for the one that does; [`StoreError::Busy`] when it is still writing. One writer at
    /// a time, on both engines: an import checks what is stored and appends to the audit chain,
    /// which two writers side by side would both extend from the same entry.
    fn begin_write(&mut self, wait: std::time::Duration) -> Result<(), StoreError>;

    /// Runs a query and returns every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;

    /// Runs a query and hands each row to `each` as it comes, never holding them all (a backup
    /// of a million-row table).
    fn query_each(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Appends many rows to a table in the fastest way the engine has (statements of many rows
    /// for SQLite, `COPY` for PostgreSQL). Runs inside the caller's transaction; when it fails,
    /// that transaction keeps nothing and every later statement fails until it is rolled back,
    /// on both engines.
    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value>>,
    ) -> Result<u64, StoreError>;

    /// The columns of a table with their kinds, in table order; empty when the table is absent.
    fn columns(&mut self, table: &str) -> Result<Vec<(String, ColumnKind)>, StoreError>;

    /// The number of bytes the database occupies.
    fn size_bytes(&mut self) -> Result<u64, StoreError>;
}
