//! What each member publishes as open data (migration 19): a show, from its announcement date;
//! and whose name it may publish with its shows (migration 20): the consents of credited people.

use chrono::NaiveDate;
use ensemble_model::{MemberId, PersonId, ShowId};

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

/// A credited person's consent to a member publishing their name with its shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublicationConsent {
    /// The member who recorded it.
    pub member_id: MemberId,
    /// The person.
    pub person_id: PersonId,
    /// The day it was recorded.
    pub given_on: NaiveDate,
}

impl Session<'_> {
    /// The consents recorded by `member` (every member's with `None`), by member then person.
    pub fn publication_consents(&mut self, member: Option<MemberId>) -> Result<Vec<PublicationConsent>, StoreError> {
        let rows = match member {
            Some(member) => self.database.query(
                "SELECT member_id, person_id, given_on FROM publication_consents WHERE member_id = ? ORDER BY member_id, person_id",
                &[Value::Int(member.0)],
            )?,
            None => self.database.query(
                "SELECT member_id, person_id, given_on FROM publication_consents ORDER BY member_id, person_id",
                &[],
            )?,
        };
        rows.iter()
            .map(|row| {
                Ok(PublicationConsent {
                    member_id: MemberId(row.int(0)),
                    person_id: PersonId(row.int(1)),
                    given_on: crate::diagnostic::decoded(
                        crate::value::date(row.get(2)),
                        "publication_consents",
                        "given_on",
                    )?,
                })
            })
            .collect()
    }

    /// Records a consent (in place of an earlier one).
    pub fn put_publication_consent(&mut self, consent: &PublicationConsent) -> Result<(), StoreError> {
        self.delete_publication_consent(consent.member_id, consent.person_id)?;
        self.database.execute(
            "INSERT INTO publication_consents (member_id, person_id, given_on) VALUES (?, ?, ?)",
            &[
                Value::Int(consent.member_id.0),
                Value::Int(consent.person_id.0),
                Value::Date(consent.given_on),
            ],
        )?;
        Ok(())
    }

    /// Withdraws a consent; `false` when there was none.
    pub fn delete_publication_consent(&mut self, member: MemberId, person: PersonId) -> Result<bool, StoreError> {
        Ok(self.database.execute(
            "DELETE FROM publication_consents WHERE member_id = ? AND person_id = ?",
            &[Value::Int(member.0), Value::Int(person.0)],
        )? > 0)
    }

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
