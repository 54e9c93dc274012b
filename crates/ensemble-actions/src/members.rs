//! The consortium's members and their people: a member admitted, its person in charge of personal
//! information named, its accounts created and disabled, and a person's own API tokens.

use ensemble_model::{
    Member, MemberId, Organization, OrganizationId, Provenance, RegionCode, Role, ValueChainRole, geo,
};
use ensemble_store::{AuditAction, Store, User};

use crate::accounts::{is_email, manages};
use crate::{ActionError, Actor, only_if, rank, typed};

/// A member to admit, with the organisation created with it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMember {
    /// Its short code: lower-case letters, digits and dashes, 2 to 40.
    pub slug: String,
    /// The organisation's name.
    pub name: String,
    /// Its places in the value chain.
    pub roles: Vec<ValueChainRole>,
    /// Its municipality (its region is found from it when not given).
    pub municipality: Option<String>,
    /// Its administrative region of Québec (`01` to `17`).
    pub region: Option<String>,
    /// Its postal code.
    pub postal_code: Option<String>,
}

/// Whether a short code is made of lower-case letters, digits and dashes (2 to 40), neither
/// starting nor ending with a dash.
pub fn valid_slug(slug: &str) -> bool {
    (2..=40).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// Admits a member (the coordination or the operator only), its organisation created with it, on
/// the consortium's today. Refused: `member-admit-coordination-only`, `member-form-invalid` (no
/// name, or a short code that is not one), `member-slug-taken`, `member-region-unknown`,
/// `member-postal-code-invalid`.
pub fn admit(store: &Store, actor: &Actor, new: &NewMember) -> Result<Member, ActionError> {
    only_if(actor.is_coordination(), "member-admit-coordination-only")?;
    let name = typed(&new.name, 200, false)?;
    let slug = new.slug.trim().to_lowercase();
    if name.is_empty() || !valid_slug(&slug) {
        return Err(ActionError::Refused("member-form-invalid"));
    }
    let municipality = typed(new.municipality.as_deref().unwrap_or_default(), 100, false)?;
    let municipality = Some(municipality).filter(|m| !m.is_empty());
    let region = match new.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(code) => Some(
            geo::region_name(code)
                .map(|_| code)
                .ok_or(ActionError::Refused("member-region-unknown"))?,
        ),
        None => municipality.as_deref().and_then(geo::region_of_municipality),
    };
    let postal_code = match new.postal_code.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => Some(geo::normalize_postal_code(text).ok_or(ActionError::Refused("member-postal-code-invalid"))?),
        None => None,
    };
    store.write(|session| {
        if session.member_by_slug(&slug)?.is_some() {
            return Err(ActionError::Refused("member-slug-taken"));
        }
        let member_id = MemberId(session.next_id::<Member>()?);
        let organization_id = OrganizationId(session.next_id::<Organization>()?);
        let provenance = Provenance {
            member_id: Some(member_id),
            ..Default::default()
        };
        session.insert(&[Organization {
            id: organization_id,
            name,
            roles: new.roles.clone(),
            region_code: region.map(RegionCode::new),
            municipality,
            postal_code,
            website: None,
            identifiers: Default::default(),
            provenance: provenance.clone(),
        }])?;
        let member = Member {
            id: member_id,
            slug: slug.clone(),
            organization_id,
            joined_on: actor.clock.today(),
            privacy_officer_title: None,
            provenance,
        };
        session.insert(std::slice::from_ref(&member))?;
        let detail = serde_json::json!({"slug": slug});
        let event = actor.event(Some(member_id), AuditAction::MemberAdmit, slug.clone(), detail);
        session.append_audit(&event, actor.clock.now())?;
        Ok(member)
    })
}

/// Names, by title, `member`'s person in charge of personal information (a title, not a name: it
/// outlives whoever holds it); an empty title clears it. Refused: `member-not-yours`,
/// `text-invalid` (over 200 characters).
pub fn name_privacy_officer(store: &Store, actor: &Actor, member: &Member, title: &str) -> Result<(), ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    let title = typed(title, 200, false)?;
    store.write(|session| {
        let mut updated = session
            .get::<Member>(member.id.0)?
            .ok_or(ActionError::Refused("member-not-yours"))?;
        updated.privacy_officer_title = Some(title).filter(|t| !t.is_empty());
        session.update(&updated)?;
        let detail = serde_json::json!({"title": updated.privacy_officer_title});
        let event = actor.event(
            Some(updated.id),
            AuditAction::PrivacyOfficer,
            updated.slug.clone(),
            detail,
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(())
    })
}

/// The roles the actor may give a member's people: those up to its own, never the coordination's.
pub fn grantable_roles(actor: &Actor) -> Vec<Role> {
    [Role::MemberAdmin, Role::MemberAnalyst, Role::Viewer]
        .into_iter()
        .filter(|role| rank(*role) <= rank(actor.role))
        .collect()
}

/// A person to add to a member.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    /// Their login, an email address (kept in lower case).
    pub login: String,
    /// The name shown in the portal.
    pub display_name: String,
    /// Their role.
    pub role: Role,
}

/// Adds a person to `member` with a first password's hash. Refused: `member-not-yours`,
/// `user-form-invalid` (no name, a login that is not an email address, a role the actor cannot
/// give), `user-login-taken`.
pub fn create_user(
    store: &Store,
    actor: &Actor,
    member: &Member,
    new: &NewUser,
    password_hash: String,
) -> Result<User, ActionError> {
    only_if(actor.administers(member), "member-not-yours")?;
    let login = typed(&new.login, 200, false)?.to_lowercase();
    let name = typed(&new.display_name, 200, false)?;
    if !is_email(&login) || name.is_empty() || !grantable_roles(actor).contains(&new.role) {
        return Err(ActionError::Refused("user-form-invalid"));
    }
    store.write(|session| {
        if session.user_by_login(&login)?.is_some() {
            return Err(ActionError::Refused("user-login-taken"));
        }
        let user = User {
            id: session.next_user_id()?,
            login: login.clone(),
            display_name: name,
            member_id: Some(member.id),
            role: new.role,
            password_hash,
            created_at: actor.clock.now().fixed_offset(),
            disabled: false,
        };
        session.insert_user(&user)?;
        let detail = serde_json::json!({"role": user.role.code()});
        let event = actor.event(
            Some(member.id),
            AuditAction::UserCreate,
            format!("user {}", user.id),
            detail,
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(user)
    })
}

/// Disables a person's account (one the actor manages: see [`crate::accounts`]) and ends their
/// sessions and tokens. Refused: `user-unknown` (no such person, or not one the actor manages),
/// `user-disable-self`.
pub fn disable_user(store: &Store, actor: &Actor, user: i64) -> Result<(), ActionError> {
    only_if(actor.user_id != Some(user), "user-disable-self")?;
    store.write(|session| {
        let Some(found) = session.user(user)?.filter(|found| manages(actor, found)) else {
            return Err(ActionError::Refused("user-unknown"));
        };
        session.disable_user(user)?;
        let event = actor.event(
            found.member_id,
            AuditAction::UserDisable,
            format!("user {user}"),
            serde_json::json!({}),
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(())
    })
}

/// Keeps a new personal API token of the actor (only its digest), with its label (at most 100
/// characters). Refused: `token-label-missing`, `token-needs-a-person` (the operator has none),
/// `text-invalid`.
pub fn create_token(store: &Store, actor: &Actor, label: &str, digest: &str) -> Result<(), ActionError> {
    let Some(user) = actor.user_id else {
        return Err(ActionError::Refused("token-needs-a-person"));
    };
    let label = typed(label, 100, false)?;
    if label.is_empty() {
        return Err(ActionError::Refused("token-label-missing"));
    }
    store.write(|session| {
        session.insert_api_token(digest, user, &label, actor.clock.now().fixed_offset())?;
        let event = actor.event(
            actor.member,
            AuditAction::TokenCreate,
            format!("user {user}"),
            serde_json::json!({}),
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(())
    })
}

/// Revokes one of the actor's own API tokens, named by its reference
/// ([`ensemble_store::ApiToken::reference`]), or, with `digest`, the token the request came with;
/// with its `token-revoke` audit entry. Refused: `token-needs-a-person`, `token-unknown`.
pub fn revoke_token(store: &Store, actor: &Actor, token: TokenToRevoke<'_>) -> Result<(), ActionError> {
    let Some(user) = actor.user_id else {
        return Err(ActionError::Refused("token-needs-a-person"));
    };
    let reference: String = match token {
        TokenToRevoke::Reference(reference) => reference.trim().to_string(),
        TokenToRevoke::Digest(digest) => digest.chars().take(ensemble_store::accounts::TOKEN_REFERENCE).collect(),
    };
    store.write(|session| {
        only_if(session.revoke_api_token(user, &reference)?, "token-unknown")?;
        let event = actor.event(
            actor.member,
            AuditAction::TokenRevoke,
            format!("user {user}"),
            serde_json::json!({"token": reference}),
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(())
    })
}

/// Which token to revoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenToRevoke<'a> {
    /// One of the person's tokens, by the reference their account page shows.
    Reference(&'a str),
    /// The token a request came with, by its digest.
    Digest(&'a str),
}

/// A member's name as people read it: its organisation's, else its code.
pub fn display_name(store: &Store, member: &Member) -> Result<String, ActionError> {
    let organization = store.read(|session| session.get_any::<Organization>(member.organization_id.0))?;
    Ok(organization.map_or_else(|| member.slug.clone(), |o| o.name))
}
