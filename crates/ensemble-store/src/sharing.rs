//! Sharing agreements and the one gate that private data passes through. A read of private data
//! on behalf of someone starts with [`Session::grant`]: who asks (user, member), for which dataset
//! and purpose; the grant lists the members whose data may be read and at which level (the asking
//! member's own data always in detail; others' only under an agreement in force for that dataset
//! and purpose, with a privacy impact assessment on file when the data leaves Québec), and the
//! access is written to the audit trail. Reads of other members' private data take a [`Grant`],
//! which nothing outside this module can make.

use chrono::{NaiveDate, Utc};
use ensemble_model::{Dataset, MemberId, Purpose, SharingAgreement, SharingLevel};

use crate::{AuditEvent, ListFilter, Session, StoreError, Value};

/// Who asks, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requester {
    /// `web`, `api` or `cli`.
    pub channel: &'static str,
    /// The person, by user number.
    pub user_id: Option<i64>,
    /// Their member (none for the consortium's coordination).
    pub member: Option<MemberId>,
    /// What the data is for.
    pub purpose: Purpose,
}

/// What a requester may read of a dataset: the members whose data, at which level. Made only by
/// [`Session::grant`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    dataset: Dataset,
    purpose: Purpose,
    levels: Vec<(MemberId, SharingLevel)>,
    agreements: Vec<i64>,
}

impl Grant {
    /// The dataset granted.
    pub fn dataset(&self) -> Dataset {
        self.dataset
    }

    /// The purpose it was granted for.
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// The level at which a member's data may be read (`None` level when not at all).
    pub fn level(&self, member: MemberId) -> SharingLevel {
        self.levels
            .iter()
            .find(|(provider, _)| *provider == member)
            .map_or(SharingLevel::None, |(_, level)| *level)
    }

    /// The members whose data may be read at `level` or finer, by number.
    pub fn members_at(&self, level: SharingLevel) -> Vec<MemberId> {
        let rank = |level: SharingLevel| match level {
            SharingLevel::None => 0,
            SharingLevel::Aggregate => 1,
            SharingLevel::Detail => 2,
        };
        let mut members: Vec<MemberId> = self
            .levels
            .iter()
            .filter(|(_, granted)| rank(*granted) >= rank(level) && rank(level) > 0)
            .map(|(member, _)| *member)
            .collect();
        members.sort();
        members
    }

    /// The agreements the grant rests on, by number.
    pub fn agreements(&self) -> &[i64] {
        &self.agreements
    }
}

/// Whether an agreement lets `recipient` read `dataset` for `purpose` on `today`.
pub fn in_force(
    agreement: &SharingAgreement,
    recipient: Option<MemberId>,
    dataset: Dataset,
    purpose: Purpose,
    today: NaiveDate,
) -> bool {
    let to_recipient = match agreement.recipient_member_id {
        None => recipient.is_some(),
        Some(named) => Some(named) == recipient,
    };
    to_recipient && gives(agreement, dataset, purpose, today)
}

/// Whether an agreement gives `dataset` for `purpose` on `today`, to whomever it names.
fn gives(agreement: &SharingAgreement, dataset: Dataset, purpose: Purpose, today: NaiveDate) -> bool {
    agreement.dataset == dataset
        && agreement.purpose == purpose
        && agreement.level != SharingLevel::None
        && agreement.valid_from <= today
        && agreement.valid_until.is_none_or(|until| today <= until)
        && (!agreement.leaves_quebec || agreement.privacy_impact_assessment_on_file)
}

/// The members whose data a pooled figure adds up: those that share a dataset with the whole
/// consortium for pooled statistics, at the aggregate level or finer. The pool is the same
/// whoever asks and whatever agreements they hold themselves, so that two people (or one person
/// asking for two purposes) never get figures over pools that differ by one member. Made only by
/// [`Session::pool`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    dataset: Dataset,
    members: Vec<MemberId>,
    agreements: Vec<i64>,
}

impl Pool {
    /// The dataset pooled.
    pub fn dataset(&self) -> Dataset {
        self.dataset
    }

    /// The members pooled, by number.
    pub fn members(&self) -> &[MemberId] {
        &self.members
    }

    /// The agreements the pool rests on, by number.
    pub fn agreements(&self) -> &[i64] {
        &self.agreements
    }
}

impl Session<'_> {
    /// The agreements a member gives or receives (those addressed to the whole consortium
    /// included), by number.
    pub fn agreements_of(&mut self, member: MemberId) -> Result<Vec<SharingAgreement>, StoreError> {
        let all: Vec<SharingAgreement> = self.list_any(&ListFilter::default())?;
        Ok(all
            .into_iter()
            .filter(|agreement| {
                agreement.provider_id == member
                    || agreement
                        .recipient_member_id
                        .is_none_or(|recipient| recipient == member)
            })
            .collect())
    }

    /// The pool of `dataset` for pooled statistics on `today` (see [`Pool`]).
    pub fn pool(&mut self, dataset: Dataset, today: NaiveDate) -> Result<Pool, StoreError> {
        let all: Vec<SharingAgreement> = self.list_any(&ListFilter::default())?;
        let mut members = Vec::new();
        let mut agreements = Vec::new();
        for agreement in all {
            if agreement.recipient_member_id.is_none() && gives(&agreement, dataset, Purpose::PooledStatistics, today) {
                agreements.push(agreement.id.0);
                members.push(agreement.provider_id);
            }
        }
        members.sort();
        members.dedup();
        Ok(Pool {
            dataset,
            members,
            agreements,
        })
    }

    /// What `requester` may read of `dataset` on `today`, written to the audit trail.
    pub fn grant(&mut self, requester: &Requester, dataset: Dataset, today: NaiveDate) -> Result<Grant, StoreError> {
        let mut levels: Vec<(MemberId, SharingLevel)> = Vec::new();
        let mut agreements = Vec::new();
        if let Some(own) = requester.member {
            levels.push((own, SharingLevel::Detail));
        }
        let all: Vec<SharingAgreement> = self.list_any(&ListFilter::default())?;
        for agreement in all {
            if Some(agreement.provider_id) == requester.member
                || !in_force(&agreement, requester.member, dataset, requester.purpose, today)
            {
                continue;
            }
            agreements.push(agreement.id.0);
            match levels.iter_mut().find(|(member, _)| *member == agreement.provider_id) {
                Some((_, level)) if *level == SharingLevel::Aggregate => *level = agreement.level,
                Some(_) => {}
                None => levels.push((agreement.provider_id, agreement.level)),
            }
        }
        levels.sort_by_key(|(member, _)| *member);
        let grant = Grant {
            dataset,
            purpose: requester.purpose,
            levels,
            agreements,
        };
        let detail = serde_json::json!({
            "dataset": dataset.code(),
            "purpose": requester.purpose.code(),
            "detail": grant.members_at(SharingLevel::Detail).iter().map(|m| m.0).collect::<Vec<_>>(),
            "aggregate": grant.members_at(SharingLevel::Aggregate).iter().map(|m| m.0).collect::<Vec<_>>(),
            "agreements": grant.agreements,
        });
        let event = AuditEvent {
            channel: requester.channel,
            user_id: requester.user_id,
            member_id: requester.member,
            action: crate::AuditAction::DataAccess,
            subject: dataset.code().to_string(),
            detail,
        };
        self.append_audit(&event, Utc::now())?;
        Ok(grant)
    }
}

/// The dataset of agreements that covers an entity's records (none: never shared).
pub fn dataset_of(table: &str) -> Option<Dataset> {
    match table {
        "settlements" => Some(Dataset::Settlements),
        "ticket_sales" => Some(Dataset::TicketAggregates),
        "engagements" | "tours" | "availabilities" => Some(Dataset::Engagements),
        "batches" | "data_assets" | "grants" => Some(Dataset::DataInventory),
        _ => None,
    }
}

impl Session<'_> {
    /// A member's private records of `E` that a grant lets its requester read in detail; none when
    /// the grant is for another dataset or does not reach that member in detail.
    pub fn granted<E: ensemble_model::Entity>(
        &mut self,
        grant: &Grant,
        member: MemberId,
        filter: &ListFilter,
    ) -> Result<Vec<E>, StoreError> {
        if dataset_of(E::TABLE) != Some(grant.dataset()) || grant.level(member) != SharingLevel::Detail {
            return Ok(Vec::new());
        }
        self.list_any(&ListFilter {
            member_id: Some(member),
            ..filter.clone()
        })
    }

    /// One private record of `E`, when a grant lets its requester read its member's data in
    /// detail.
    pub fn granted_get<E: ensemble_model::Entity>(&mut self, grant: &Grant, id: i64) -> Result<Option<E>, StoreError> {
        if dataset_of(E::TABLE) != Some(grant.dataset()) {
            return Ok(None);
        }
        Ok(self.get_any::<E>(id)?.filter(|record| {
            record
                .provenance()
                .member_id
                .is_some_and(|member| grant.level(member) == SharingLevel::Detail)
        }))
    }
}

impl Session<'_> {
    /// A pooled member's records of `E`, for a figure over the pool (none when the pool's dataset
    /// does not cover `E` or the member is not in the pool). What is shown of them goes through
    /// disclosure control.
    pub fn pooled<E: ensemble_model::Entity>(&mut self, pool: &Pool, member: MemberId) -> Result<Vec<E>, StoreError> {
        if dataset_of(E::TABLE) != Some(pool.dataset()) || !pool.members().contains(&member) {
            return Ok(Vec::new());
        }
        self.list_any(&ListFilter {
            member_id: Some(member),
            ..ListFilter::default()
        })
    }
}

impl Session<'_> {
    /// The performances whose settlement, as `member` keeps it, differs from another member's
    /// copy of the same performance, with that member's number. Only the fact of a difference
    /// is given, never the other copy's figures: it is what tells a presenter and a producer
    /// that their records of one performance disagree.
    pub fn differing_settlements(&mut self, member: MemberId) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = self.database.query(
            "SELECT CAST(a.performance_id AS BIGINT), CAST(b.member_id AS BIGINT) \
             FROM settlements a JOIN settlements b ON b.performance_id = a.performance_id \
             WHERE a.member_id = ? AND b.member_id IS NOT NULL AND b.member_id <> a.member_id \
             AND (a.capacity_offered <> b.capacity_offered OR a.paid <> b.paid \
               OR a.complimentary <> b.complimentary OR a.free_admissions <> b.free_admissions \
               OR a.gross <> b.gross OR a.taxes <> b.taxes OR a.fees <> b.fees OR a.net <> b.net \
               OR a.artist_fee <> b.artist_fee) \
             ORDER BY 1, 2",
            &[Value::Int(member.0)],
        )?;
        Ok(rows.iter().map(|row| (row.int(0), row.int(1))).collect())
    }

    /// The number of the settlement `member` keeps for a performance, if it keeps one (at most
    /// one per performance and keeper: a unique index of both backends).
    pub fn kept_settlement(&mut self, performance: i64, member: MemberId) -> Result<Option<i64>, StoreError> {
        let rows = self.database.query(
            "SELECT CAST(id AS BIGINT) FROM settlements WHERE performance_id = ? AND member_id = ?",
            &[Value::Int(performance), Value::Int(member.0)],
        )?;
        Ok(rows.first().map(|row| row.int(0)))
    }
}

impl Session<'_> {
    /// Whether a grant reaches a member's data inventory (its imports, quarantine and holdings)
    /// in detail: the member's own people, and those it shares its inventory with.
    fn reaches_inventory(grant: &Grant, member: MemberId) -> bool {
        grant.dataset() == Dataset::DataInventory && grant.level(member) == SharingLevel::Detail
    }

    /// A member's quarantined rows, when the grant reaches its data inventory (else none).
    pub fn granted_quarantine(
        &mut self,
        grant: &Grant,
        member: MemberId,
        batch: Option<ensemble_model::BatchId>,
        status: Option<&str>,
    ) -> Result<Vec<crate::QuarantineEntry>, StoreError> {
        if !Self::reaches_inventory(grant, member) {
            return Ok(Vec::new());
        }
        self.quarantine_any(member, batch, status)
    }

    /// How many open quarantined rows a member has, when the grant reaches its data inventory.
    pub fn granted_open_quarantine_count(&mut self, grant: &Grant, member: MemberId) -> Result<u64, StoreError> {
        if !Self::reaches_inventory(grant, member) {
            return Ok(0);
        }
        self.open_quarantine_count_any(member)
    }

    /// What a member holds, per table, when the grant reaches its data inventory (else nothing).
    pub fn granted_holdings(
        &mut self,
        grant: &Grant,
        member: MemberId,
    ) -> Result<Vec<(&'static str, u64)>, StoreError> {
        if !Self::reaches_inventory(grant, member) {
            return Ok(Vec::new());
        }
        self.holdings_any(member)
    }
}
