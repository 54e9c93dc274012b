//! Holds: when a hold is released, the holds behind it at the same presenter on the same date
//! move up one level (the second hold becomes the first, and so on). A member releases only its
//! own holds, read and written through a grant for tour planning.

use chrono::NaiveDate;
use ensemble_model::{Dataset, Engagement, EngagementId, EngagementStatus, MemberId};
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
