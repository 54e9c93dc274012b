//! Entering or correcting the box-office settlement of a performance. Only the performance's
//! presenter keeps the presenter's copy: its administrators enter and correct it; the
//! coordination and other members have no write there. A member keeps at most one settlement per
//! performance (a unique index of both backends), so a second entry corrects the first.

use ensemble_model::{Cents, DealType, Member, Performance, Provenance, Role, Settlement, SettlementId, Validate};

use ensemble_store::AuditAction;

use crate::{ActionError, Actor, only_if};

/// What a person types for one performance's settlement.
#[derive(Debug, Clone, PartialEq)]
pub struct SettlementInput {
    /// The performance, by number.
    pub performance: i64,
    /// Seats offered.
    pub capacity_offered: u32,
    /// Paid tickets.
    pub paid: u32,
    /// Complimentary tickets.
    pub complimentary: u32,
    /// Free admissions.
    pub free_admissions: u32,
    /// Gross box office, taxes included.
    pub gross: Cents,
    /// Taxes.
    pub taxes: Cents,
    /// Ticketing fees.
    pub fees: Cents,
    /// The artist's fee paid.
    pub artist_fee: Cents,
    /// The deal, when known.
    pub deal_type: Option<DealType>,
    /// The artist's share of the net box office, in percent.
    pub artist_share_percent: Option<u32>,
}

/// What entering did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entered {
    /// A first settlement for the performance.
    Created(SettlementId),
    /// The member's settlement for the performance, corrected.
    Corrected(SettlementId),
}

/// Enters or corrects `member`'s settlement of a performance it presented, with its audit entry
/// (`settlement-create` or `settlement-update`), in one transaction.
///
/// Refused: `settlement-coordination-read-only` for the coordination (it reads pooled figures,
/// never writes a presenter's copy), `settlement-not-yours` for anyone else who is not one of the
/// member's administrators or when the member did not present the performance.
pub fn enter(
    store: &ensemble_store::Store,
    actor: &Actor,
    member: &Member,
    input: &SettlementInput,
) -> Result<Entered, ActionError> {
    only_if(
        actor.is_operator() || actor.member.is_some(),
        "settlement-coordination-read-only",
    )?;
    only_if(
        actor.is_operator() || actor.is_of(member, Role::MemberAdmin),
        "settlement-not-yours",
    )?;
    store.write(|session| {
        let performance = session
            .get::<Performance>(input.performance)?
            .filter(|p| p.presenter_id == member.organization_id)
            .ok_or(ActionError::Refused("settlement-not-yours"))?;
        // A correction keeps where the copy came from (an import's batch and row).
        let kept = match session.kept_settlement(performance.id.0, member.id)? {
            Some(id) => session.get_any::<Settlement>(id)?,
            None => None,
        };
        let settlement = Settlement {
            id: match &kept {
                Some(kept) => kept.id,
                None => SettlementId(session.next_id::<Settlement>()?),
            },
            performance_id: performance.id,
            capacity_offered: input.capacity_offered,
            paid: input.paid,
            complimentary: input.complimentary,
            free_admissions: input.free_admissions,
            gross: input.gross,
            taxes: input.taxes,
            fees: input.fees,
            net: Settlement::net_of(input.gross, input.taxes, input.fees),
            artist_fee: input.artist_fee,
            currency: "CAD".to_string(),
            deal_type: input.deal_type,
            artist_share_percent: input.artist_share_percent,
            provenance: match &kept {
                Some(kept) => kept.provenance.clone(),
                None => Provenance {
                    member_id: Some(member.id),
                    ..Default::default()
                },
            },
        };
        let problems = settlement.validate();
        if !problems.is_empty() {
            return Err(ActionError::Invalid(problems));
        }
        let (entered, action) = match kept {
            Some(_) => {
                session.update(&settlement)?;
                (Entered::Corrected(settlement.id), AuditAction::SettlementUpdate)
            }
            None => {
                session.insert(std::slice::from_ref(&settlement))?;
                (Entered::Created(settlement.id), AuditAction::SettlementCreate)
            }
        };
        session.append_audit(
            &actor.event(
                Some(member.id),
                action,
                format!("settlement {}", settlement.id.0),
                serde_json::json!({"performance": performance.id.0}),
            ),
            actor.clock.now(),
        )?;
        Ok(entered)
    })
}
