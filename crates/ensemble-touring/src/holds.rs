//! Holds and blocked dates. A hold taken goes behind the member's holds already at that presenter
//! on that date; when a hold is released, the holds behind it move up one level (the second hold
//! becomes the first, and so on). A member takes and releases only its own holds, read through a
//! grant for tour planning, and records availability (the show's blocked dates, a presenter's
//! closure or season window) only for the shows it represents or produces.

use chrono::NaiveDate;
use ensemble_model::{
    Availability, AvailabilityId, AvailabilityKind, Cents, Dataset, DealType, Engagement, EngagementId,
    EngagementStatus, Member, MemberId, OrganizationId, Provenance, Show,
};
use ensemble_store::{ListFilter, Requester, Session, StoreError};

/// A hold that moved up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Promotion {
    /// The engagement.
    pub engagement: EngagementId,
    /// Its new level.
    pub level: u32,
}

/// Releases `member`'s hold `engagement` (it becomes cancelled) and promotes the member's holds
/// behind it at the same presenter on the same date. None when the engagement is not a hold of
/// the member.
pub fn release_hold(
    session: &mut Session<'_>,
    requester: &Requester,
    member: MemberId,
    engagement: i64,
    today: NaiveDate,
) -> Result<Option<Vec<Promotion>>, StoreError> {
    let grant = session.grant(requester, Dataset::Engagements, today)?;
    let Some(mut released) = session
        .granted_get::<Engagement>(&grant, engagement)?
        .filter(|e| e.provenance.member_id == Some(member) && e.status == EngagementStatus::Hold)
    else {
        return Ok(None);
    };
    let level = released.hold_level.unwrap_or(1);
    released.status = EngagementStatus::Cancelled;
    released.hold_level = None;
    session.update(&released)?;
    let mut promoted = Vec::new();
    for mut behind in session.granted::<Engagement>(&grant, member, &ListFilter::default())? {
        let same_slot = behind.presenter_id == released.presenter_id
            && behind.performance_date == released.performance_date
            && behind.status == EngagementStatus::Hold;
        if let Some(old) = behind.hold_level.filter(|old| same_slot && *old > level) {
            behind.hold_level = Some(old - 1);
            session.update(&behind)?;
            promoted.push(Promotion {
                engagement: behind.id,
                level: old - 1,
            });
        }
    }
    Ok(Some(promoted))
}

/// Takes a hold for `member` on `show` at `presenter` on `date`, behind the member's holds
/// already there (level 1 when there is none). The member must represent or produce the show.
#[allow(clippy::too_many_arguments)]
pub fn take_hold(
    session: &mut Session<'_>,
    requester: &Requester,
    member: &Member,
    show: &Show,
    presenter: OrganizationId,
    date: NaiveDate,
    fee: Option<Cents>,
    today: NaiveDate,
) -> Result<Option<Engagement>, StoreError> {
    if show.agency_id != Some(member.organization_id) && !show.producer_ids.contains(&member.organization_id) {
        return Ok(None);
    }
    let grant = session.grant(requester, Dataset::Engagements, today)?;
    let mine: Vec<Engagement> = session.granted(&grant, member.id, &ListFilter::default())?;
    let level = mine
        .iter()
        .filter(|e| e.presenter_id == presenter && e.performance_date == date && e.status == EngagementStatus::Hold)
        .filter_map(|e| e.hold_level)
        .max()
        .unwrap_or(0)
        + 1;
    let hold = Engagement {
        id: EngagementId(session.next_id::<Engagement>()?),
        show_id: show.id,
        presenter_id: presenter,
        hall_id: None,
        tour_id: None,
        performance_date: date,
        status: EngagementStatus::Hold,
        hold_level: Some(level),
        deal_type: DealType::FlatFee,
        fee,
        currency: "CAD".to_string(),
        radius_km: None,
        radius_days: None,
        provenance: Provenance {
            member_id: Some(member.id),
            ..Provenance::default()
        },
    };
    session.insert(std::slice::from_ref(&hold))?;
    Ok(Some(hold))
}

/// Records, as `member`'s availability data, blocked days of `show` (no new date is proposed
/// there; `presenter` none) or, for a presenter, a closure (blackout) or its season window. None
/// when the dates are backwards, the kind and the presenter do not go together, or the member
/// neither represents nor produces the show.
pub fn record_availability(
    session: &mut Session<'_>,
    member: &Member,
    show: &Show,
    (kind, presenter): (AvailabilityKind, Option<OrganizationId>),
    (from, to): (NaiveDate, NaiveDate),
    note: Option<String>,
) -> Result<Option<Availability>, StoreError> {
    // Blocked dates are the show's, or its producing company's (all its shows) when the
    // organisation given is one of the show's producers.
    let fits = match kind {
        AvailabilityKind::Blocked => presenter.is_none_or(|company| show.producer_ids.contains(&company)),
        AvailabilityKind::Blackout | AvailabilityKind::SeasonWindow => presenter.is_some(),
        AvailabilityKind::Confirmed => false,
    };
    if to < from
        || !fits
        || show.agency_id != Some(member.organization_id) && !show.producer_ids.contains(&member.organization_id)
    {
        return Ok(None);
    }
    let blocked = Availability {
        id: AvailabilityId(session.next_id::<Availability>()?),
        show_id: presenter.is_none().then_some(show.id),
        organization_id: presenter,
        kind,
        starts_on: from,
        ends_on: to,
        note,
        provenance: Provenance {
            member_id: Some(member.id),
            ..Provenance::default()
        },
    };
    session.insert(std::slice::from_ref(&blocked))?;
    Ok(Some(blocked))
}
