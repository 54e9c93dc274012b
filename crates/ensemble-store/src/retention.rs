//! Retention: how long each kind of personal data is kept, per purpose, counted from the last
//! interaction, and the purge that removes what is past it. A record serving several purposes is
//! kept as long as the longest of their rules.
//!
//! * `buyer-links`: a ticket line's link to its buyer (pseudonym, postal area, age band), counted
//!   from the buyer's last purchase at the member; the sale itself stays in the member's accounts.
//! * `withdrawn-consents`: a withdrawn consent, counted from its withdrawal.
//! * `settled-quarantine`: a quarantined row already replayed or set aside, counted from then.
//!   Open rows are kept until someone handles them.

use chrono::{DateTime, FixedOffset, Months, NaiveDate, TimeZone};

use crate::{Session, StoreError, Value};

/// The kinds of data retention rules apply to.
pub const RETAINED: [&str; 3] = ["buyer-links", "withdrawn-consents", "settled-quarantine"];

/// One rule: keep `dataset` for `purpose` this many months.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RetentionRule {
    /// One of [`RETAINED`].
    pub dataset: String,
    /// A purpose code.
    pub purpose: String,
    /// Months kept after the last interaction.
    pub months: i64,
}

/// What a purge removes (or would remove).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Purge {
    /// The oldest moment kept, per kind of data (none: no rule, nothing removed).
    pub cutoffs: Vec<(String, Option<NaiveDate>)>,
    /// Ticket lines unlinked from their buyer.
    pub buyer_lines: u64,
    /// Buyers (per member) whose lines were unlinked.
    pub buyers: u64,
    /// Withdrawn consents deleted.
    pub consents: u64,
    /// Settled quarantined rows deleted.
    pub quarantine: u64,
}

fn midnight(date: NaiveDate) -> Value {
    FixedOffset::west_opt(5 * 3600)
        .and_then(|offset| {
            offset
                .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
        })
        .map_or(Value::Null, |moment: DateTime<FixedOffset>| Value::Timestamp(moment))
}

impl Session<'_> {
    /// Every rule, by kind of data then purpose.
    pub fn retention_rules(&mut self) -> Result<Vec<RetentionRule>, StoreError> {
        let rows = self.database.query(
            "SELECT dataset, purpose, CAST(months AS BIGINT) FROM retention_rules ORDER BY dataset, purpose",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|row| RetentionRule {
                dataset: row.text(0),
                purpose: row.text(1),
                months: row.int(2),
            })
            .collect())
    }

    /// Sets (or replaces) a rule.
    pub fn set_retention_rule(&mut self, rule: &RetentionRule) -> Result<(), StoreError> {
        self.database.execute(
            "DELETE FROM retention_rules WHERE dataset = ? AND purpose = ?",
            &[Value::from(rule.dataset.as_str()), Value::from(rule.purpose.as_str())],
        )?;
        self.database.execute(
            "INSERT INTO retention_rules (dataset, purpose, months) VALUES (?, ?, ?)",
            &[
                Value::from(rule.dataset.as_str()),
                Value::from(rule.purpose.as_str()),
                Value::Int(rule.months),
            ],
        )?;
        Ok(())
    }

    /// The first day kept for a kind of data on `today`: today minus its longest rule.
    fn cutoff(&mut self, dataset: &str, today: NaiveDate) -> Result<Option<NaiveDate>, StoreError> {
        let longest = self
            .retention_rules()?
            .into_iter()
            .filter(|rule| rule.dataset == dataset)
            .map(|rule| rule.months)
            .max();
        Ok(longest.and_then(|months| today.checked_sub_months(Months::new(u32::try_from(months).ok()?))))
    }

    /// Removes what is past retention on `today` (or, with `dry_run`, only counts it).
    pub fn purge(&mut self, today: NaiveDate, dry_run: bool) -> Result<Purge, StoreError> {
        let mut purge = Purge::default();
        let links = self.cutoff("buyer-links", today)?;
        let consents = self.cutoff("withdrawn-consents", today)?;
        let quarantine = self.cutoff("settled-quarantine", today)?;
        purge.cutoffs = vec![
            ("buyer-links".to_string(), links),
            ("withdrawn-consents".to_string(), consents),
            ("settled-quarantine".to_string(), quarantine),
        ];
        if let Some(cutoff) = links {
            let stale = "(member_id, buyer_key) IN (SELECT member_id, buyer_key FROM ticket_sales \
                 WHERE buyer_key IS NOT NULL GROUP BY member_id, buyer_key HAVING MAX(sold_at) < ?)";
            let counted = self.database.query(
                &format!(
                    "SELECT CAST(COUNT(*) AS BIGINT), CAST(COUNT(DISTINCT CAST(member_id AS TEXT) || ':' || buyer_key) AS BIGINT) \
                     FROM ticket_sales WHERE {stale}"
                ),
                &[midnight(cutoff)],
            )?;
            if let Some(row) = counted.first() {
                purge.buyer_lines = row.int(0) as u64;
                purge.buyers = row.int(1) as u64;
            }
            if !dry_run && purge.buyer_lines > 0 {
                self.database.execute(
                    &format!("UPDATE ticket_sales SET buyer_key = NULL, fsa = NULL, age_band = NULL WHERE {stale}"),
                    &[midnight(cutoff)],
                )?;
            }
        }
        if let Some(cutoff) = consents {
            let condition = "withdrawn_at IS NOT NULL AND withdrawn_at < ?";
            purge.consents = self.count_where("consents", condition, midnight(cutoff))?;
            if !dry_run {
                self.database
                    .execute(&format!("DELETE FROM consents WHERE {condition}"), &[midnight(cutoff)])?;
            }
        }
        if let Some(cutoff) = quarantine {
            let condition = "status <> 'open' AND updated_at < ?";
            purge.quarantine = self.count_where("quarantine", condition, midnight(cutoff))?;
            if !dry_run {
                self.database.execute(
                    &format!("DELETE FROM quarantine WHERE {condition}"),
                    &[midnight(cutoff)],
                )?;
            }
        }
        Ok(purge)
    }

    fn count_where(&mut self, table: &str, condition: &str, value: Value) -> Result<u64, StoreError> {
        let rows = self.database.query(
            &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE {condition}"),
            &[value],
        )?;
        Ok(rows.first().map_or(0, |row| row.int(0)) as u64)
    }
}
