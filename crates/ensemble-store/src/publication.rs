//! What each member publishes as open data (migration 19): a show, from its announcement date.

use chrono::NaiveDate;
use ensemble_model::{MemberId, ShowId};

use crate::{Session, StoreError, Value};

/// A show a member publishes, from a date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublishedShow {
    /// The member.
    pub member_id: MemberId,
    /// The show.
    pub show_id: ShowId,
    /// Nothing of it is published before this day.
    pub announced_on: NaiveDate,
}

impl Session<'_> {
    /// The shows published by `member` (every member's with `None`), by member then show.
    pub fn published_shows(&mut self, member: Option<MemberId>) -> Result<Vec<PublishedShow>, StoreError> {
        let rows = match member {
            Some(member) => self.database.query(
                "SELECT member_id, show_id, announced_on FROM published_shows WHERE member_id = ? ORDER BY member_id, show_id",
                &[Value::Int(member.0)],
            )?,
            None => self.database.query(
                "SELECT member_id, show_id, announced_on FROM published_shows ORDER BY member_id, show_id",
                &[],
            )?,
        };
        rows.iter()
            .map(|row| {
                Ok(PublishedShow {
                    member_id: MemberId(row.int(0)),
                    show_id: ShowId(row.int(1)),
                    announced_on: crate::diagnostic::decoded(
                        crate::value::date(row.get(2)),
                        "published_shows",
                        "announced_on",
                    )?,
                })
            })
            .collect()
    }

    /// Publishes a show for a member from a date (in place of an earlier date).
    pub fn put_published_show(&mut self, published: &PublishedShow) -> Result<(), StoreError> {
        self.delete_published_show(published.member_id, published.show_id)?;
        self.database.execute(
            "INSERT INTO published_shows (member_id, show_id, announced_on) VALUES (?, ?, ?)",
            &[
                Value::Int(published.member_id.0),
                Value::Int(published.show_id.0),
                Value::Date(published.announced_on),
            ],
        )?;
        Ok(())
    }

    /// Stops publishing a show for a member; `false` when it was not published.
    pub fn delete_published_show(&mut self, member: MemberId, show: ShowId) -> Result<bool, StoreError> {
        Ok(self.database.execute(
            "DELETE FROM published_shows WHERE member_id = ? AND show_id = ?",
            &[Value::Int(member.0), Value::Int(show.0)],
        )? > 0)
    }
}
