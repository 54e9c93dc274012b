//! Sharing agreements: a member, as provider, shares a dataset with another member (or with all)
//! for a purpose and a period, and ends it.

use chrono::NaiveDate;
use ensemble_model::{
    Dataset, Member, MemberId, Provenance, Purpose, SharingAgreement, SharingAgreementId, SharingLevel, Validate,
};
use ensemble_store::{AuditAction, Store};

use crate::{ActionError, Actor, only_if};

/// An agreement to make.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAgreement {
    /// The receiving member's short code; `None` shares with every member.
    pub recipient: Option<String>,
    /// What is shared.
    pub dataset: Dataset,
    /// How much of it (never `None`).
    pub level: SharingLevel,
    /// What for.
    pub purpose: Purpose,
    /// From this day.
    pub valid_from: NaiveDate,
    /// Until this day, included; `None` until ended.
    pub valid_until: Option<NaiveDate>,
    /// Whether the data leaves Québec.
    pub leaves_quebec: bool,
    /// Whether a privacy impact assessment is on file (required when the data leaves Québec).
    pub assessment_on_file: bool,
}

/// `provider` shares a dataset, with its `agreement-create` audit entry. Refused:
/// `agreement-not-yours` (not one of the provider's administrators, nor the coordination),
/// `agreement-form-invalid` (a level of none, an unknown recipient, or the provider itself);
/// [`ActionError::Invalid`] when the agreement breaks a rule of the model (a period that ends
/// before it starts, data leaving Québec without an assessment).
pub fn create(
    store: &Store,
    actor: &Actor,
    provider: &Member,
    new: &NewAgreement,
) -> Result<SharingAgreement, ActionError> {
    only_if(actor.administers(provider), "agreement-not-yours")?;
    if new.level == SharingLevel::None {
        return Err(ActionError::Refused("agreement-form-invalid"));
    }
    store.write(|session| {
        let recipient: Option<MemberId> = match new.recipient.as_deref().map(str::trim) {
            None => None,
            Some(slug) => match session.member_by_slug(slug)? {
                Some(recipient) if recipient.id != provider.id => Some(recipient.id),
                _ => return Err(ActionError::Refused("agreement-form-invalid")),
            },
        };
        let agreement = SharingAgreement {
            id: SharingAgreementId(session.next_id::<SharingAgreement>()?),
            provider_id: provider.id,
            recipient_member_id: recipient,
            dataset: new.dataset,
            level: new.level,
            purpose: new.purpose,
            valid_from: new.valid_from,
            valid_until: new.valid_until,
            leaves_quebec: new.leaves_quebec,
            privacy_impact_assessment_on_file: new.assessment_on_file,
            provenance: Provenance {
                member_id: Some(provider.id),
                ..Default::default()
            },
        };
        let problems = agreement.validate();
        if !problems.is_empty() {
            return Err(ActionError::Invalid(problems));
        }
        session.insert(std::slice::from_ref(&agreement))?;
        let detail = serde_json::json!({
            "recipient": recipient.map(|m| m.0),
            "dataset": new.dataset.code(),
            "level": new.level.code(),
            "purpose": new.purpose.code(),
            "valid_from": new.valid_from,
            "valid_until": new.valid_until,
            "leaves_quebec": new.leaves_quebec,
        });
        let subject = format!("agreement {}", agreement.id.0);
        let event = actor.event(Some(provider.id), AuditAction::AgreementCreate, subject, detail);
        session.append_audit(&event, actor.clock.now())?;
        Ok(agreement)
    })
}

/// What ending an agreement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It was in force: it stopped on this day (yesterday) and stays listed with its period.
    Stopped(NaiveDate),
    /// It had not started: it was withdrawn whole.
    Withdrawn,
}

/// The provider ends one of its agreements, on the consortium's today, with its `agreement-end`
/// audit entry. Refused: `agreement-not-yours`, `agreement-unknown` (not one of the provider's),
/// `agreement-already-ended`.
pub fn end(store: &Store, actor: &Actor, provider: &Member, agreement: i64) -> Result<Ended, ActionError> {
    only_if(actor.administers(provider), "agreement-not-yours")?;
    let today = actor.clock.today();
    store.write(|session| {
        let Some(mut found) = session
            .agreements_of(provider.id)?
            .into_iter()
            .find(|given| given.id.0 == agreement && given.provider_id == provider.id)
        else {
            return Err(ActionError::Refused("agreement-unknown"));
        };
        let yesterday = today.pred_opt().unwrap_or(today);
        if found.valid_until.is_some_and(|until| until <= yesterday) {
            // Ending it again would move its end later and give back what it no longer gives.
            return Err(ActionError::Refused("agreement-already-ended"));
        }
        let (ended, detail) = if found.valid_from > yesterday {
            // Not in force before today: it is withdrawn whole.
            session.delete::<SharingAgreement>(agreement)?;
            (Ended::Withdrawn, serde_json::json!({"withdrawn": true}))
        } else {
            found.valid_until = Some(yesterday);
            session.update(&found)?;
            (Ended::Stopped(yesterday), serde_json::json!({"valid_until": yesterday}))
        };
        let event = actor.event(
            Some(provider.id),
            AuditAction::AgreementEnd,
            format!("agreement {agreement}"),
            detail,
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(ended)
    })
}
