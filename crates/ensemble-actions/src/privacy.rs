//! The consortium's own privacy settings, kept by its coordination: how long each kind of
//! personal data is kept, the purge of what is past it, and the disclosure rules of pooled figures.

use ensemble_model::Purpose;
use ensemble_privacy::disclosure::Rules;
use ensemble_store::{AuditAction, Purge, RETAINED, RetentionRule, Store};

use crate::{ActionError, Actor, only_if};

/// Removes (or, with `dry_run`, only counts) what is past its retention on the consortium's
/// today; a purge done has its `purge` audit entry.
pub fn purge(store: &Store, actor: &Actor, dry_run: bool) -> Result<Purge, ActionError> {
    only_if(actor.is_coordination(), "privacy-coordination-only")?;
    let today = actor.clock.today();
    store.write(|session| {
        let purge = session.purge(today, dry_run)?;
        if !dry_run {
            let detail = serde_json::json!({
                "buyer_lines": purge.buyer_lines,
                "buyers": purge.buyers,
                "consents": purge.consents,
                "quarantine": purge.quarantine,
            });
            let event = actor.event(None, AuditAction::Purge, today.to_string(), detail);
            session.append_audit(&event, actor.clock.now())?;
        }
        Ok(purge)
    })
}

/// Sets how many months a kind of data is kept for a purpose. Refused:
/// `privacy-coordination-only`, `retention-dataset-unknown`, `retention-purpose-unknown`,
/// `retention-months-invalid` (1 to 1,200).
pub fn set_retention(store: &Store, actor: &Actor, rule: &RetentionRule) -> Result<(), ActionError> {
    only_if(actor.is_coordination(), "privacy-coordination-only")?;
    if !RETAINED.contains(&rule.dataset.as_str()) {
        return Err(ActionError::Refused("retention-dataset-unknown"));
    }
    if Purpose::from_code(&rule.purpose).is_none() {
        return Err(ActionError::Refused("retention-purpose-unknown"));
    }
    if !(1..=1200).contains(&rule.months) {
        return Err(ActionError::Refused("retention-months-invalid"));
    }
    store.write(|session| {
        session.set_retention_rule(rule)?;
        let event = actor.event(
            None,
            AuditAction::RetentionSet,
            format!("{} {}", rule.dataset, rule.purpose),
            serde_json::json!({"months": rule.months}),
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(())
    })
}

/// A change of the disclosure rules: each value given replaces the current one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RulesChange {
    /// The fewest people behind a figure shown.
    pub min_people: Option<u64>,
    /// The fewest members behind a figure shown.
    pub min_members: Option<u64>,
    /// The base figures are rounded to.
    pub round_to: Option<u64>,
}

/// Changes the disclosure rules of pooled figures (months already released keep the rules they
/// were released under); returns the new rules. Refused: `privacy-coordination-only`; fails with
/// `disclosure-rules-invalid` for a value of 0.
pub fn set_disclosure(store: &Store, actor: &Actor, change: RulesChange) -> Result<Rules, ActionError> {
    only_if(actor.is_coordination(), "privacy-coordination-only")?;
    store.write(|session| {
        let current = session.disclosure_rules()?;
        let rules = Rules {
            min_people: change.min_people.unwrap_or(current.min_people),
            min_members: change.min_members.unwrap_or(current.min_members),
            round_to: change.round_to.unwrap_or(current.round_to),
        };
        session.set_disclosure_rules(&rules)?;
        let event = actor.event(
            None,
            AuditAction::DisclosureSet,
            "disclosure-rules".to_string(),
            serde_json::json!({"before": current, "after": rules}),
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(rules)
    })
}
