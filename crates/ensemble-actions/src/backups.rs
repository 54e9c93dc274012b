//! Backups of the whole database, taken and restored by the command line's operator, each with
//! its audit entry: a backup's once the file is written (the snapshot does not hold it), a
//! restore's in the same transaction as the restored tables, after the backup's own trail.

use std::path::Path;

use ensemble_store::{AuditAction, BackupError, Manifest, Store, StoreError};

use crate::{ActionError, Actor, only_if};

fn backup_error(error: BackupError) -> ActionError {
    match error {
        BackupError::Store(error) => ActionError::Store(error),
        other => ActionError::Backup(other),
    }
}

/// What an audit entry says of a backup: its time, tables, rows and the trail's head then.
fn detail(manifest: &Manifest) -> serde_json::Value {
    serde_json::json!({
        "taken_at": manifest.taken_at,
        "tables": manifest.tables.len(),
        "rows": manifest.tables.iter().map(|table| table.rows).sum::<u64>(),
        "audit_head": manifest.audit_head.as_ref().map(|head| head.id),
    })
}

/// Writes a consistent backup of every table to `output`. Refused: `backup-operator-only`.
pub fn take(store: &Store, actor: &Actor, output: &Path) -> Result<Manifest, ActionError> {
    only_if(actor.is_operator(), "backup-operator-only")?;
    let manifest = store
        .backup(output, actor.clock.now().fixed_offset())
        .map_err(backup_error)?;
    store.write(|session| {
        let event = actor.event(None, AuditAction::Backup, "database".to_string(), detail(&manifest));
        session.append_audit(&event, actor.clock.now())?;
        Ok::<_, StoreError>(())
    })?;
    Ok(manifest)
}

/// Restores a backup into this database (empty, unless `force`), with a `restore` audit entry
/// after the backup's trail. Refused: `backup-operator-only`.
pub fn restore(store: &Store, actor: &Actor, input: &Path, force: bool) -> Result<Manifest, ActionError> {
    only_if(actor.is_operator(), "backup-operator-only")?;
    let mut record = |session: &mut ensemble_store::Session<'_>, manifest: &Manifest| {
        let event = actor.event(None, AuditAction::Restore, "database".to_string(), detail(manifest));
        session.append_audit(&event, actor.clock.now()).map(|_| ())
    };
    store.restore(input, force, &mut record).map_err(backup_error)
}
