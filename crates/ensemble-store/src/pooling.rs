//! Pooled figures: tables that add up several members' private data, shown to every member under
//! disclosure control. What makes one safe to show:
//!
//! * It adds up one fixed pool ([`Pool`]): the members that share the dataset with the whole
//!   consortium for pooled statistics. Who asks, and the agreements they hold themselves, change
//!   nothing, so two requests never run over pools that differ by one member.
//! * People who refused or withdrew their consent to pooled statistics, at any member, are left
//!   out, as they stand when the figure is released.
//! * Every figure goes through [`ensemble_privacy::disclosure::protect`] under the consortium's
//!   rules ([`Session::disclosure_rules`]): k distinct people, the members' minimum, what one
//!   contributing member could work out by taking out its own people, secondary suppression and
//!   rounding.
//! * A month is released once, [`RELEASE_DELAY_DAYS`] days after it ends, and kept as released.
//!   Asking again (after a person withdrew, a member joined the pool or the rules changed) gives
//!   the same figures, so two answers never differ by one person or one member; later changes
//!   count in the months released after them.
//!
//! Every release is written to the audit trail (`pooled-release`, with the pool's agreements), and
//! so is every read (`pooled-query`).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use ensemble_model::{Dataset, MemberId, Purpose, SalesChannel, vocab};
use ensemble_privacy::disclosure::{Cell, Released, Rules, Table, protect};
use serde::{Deserialize, Serialize};

use crate::sharing::Pool;
use crate::{AuditEvent, Requester, Session, StoreError, Value};

/// Days after a month ends before its pooled figures are released, so that members have
/// imported its sales.
pub const RELEASE_DELAY_DAYS: i64 = 14;

/// The pooled figure of tickets sold, by discipline (rows) and sales channel (columns).
pub const TICKET_SALES: &str = "ticket-sales";

/// The row of shows whose discipline is not in the vocabulary.
pub const OTHER_DISCIPLINE: &str = "autre";

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
}

impl Month {
    /// A month written `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let month = Month {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
        };
        NaiveDate::from_ymd_opt(month.year, month.month, 1).map(|_| month)
    }

    /// The month a day falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// The month after.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                month: self.month + 1,
                ..self
            }
        }
    }

    /// The month before.
    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                month: self.month - 1,
                ..self
            }
        }
    }

    /// The day its pooled figures are released.
    pub fn released_on(self) -> NaiveDate {
        self.next().first_day() + Duration::days(RELEASE_DELAY_DAYS)
    }

    /// The latest month released on `today`.
    pub fn latest_released(today: NaiveDate) -> Month {
        let mut month = Month::of(today);
        while month.released_on() > today {
            month = month.previous();
        }
        month
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A pooled table as released: what every member sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PooledRelease {
    /// Which figure ([`TICKET_SALES`]).
    pub figure: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// When it was computed.
    pub released_at: DateTime<FixedOffset>,
    /// The rules it was protected under.
    pub rules: Rules,
    /// How many members the pool had.
    pub pool_members: u64,
    /// The agreements the pool rested on, by number.
    pub agreements: Vec<i64>,
    /// Row codes: top disciplines, then [`OTHER_DISCIPLINE`].
    pub rows: Vec<String>,
    /// Column codes: sales channels.
    pub columns: Vec<String>,
    /// The figures, hidden where the rules say.
    pub figures: Released,
}

/// What one figure adds up before protection.
#[derive(Default)]
struct Tally {
    value: u64,
    members: BTreeSet<MemberId>,
    /// Each person counted, with the members they bought from.
    people: HashMap<String, BTreeSet<MemberId>>,
}

impl Tally {
    fn add(&mut self, member: MemberId, buyer: Option<&str>, quantity: u64) {
        self.value += quantity;
        self.members.insert(member);
        if let Some(buyer) = buyer {
            self.people.entry(buyer.to_string()).or_default().insert(member);
        }
    }

    fn cell(&self) -> Cell {
        let people = self.people.len() as u64;
        // What a contributing member cannot see: the people who also bought from another member.
        let others = self
            .members
            .iter()
            .map(|member| {
                let only_theirs = self
                    .people
                    .values()
                    .filter(|sellers| sellers.len() == 1 && sellers.contains(member))
                    .count() as u64;
                people - only_theirs
            })
            .min()
            .unwrap_or(0);
        Cell {
            value: self.value,
            people,
            members: self.members.len() as u64,
            others,
        }
    }
}

/// Midnight in Québec on `day`, as a moment.
pub(crate) fn quebec_midnight(day: NaiveDate) -> Value {
    chrono_tz::America::Toronto
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map_or(Value::Null, |moment| Value::Timestamp(moment.fixed_offset()))
}

impl Session<'_> {
    /// The consortium's disclosure rules.
    pub fn disclosure_rules(&mut self) -> Result<Rules, StoreError> {
        let rows = self.database.query(
            "SELECT CAST(min_people AS BIGINT), CAST(min_members AS BIGINT), CAST(round_to AS BIGINT) \
             FROM disclosure_rules WHERE id = 1",
            &[],
        )?;
        Ok(rows.first().map_or_else(Rules::default, |row| Rules {
            min_people: row.int(0).max(1) as u64,
            min_members: row.int(1).max(1) as u64,
            round_to: row.int(2).max(1) as u64,
        }))
    }

    /// Changes the consortium's disclosure rules; figures already released keep theirs.
    pub fn set_disclosure_rules(&mut self, rules: &Rules) -> Result<(), StoreError> {
        if rules.min_people == 0 || rules.min_members == 0 || rules.round_to == 0 {
            return Err(StoreError::InvalidRules);
        }
        let as_int = |value: u64| Value::Int(i64::try_from(value).unwrap_or(i64::MAX));
        self.database.execute("DELETE FROM disclosure_rules", &[])?;
        self.database.execute(
            "INSERT INTO disclosure_rules (id, min_people, min_members, round_to) VALUES (1, ?, ?, ?)",
            &[
                as_int(rules.min_people),
                as_int(rules.min_members),
                as_int(rules.round_to),
            ],
        )?;
        Ok(())
    }

    /// Tickets sold in a month across the pool, by discipline and sales channel, as released
    /// (released now if it is the first time anyone asks), on behalf of `requester`.
    pub fn pooled_ticket_sales(
        &mut self,
        requester: &Requester,
        month: Month,
        now: DateTime<Utc>,
    ) -> Result<PooledRelease, StoreError> {
        let today = now.with_timezone(&chrono_tz::America::Toronto).date_naive();
        if month.released_on() > today {
            return Err(StoreError::NotReleased(month.to_string()));
        }
        let release = match self.stored_release(TICKET_SALES, month)? {
            Some(release) => release,
            None => {
                let pool = self.pool(Dataset::TicketAggregates, today)?;
                let release = self.release_ticket_sales(&pool, month, now)?;
                self.store_release(&release)?;
                let event = AuditEvent {
                    channel: requester.channel,
                    user_id: requester.user_id,
                    member_id: requester.member,
                    action: crate::AuditAction::PooledRelease,
                    subject: format!("{TICKET_SALES} {month}"),
                    detail: serde_json::json!({
                        "pool": pool.members().iter().map(|m| m.0).collect::<Vec<_>>(),
                        "agreements": pool.agreements(),
                        "rules": release.rules,
                    }),
                };
                self.append_audit(&event, now)?;
                release
            }
        };
        let event = AuditEvent {
            channel: requester.channel,
            user_id: requester.user_id,
            member_id: requester.member,
            action: crate::AuditAction::PooledQuery,
            subject: format!("{TICKET_SALES} {month}"),
            detail: serde_json::json!({
                "purpose": Purpose::PooledStatistics.code(),
                "agreements": release.agreements,
            }),
        };
        self.append_audit(&event, now)?;
        Ok(release)
    }

    /// The months released on `today` in which the pool of ticket aggregates sold tickets, the
    /// latest first: the months worth asking for.
    pub fn pooled_months(&mut self, today: NaiveDate) -> Result<Vec<Month>, StoreError> {
        let pool = self.pool(Dataset::TicketAggregates, today)?;
        if pool.members().is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; pool.members().len()].join(", ");
        let mut params = vec![quebec_midnight(Month::latest_released(today).next().first_day())];
        params.extend(pool.members().iter().map(|member| Value::Int(member.0)));
        let rows = self.database.query(
            &format!(
                "SELECT p.starts_at FROM performances p WHERE p.starts_at < ? AND EXISTS \
                 (SELECT 1 FROM ticket_sales t WHERE t.performance_id = p.id AND t.member_id IN ({marks}))"
            ),
            &params,
        )?;
        let months: BTreeSet<Month> = rows
            .iter()
            .filter_map(|row| crate::value::timestamp(row.get(0)))
            .map(|moment| Month::of(moment.with_timezone(&chrono_tz::America::Toronto).date_naive()))
            .collect();
        Ok(months.into_iter().rev().collect())
    }

    fn stored_release(&mut self, figure: &str, month: Month) -> Result<Option<PooledRelease>, StoreError> {
        self.stored_content(figure, &month.to_string())
    }

    fn store_release(&mut self, release: &PooledRelease) -> Result<(), StoreError> {
        self.store_content(&release.figure, &release.month, release.released_at, release)
    }

    /// A figure's release for a period, as stored (every pooled figure is kept so, once).
    pub(crate) fn stored_content<T: serde::de::DeserializeOwned>(
        &mut self,
        figure: &str,
        period: &str,
    ) -> Result<Option<T>, StoreError> {
        let rows = self.database.query(
            "SELECT content FROM pooled_releases WHERE figure = ? AND period = ?",
            &[Value::from(figure), Value::from(period)],
        )?;
        rows.first()
            .map(|row| {
                serde_json::from_str(&row.text(0)).map_err(|error| StoreError::Decode {
                    table: "pooled_releases".to_string(),
                    detail: error.to_string(),
                })
            })
            .transpose()
    }

    /// Keeps a figure's release for a period.
    pub(crate) fn store_content<T: Serialize>(
        &mut self,
        figure: &str,
        period: &str,
        released_at: DateTime<FixedOffset>,
        content: &T,
    ) -> Result<(), StoreError> {
        let id = self
            .database
            .query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM pooled_releases", &[])?
            .first()
            .map_or(0, |row| row.int(0))
            + 1;
        let content = serde_json::to_string(content).map_err(|error| StoreError::Sql(error.to_string()))?;
        self.database.execute(
            "INSERT INTO pooled_releases (id, figure, period, released_at, content) VALUES (?, ?, ?, ?, ?)",
            &[
                Value::Int(id),
                Value::from(figure),
                Value::from(period),
                Value::Timestamp(released_at),
                Value::Text(content),
            ],
        )?;
        Ok(())
    }

    /// Computes the ticket-sales table of a month over a pool, protected under today's rules.
    fn release_ticket_sales(
        &mut self,
        pool: &Pool,
        month: Month,
        now: DateTime<Utc>,
    ) -> Result<PooledRelease, StoreError> {
        let rules = self.disclosure_rules()?;
        let disciplines = vocab::vocabulary("disciplines-asq");
        let mut rows: Vec<String> = disciplines
            .map(|vocabulary| vocabulary.top_terms().iter().map(|term| term.code.clone()).collect())
            .unwrap_or_default();
        rows.push(OTHER_DISCIPLINE.to_string());
        let columns: Vec<String> = SalesChannel::ALL
            .iter()
            .map(|channel| channel.code().to_string())
            .collect();
        let mut cells: Vec<Vec<Tally>> = rows
            .iter()
            .map(|_| columns.iter().map(|_| Tally::default()).collect())
            .collect();
        let mut row_totals: Vec<Tally> = rows.iter().map(|_| Tally::default()).collect();
        let mut column_totals: Vec<Tally> = columns.iter().map(|_| Tally::default()).collect();
        let mut total = Tally::default();
        if !pool.members().is_empty() {
            let left_out = self.left_out_of_pooling(Purpose::PooledStatistics, now.fixed_offset())?;
            let marks = vec!["?"; pool.members().len()].join(", ");
            let mut params = vec![
                quebec_midnight(month.first_day()),
                quebec_midnight(month.next().first_day()),
            ];
            params.extend(pool.members().iter().map(|member| Value::Int(member.0)));
            let lines = self.database.query(
                &format!(
                    "SELECT CAST(t.member_id AS BIGINT), CAST(s.disciplines AS TEXT), t.channel, t.buyer_key, \
                     CAST(t.quantity AS BIGINT) \
                     FROM ticket_sales t JOIN performances p ON p.id = t.performance_id \
                     JOIN shows s ON s.id = p.show_id \
                     WHERE p.starts_at >= ? AND p.starts_at < ? AND t.member_id IN ({marks})"
                ),
                &params,
            )?;
            let mut row_of: HashMap<String, usize> = HashMap::new();
            for line in &lines {
                let buyer = line.get(3).as_str();
                if buyer.is_some_and(|buyer| left_out.contains(buyer)) {
                    continue;
                }
                let member = MemberId(line.int(0));
                let codes = line.text(1);
                let row = *row_of.entry(codes.clone()).or_insert_with(|| {
                    let first: Option<String> = serde_json::from_str::<Vec<String>>(&codes)
                        .ok()
                        .and_then(|codes| codes.into_iter().next());
                    let top = first
                        .as_deref()
                        .and_then(|code| disciplines.and_then(|vocabulary| vocabulary.top_of(code)))
                        .map_or(OTHER_DISCIPLINE, |term| term.code.as_str());
                    rows.iter().position(|row| row == top).unwrap_or(rows.len() - 1)
                });
                let channel = line.text(2);
                let Some(column) = columns.iter().position(|code| *code == channel) else {
                    continue;
                };
                let quantity = line.int(4).max(0) as u64;
                cells[row][column].add(member, buyer, quantity);
                row_totals[row].add(member, buyer, quantity);
                column_totals[column].add(member, buyer, quantity);
                total.add(member, buyer, quantity);
            }
        }
        let table = Table {
            cells: cells.iter().map(|row| row.iter().map(Tally::cell).collect()).collect(),
            row_totals: row_totals.iter().map(Tally::cell).collect(),
            column_totals: column_totals.iter().map(Tally::cell).collect(),
            total: total.cell(),
        };
        let released_at = chrono::Utc
            .timestamp_opt(now.timestamp(), 0)
            .single()
            .unwrap_or(now)
            .fixed_offset();
        Ok(PooledRelease {
            figure: TICKET_SALES.to_string(),
            month: month.to_string(),
            released_at,
            rules,
            pool_members: pool.members().len() as u64,
            agreements: pool.agreements().to_vec(),
            rows,
            columns,
            figures: protect(&table, &rules),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_are_released_two_weeks_after_they_end() {
        let october = Month::parse("2026-10").unwrap();
        assert_eq!(october.to_string(), "2026-10");
        assert_eq!(october.released_on(), NaiveDate::from_ymd_opt(2026, 11, 15).unwrap());
        assert_eq!(Month::parse("2026-12").unwrap().next().to_string(), "2027-01");
        assert_eq!(Month::parse("2027-01").unwrap().previous().to_string(), "2026-12");
        for wrong in ["2026-13", "2026-1", "26-10", "2026/10", "", "2026-00"] {
            assert_eq!(Month::parse(wrong), None, "{wrong}");
        }
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert_eq!(Month::latest_released(day(14)).to_string(), "2026-09");
        assert_eq!(Month::latest_released(day(15)).to_string(), "2026-10");
    }

    #[test]
    fn a_member_cannot_see_more_than_the_others_it_does_not_know() {
        let mut tally = Tally::default();
        for person in 0..12 {
            tally.add(MemberId(1), Some(&format!("a{person}")), 1);
        }
        tally.add(MemberId(2), Some("b0"), 1);
        tally.add(MemberId(2), Some("a0"), 1);
        let cell = tally.cell();
        assert_eq!((cell.value, cell.people, cell.members), (14, 13, 2));
        // Member 1 knows 12 of them; one bought only from member 2 and one from both: 2 others.
        assert_eq!(cell.others, 2);
    }
}
