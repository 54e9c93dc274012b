//! A member's tour planning data: holds taken and released on presenters' dates, and the dates a
//! show (or its company) cannot play or a presenter is closed. The rules of holds live in
//! `ensemble_touring::holds`; here they are taken by an actor, on the consortium's today, with
//! their audit entry.

use chrono::NaiveDate;
use ensemble_model::{
    Availability, AvailabilityKind, Cents, Engagement, Member, Organization, OrganizationId, Purpose, Show,
};
use ensemble_store::{AuditAction, ListFilter, Session, Store};
use ensemble_touring::holds::{self, Promotion};

use crate::{ActionError, Actor, only_if, typed};

/// The show of that short code.
fn show_of(session: &mut Session<'_>, slug: &str) -> Result<Show, ActionError> {
    session
        .list::<Show>(&ListFilter::default())?
        .into_iter()
        .find(|show| show.slug == slug)
        .ok_or(ActionError::Refused("hold-show-unknown"))
}

fn presenter_exists(session: &mut Session<'_>, presenter: OrganizationId) -> Result<(), ActionError> {
    match session.get::<Organization>(presenter.0)? {
        Some(_) => Ok(()),
        None => Err(ActionError::Refused("tour-presenter-unknown")),
    }
}

/// Takes a hold for the show `show` at `presenter` on `date`, behind `member`'s holds already
/// there, with its `hold-taken` audit entry. Refused: `tour-not-yours`, `hold-show-unknown`,
/// `tour-presenter-unknown`, `hold-not-yours` (the member neither represents nor produces the show).
pub fn take_hold(
    store: &Store,
    actor: &Actor,
    member: &Member,
    show: &str,
    presenter: OrganizationId,
    date: NaiveDate,
    fee: Option<Cents>,
) -> Result<Engagement, ActionError> {
    only_if(actor.administers(member), "tour-not-yours")?;
    let asking = actor.requester(Purpose::Touring);
    store.write(|session| {
        let show = show_of(session, show)?;
        presenter_exists(session, presenter)?;
        let fee = fee.filter(|cents| cents.0 > 0);
        let hold = holds::take_hold(
            session,
            &asking,
            member,
            &show,
            presenter,
            date,
            fee,
            actor.clock.today(),
        )?
        .ok_or(ActionError::Refused("hold-not-yours"))?;
        let detail = serde_json::json!({ "presenter": presenter.0, "date": date, "level": hold.hold_level });
        let event = actor.event(
            Some(member.id),
            AuditAction::HoldTaken,
            format!("engagement {}", hold.id.0),
            detail,
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(hold)
    })
}

/// Releases one of `member`'s holds; the holds behind it at the same presenter and date move up.
/// With its `hold-released` audit entry. Refused: `tour-not-yours`, `hold-unknown`.
pub fn release_hold(
    store: &Store,
    actor: &Actor,
    member: &Member,
    engagement: i64,
) -> Result<Vec<Promotion>, ActionError> {
    only_if(actor.administers(member), "tour-not-yours")?;
    let asking = actor.requester(Purpose::Touring);
    store.write(|session| {
        let promoted = holds::release_hold(session, &asking, member.id, engagement, actor.clock.today())?
            .ok_or(ActionError::Refused("hold-unknown"))?;
        let detail = serde_json::json!({ "promoted": promoted });
        let event = actor.event(
            Some(member.id),
            AuditAction::HoldReleased,
            format!("engagement {engagement}"),
            detail,
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok(promoted)
    })
}

/// Dates to record for a show.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAvailability {
    /// The show's short code.
    pub show: String,
    /// Blocked days of the show, or a presenter's closure or season window.
    pub kind: AvailabilityKind,
    /// The presenter, for a closure or a season window.
    pub presenter: Option<OrganizationId>,
    /// Blocked days of the show's producing company (all its shows), not of the show alone.
    pub company: bool,
    /// The first day.
    pub from: NaiveDate,
    /// The last day, included.
    pub to: NaiveDate,
    /// A note, at most 200 characters.
    pub note: Option<String>,
}

/// Records dates as `member`'s availability data, with its `availability-recorded` audit entry.
/// Refused: `tour-not-yours`, `hold-show-unknown`, `tour-presenter-unknown`,
/// `text-invalid` (a note over 200 characters), `availability-invalid` (backwards dates, a kind and a presenter that do not go together, a
/// company block for a show without producer, or a show the member neither represents nor
/// produces).
pub fn record_availability(
    store: &Store,
    actor: &Actor,
    member: &Member,
    new: &NewAvailability,
) -> Result<Availability, ActionError> {
    only_if(actor.administers(member), "tour-not-yours")?;
    if new.to < new.from || (new.kind == AvailabilityKind::Blocked) != new.presenter.is_none() {
        return Err(ActionError::Refused("availability-invalid"));
    }
    let note = Some(typed(new.note.as_deref().unwrap_or_default(), 200, false)?).filter(|note| !note.is_empty());
    store.write(|session| {
        let show = show_of(session, &new.show)?;
        // A company's blocked dates are entered for the show's first producer, and shut all its
        // shows.
        let presenter = match (new.company, show.producer_ids.first()) {
            (false, _) => new.presenter,
            (true, Some(producer)) => Some(*producer),
            (true, None) => return Err(ActionError::Refused("availability-invalid")),
        };
        if let Some(presenter) = presenter {
            presenter_exists(session, presenter)?;
        }
        let blocked =
            holds::record_availability(session, member, &show, (new.kind, presenter), (new.from, new.to), note)?
                .ok_or(ActionError::Refused("availability-invalid"))?;
        let detail = serde_json::json!({
            "show": show.slug,
            "kind": new.kind.code(),
            "presenter": presenter.map(|p| p.0),
            "from": new.from,
            "to": new.to,
        });
        let event = actor.event(
            Some(member.id),
            AuditAction::AvailabilityRecorded,
            format!("availability {}", blocked.id.0),
            detail,
        );
        session.append_audit(&event, actor.clock.now())?;
        Ok::<_, ActionError>(blocked)
    })
}
