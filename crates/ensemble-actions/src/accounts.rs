//! Signing in to the portal and out of it: a session opened for a person whose password matches,
//! and closed, each with its audit entry; the consortium started with its first coordinator;
//! passwords changed by their owner or given anew by an administrator.

use chrono::Duration;
use ensemble_model::Role;
use ensemble_store::{AuditAction, AuditEvent, Consortium, Store, User};

use crate::{ActionError, Actor, Clock, only_if, rank, typed};

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

/// The fewest characters a password may have.
pub const PASSWORD_MIN: usize = 12;

/// The hash of a new password that keeps the rule: 12 to 200 characters, none of them invisible
/// (a NUL byte, an escape). Refused: `password-too-short`, `password-invalid`.
pub fn new_password_hash(password: &str) -> Result<String, ActionError> {
    let length = password.chars().count();
    only_if(length >= PASSWORD_MIN, "password-too-short")?;
    only_if(
        length <= 200 && !password.chars().any(char::is_control),
        "password-invalid",
    )?;
    ensemble_privacy::hash_password(password).ok_or(ActionError::Refused("password-invalid"))
}

/// Starts the consortium: its name and its first coordinator, on the consortium's today, once.
/// The command line's operator only. Refused: `consortium-operator-only`, `consortium-started`
/// (it was started, or has a coordinator already), `consortium-name-missing`, `user-form-invalid`
/// (a login that is not an email address), `text-invalid` and the password's rules.
pub fn start(store: &Store, actor: &Actor, name: &str, login: &str, password: &str) -> Result<User, ActionError> {
    only_if(actor.is_operator(), "consortium-operator-only")?;
    let name = typed(name, 200, false)?;
    only_if(!name.is_empty(), "consortium-name-missing")?;
    let login = typed(login, 200, false)?.to_lowercase();
    only_if(is_email(&login), "user-form-invalid")?;
    let password_hash = new_password_hash(password)?;
    let now = actor.clock.now().fixed_offset();
    store.write(|session| {
        let coordinated = session.users(None)?.iter().any(|user| user.role == Role::Coordinator);
        if session.consortium()?.is_some() || coordinated {
            return Err(ActionError::Refused("consortium-started"));
        }
        if session.user_by_login(&login)?.is_some() {
            return Err(ActionError::Refused("user-login-taken"));
        }
        session.insert_consortium(&Consortium {
            name: name.clone(),
            started_at: now,
        })?;
        let user = User {
            id: session.next_user_id()?,
            login: login.clone(),
            display_name: "Coordination".to_string(),
            member_id: None,
            role: Role::Coordinator,
            password_hash,
            created_at: now,
            disabled: false,
        };
        session.insert_user(&user)?;
        let detail = serde_json::json!({"coordinator": user.id});
        let event = actor.event(None, AuditAction::ConsortiumStart, name, detail);
        session.append_audit(&event, actor.clock.now())?;
        Ok(user)
    })
}

/// Whether a login is shaped as an email address.
pub(crate) fn is_email(login: &str) -> bool {
    login
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.contains('@'))
}

/// Changes the actor's own password, once the current one is given; every session of theirs
/// ends (they sign in again with the new one). Refused: `password-needs-a-person` (the operator
/// has none), `password-wrong`, and the new password's rules.
pub fn change_password(store: &Store, actor: &Actor, current: &str, new: &str) -> Result<(), ActionError> {
    let Some(user_id) = actor.user_id else {
        return Err(ActionError::Refused("password-needs-a-person"));
    };
    let user = store.read(|session| session.user(user_id))?;
    let matches = user.is_some_and(|user| ensemble_privacy::verify_password(current, &user.password_hash));
    only_if(matches, "password-wrong")?;
    let hash = new_password_hash(new)?;
    store.write(|session| {
        session.set_password(user_id, &hash, true)?;
        let event = actor.event(
            actor.member,
            AuditAction::PasswordChange,
            format!("user {user_id}"),
            serde_json::json!({}),
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(())
    })
}

/// Whether the actor may manage this person's account: the coordination anyone's, a member's
/// administrators their member's people.
pub(crate) fn manages(actor: &Actor, user: &User) -> bool {
    actor.is_coordination()
        || (user.member_id.is_some() && user.member_id == actor.member && rank(actor.role) >= rank(Role::MemberAdmin))
}

/// Gives a person a new password (an administrator, for someone who lost theirs) and ends their
/// sessions. Refused: `user-unknown` (no such person, or not one the actor manages),
/// `password-reset-self` (one's own is changed with the current one), and the password's rules.
pub fn reset_password(store: &Store, actor: &Actor, user_id: i64, new: &str) -> Result<(), ActionError> {
    only_if(actor.user_id != Some(user_id), "password-reset-self")?;
    let hash = new_password_hash(new)?;
    store.write(|session| {
        let user = session.user(user_id)?.filter(|user| manages(actor, user));
        let Some(user) = user else {
            return Err(ActionError::Refused("user-unknown"));
        };
        session.set_password(user.id, &hash, true)?;
        let event = actor.event(
            user.member_id,
            AuditAction::PasswordReset,
            format!("user {}", user.id),
            serde_json::json!({}),
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(())
    })
}
