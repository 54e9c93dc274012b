//! Signing in to the portal and out of it: a session opened for a person whose password matches,
//! and closed, each with its audit entry.

use chrono::Duration;
use ensemble_store::{AuditAction, AuditEvent, Store};

use crate::{ActionError, Actor, Clock};

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;

/// A session opened: its token (for the cookie; only its digest is kept) and the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The session's token.
    pub token: String,
    /// The person's number.
    pub user_id: i64,
}

/// A hash verified when a login is unknown (made once, of a random password).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| ensemble_privacy::hash_password(&ensemble_privacy::new_token()).unwrap_or_default())
}

/// Opens a session of [`SESSION_HOURS`] for the person with this login (any case) and password,
/// with its `sign-in` audit entry; `None` when the login is unknown, disabled, or the password
/// does not match (the same work is done for an unknown login, so that timing does not tell
/// which logins exist).
pub fn sign_in(store: &Store, clock: Clock, login: &str, password: &str) -> Result<Option<Opened>, ActionError> {
    let login = login.trim().to_lowercase();
    let Some(user) = store.read(|session| session.user_by_login(&login))? else {
        let _ = ensemble_privacy::verify_password(password, dummy_hash());
        return Ok(None);
    };
    if user.disabled || !ensemble_privacy::verify_password(password, &user.password_hash) {
        return Ok(None);
    }
    let token = ensemble_privacy::new_token();
    let digest = ensemble_privacy::token_digest(&token);
    let csrf = ensemble_privacy::new_token();
    // A session runs on real time, whatever moment the consortium's clock is set to.
    let now = chrono::Utc::now().fixed_offset();
    store.write(|session| {
        session.insert_session(&digest, user.id, &csrf, now, now + Duration::hours(SESSION_HOURS))?;
        let event = AuditEvent {
            channel: crate::Channel::Web.code(),
            user_id: Some(user.id),
            member_id: user.member_id,
            action: AuditAction::SignIn,
            subject: format!("user {}", user.id),
            detail: serde_json::json!({}),
        };
        session.append_audit(&event, clock.now())?;
        Ok(Some(Opened {
            token,
            user_id: user.id,
        }))
    })
}

/// Closes the actor's session of this token, with its `sign-out` audit entry.
pub fn sign_out(store: &Store, actor: &Actor, token: &str) -> Result<(), ActionError> {
    let Some(user) = actor.user_id else {
        return Ok(());
    };
    store.write(|session| {
        session.delete_session(&ensemble_privacy::token_digest(token))?;
        let event = actor.event(
            actor.member,
            AuditAction::SignOut,
            format!("user {user}"),
            serde_json::json!({}),
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(())
    })
}
