//! Imports through their action, on a real SQLite file and on PostgreSQL: an import whose audit
//! entry cannot be written keeps nothing; two imports started together (two connections, as two
//! programs would) both end with their batch and their audit entry; a write that waits longer
//! than it may is refused with `database-busy` and keeps nothing; every batch in the database has
//! its audit entry, and the chain stays intact. Backups taken while an import runs restore
//! elsewhere with the import whole or not at all, the same counts and the same trail; a damaged
//! backup is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use chrono::NaiveDate;
use ensemble_actions::{ActionError, Actor, Clock, imports};
use ensemble_ingest::{ImportReport, ImportRequest, ProfileChoice};
use ensemble_model::{
    Batch, BatchId, BatchKind, BatchStatus, Identifiers, Member, MemberId, Organization, OrganizationId, Place,
    Provenance, TicketSale, ValueChainRole,
};
use ensemble_privacy::SecretKey;
use ensemble_store::testing::TestUrl;
use ensemble_store::{Backend, ListFilter, Location, Store, StoreError};

const MEMBERS: [&str; 2] = ["salle-du-quai", "theatre-des-pins"];

/// Each check as two tests, `sqlite_<name>` and `postgres_<name>`.
macro_rules! on_both_backends {
    ($($check:ident => $sqlite:ident, $postgres:ident;)+) => {
        $(
            #[test]
            fn $sqlite() {
                $check(&TestUrl::sqlite(), Backend::Sqlite);
            }

            #[test]
            fn $postgres() {
                let Some(place) = TestUrl::postgres(stringify!($postgres)) else {
                    return;
                };
                $check(&place, Backend::Postgres);
            }
        )+
    };
}

on_both_backends! {
    check_an_import_whose_audit_fails_keeps_nothing
        => sqlite_an_import_whose_audit_fails_keeps_nothing, postgres_an_import_whose_audit_fails_keeps_nothing;
    check_two_imports_started_together_both_end_with_their_audit
        => sqlite_two_imports_started_together_both_end_with_their_audit,
           postgres_two_imports_started_together_both_end_with_their_audit;
    check_a_write_that_waits_too_long_is_refused_and_keeps_nothing
        => sqlite_a_write_that_waits_too_long_is_refused_and_keeps_nothing,
           postgres_a_write_that_waits_too_long_is_refused_and_keeps_nothing;
    check_backups_taken_during_an_import_restore_whole_batches_or_none
        => sqlite_backups_taken_during_an_import_restore_whole_batches_or_none,
           postgres_backups_taken_during_an_import_restore_whole_batches_or_none;
    check_an_import_places_what_it_created_in_the_referential
        => sqlite_an_import_places_what_it_created_in_the_referential,
           postgres_an_import_places_what_it_created_in_the_referential;
}

/// The records an import creates (its venue, hall and show) are in the shared referential when
/// the import ends, in the same transaction; the second member's import of the same venue links
/// to the record already there and leaves the referential as it was.
fn check_an_import_places_what_it_created_in_the_referential(place: &TestUrl, _: Backend) {
    let store = opened(place);
    let file = tickets_file(place, "salle.csv", 3);
    let report = import(&store, MEMBERS[0], &file.path).unwrap();
    let tables: Vec<(&str, usize, usize)> = report
        .referential
        .iter()
        .map(|links| (links.table.as_str(), links.created, links.joined))
        .collect();
    assert_eq!(tables, vec![("places", 1, 0), ("halls", 1, 0), ("shows", 1, 0)]);
    let venue = store.list_any::<Place>(&ListFilter::default()).unwrap()[0].id.0;
    let mentions = store.read(|s| s.referential_mentions("places")).unwrap();
    assert_eq!(mentions.iter().map(|m| m.record_id).collect::<Vec<_>>(), vec![venue]);
    let entries = store.read(|s| s.audit_entries(None, 10)).unwrap();
    assert_eq!(entries.len(), 1, "the import's own entry only");

    let again = import(&store, MEMBERS[1], &file.path).unwrap();
    assert!(
        again.referential.iter().all(|links| links.table != "places"),
        "{:?}",
        again.referential
    );
    assert_eq!(store.read(|s| s.referential_mentions("places")).unwrap(), mentions);
}

fn check_an_import_whose_audit_fails_keeps_nothing(place: &TestUrl, backend: Backend) {
    let store = opened(place);
    let file = tickets_file(place, "refus.csv", 200);
    let mut raw = Location::parse(&place.url).unwrap().connect().unwrap();
    raw.execute_batch(match backend {
        Backend::Sqlite => "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
        Backend::Postgres => "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
    })
    .unwrap();
    let failed = import(&store, MEMBERS[0], &file.path);
    assert!(
        matches!(failed, Err(ActionError::Store(StoreError::Sql(_)))),
        "{failed:?}"
    );
    assert_eq!(batches(&store), 0, "no batch kept");
    assert_eq!(store.count::<TicketSale>().unwrap(), 0, "no ticket line kept");

    // Once the audit can be written, the same file is imported with its entry.
    raw.execute_batch("DROP TRIGGER refuse_audit ON audit_log")
        .or_else(|_| raw.execute_batch("DROP TRIGGER refuse_audit"))
        .unwrap();
    let report = import(&store, MEMBERS[0], &file.path).unwrap();
    assert_eq!(report.rows_imported, 200);
    assert_every_batch_has_its_audit_entry(&store, 1);
}

fn check_two_imports_started_together_both_end_with_their_audit(place: &TestUrl, _: Backend) {
    // Two connections, as the portal and the command line would hold; seeded by the first.
    let first = Arc::new(opened(place));
    let second = Arc::new(Store::open(&place.url).unwrap());
    // Two members' files, and the same member's second file, all started at once.
    let files = [
        (MEMBERS[0], tickets_file(place, "quai.csv", 3000)),
        (MEMBERS[1], tickets_file(place, "pins.csv", 3000)),
        (MEMBERS[0], tickets_file(place, "quai-2.csv", 2000)),
    ];
    let start = Arc::new(Barrier::new(files.len()));
    let reports: Vec<ImportReport> = std::thread::scope(|scope| {
        let running: Vec<_> = files
            .iter()
            .enumerate()
            .map(|(index, (member, file))| {
                let store = if index % 2 == 0 { first.clone() } else { second.clone() };
                let start = start.clone();
                scope.spawn(move || {
                    start.wait();
                    import(&store, member, &file.path)
                })
            })
            .collect();
        running
            .into_iter()
            .map(|thread| thread.join().unwrap().unwrap())
            .collect()
    });
    let mut numbers: Vec<i64> = reports.iter().map(|report| report.batch_id.unwrap().0).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 3, "three batches: {numbers:?}");
    assert_eq!(
        reports.iter().map(|report| report.rows_imported).sum::<u64>(),
        8000,
        "every line of every file"
    );
    assert_eq!(first.count::<TicketSale>().unwrap(), 8000);
    assert_every_batch_has_its_audit_entry(&first, 3);
}

fn check_a_write_that_waits_too_long_is_refused_and_keeps_nothing(place: &TestUrl, _: Backend) {
    let holder = opened(place);
    let waiting = Store::open(&place.url)
        .unwrap()
        .with_write_wait(Duration::from_millis(300));
    let file = tickets_file(place, "attente.csv", 100);
    let (held, release) = (Barrier::new(2), Barrier::new(2));
    let refused = std::thread::scope(|scope| {
        scope.spawn(|| {
            holder
                .write(|_| {
                    held.wait();
                    release.wait();
                    Ok::<(), StoreError>(())
                })
                .unwrap();
        });
        held.wait();
        let refused = import(&waiting, MEMBERS[1], &file.path);
        release.wait();
        refused
    });
    match refused {
        Err(ActionError::Store(error @ StoreError::Busy { .. })) => assert_eq!(error.code(), "database-busy"),
        other => panic!("expected database-busy, got {other:?}"),
    }
    assert_eq!(batches(&waiting), 0);
    // Once the other write is done, the same import goes through.
    let report = import(&waiting, MEMBERS[1], &file.path).unwrap();
    assert_eq!(report.rows_imported, 100);
    assert_every_batch_has_its_audit_entry(&waiting, 1);
}

/// A migrated store on `place`, with the two members.
fn opened(place: &TestUrl) -> Store {
    let store = Store::open(&place.url).unwrap();
    seed(&store);
    store
}

fn import(store: &Store, slug: &str, path: &Path) -> Result<ImportReport, ActionError> {
    let member: Member = store.read(|s| s.member_by_slug(slug)).unwrap().unwrap();
    let key = SecretKey::from_bytes([5; 32]);
    let actor = Actor::operator(Clock::default());
    let request = ImportRequest {
        member: slug,
        path,
        profile: ProfileChoice::Named("generic-tickets".into()),
        dry_run: false,
        strict: false,
        now: actor.clock.local_now(),
    };
    imports::import(store, &key, &actor, &member, &request, &mut |_| {})
}

fn batches(store: &Store) -> usize {
    store
        .list_any::<Batch>(&ListFilter::default())
        .unwrap()
        .iter()
        .filter(|batch| batch.kind == BatchKind::Import)
        .count()
}

/// Every import batch has exactly one `import` audit entry naming it, and the chain is intact.
fn assert_every_batch_has_its_audit_entry(store: &Store, expected: usize) {
    let imported: Vec<i64> = store
        .list_any::<Batch>(&ListFilter::default())
        .unwrap()
        .into_iter()
        .filter(|batch| batch.kind == BatchKind::Import)
        .map(|batch| batch.id.0)
        .collect();
    assert_eq!(imported.len(), expected, "import batches: {imported:?}");
    let entries = store.read(|s| s.audit_entries(None, 1000)).unwrap();
    for batch in &imported {
        let naming = entries
            .iter()
            .filter(|entry| entry.action == "import")
            .filter(|entry| {
                serde_json::from_str::<serde_json::Value>(&entry.detail).unwrap()["batch"] == serde_json::json!(batch)
            })
            .count();
        assert_eq!(naming, 1, "batch {batch} has {naming} audit entries");
    }
    let (sound, broken) = store.read(|s| s.verify_audit()).unwrap();
    assert_eq!((sound as usize, broken), (entries.len(), None));
}

/// A file of generated ticket lines for fictional buyers, in the place's temporary folder (or the
/// system's, for PostgreSQL), removed with it.
struct TicketsFile {
    path: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

fn tickets_file(place: &TestUrl, name: &str, lines: usize) -> TicketsFile {
    let dir = match &place.dir {
        Some(_) => None,
        None => Some(tempfile::tempdir().unwrap()),
    };
    let folder = dir
        .as_ref()
        .map_or_else(|| place.dir.as_ref().unwrap().path(), |dir| dir.path());
    let path = folder.join(name);
    let mut text = String::from("Spectacle;Date;Heure;Salle;Ville;Prix;Quantité;Canal;Courriel;Code postal\n");
    for line in 0..lines {
        text.push_str(&format!(
            "Les Marées fictives;{:02}/12/2026;20 h 00;Salle d'essai;Sherbrooke;34,50 $;1;Web;acheteur{line}.{name}@example.test;J1H 5N4\n",
            1 + line % 28,
        ));
    }
    std::fs::write(&path, text).unwrap();
    TicketsFile { path, _dir: dir }
}

/// The two members, each an organisation of its own.
fn seed(store: &Store) {
    let provenance = Provenance::default();
    store
        .write(|session| {
            session.insert(&[Batch {
                id: BatchId(1),
                kind: BatchKind::Reference,
                file_name: None,
                file_sha256: None,
                created_at: Clock::default().local_now(),
                status: BatchStatus::Committed,
                note: None,
                provenance: provenance.clone(),
            }])?;
            for (number, slug) in (1..).zip(MEMBERS) {
                session.insert(&[Organization {
                    id: OrganizationId(number),
                    name: format!("Organisme fictif {number}"),
                    roles: vec![ValueChainRole::Presenter],
                    municipality: Some("Sherbrooke".to_string()),
                    postal_code: None,
                    region_code: None,
                    website: None,
                    identifiers: Identifiers::default(),
                    provenance: provenance.clone(),
                }])?;
                session.insert(&[Member {
                    id: MemberId(number),
                    slug: slug.to_string(),
                    organization_id: OrganizationId(number),
                    joined_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    privacy_officer_title: None,
                    provenance: provenance.clone(),
                }])?;
            }
            Ok::<(), StoreError>(())
        })
        .unwrap();
}

/// The rows of every backed-up table.
fn counts(url: &str) -> Vec<(String, i64)> {
    let mut raw = Location::parse(url).unwrap().connect().unwrap();
    ensemble_store::backup::BACKED_UP_TABLES
        .iter()
        .map(|table| {
            let rows = raw
                .query(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"), &[])
                .unwrap();
            (table.to_string(), rows[0].int(0))
        })
        .collect()
}

fn check_backups_taken_during_an_import_restore_whole_batches_or_none(place: &TestUrl, _: Backend) {
    let importing = opened(place);
    let file = tickets_file(place, "pendant.csv", 20_000);
    // Another connection, as `ensemble backup` run beside the portal would hold.
    let backing_up = Store::open(&place.url).unwrap();
    let folder = tempfile::tempdir().unwrap();
    let operator = Actor::operator(Clock::default());
    let started = std::sync::atomic::AtomicBool::new(false);
    let (report, taken) = std::thread::scope(|scope| {
        let running = scope.spawn(|| {
            let member: Member = importing.read(|s| s.member_by_slug(MEMBERS[0])).unwrap().unwrap();
            let request = ImportRequest {
                member: MEMBERS[0],
                path: &file.path,
                profile: ProfileChoice::Named("generic-tickets".into()),
                dry_run: false,
                strict: false,
                now: operator.clock.local_now(),
            };
            let key = SecretKey::from_bytes([5; 32]);
            // Told once the import reads its rows, inside its transaction.
            let mut progress = |_| started.store(true, std::sync::atomic::Ordering::SeqCst);
            imports::import(&importing, &key, &operator, &member, &request, &mut progress).unwrap()
        });
        while !started.load(std::sync::atomic::Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let mut taken = Vec::new();
        while !running.is_finished() || taken.is_empty() {
            let path = folder.path().join(format!("pendant-{}.zip", taken.len()));
            let during = !running.is_finished();
            // The snapshot does not wait for the import; the backup's audit entry does.
            ensemble_actions::backups::take(&backing_up, &operator, &path).unwrap();
            taken.push((path, during));
        }
        (running.join().unwrap(), taken)
    });
    assert_eq!(report.rows_imported, 20_000);
    assert!(taken[0].1, "the first backup began while the import ran");
    for (number, (path, _)) in taken.iter().enumerate() {
        let manifest = ensemble_store::backup::verify(path).unwrap();
        let rows = |table: &str| manifest.tables.iter().find(|t| t.name == table).unwrap().rows;
        // The import is one transaction: a snapshot holds all of it (its batch beside the seeded
        // one) or none of it.
        let held = (rows("ticket_sales"), rows("batches"));
        assert!(held == (0, 1) || held == (20_000, 2), "backup {number}: {held:?}");
    }

    // The last backup, restored elsewhere: the same rows, the same trail, and the restore after it.
    let (last, _) = taken.last().unwrap();
    let manifest = ensemble_actions::backups::take(&backing_up, &operator, last).unwrap();
    let elsewhere = match place.dir {
        Some(_) => TestUrl::sqlite(),
        None => TestUrl::postgres("backup_restored_elsewhere").unwrap(),
    };
    let restored = Store::open(&elsewhere.url).unwrap();
    ensemble_actions::backups::restore(&restored, &operator, last, false).unwrap();
    // The same rows everywhere but in the trail, which goes on differently on each side: the
    // original notes its backups, the copy its restore.
    let without_trail = |url: &str| {
        let mut rows = counts(url);
        rows.retain(|(table, _)| table != "audit_log");
        rows
    };
    assert_eq!(without_trail(&elsewhere.url), without_trail(&place.url));
    let head = manifest.audit_head.clone().unwrap();
    assert_eq!(
        restored.read(|s| s.audit_entries(None, 100_000)).unwrap().len() as i64,
        head.id + 1
    );
    let trail = restored.read(|s| s.audit_entries(None, 10)).unwrap();
    assert_eq!(trail[0].action, "restore");
    assert_eq!((trail[1].id, trail[1].hash.as_str()), (head.id, head.hash.as_str()));
    assert!(
        restored.read(|s| s.verify_audit()).unwrap().1.is_none(),
        "the chain holds"
    );

    // A second restore is refused unless forced; a damaged or truncated copy is refused.
    let again = ensemble_actions::backups::restore(&restored, &operator, last, false);
    assert!(
        matches!(&again, Err(ActionError::Backup(error)) if error.code() == "backup-target-not-empty"),
        "{again:?}"
    );
    let bytes = std::fs::read(last).unwrap();
    let truncated = folder.path().join("tronque.zip");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let refused = ensemble_store::backup::verify(&truncated).unwrap_err();
    assert_eq!(refused.code(), "backup-unreadable");
    let damaged = folder.path().join("abime.zip");
    rewrite_entry(last, &damaged, "tables/ticket_sales.jsonl", |text| {
        text.replacen("34", "35", 1)
    });
    assert_eq!(
        ensemble_store::backup::verify(&damaged).unwrap_err().code(),
        "backup-damaged"
    );
    let fresh = match place.dir {
        Some(_) => TestUrl::sqlite(),
        None => TestUrl::postgres("backup_damaged_refused").unwrap(),
    };
    let untouched = Store::open(&fresh.url).unwrap();
    let refused = ensemble_actions::backups::restore(&untouched, &operator, &damaged, false);
    assert!(
        matches!(&refused, Err(ActionError::Backup(error)) if error.code() == "backup-damaged"),
        "{refused:?}"
    );
    assert_eq!(untouched.count::<TicketSale>().unwrap(), 0, "nothing restored");
}

/// A copy of a backup with one of its files changed.
fn rewrite_entry(from: &Path, to: &Path, name: &str, change: impl Fn(&str) -> String) {
    use std::io::{Read, Write};
    let mut original = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut copy = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for index in 0..original.len() {
        let mut entry = original.by_index(index).unwrap();
        let entry_name = entry.name().to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        if entry_name == name {
            text = change(&text);
        }
        copy.start_file(entry_name, options).unwrap();
        copy.write_all(text.as_bytes()).unwrap();
    }
    copy.finish().unwrap();
}
