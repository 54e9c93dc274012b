//! Shared by the intake tests: a SQLite file with one member, a secret key, and an import call.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use ensemble_ingest::{ImportReport, ImportRequest, ProfileChoice};
use ensemble_model::*;
use ensemble_privacy::SecretKey;
use ensemble_store::Store;

/// The short code of the test member (a fictional presenter in Sherbrooke).
pub const MEMBER: &str = "salle-test";

/// A database file in a temporary folder, with one member that operates one venue and hall.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub key: SecretKey,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Fixture::at(dir, &url)
    }

    /// A fixture on this database URL (a PostgreSQL schema, for one).
    pub fn at(dir: tempfile::TempDir, url: &str) -> Fixture {
        let store = Store::open(url).unwrap();
        seed(&store);
        Fixture {
            dir,
            store,
            key: SecretKey::from_bytes([7; 32]),
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("test.db")
    }

    pub fn import(&self, path: &Path, profile: ProfileChoice) -> Result<ImportReport, ensemble_ingest::ImportError> {
        self.import_with(path, profile, false, false)
    }

    pub fn import_with(
        &self,
        path: &Path,
        profile: ProfileChoice,
        dry_run: bool,
        strict: bool,
    ) -> Result<ImportReport, ensemble_ingest::ImportError> {
        let request = ImportRequest {
            member: MEMBER,
            path,
            profile,
            dry_run,
            strict,
            now: now(),
        };
        ensemble_ingest::import(&self.store, &self.key, &request, &mut |_| {}, &mut |_, _| Ok(()))
    }

    /// The test member.
    pub fn member(&self) -> Member {
        self.store.read(|s| s.member_by_slug(MEMBER)).unwrap().unwrap()
    }

    /// Sets a field of an open quarantined row, as a person correcting it does; the row with its
    /// new diagnostics.
    pub fn correct(
        &self,
        entry: i64,
        field: &str,
        value: &str,
    ) -> Result<ensemble_store::QuarantineEntry, ensemble_ingest::QuarantineError> {
        let member = self.member();
        let fields = [(field.to_string(), value.to_string())];
        let entry = ensemble_ingest::prepare_correction(&self.store, &self.key, &member, entry, &fields, now())?;
        self.store
            .write(|s| ensemble_ingest::keep_correction(s, &member, &entry))?;
        Ok(entry)
    }
}

pub fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-28T12:00:00-05:00").unwrap()
}

/// Test data shipped with the crate.
pub fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(relative)
}

/// Writes a member (organisation, member, one place with one hall) into an empty store.
pub fn seed(store: &Store) {
    let provenance = Provenance::default();
    store
        .write(|session| {
            session.insert(&[Batch {
                id: BatchId(1),
                kind: BatchKind::Reference,
                file_name: None,
                file_sha256: None,
                created_at: now(),
                status: BatchStatus::Committed,
                note: None,
                provenance: provenance.clone(),
            }])?;
            session.insert(&[Organization {
                id: OrganizationId(1),
                name: "Salle d'essai de Sherbrooke".to_string(),
                roles: vec![ValueChainRole::Presenter],
                municipality: Some("Sherbrooke".to_string()),
                postal_code: None,
                region_code: Some(RegionCode::new("05")),
                website: None,
                identifiers: Identifiers::default(),
                provenance: provenance.clone(),
            }])?;
            session.insert(&[Member {
                id: MemberId(1),
                slug: MEMBER.to_string(),
                organization_id: OrganizationId(1),
                joined_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                privacy_officer_title: None,
                provenance: provenance.clone(),
            }])?;
            session.insert(&[Place {
                id: PlaceId(1),
                name: "Théâtre d'essai".to_string(),
                street_address: None,
                municipality: Some("Sherbrooke".to_string()),
                postal_code: None,
                fsa: None,
                region_code: Some(RegionCode::new("05")),
                province: Some("QC".to_string()),
                country: "CA".to_string(),
                latitude: None,
                longitude: None,
                operator_id: Some(OrganizationId(1)),
                identifiers: Identifiers::default(),
                provenance: provenance.clone(),
            }])?;
            session.insert(&[Hall {
                id: HallId(1),
                place_id: PlaceId(1),
                name: "Grande salle".to_string(),
                configurations: Vec::new(),
                specs: TechnicalSpecs::default(),
                identifiers: Identifiers::default(),
                provenance,
            }])?;
            Ok::<_, ensemble_store::StoreError>(())
        })
        .unwrap();
}
