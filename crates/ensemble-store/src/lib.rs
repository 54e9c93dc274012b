//! Storage behind one trait, [`Database`], with two real backends: SQLite in one file (the default)
//! and PostgreSQL. The backend is chosen once, from the URL scheme. Migrations are kept per
//! backend under `migrations/` and applied automatically.
//!
//! Architecture invariants: SQL lives only in this crate; every entity is stored and read through
//! the same generic code path ([`records`]), so both backends behave the same, which the
//! conformance suite in `tests/conformance.rs` checks on each.

pub mod accounts;
pub mod audience;
pub mod audit;
pub mod backup;
pub mod barometer;
pub mod catalog;
pub mod database;
pub mod diagnostic;
pub mod intake;
pub mod pooling;
pub mod postgres;
pub mod publication;
pub mod records;
pub mod referential;
pub mod retention;
pub mod rights;
pub mod sharing;
pub mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
pub mod value;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use chrono::Utc;
use ensemble_model::{Batch, BatchId, BatchStatus, Entity, Member, MemberId, Public, for_each_entity};
use serde::de::DeserializeOwned;

pub use accounts::{ApiToken, Consortium, User};
pub use audit::{AuditAction, AuditEntry, AuditEvent, Broken, GENESIS};
pub use backup::{BackupError, Manifest};
pub use catalog::{
    OrganizationFilter, Page, PerformanceFilter, PerformanceView, PlaceFilter, PlaceView, ShowFilter, Window,
};
pub use database::{Backend, Database};
pub use diagnostic::{ChainActivity, ChainExchange, MaturityAnswer, Measured, Problem, Score, Solution, UseCase};
pub use intake::{QUARANTINE_DISMISSED, QUARANTINE_OPEN, QUARANTINE_REPLAYED, QuarantineEntry, entity_tables};
pub use pooling::{Month, OTHER_DISCIPLINE, PooledRelease, RELEASE_DELAY_DAYS, TICKET_SALES};
pub use records::TableSchema;
pub use retention::{Purge, RETAINED, RetentionRule};
pub use rights::{DAYS_TO_ANSWER, Incident, PersonRecords, RightsRequest};
pub use sharing::{Grant, Pool, Requester};
pub use value::{ColumnKind, Row, Value};

/// The default database: a SQLite file in the current folder.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./ensemble.db";

/// What can go wrong in storage. Each variant has a stable code and a message in the catalogues
/// (key `store-<code>`).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL's scheme is neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL {0}")]
    UnsupportedUrl(String),
    /// The database cannot be opened or reached.
    #[error("cannot reach the database {target}: {cause}")]
    Unreachable {
        /// The file or server, without password.
        target: String,
        /// What the engine said.
        cause: String,
    },
    /// A statement failed.
    #[error("database error: {0}")]
    Sql(String),
    /// The tables do not match the model.
    #[error("table {table} does not match the model: {detail}")]
    SchemaMismatch {
        /// The table.
        table: String,
        /// What differs.
        detail: String,
    },
    /// The database was migrated by a newer version of Ensemble.
    #[error("the database schema is at version {found}, newer than this program's {known}")]
    NewerSchema {
        /// Version in the database.
        found: i64,
        /// Latest version this program knows.
        known: i64,
    },
    /// A migration failed and was rolled back.
    #[error("migration {version} failed: {cause}")]
    Migration {
        /// Its version.
        version: i64,
        /// What the engine said.
        cause: String,
    },
    /// A stored record cannot be read back as a model record.
    #[error("a record of {table} cannot be read: {detail}")]
    Decode {
        /// The table.
        table: String,
        /// What failed.
        detail: String,
    },
    /// A batch cannot be rolled back while records of later batches point to its records.
    #[error("batch {0} is still referenced by records of other batches")]
    BatchInUse(i64),
    /// A pooled figure asked for a month whose figures are not released yet.
    #[error("the pooled figures of {0} are not released yet")]
    NotReleased(String),
    /// Another writer (an import, most often) held the database for longer than the wait.
    #[error("another write held the database for more than {waited_seconds} s")]
    Busy {
        /// How long this one waited.
        waited_seconds: u64,
    },
    /// Disclosure rules that would protect nothing (a threshold or base of 0).
    #[error("disclosure rules need thresholds and a rounding base of at least 1")]
    InvalidRules,
}

impl StoreError {
    /// The stable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::UnsupportedUrl(_) => "database-url-unsupported",
            StoreError::Unreachable { .. } => "database-unreachable",
            StoreError::Sql(_) => "database-error",
            StoreError::SchemaMismatch { .. } => "schema-mismatch",
            StoreError::NewerSchema { .. } => "schema-newer",
            StoreError::Migration { .. } => "migration-failed",
            StoreError::Decode { .. } => "record-unreadable",
            StoreError::BatchInUse(_) => "batch-in-use",
            StoreError::NotReleased(_) => "pooled-not-released",
            StoreError::InvalidRules => "disclosure-rules-invalid",
            StoreError::Busy { .. } => "database-busy",
        }
    }
}

/// A migration: a version, a name and its SQL for each backend.
pub struct Migration {
    /// Increasing version number.
    pub version: i64,
    /// Short name.
    pub name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sqlite: include_str!("../migrations/sqlite/0001_initial.sql"),
        postgres: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "intake",
        sqlite: include_str!("../migrations/sqlite/0002_intake.sql"),
        postgres: include_str!("../migrations/postgres/0002_intake.sql"),
    },
    Migration {
        version: 3,
        name: "accounts",
        sqlite: include_str!("../migrations/sqlite/0003_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0003_accounts.sql"),
    },
    Migration {
        version: 4,
        name: "audit",
        sqlite: include_str!("../migrations/sqlite/0004_audit.sql"),
        postgres: include_str!("../migrations/postgres/0004_audit.sql"),
    },
    Migration {
        version: 5,
        name: "rights",
        sqlite: include_str!("../migrations/sqlite/0005_rights.sql"),
        postgres: include_str!("../migrations/postgres/0005_rights.sql"),
    },
    Migration {
        version: 6,
        name: "retention",
        sqlite: include_str!("../migrations/sqlite/0006_retention.sql"),
        postgres: include_str!("../migrations/postgres/0006_retention.sql"),
    },
    Migration {
        version: 7,
        name: "pooling",
        sqlite: include_str!("../migrations/sqlite/0007_pooling.sql"),
        postgres: include_str!("../migrations/postgres/0007_pooling.sql"),
    },
    Migration {
        version: 8,
        name: "audit-actions",
        sqlite: include_str!("../migrations/sqlite/0008_audit_actions.sql"),
        postgres: include_str!("../migrations/postgres/0008_audit_actions.sql"),
    },
    Migration {
        version: 9,
        name: "settlement-deals",
        sqlite: include_str!("../migrations/sqlite/0009_settlement_deals.sql"),
        postgres: include_str!("../migrations/postgres/0009_settlement_deals.sql"),
    },
    Migration {
        version: 10,
        name: "one-settlement-per-keeper",
        sqlite: include_str!("../migrations/sqlite/0010_one_settlement_per_keeper.sql"),
        postgres: include_str!("../migrations/postgres/0010_one_settlement_per_keeper.sql"),
    },
    Migration {
        version: 11,
        name: "consortium",
        sqlite: include_str!("../migrations/sqlite/0011_consortium.sql"),
        postgres: include_str!("../migrations/postgres/0011_consortium.sql"),
    },
    Migration {
        version: 12,
        name: "maturity",
        sqlite: include_str!("../migrations/sqlite/0012_maturity.sql"),
        postgres: include_str!("../migrations/postgres/0012_maturity.sql"),
    },
    Migration {
        version: 13,
        name: "value-chain",
        sqlite: include_str!("../migrations/sqlite/0013_value_chain.sql"),
        postgres: include_str!("../migrations/postgres/0013_value_chain.sql"),
    },
    Migration {
        version: 14,
        name: "problems",
        sqlite: include_str!("../migrations/sqlite/0014_problems.sql"),
        postgres: include_str!("../migrations/postgres/0014_problems.sql"),
    },
    Migration {
        version: 15,
        name: "use-cases",
        sqlite: include_str!("../migrations/sqlite/0015_use_cases.sql"),
        postgres: include_str!("../migrations/postgres/0015_use_cases.sql"),
    },
    Migration {
        version: 16,
        name: "declared-inventory",
        sqlite: include_str!("../migrations/sqlite/0016_declared_inventory.sql"),
        postgres: include_str!("../migrations/postgres/0016_declared_inventory.sql"),
    },
    Migration {
        version: 17,
        name: "referential",
        sqlite: include_str!("../migrations/sqlite/0017_referential.sql"),
        postgres: include_str!("../migrations/postgres/0017_referential.sql"),
    },
    Migration {
        version: 18,
        name: "referential-keys",
        sqlite: include_str!("../migrations/sqlite/0018_referential_keys.sql"),
        postgres: include_str!("../migrations/postgres/0018_referential_keys.sql"),
    },
    Migration {
        version: 19,
        name: "publication",
        sqlite: include_str!("../migrations/sqlite/0019_publication.sql"),
        postgres: include_str!("../migrations/postgres/0019_publication.sql"),
    },
    Migration {
        version: 20,
        name: "publication-consents",
        sqlite: include_str!("../migrations/sqlite/0020_publication_consents.sql"),
        postgres: include_str!("../migrations/postgres/0020_publication_consents.sql"),
    },
];

impl Migration {
    /// Its statements for `backend`.
    pub fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

/// Where a database URL points.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// A SQLite file.
    SqliteFile(PathBuf),
    /// A SQLite database in memory.
    SqliteMemory,
    /// A PostgreSQL server.
    Postgres(String),
}

impl Location {
    /// Reads `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:`, `postgres://…` or `postgresql://…`.
    pub fn parse(url: &str) -> Result<Location, StoreError> {
        let url = url.trim();
        if url == "sqlite::memory:" || url == "sqlite://:memory:" {
            return Ok(Location::SqliteMemory);
        }
        if let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let path = rest.split('?').next().unwrap_or(rest);
            if path.is_empty() {
                return Err(StoreError::UnsupportedUrl(url.to_string()));
            }
            return Ok(Location::SqliteFile(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres(url.to_string()));
        }
        Err(StoreError::UnsupportedUrl(postgres::redact_url(url)))
    }

    /// Opens a connection.
    pub fn connect(&self) -> Result<Box<dyn Database>, StoreError> {
        Ok(match self {
            Location::SqliteFile(path) => Box::new(sqlite::SqliteDatabase::open(path)?),
            Location::SqliteMemory => Box::new(sqlite::SqliteDatabase::in_memory()?),
            Location::Postgres(url) => Box::new(postgres::PostgresDatabase::connect(url)?),
        })
    }
}

/// How long a write waits for another one to finish before it gives up with
/// [`StoreError::Busy`]: a large import holds the database for a minute or two.
pub const WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(180);

struct Inner {
    database: Box<dyn Database>,
    schemas: HashMap<&'static str, TableSchema>,
}

/// The store: a database connection and the typed operations on model records, with optional
/// extra connections that serve [`Store::read`] side by side (see [`Store::add_readers`]).
pub struct Store {
    inner: Mutex<Inner>,
    readers: Vec<Mutex<Inner>>,
    next_reader: std::sync::atomic::AtomicUsize,
    backend: Backend,
    write_wait: std::time::Duration,
}

/// Counts of one entity, in total and per owning member.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EntityCount {
    /// The entity name, e.g. `Show`.
    pub entity: &'static str,
    /// Its table.
    pub table: &'static str,
    /// All records.
    pub total: u64,
    /// Records per owning member, by member id; `None` (first) for reference records that no
    /// member owns.
    pub per_member: Vec<(Option<MemberId>, u64)>,
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only records owned by this member.
    pub member_id: Option<MemberId>,
    /// Only records of this batch.
    pub batch_id: Option<BatchId>,
    /// At most this many.
    pub limit: Option<u64>,
    /// Skip this many first.
    pub offset: u64,
}

impl Store {
    /// Opens the database at `url` and applies pending migrations.
    pub fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url)?;
        store.migrate(&mut |_| {})?;
        Ok(store)
    }

    /// A fresh, migrated SQLite database in memory (for tests and previews).
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::open("sqlite::memory:")
    }

    /// Connects without migrating; call [`Store::migrate`] next.
    pub fn connect(url: &str) -> Result<Store, StoreError> {
        let database = Location::parse(url)?.connect()?;
        Ok(Store::from_database(database))
    }

    /// Wraps an open connection; call [`Store::migrate`] next.
    pub fn from_database(database: Box<dyn Database>) -> Store {
        let backend = database.backend();
        Store {
            inner: Mutex::new(Inner {
                database,
                schemas: HashMap::new(),
            }),
            readers: Vec::new(),
            next_reader: std::sync::atomic::AtomicUsize::new(0),
            backend,
            write_wait: WRITE_WAIT,
        }
    }

    /// Opens `count` more connections to the database at `url` (the one this store was opened
    /// on, already migrated) that serve [`Store::read`] while others read or write: a web server
    /// answers several people at once. Nothing is opened for SQLite in memory, which only its
    /// own connection sees. Writes keep their one connection.
    pub fn add_readers(&mut self, url: &str, count: usize) -> Result<(), StoreError> {
        let location = Location::parse(url)?;
        if location == Location::SqliteMemory {
            return Ok(());
        }
        let schemas = self.lock().schemas.clone();
        for _ in 0..count {
            self.readers.push(Mutex::new(Inner {
                database: location.connect()?,
                schemas: schemas.clone(),
            }));
        }
        Ok(())
    }

    /// Sets how long a write waits for another writer ([`WRITE_WAIT`] unless set).
    pub fn with_write_wait(mut self, wait: std::time::Duration) -> Store {
        self.write_wait = wait;
        self
    }

    /// The engine behind the store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A reading connection: the first free one, else the next in turn (waiting for it).
    fn reader(&self) -> Option<std::sync::MutexGuard<'_, Inner>> {
        if self.readers.is_empty() {
            return None;
        }
        for reader in &self.readers {
            if let Ok(guard) = reader.try_lock() {
                return Some(guard);
            }
        }
        let turn = self.next_reader.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.readers.len();
        self.readers
            .get(turn)
            .map(|reader| reader.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the connection usable: statements are atomic.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The migrations not yet applied.
    pub fn pending_migrations(&self) -> Result<Vec<&'static Migration>, StoreError> {
        let mut inner = self.lock();
        let current = current_version(inner.database.as_mut())?;
        Ok(MIGRATIONS.iter().filter(|m| m.version > current).collect())
    }

    /// Applies pending migrations, each in its own transaction, calling `on_applied` after each;
    /// then checks that every table matches the model.
    pub fn migrate(&self, on_applied: &mut dyn FnMut(&Migration)) -> Result<Vec<i64>, StoreError> {
        let mut inner = self.lock();
        let database = inner.database.as_mut();
        database.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        let current = current_version(database)?;
        let known = MIGRATIONS.last().map_or(0, |m| m.version);
        if current > known {
            return Err(StoreError::NewerSchema { found: current, known });
        }
        let mut applied = Vec::new();
        for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
            let result = database.execute_batch("BEGIN").and_then(|()| {
                database.execute_batch(migration.sql(self.backend))?;
                database.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    &[
                        Value::Int(migration.version),
                        Value::from(migration.name),
                        Value::Text(Utc::now().to_rfc3339()),
                    ],
                )?;
                database.execute_batch("COMMIT")
            });
            if let Err(error) = result {
                let _ = database.execute_batch("ROLLBACK");
                return Err(StoreError::Migration {
                    version: migration.version,
                    cause: error.to_string(),
                });
            }
            applied.push(migration.version);
            on_applied(migration);
        }
        inner.schemas = load_schemas(inner.database.as_mut())?;
        Ok(applied)
    }

    /// Runs `work` on a session outside any transaction (each statement commits on its own), on a
    /// free reading connection when there are some, else on the store's own.
    pub fn read<T>(&self, work: impl FnOnce(&mut Session<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut inner = match self.reader() {
            Some(reader) => reader,
            None => self.lock(),
        };
        let Inner { database, schemas } = &mut *inner;
        let mut session = Session {
            database: database.as_mut(),
            schemas,
        };
        work(&mut session)
    }

    /// Runs `work` in one transaction: all of it is kept, or none of it if it returns an error.
    /// One write at a time in the database, whichever program does it: a write waits for the
    /// one in progress (see [`Store::with_write_wait`]), then fails with [`StoreError::Busy`].
    pub fn write<T, E: From<StoreError>>(&self, work: impl FnOnce(&mut Session<'_>) -> Result<T, E>) -> Result<T, E> {
        let mut inner = self.lock();
        let Inner { database, schemas } = &mut *inner;
        database.begin_write(self.write_wait)?;
        let mut session = Session {
            database: database.as_mut(),
            schemas,
        };
        match work(&mut session) {
            Ok(value) => match session.database.execute_batch("COMMIT") {
                Ok(()) => Ok(value),
                Err(error) => {
                    // SQLite keeps the transaction open when COMMIT fails (a deferred foreign key,
                    // for one): end it so that nothing is kept and the next write can begin.
                    let _ = session.database.execute_batch("ROLLBACK");
                    Err(error.into())
                }
            },
            Err(error) => {
                let _ = session.database.execute_batch("ROLLBACK");
                Err(error)
            }
        }
    }

    /// Stores new records in one transaction.
    pub fn insert<E: Entity>(&self, records: &[E]) -> Result<u64, StoreError> {
        self.write(|session| session.insert(records))
    }

    /// The record with this id.
    pub fn get<E: Public>(&self, id: i64) -> Result<Option<E>, StoreError> {
        self.read(|session| session.get(id))
    }

    /// Any record with this id, private ones included, without a grant: for intake,
    /// administration and tests, never for a read on someone's behalf.
    pub fn get_any<E: Entity>(&self, id: i64) -> Result<Option<E>, StoreError> {
        self.read(|session| session.get_any(id))
    }

    /// Records matching the filter, by id.
    pub fn list<E: Public>(&self, filter: &ListFilter) -> Result<Vec<E>, StoreError> {
        self.read(|session| session.list(filter))
    }

    /// Records of any entity, private ones included, without a grant: for intake, administration
    /// and tests, never for a read on someone's behalf.
    pub fn list_any<E: Entity>(&self, filter: &ListFilter) -> Result<Vec<E>, StoreError> {
        self.read(|session| session.list_any(filter))
    }

    /// The number of records of an entity.
    pub fn count<E: Entity>(&self) -> Result<u64, StoreError> {
        self.read(|session| session.count::<E>())
    }

    /// Counts of every entity, in total and per member.
    pub fn stats(&self) -> Result<Vec<EntityCount>, StoreError> {
        self.read(|session| session.stats())
    }

    /// The number of bytes the database occupies.
    pub fn size_bytes(&self) -> Result<u64, StoreError> {
        self.read(|session| session.database.size_bytes())
    }
}

fn current_version(database: &mut dyn Database) -> Result<i64, StoreError> {
    if database.columns("schema_migrations")?.is_empty() {
        return Ok(0);
    }
    let rows = database.query(
        "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
        &[],
    )?;
    Ok(rows.first().map_or(0, |row| row.int(0)))
}

fn load_schemas(database: &mut dyn Database) -> Result<HashMap<&'static str, TableSchema>, StoreError> {
    let mut schemas = HashMap::new();
    macro_rules! load {
        ($entity:ident) => {{
            let table = <ensemble_model::$entity as Entity>::TABLE;
            let schema = TableSchema {
                table: table.to_string(),
                columns: database.columns(table)?,
            };
            let expected: Vec<&str> = <ensemble_model::$entity as Entity>::doc()
                .fields
                .iter()
                .map(|field| field.name)
                .collect();
            if schema.names() != expected {
                return Err(StoreError::SchemaMismatch {
                    table: table.to_string(),
                    detail: format!("columns {:?}, model fields {:?}", schema.names(), expected),
                });
            }
            schemas.insert(table, schema);
        }};
    }
    for_each_entity!(load);
    Ok(schemas)
}

/// Typed operations on one connection, inside or outside a transaction.
pub struct Session<'a> {
    database: &'a mut dyn Database,
    schemas: &'a HashMap<&'static str, TableSchema>,
}

impl Session<'_> {
    /// The engine.
    pub fn backend(&self) -> Backend {
        self.database.backend()
    }

    fn schema<E: Entity>(&self) -> Result<&TableSchema, StoreError> {
        self.schemas.get(E::TABLE).ok_or_else(|| StoreError::SchemaMismatch {
            table: E::TABLE.to_string(),
            detail: "the table is missing: the database has not been migrated".to_string(),
        })
    }

    fn decode<E: DeserializeOwned>(schema: &TableSchema, row: &Row) -> Result<E, StoreError> {
        let json = records::to_json(schema, row)?;
        serde_json::from_value(json).map_err(|error| StoreError::Decode {
            table: schema.table.clone(),
            detail: error.to_string(),
        })
    }

    /// Stores new records (their ids must be free; see [`Session::next_id`]).
    pub fn insert<E: Entity>(&mut self, records: &[E]) -> Result<u64, StoreError> {
        self.insert_iter(records.iter().cloned())
    }

    /// Stores new records from an iterator, streaming them to the database.
    pub fn insert_iter<E: Entity>(&mut self, records: impl Iterator<Item = E>) -> Result<u64, StoreError> {
        let schema = self.schema::<E>()?.clone();
        let columns = schema.names();
        let mut failure = None;
        let mut rows = records.map_while(|record| match records::values_of(&schema, &record) {
            Ok(values) => Some(values),
            Err(error) => {
                failure = Some(error);
                None
            }
        });
        let count = self.database.bulk_insert(E::TABLE, &columns, &mut rows)?;
        match failure {
            Some(error) => Err(error),
            None => Ok(count),
        }
    }

    /// Replaces a stored record by the given one (same id); false when there is none.
    pub fn update<E: Entity>(&mut self, record: &E) -> Result<bool, StoreError> {
        let schema = self.schema::<E>()?.clone();
        let mut values = records::values_of(&schema, record)?;
        let assignments: Vec<String> = schema
            .names()
            .iter()
            .skip(1)
            .map(|name| format!("{name} = ?"))
            .collect();
        let id = values.remove(0);
        values.push(id);
        let sql = format!("UPDATE {} SET {} WHERE id = ?", E::TABLE, assignments.join(", "));
        Ok(self.database.execute(&sql, &values)? > 0)
    }

    /// Deletes one record; false when there was none.
    pub fn delete<E: Entity>(&mut self, id: i64) -> Result<bool, StoreError> {
        let sql = format!("DELETE FROM {} WHERE id = ?", E::TABLE);
        Ok(self.database.execute(&sql, &[Value::Int(id)])? > 0)
    }

    /// The public record with this id (private records are read through a grant: see
    /// [`sharing`]).
    pub fn get<E: Public>(&mut self, id: i64) -> Result<Option<E>, StoreError> {
        self.get_any(id)
    }

    /// Any record with this id, private ones included, without a grant: for intake,
    /// administration, the store itself and tests, never for a read on someone's behalf.
    pub fn get_any<E: Entity>(&mut self, id: i64) -> Result<Option<E>, StoreError> {
        let schema = self.schema::<E>()?.clone();
        let sql = format!("SELECT {} FROM {} WHERE id = ?", schema.names().join(", "), E::TABLE);
        let rows = self.database.query(&sql, &[Value::Int(id)])?;
        rows.first().map(|row| Self::decode(&schema, row)).transpose()
    }

    /// Public records matching the filter, by id (private records are read through a grant).
    pub fn list<E: Public>(&mut self, filter: &ListFilter) -> Result<Vec<E>, StoreError> {
        self.list_any(filter)
    }

    /// Records of any entity matching the filter, private ones included, without a grant: for
    /// intake, administration, the store itself and tests, never for a read on someone's behalf.
    pub fn list_any<E: Entity>(&mut self, filter: &ListFilter) -> Result<Vec<E>, StoreError> {
        let schema = self.schema::<E>()?.clone();
        let mut sql = format!("SELECT {} FROM {} WHERE 1 = 1", schema.names().join(", "), E::TABLE);
        let mut params = Vec::new();
        if let Some(member) = filter.member_id {
            sql.push_str(" AND member_id = ?");
            params.push(Value::Int(member.0));
        }
        if let Some(batch) = filter.batch_id {
            sql.push_str(" AND batch_id = ?");
            params.push(Value::Int(batch.0));
        }
        sql.push_str(" ORDER BY id");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {limit} OFFSET {}", filter.offset));
        } else if filter.offset > 0 {
            // PostgreSQL refuses `LIMIT -1` and SQLite `LIMIT ALL`; both take the largest BIGINT.
            sql.push_str(&format!(" LIMIT {} OFFSET {}", i64::MAX, filter.offset));
        }
        let rows = self.database.query(&sql, &params)?;
        rows.iter().map(|row| Self::decode(&schema, row)).collect()
    }

    /// The number of records of an entity.
    pub fn count<E: Entity>(&mut self) -> Result<u64, StoreError> {
        let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {}", E::TABLE);
        let rows = self.database.query(&sql, &[])?;
        Ok(rows.first().map_or(0, |row| row.int(0)) as u64)
    }

    /// The next free id of an entity (one more than the largest).
    pub fn next_id<E: Entity>(&mut self) -> Result<i64, StoreError> {
        let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {}", E::TABLE);
        let rows = self.database.query(&sql, &[])?;
        Ok(rows.first().map_or(0, |row| row.int(0)) + 1)
    }

    /// Counts of every entity, in total and per member.
    pub fn stats(&mut self) -> Result<Vec<EntityCount>, StoreError> {
        let mut counts = Vec::new();
        macro_rules! count {
            ($entity:ident) => {{
                let table = <ensemble_model::$entity as Entity>::TABLE;
                let sql = format!(
                    "SELECT member_id, CAST(COUNT(*) AS BIGINT) FROM {table} GROUP BY member_id ORDER BY member_id NULLS FIRST"
                );
                let rows = self.database.query(&sql, &[])?;
                let per_member: Vec<(Option<MemberId>, u64)> = rows
                    .iter()
                    .map(|row| (row.get(0).as_i64().map(MemberId), row.int(1) as u64))
                    .collect();
                counts.push(EntityCount {
                    entity: stringify!($entity),
                    table,
                    total: per_member.iter().map(|(_, n)| n).sum(),
                    per_member,
                });
            }};
        }
        for_each_entity!(count);
        Ok(counts)
    }

    /// Whether no entity table holds a record.
    pub fn is_empty(&mut self) -> Result<bool, StoreError> {
        Ok(self.stats()?.iter().all(|count| count.total == 0))
    }

    /// The member with this short code.
    pub fn member_by_slug(&mut self, slug: &str) -> Result<Option<Member>, StoreError> {
        let schema = self.schema::<Member>()?.clone();
        let sql = format!("SELECT {} FROM members WHERE slug = ?", schema.names().join(", "));
        let rows = self.database.query(&sql, &[Value::from(slug)])?;
        rows.first().map(|row| Self::decode(&schema, row)).transpose()
    }

    /// Removes every record of a batch, in every table, with its natural keys and quarantine, and
    /// marks the batch rolled back. Returns the number of records removed. Fails with
    /// [`StoreError::BatchInUse`] when records of other batches point to them.
    pub fn roll_back_batch(&mut self, batch: BatchId) -> Result<u64, StoreError> {
        let tables = intake::entity_tables();
        self.forget_intake(batch, &tables)?;
        let mut removed = 0;
        for table in tables.iter().rev().filter(|table| **table != Batch::TABLE) {
            let sql = format!("DELETE FROM {table} WHERE batch_id = ?");
            removed += self.database.execute(&sql, &[Value::Int(batch.0)])?;
        }
        if self.dangling_references()? {
            return Err(StoreError::BatchInUse(batch.0));
        }
        self.database.execute(
            "UPDATE batches SET status = ? WHERE id = ?",
            &[Value::from(BatchStatus::RolledBack.code()), Value::Int(batch.0)],
        )?;
        Ok(removed)
    }
}
