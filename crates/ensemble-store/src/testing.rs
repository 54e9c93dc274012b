//! Test databases for the workspace's suites (feature `testing`): a SQLite file in a temporary
//! folder, or a schema of its own in the PostgreSQL database named by
//! `ENSEMBLE_TEST_POSTGRES_URL` (see `scripts/postgres-test-setup.sh`). When that variable is
//! unset, a PostgreSQL test says so on standard error and does not run, unless
//! `ENSEMBLE_REQUIRE_POSTGRES=1` (as in CI), where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Location;

/// The variable naming the PostgreSQL database of the suites.
pub const POSTGRES_URL_VARIABLE: &str = "ENSEMBLE_TEST_POSTGRES_URL";
/// The variable that makes a missing PostgreSQL database a failure.
pub const REQUIRE_POSTGRES_VARIABLE: &str = "ENSEMBLE_REQUIRE_POSTGRES";

/// A database URL for one test, and what removes the database afterwards (the folder or the
/// schema), when this goes. Close the stores opened on it first.
pub struct TestUrl {
    /// The URL to open.
    pub url: String,
    /// The temporary folder of a SQLite file.
    pub dir: Option<tempfile::TempDir>,
    _schema: Option<SchemaGuard>,
}

impl TestUrl {
    /// A SQLite file, `ensemble.db`, in a new temporary folder.
    pub fn sqlite() -> TestUrl {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ensemble.db").display());
        TestUrl {
            url,
            dir: Some(dir),
            _schema: None,
        }
    }

    /// A new schema of the suites' PostgreSQL database, or `None` when none is configured.
    pub fn postgres(test: &str) -> Option<TestUrl> {
        let base = postgres_url(test)?;
        let guard = SchemaGuard::create(&base, test);
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-csearch_path%3D{}", guard.schema);
        Some(TestUrl {
            url,
            dir: None,
            _schema: Some(guard),
        })
    }
}

/// The suites' PostgreSQL URL, or `None` (said on standard error) when it is not set; a panic
/// when PostgreSQL is required.
pub fn postgres_url(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_URL_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_string()),
        _ => {
            if std::env::var(REQUIRE_POSTGRES_VARIABLE).is_ok_and(|value| value == "1") {
                panic!("PostgreSQL suite required but {POSTGRES_URL_VARIABLE} is unset");
            }
            // Written to the stderr handle, not with `eprintln!`, which the test harness captures:
            // the skip shows in every run.
            let _ = writeln!(
                std::io::stderr(),
                "{test}: not run: {POSTGRES_URL_VARIABLE} is unset (PostgreSQL skipped)"
            );
            None
        }
    }
}

/// A schema of its own for one test, dropped (best effort) when the guard goes, even on panic.
struct SchemaGuard {
    admin_url: String,
    schema: String,
}

impl SchemaGuard {
    fn create(admin_url: &str, test: &str) -> SchemaGuard {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name: String = test
            .trim_start_matches("postgres_")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(32)
            .collect();
        let schema = format!(
            "ens_{name}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = Location::parse(admin_url).unwrap().connect().unwrap();
        admin
            .execute_batch(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .unwrap();
        SchemaGuard {
            admin_url: admin_url.to_string(),
            schema,
        }
    }
}

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        let dropped = Location::parse(&self.admin_url)
            .and_then(|location| location.connect())
            .and_then(|mut admin| {
                admin.execute_batch(&format!(
                    "SET lock_timeout = '20s'; DROP SCHEMA IF EXISTS {} CASCADE",
                    self.schema
                ))
            });
        if let Err(error) = dropped {
            eprintln!("could not drop the test schema {}: {error}", self.schema);
        }
    }
}
