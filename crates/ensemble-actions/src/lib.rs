//! Every write a person makes, from the command line or the portal, is one function here: it
//! takes an [`Actor`] (who, for which member, with which role, through which channel, by the
//! consortium's [`Clock`]) and its input, checks the rules, writes, and appends its audit entry
//! in the same transaction. If any part fails, nothing is kept. Front ends parse, call and render;
//! they never repeat a rule.
//!
//! Architecture invariant: an action's audit entry is written by the action itself inside its
//! one `Store::write`; no front end appends audit entries for writes.

pub mod accounts;
pub mod audience;
pub mod backups;
pub mod clock;
pub mod diagnostic;
pub mod imports;
pub mod members;
pub mod pooled;
pub mod privacy;
pub mod publication;
pub mod published;
pub mod referential;
pub mod rights;
pub mod settlements;
pub mod sharing;
pub mod touring;

use ensemble_model::{Member, MemberId, Purpose, Role, ValidationError};
use ensemble_store::{AuditEvent, Requester, StoreError};

pub use clock::{Clock, UnknownTimeZone};

/// Where an action comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// A page of the portal.
    Web,
    /// The JSON API, with a personal token.
    Api,
    /// The command line, run by the consortium's operator.
    Cli,
}

impl Channel {
    /// The code written in the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Cli => "cli",
        }
    }
}

/// Who acts: the person (by user number), their member (none for the coordination), their role,
/// the channel, and the consortium's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// Through what.
    pub channel: Channel,
    /// The person, by user number (none on the command line).
    pub user_id: Option<i64>,
    /// Their member; none for the consortium's coordination and the command line's operator.
    pub member: Option<MemberId>,
    /// Their role.
    pub role: Role,
    /// The consortium's clock.
    pub clock: Clock,
}

/// How much a role may do, to compare with an action's minimum.
pub fn rank(role: Role) -> u8 {
    match role {
        Role::Viewer => 0,
        Role::MemberAnalyst => 1,
        Role::MemberAdmin => 2,
        Role::Coordinator => 3,
    }
}

impl Actor {
    /// The command line's operator, who runs the consortium's server: acts for any member.
    pub fn operator(clock: Clock) -> Actor {
        Actor {
            channel: Channel::Cli,
            user_id: None,
            member: None,
            role: Role::Coordinator,
            clock,
        }
    }

    /// The person asking, for a grant.
    pub fn requester(&self, purpose: Purpose) -> Requester {
        Requester {
            channel: self.channel.code(),
            user_id: self.user_id,
            member: self.member,
            purpose,
        }
    }

    /// An audit event done by this actor.
    pub fn event(
        &self,
        member: Option<MemberId>,
        action: ensemble_store::AuditAction,
        subject: String,
        detail: serde_json::Value,
    ) -> AuditEvent {
        AuditEvent {
            channel: self.channel.code(),
            user_id: self.user_id,
            member_id: member,
            action,
            subject,
            detail,
        }
    }

    /// Appends this actor's audit entry to the write in progress (the action's own transaction).
    pub fn record(
        &self,
        session: &mut ensemble_store::Session<'_>,
        member: Option<MemberId>,
        action: ensemble_store::AuditAction,
        subject: String,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let event = self.event(member, action, subject, detail);
        session.append_audit(&event, self.clock.now()).map(|_| ())
    }

    /// Whether this actor is one of `member`'s people with at least `role`.
    pub fn is_of(&self, member: &Member, role: Role) -> bool {
        self.member == Some(member.id) && rank(self.role) >= rank(role)
    }

    /// Whether this actor administers `member`: one of its administrators, the coordination, or
    /// the command line's operator.
    pub fn administers(&self, member: &Member) -> bool {
        self.is_coordination() || self.is_of(member, Role::MemberAdmin)
    }

    /// Whether this actor is the consortium's coordination (or the command line's operator).
    pub fn is_coordination(&self) -> bool {
        self.role == Role::Coordinator
    }

    /// Whether this actor is the command line's operator.
    pub fn is_operator(&self) -> bool {
        self.channel == Channel::Cli && self.user_id.is_none()
    }
}

/// Refused with `code` (the rule's name) unless `allowed`.
pub(crate) fn only_if(allowed: bool, code: &'static str) -> Result<(), ActionError> {
    if allowed {
        Ok(())
    } else {
        Err(ActionError::Refused(code))
    }
}

/// A text a person typed, trimmed; refused with `text-invalid` when it is longer than `max`
/// characters or holds a control character (a NUL byte, an escape), line breaks and tabs allowed
/// only where `lines`.
pub(crate) fn typed(text: &str, max: usize, lines: bool) -> Result<String, ActionError> {
    let text = text.trim();
    let allowed = |c: char| !c.is_control() || (lines && matches!(c, '\n' | '\r' | '\t'));
    only_if(text.chars().count() <= max && text.chars().all(allowed), "text-invalid")?;
    Ok(text.to_string())
}

/// Why an action did nothing.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// A rule refuses it; the code names the rule (its message is `error-<code>`).
    #[error("refused: {0}")]
    Refused(&'static str),
    /// What it would write is not valid.
    #[error("invalid: {0:?}")]
    Invalid(Vec<ValidationError>),
    /// The store failed; nothing was kept.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file cannot be imported (its own code and message); nothing was kept.
    #[error(transparent)]
    Import(Box<ensemble_ingest::ImportError>),
    /// A quarantined row cannot be corrected, replayed or dismissed.
    #[error(transparent)]
    Quarantine(ensemble_ingest::QuarantineError),
    /// A backup cannot be written, read or restored (its own code); nothing was kept.
    #[error(transparent)]
    Backup(ensemble_store::BackupError),
}

impl ActionError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ActionError::Refused(code) => code,
            ActionError::Invalid(_) => "record-invalid",
            ActionError::Store(error) => error.code(),
            ActionError::Import(error) => error.code(),
            ActionError::Quarantine(error) => error.code(),
            ActionError::Backup(error) => error.code(),
        }
    }
}
