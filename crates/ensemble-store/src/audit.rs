//! The audit trail: who did what, when, to which member's data. Append-only; each entry's hash is
//! the SHA-256 of its content and of the previous entry's hash, so that editing or deleting an
//! entry breaks the chain from there on ([`Session::verify_audit`]). Deleting the last entries
//! leaves a shorter valid chain: compare the head hash with one noted earlier
//! ([`Session::audit_head`]) to see it.
//!
//! Entries never hold personal data: people are named by their user number, files by name and
//! SHA-256, rows by number.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use ensemble_model::MemberId;
use sha2::{Digest, Sha256};

use crate::{Session, StoreError, Value};

/// The previous hash of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Declares the closed list of audit actions once: each variant with its stable code, the one
/// written in the trail and named by the message `web-audit-action-<code>`.
macro_rules! audit_actions {
    ($($(#[$doc:meta])* $variant:ident => $code:literal,)*) => {
        /// What an audit entry records: a closed list, so that every entry has a translated label
        /// and a reader can filter on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($(#[$doc])* $variant,)*
        }

        impl AuditAction {
            /// Every action.
            pub const ALL: &[AuditAction] = &[$(AuditAction::$variant,)*];

            /// The stable code written in the trail.
            pub fn code(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $code,)*
                }
            }
        }
    };
}

audit_actions! {
    /// A person signed in to the portal.
    SignIn => "sign-in",
    /// A person signed out.
    SignOut => "sign-out",
    /// A file was imported.
    Import => "import",
    /// An import was rolled back.
    Rollback => "rollback",
    /// Quarantined rows were corrected, replayed or dismissed.
    Quarantine => "quarantine",
    /// A member was admitted to the consortium.
    MemberAdmit => "member-admit",
    /// An account was created.
    UserCreate => "user-create",
    /// An account was disabled.
    UserDisable => "user-disable",
    /// The consortium was started, with its first coordinator.
    ConsortiumStart => "consortium-start",
    /// A person changed their own password.
    PasswordChange => "password-change",
    /// An administrator gave a person a new password.
    PasswordReset => "password-reset",
    /// A backup of the whole database was taken.
    Backup => "backup",
    /// The database was restored from a backup.
    Restore => "restore",
    /// A member assessed its data maturity.
    MaturityAssess => "maturity-assess",
    /// A member's declared data inventory changed.
    InventoryChange => "inventory-change",
    /// A member's value chain (its activities, its exchanges) changed.
    ValueChainChange => "value-chain-change",
    /// The diagnostic's workshop changed: a problem, a solution, a score.
    WorkshopChange => "workshop-change",
    /// The shared referential was worked out again from the catalogue's records.
    ReferentialRun => "referential-run",
    /// A person decided whether two records are one entity, or took such a decision back.
    ReferentialDecision => "referential-decision",
    /// A personal API token was created.
    TokenCreate => "token-create",
    /// A personal API token was revoked.
    TokenRevoke => "token-revoke",
    /// A member's person in charge of personal information was named.
    PrivacyOfficer => "privacy-officer",
    /// A sharing agreement was made.
    AgreementCreate => "agreement-create",
    /// A sharing agreement was ended.
    AgreementEnd => "agreement-end",
    /// Another member's private records were read under a grant.
    DataAccess => "data-access",
    /// A person's request (access, rectification, erasure, withdrawal) was registered.
    RightsRequest => "rights-request",
    /// A person's records were exported for them.
    RightsExport => "rights-export",
    /// A person's records were rectified.
    RightsRectify => "rights-rectify",
    /// A person's records were erased.
    RightsErase => "rights-erase",
    /// A person withdrew a consent.
    RightsWithdraw => "rights-withdraw",
    /// A person's request was closed.
    RightsClose => "rights-close",
    /// A confidentiality incident was registered.
    Incident => "incident",
    /// Records past their retention were purged.
    Purge => "purge",
    /// A retention rule was changed.
    RetentionSet => "retention-set",
    /// A member chose to publish a show as open data, from a date, or stopped.
    PublicationSet => "publication-set",
    /// A member recorded or withdrew a credited person's consent to be published.
    PublicationConsent => "publication-consent",
    /// The disclosure rules of pooled figures were changed.
    DisclosureSet => "disclosure-set",
    /// A month of pooled figures was released.
    PooledRelease => "pooled-release",
    /// Pooled figures were read.
    PooledQuery => "pooled-query",
    /// A settlement was entered.
    SettlementCreate => "settlement-create",
    /// A settlement was corrected.
    SettlementUpdate => "settlement-update",
    /// A date was held for a show at a presenter.
    HoldTaken => "hold-taken",
    /// A held date was released.
    HoldReleased => "hold-released",
    /// A show's unavailable dates or a presenter's blocked dates were recorded.
    AvailabilityRecorded => "availability-recorded",
}

/// What happened, before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// Where it came from: `web`, `api` or `cli`.
    pub channel: &'static str,
    /// The person, by user number (none on the command line).
    pub user_id: Option<i64>,
    /// The member whose data it concerns.
    pub member_id: Option<MemberId>,
    /// What was done.
    pub action: AuditAction,
    /// What it was done to (`batch 12`, `user 7`, a file name).
    pub subject: String,
    /// Details as JSON (counts, codes); never personal data.
    pub detail: serde_json::Value,
}

/// One written entry.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    /// Its number, from 1, without gaps.
    pub id: i64,
    /// When (to the second, UTC).
    pub at: DateTime<FixedOffset>,
    /// `web`, `api` or `cli`.
    pub channel: String,
    /// The person, by user number.
    pub user_id: Option<i64>,
    /// The member concerned.
    pub member_id: Option<i64>,
    /// The action code.
    pub action: String,
    /// What it was done to.
    pub subject: String,
    /// Details, the JSON text that was hashed.
    pub detail: String,
    /// The previous entry's hash ([`GENESIS`] for the first).
    pub previous_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry's content and previous hash give.
    pub fn expected_hash(&self) -> String {
        let optional = |value: Option<i64>| value.map_or_else(String::new, |v| v.to_string());
        let content = [
            self.id.to_string(),
            self.at.with_timezone(&Utc).to_rfc3339(),
            self.channel.clone(),
            optional(self.user_id),
            optional(self.member_id),
            self.action.clone(),
            self.subject.clone(),
            self.detail.clone(),
            self.previous_hash.clone(),
        ];
        let mut hasher = Sha256::new();
        for part in content {
            // Length-prefixed, so that moving text from one field to the next changes the hash.
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Broken {
    /// Entry `id` is missing (the numbers jump from `id - 1` to a later one).
    Missing {
        /// The first missing number.
        id: i64,
    },
    /// Entry `id` no longer matches its hash (its content or hash was changed).
    Altered {
        /// The entry.
        id: i64,
    },
    /// Entry `id` does not point to the entry before it.
    Unchained {
        /// The entry.
        id: i64,
    },
}

impl Broken {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Broken::Missing { .. } => "audit-entry-missing",
            Broken::Altered { .. } => "audit-entry-altered",
            Broken::Unchained { .. } => "audit-entry-unchained",
        }
    }

    /// The entry where the chain breaks.
    pub fn id(&self) -> i64 {
        match self {
            Broken::Missing { id } | Broken::Altered { id } | Broken::Unchained { id } => *id,
        }
    }
}

const COLUMNS: &str = "id, at, channel, user_id, member_id, action, subject, detail, previous_hash, hash";

fn decode(row: &crate::Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: row.int(0),
        at: crate::value::timestamp(row.get(1)).ok_or_else(|| StoreError::Decode {
            table: "audit_log".to_string(),
            detail: "at".to_string(),
        })?,
        channel: row.text(2),
        user_id: row.get(3).as_i64(),
        member_id: row.get(4).as_i64(),
        action: row.text(5),
        subject: row.text(6),
        detail: row.text(7),
        previous_hash: row.text(8),
        hash: row.text(9),
    })
}

impl Session<'_> {
    /// The last entry, if any.
    pub fn audit_head(&mut self) -> Result<Option<AuditEntry>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM audit_log ORDER BY id DESC LIMIT 1");
        self.database.query(&sql, &[])?.first().map(decode).transpose()
    }

    /// Whether an entry with this hash is in the trail (a head noted earlier).
    pub fn audit_contains(&mut self, hash: &str) -> Result<bool, StoreError> {
        let rows = self
            .database
            .query("SELECT id FROM audit_log WHERE hash = ?", &[Value::from(hash.trim())])?;
        Ok(!rows.is_empty())
    }

    /// Appends an entry after the last one; call it inside the write that does what it records,
    /// so that both are kept or neither.
    pub fn append_audit(&mut self, event: &AuditEvent, now: DateTime<Utc>) -> Result<AuditEntry, StoreError> {
        let head = self.audit_head()?;
        let at = Utc
            .timestamp_opt(now.timestamp(), 0)
            .single()
            .unwrap_or(now)
            .fixed_offset();
        let mut entry = AuditEntry {
            id: head.as_ref().map_or(1, |head| head.id + 1),
            at,
            channel: event.channel.to_string(),
            user_id: event.user_id,
            member_id: event.member_id.map(|member| member.0),
            action: event.action.code().to_string(),
            subject: event.subject.clone(),
            detail: event.detail.to_string(),
            previous_hash: head.map_or_else(|| GENESIS.to_string(), |head| head.hash),
            hash: String::new(),
        };
        entry.hash = entry.expected_hash();
        let sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        self.database.execute(
            &sql,
            &[
                Value::Int(entry.id),
                Value::Timestamp(entry.at),
                Value::from(entry.channel.as_str()),
                entry.user_id.map_or(Value::Null, Value::Int),
                entry.member_id.map_or(Value::Null, Value::Int),
                Value::from(entry.action.as_str()),
                Value::from(entry.subject.as_str()),
                Value::from(entry.detail.as_str()),
                Value::from(entry.previous_hash.as_str()),
                Value::from(entry.hash.as_str()),
            ],
        )?;
        Ok(entry)
    }

    /// Entries, newest first: all, or those about one member; at most `limit`.
    pub fn audit_entries(&mut self, member: Option<MemberId>, limit: u64) -> Result<Vec<AuditEntry>, StoreError> {
        let (filter, params) = match member {
            Some(member) => (" WHERE member_id = ?", vec![Value::Int(member.0)]),
            None => ("", Vec::new()),
        };
        let sql = format!("SELECT {COLUMNS} FROM audit_log{filter} ORDER BY id DESC LIMIT {limit}");
        self.database.query(&sql, &params)?.iter().map(decode).collect()
    }

    /// A member's latest entries of one action, newest first; at most `limit`.
    pub fn audit_actions(
        &mut self,
        member: MemberId,
        action: AuditAction,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE member_id = ? AND action = ? ORDER BY id DESC LIMIT {limit}"
        );
        self.database
            .query(&sql, &[Value::Int(member.0), Value::from(action.code())])?
            .iter()
            .map(decode)
            .collect()
    }

    /// Walks the whole chain from the first entry; returns how many entries are sound and the
    /// first break, if any.
    pub fn verify_audit(&mut self) -> Result<(u64, Option<Broken>), StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM audit_log ORDER BY id");
        let rows = self.database.query(&sql, &[])?;
        let mut previous = GENESIS.to_string();
        let mut sound = 0;
        for (expected_id, row) in (1..).zip(rows.iter()) {
            let entry = decode(row)?;
            if entry.id != expected_id {
                return Ok((sound, Some(Broken::Missing { id: expected_id })));
            }
            if entry.previous_hash != previous {
                return Ok((sound, Some(Broken::Unchained { id: entry.id })));
            }
            if entry.expected_hash() != entry.hash {
                return Ok((sound, Some(Broken::Altered { id: entry.id })));
            }
            previous = entry.hash;
            sound += 1;
        }
        Ok((sound, None))
    }
}
