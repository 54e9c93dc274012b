//! A member's own ticket lines, as its audience insights read them: the few fields they need
//! (buyer's pseudonym and FSA, channel, unit price, quantity, when sold, the performance and when
//! it starts), for the performances of a period, read in one query rather than as whole records.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset};
use ensemble_model::{MemberId, ShowId};

use crate::{Session, StoreError, Value};

/// A ticket line as audience insights read it.
#[derive(Debug, Clone, PartialEq)]
pub struct AudienceLine {
    /// The buyer's pseudonym, when known.
    pub buyer: Option<String>,
    /// The buyer's FSA, when known.
    pub fsa: Option<String>,
    /// The sales channel's code.
    pub channel: String,
    /// The unit price, in cents.
    pub price: i64,
    /// How many tickets.
    pub quantity: i64,
    /// When it was sold.
    pub sold_at: Option<DateTime<FixedOffset>>,
    /// The performance.
    pub performance: i64,
    /// When the performance starts.
    pub starts_at: Option<DateTime<FixedOffset>>,
}

impl Session<'_> {
    /// `member`'s ticket lines for the performances that start in `[from, to)` (of `show` only,
    /// when given).
    pub fn audience_lines(
        &mut self,
        member: MemberId,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
        show: Option<ShowId>,
    ) -> Result<Vec<AudienceLine>, StoreError> {
        let mut params = vec![Value::Int(member.0), Value::Timestamp(from), Value::Timestamp(to)];
        let only_show = match show {
            Some(show) => {
                params.push(Value::Int(show.0));
                " AND p.show_id = ?"
            }
            None => "",
        };
        let rows = self.database.query(
            &format!(
                "SELECT t.buyer_key, t.fsa, t.channel, CAST(t.price AS BIGINT), CAST(t.quantity AS BIGINT), \
                 t.sold_at, CAST(p.id AS BIGINT), p.starts_at \
                 FROM ticket_sales t JOIN performances p ON p.id = t.performance_id \
                 WHERE t.member_id = ? AND p.starts_at >= ? AND p.starts_at < ?{only_show}"
            ),
            &params,
        )?;
        Ok(rows
            .iter()
            .map(|row| AudienceLine {
                buyer: row.get(0).as_str().map(str::to_string),
                fsa: row.get(1).as_str().map(str::to_string),
                channel: row.text(2),
                price: row.int(3),
                quantity: row.int(4),
                sold_at: crate::value::timestamp(row.get(5)),
                performance: row.int(6),
                starts_at: crate::value::timestamp(row.get(7)),
            })
            .collect())
    }

    /// The buyers who bought from `member` for a performance that started before `before`: the
    /// ones a season's buyers return from.
    pub fn earlier_buyers(
        &mut self,
        member: MemberId,
        before: DateTime<FixedOffset>,
    ) -> Result<BTreeSet<String>, StoreError> {
        let rows = self.database.query(
            "SELECT DISTINCT t.buyer_key FROM ticket_sales t JOIN performances p ON p.id = t.performance_id \
             WHERE t.member_id = ? AND p.starts_at < ? AND t.buyer_key IS NOT NULL",
            &[Value::Int(member.0), Value::Timestamp(before)],
        )?;
        Ok(rows
            .iter()
            .filter_map(|row| row.get(0).as_str().map(str::to_string))
            .collect())
    }
}

impl Session<'_> {
    /// The moments at which `member`'s performances with ticket lines start, one per performance:
    /// the seasons its audience can be read for.
    pub fn audience_starts(&mut self, member: MemberId) -> Result<Vec<DateTime<FixedOffset>>, StoreError> {
        let rows = self.database.query(
            "SELECT p.starts_at FROM performances p WHERE EXISTS \
             (SELECT 1 FROM ticket_sales t WHERE t.performance_id = p.id AND t.member_id = ?)",
            &[Value::Int(member.0)],
        )?;
        Ok(rows
            .iter()
            .filter_map(|row| crate::value::timestamp(row.get(0)))
            .collect())
    }
}
