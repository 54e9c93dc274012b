//! A member's files: imported, rolled back, and the rows they left in quarantine corrected,
//! replayed or dismissed. Each is done by the consortium's operator, its coordination, or one of
//! the member's administrators, and writes its audit entry in its own transaction.

use ensemble_ingest::{ImportError, ImportReport, ImportRequest, Progress, QuarantineError, ReplayReport};
use ensemble_model::{Batch, BatchId, BatchKind, BatchStatus, Member};
use ensemble_privacy::SecretKey;
use ensemble_store::{AuditAction, Store};

use crate::{ActionError, Actor, only_if};

/// Imports a file for `member` (a trial when `request.dry_run`: everything is checked, nothing
/// kept). The batch, its quarantined rows and its `import` audit entry are kept together or not
/// at all, with the shared referential worked out again for what the import created (clear cases
/// joined to their entity, doubtful ones joined provisionally and queued for review). The batch's time is the consortium's clock, whatever `request.now` says.
pub fn import(
    store: &Store,
    key: &SecretKey,
    actor: &Actor,
    member: &Member,
    request: &ImportRequest<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, ActionError> {
    only_if(actor.administers(member), "import-not-yours")?;
    let request = ImportRequest {
        member: &member.slug,
        now: actor.clock.local_now(),
        ..request.clone()
    };
    let mut links = Vec::new();
    let mut audit = |session: &mut ensemble_store::Session<'_>, report: &ImportReport| {
        if let Some(batch) = report.batch_id {
            links = crate::referential::after_import(session, batch.0, &report.tally.created, actor.clock.today())?;
        }
        let detail = serde_json::json!({
            "batch": report.batch_id.map(|batch| batch.0),
            "sha256": report.sha256,
            "profile": report.profile,
            "rows_read": report.rows_read,
            "rows_imported": report.rows_imported,
            "rows_quarantined": report.rows_quarantined,
        });
        let event = actor.event(Some(member.id), AuditAction::Import, report.file_name.clone(), detail);
        session.append_audit(&event, actor.clock.now()).map(|_| ())
    };
    let mut report = ensemble_ingest::import(store, key, &request, progress, &mut audit).map_err(ActionError::from)?;
    report.referential = links;
    Ok(report)
}

/// Removes everything a committed import of `member` added; returns how many records went.
/// Refused with `batch-unknown` when the member has no such import.
pub fn roll_back(store: &Store, actor: &Actor, member: &Member, batch: i64) -> Result<u64, ActionError> {
    only_if(actor.administers(member), "import-not-yours")?;
    store.write(|session| {
        let owned = session.get_any::<Batch>(batch)?.is_some_and(|found| {
            found.provenance.member_id == Some(member.id)
                && found.kind == BatchKind::Import
                && found.status == BatchStatus::Committed
        });
        if !owned {
            return Err(ActionError::Refused("batch-unknown"));
        }
        let removed = session.roll_back_batch(BatchId(batch))?;
        let detail = serde_json::json!({"batch": batch, "removed": removed});
        let event = actor.event(Some(member.id), AuditAction::Rollback, format!("batch {batch}"), detail);
        session.append_audit(&event, actor.clock.now())?;
        Ok(removed)
    })
}

/// What a correction did to a quarantined row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corrected {
    /// The row now passes and was imported into its batch.
    Imported,
    /// The row still has this many problems; it stays in quarantine with the new values.
    StillFailing(usize),
}

/// Sets fields of one of `member`'s open quarantined rows (personal values pseudonymised as on
/// import) and, when the row now passes, imports it into its batch; with its `quarantine` audit
/// entry, in one transaction.
pub fn correct(
    store: &Store,
    key: &SecretKey,
    actor: &Actor,
    member: &Member,
    entry: i64,
    fields: &[(String, String)],
) -> Result<Corrected, ActionError> {
    only_if(actor.administers(member), "import-not-yours")?;
    let now = actor.clock.local_now();
    let prepared = ensemble_ingest::prepare_correction(store, key, member, entry, fields, now)?;
    let problems = prepared.diagnostics.as_array().map_or(0, Vec::len);
    store.write(|session| {
        ensemble_ingest::keep_correction(session, member, &prepared)?;
        let corrected = if problems == 0 {
            ensemble_ingest::replay(session, key, member, Some(&[entry]), now)?;
            Corrected::Imported
        } else {
            Corrected::StillFailing(problems)
        };
        let fields: Vec<&str> = fields.iter().map(|(field, _)| field.as_str()).collect();
        let detail = serde_json::json!({
            "entry": entry,
            "fields": fields,
            "outcome": if problems == 0 { "imported" } else { "corrected" },
        });
        let event = actor.event(
            Some(member.id),
            AuditAction::Quarantine,
            format!("entry {entry}"),
            detail,
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(corrected)
    })
}

/// Imports `member`'s open quarantined rows again (all, or those numbered) into their batches.
pub fn replay(
    store: &Store,
    key: &SecretKey,
    actor: &Actor,
    member: &Member,
    entries: Option<&[i64]>,
) -> Result<ReplayReport, ActionError> {
    only_if(actor.administers(member), "import-not-yours")?;
    store.write(|session| {
        let report = ensemble_ingest::replay(session, key, member, entries, actor.clock.local_now())?;
        let detail = serde_json::json!({
            "entries": entries,
            "replayed": report.replayed,
            "failing": report.still_failing,
        });
        let event = actor.event(Some(member.id), AuditAction::Quarantine, "replay".to_string(), detail);
        session.append_audit(&event, actor.clock.now())?;
        Ok(report)
    })
}

/// Sets `member`'s open quarantined rows aside: they stay listed but are never replayed.
pub fn dismiss(store: &Store, actor: &Actor, member: &Member, entries: &[i64]) -> Result<u64, ActionError> {
    only_if(actor.administers(member), "import-not-yours")?;
    store.write(|session| {
        let dismissed = ensemble_ingest::dismiss(session, member, entries, actor.clock.local_now())?;
        let detail = serde_json::json!({"entries": entries, "dismissed": dismissed});
        let event = actor.event(Some(member.id), AuditAction::Quarantine, "dismiss".to_string(), detail);
        session.append_audit(&event, actor.clock.now())?;
        Ok(dismissed)
    })
}

impl From<ImportError> for ActionError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Store(error) => ActionError::Store(error),
            other => ActionError::Import(Box::new(other)),
        }
    }
}

impl From<QuarantineError> for ActionError {
    fn from(error: QuarantineError) -> Self {
        match error {
            QuarantineError::Store(error) => ActionError::Store(error),
            other => ActionError::Quarantine(other),
        }
    }
}
