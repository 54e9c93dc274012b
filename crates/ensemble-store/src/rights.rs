//! Requests of people exercising their rights (access, portability, rectification, erasure,
//! answered within 30 days) and the register of confidentiality incidents. A request is found by
//! the person's keyed pseudonym, made from the email or phone they give with the same secret as
//! at intake; the identifier itself is never kept.

use chrono::{DateTime, FixedOffset, NaiveDate};
use ensemble_model::{Consent, Entity, MemberId, PersonKey, Purpose, TicketSale};

use crate::value::date;
use crate::{Session, StoreError, Value};

/// Days allowed to answer a request.
pub const DAYS_TO_ANSWER: i64 = 30;

/// A request of a person about their data.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RightsRequest {
    /// Its number.
    pub id: i64,
    /// `access`, `portability`, `rectification` or `erasure`.
    pub kind: String,
    /// The person's pseudonym.
    pub person_key: String,
    /// When it was received.
    pub received_on: NaiveDate,
    /// When the answer is due (30 days later).
    pub due_on: NaiveDate,
    /// `open` or `closed`.
    pub status: String,
    /// Who handled it, by user number.
    pub handled_by: Option<i64>,
    /// When it was closed.
    pub closed_at: Option<DateTime<FixedOffset>>,
    /// What was done (counts, never personal values).
    pub outcome: String,
}

/// What the commons holds about one person, in every member.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct PersonRecords {
    /// Ticket lines bought under the person's pseudonym.
    pub ticket_sales: Vec<TicketSale>,
    /// The person's consents.
    pub consents: Vec<Consent>,
}

impl PersonRecords {
    /// The members that hold something about the person.
    pub fn members(&self) -> Vec<MemberId> {
        let mut members: Vec<MemberId> = self
            .ticket_sales
            .iter()
            .filter_map(|sale| sale.provenance.member_id)
            .chain(self.consents.iter().filter_map(|consent| consent.provenance.member_id))
            .collect();
        members.sort();
        members.dedup();
        members
    }
}

/// A confidentiality incident, with the fields Québec's regulation asks the register to keep.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Incident {
    /// Its number.
    pub id: i64,
    /// The member where it happened (none: the consortium's commons).
    pub member_id: Option<MemberId>,
    /// When it happened (or began), when known.
    pub occurred_on: Option<NaiveDate>,
    /// When it was discovered.
    pub discovered_on: NaiveDate,
    /// What happened.
    pub description: String,
    /// Which personal information it concerns.
    pub information_concerned: String,
    /// How many people it concerns (an estimate when unknown).
    pub people_affected: Option<i64>,
    /// Whether it presents a risk of serious injury.
    pub serious_injury_risk: bool,
    /// The assessment of that risk (sensitivity, consequences, likelihood).
    pub risk_assessment: String,
    /// What was done to reduce the risk and prevent it happening again.
    pub measures_taken: String,
    /// When the Commission d'accès à l'information was notified.
    pub commission_notified_on: Option<NaiveDate>,
    /// When the people concerned were notified.
    pub people_notified_on: Option<NaiveDate>,
    /// Who recorded it, by user number.
    pub recorded_by: Option<i64>,
    /// When it was recorded.
    pub recorded_at: DateTime<FixedOffset>,
}

const REQUEST_COLUMNS: &str = "id, kind, person_key, received_on, due_on, status, handled_by, closed_at, outcome";
const INCIDENT_COLUMNS: &str = "id, member_id, occurred_on, discovered_on, description, information_concerned, \
     people_affected, serious_injury_risk, risk_assessment, measures_taken, commission_notified_on, \
     people_notified_on, recorded_by, recorded_at";

fn unreadable(table: &str, column: &str) -> StoreError {
    StoreError::Decode {
        table: table.to_string(),
        detail: column.to_string(),
    }
}

fn decode_request(row: &crate::Row) -> Result<RightsRequest, StoreError> {
    Ok(RightsRequest {
        id: row.int(0),
        kind: row.text(1),
        person_key: row.text(2),
        received_on: date(row.get(3)).ok_or_else(|| unreadable("rights_requests", "received_on"))?,
        due_on: date(row.get(4)).ok_or_else(|| unreadable("rights_requests", "due_on"))?,
        status: row.text(5),
        handled_by: row.get(6).as_i64(),
        closed_at: crate::value::timestamp(row.get(7)),
        outcome: row.text(8),
    })
}

fn decode_incident(row: &crate::Row) -> Result<Incident, StoreError> {
    Ok(Incident {
        id: row.int(0),
        member_id: row.get(1).as_i64().map(MemberId),
        occurred_on: date(row.get(2)),
        discovered_on: date(row.get(3)).ok_or_else(|| unreadable("incidents", "discovered_on"))?,
        description: row.text(4),
        information_concerned: row.text(5),
        people_affected: row.get(6).as_i64(),
        serious_injury_risk: row.get(7).as_i64().unwrap_or(0) != 0,
        risk_assessment: row.text(8),
        measures_taken: row.text(9),
        commission_notified_on: date(row.get(10)),
        people_notified_on: date(row.get(11)),
        recorded_by: row.get(12).as_i64(),
        recorded_at: crate::value::timestamp(row.get(13)).ok_or_else(|| unreadable("incidents", "recorded_at"))?,
    })
}

fn optional_date(date: Option<NaiveDate>) -> Value {
    date.map_or(Value::Null, Value::Date)
}

impl Session<'_> {
    /// Records a request received on `received_on` (due 30 days later); returns it.
    pub fn insert_rights_request(
        &mut self,
        kind: &str,
        person: &PersonKey,
        received_on: NaiveDate,
    ) -> Result<RightsRequest, StoreError> {
        let id = self
            .database
            .query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM rights_requests", &[])?
            .first()
            .map_or(0, |row| row.int(0))
            + 1;
        let request = RightsRequest {
            id,
            kind: kind.to_string(),
            person_key: person.0.clone(),
            received_on,
            due_on: received_on + chrono::Duration::days(DAYS_TO_ANSWER),
            status: "open".to_string(),
            handled_by: None,
            closed_at: None,
            outcome: String::new(),
        };
        self.database.execute(
            &format!("INSERT INTO rights_requests ({REQUEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            &[
                Value::Int(request.id),
                Value::from(request.kind.as_str()),
                Value::from(request.person_key.as_str()),
                Value::Date(request.received_on),
                Value::Date(request.due_on),
                Value::from(request.status.as_str()),
                Value::Null,
                Value::Null,
                Value::from(""),
            ],
        )?;
        Ok(request)
    }

    /// Every request, the open ones first, then by due date.
    pub fn rights_requests(&mut self) -> Result<Vec<RightsRequest>, StoreError> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM rights_requests ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, due_on, id"
        );
        self.database.query(&sql, &[])?.iter().map(decode_request).collect()
    }

    /// One request.
    pub fn rights_request(&mut self, id: i64) -> Result<Option<RightsRequest>, StoreError> {
        let sql = format!("SELECT {REQUEST_COLUMNS} FROM rights_requests WHERE id = ?");
        self.database
            .query(&sql, &[Value::Int(id)])?
            .first()
            .map(decode_request)
            .transpose()
    }

    /// Closes a request with what was done.
    pub fn close_rights_request(
        &mut self,
        id: i64,
        user: Option<i64>,
        outcome: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        Ok(self.database.execute(
            "UPDATE rights_requests SET status = 'closed', handled_by = ?, closed_at = ?, outcome = ? WHERE id = ?",
            &[
                user.map_or(Value::Null, Value::Int),
                Value::Timestamp(now),
                Value::from(outcome),
                Value::Int(id),
            ],
        )? > 0)
    }

    /// Everything held about a person, in every member.
    pub fn person_records(&mut self, person: &PersonKey) -> Result<PersonRecords, StoreError> {
        let ids = |session: &mut Session<'_>, table: &str, column: &str| -> Result<Vec<i64>, StoreError> {
            let sql = format!("SELECT id FROM {table} WHERE {column} = ? ORDER BY id");
            Ok(session
                .database
                .query(&sql, &[Value::from(person.0.as_str())])?
                .iter()
                .map(|row| row.int(0))
                .collect())
        };
        let sale_ids = ids(self, TicketSale::TABLE, "buyer_key")?;
        let consent_ids = ids(self, Consent::TABLE, "person_key")?;
        let mut sales: Vec<TicketSale> = self.get_many_any::<TicketSale>(&sale_ids)?.into_values().collect();
        sales.sort_by_key(|sale| sale.id);
        let mut consents: Vec<Consent> = self.get_many_any::<Consent>(&consent_ids)?.into_values().collect();
        consents.sort_by_key(|consent| consent.id);
        Ok(PersonRecords {
            ticket_sales: sales,
            consents,
        })
    }

    /// Erases a person: their ticket lines are kept for the members' accounts but no longer point
    /// to them (pseudonym, postal area and age band removed), and their consents are deleted.
    /// Returns (lines unlinked, consents deleted).
    pub fn erase_person(&mut self, person: &PersonKey) -> Result<(u64, u64), StoreError> {
        let unlinked = self.database.execute(
            "UPDATE ticket_sales SET buyer_key = NULL, fsa = NULL, age_band = NULL WHERE buyer_key = ?",
            &[Value::from(person.0.as_str())],
        )?;
        let deleted = self.database.execute(
            "DELETE FROM consents WHERE person_key = ?",
            &[Value::from(person.0.as_str())],
        )?;
        Ok((unlinked, deleted))
    }

    /// Rectifies a person's postal area (FSA) on every line that points to them; returns how many.
    pub fn rectify_person_fsa(&mut self, person: &PersonKey, fsa: &str) -> Result<u64, StoreError> {
        self.database.execute(
            "UPDATE ticket_sales SET fsa = ? WHERE buyer_key = ?",
            &[Value::from(fsa), Value::from(person.0.as_str())],
        )
    }

    /// Records an incident (its id is assigned); returns it.
    pub fn insert_incident(&mut self, incident: &Incident) -> Result<Incident, StoreError> {
        let id = self
            .database
            .query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM incidents", &[])?
            .first()
            .map_or(0, |row| row.int(0))
            + 1;
        let incident = Incident { id, ..incident.clone() };
        self.database.execute(
            &format!("INSERT INTO incidents ({INCIDENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            &[
                Value::Int(incident.id),
                incident.member_id.map_or(Value::Null, |m| Value::Int(m.0)),
                optional_date(incident.occurred_on),
                Value::Date(incident.discovered_on),
                Value::from(incident.description.as_str()),
                Value::from(incident.information_concerned.as_str()),
                incident.people_affected.map_or(Value::Null, Value::Int),
                Value::Bool(incident.serious_injury_risk),
                Value::from(incident.risk_assessment.as_str()),
                Value::from(incident.measures_taken.as_str()),
                optional_date(incident.commission_notified_on),
                optional_date(incident.people_notified_on),
                incident.recorded_by.map_or(Value::Null, Value::Int),
                Value::Timestamp(incident.recorded_at),
            ],
        )?;
        Ok(incident)
    }

    /// The register: every incident (or one member's), the latest discovered first.
    pub fn incidents(&mut self, member: Option<MemberId>) -> Result<Vec<Incident>, StoreError> {
        let (filter, params) = match member {
            Some(member) => (" WHERE member_id = ?", vec![Value::Int(member.0)]),
            None => ("", Vec::new()),
        };
        let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents{filter} ORDER BY discovered_on DESC, id DESC");
        self.database
            .query(&sql, &params)?
            .iter()
            .map(decode_incident)
            .collect()
    }

    /// Withdraws a person's consent for `purpose` in every member (or one) from `at` on; a member
    /// with no consent recorded for that purpose gets a refusal recorded, so that the choice holds
    /// for later imports too. Returns the number of consents changed or recorded.
    pub fn withdraw_consent(
        &mut self,
        person: &PersonKey,
        purpose: Purpose,
        members: &[MemberId],
        at: DateTime<FixedOffset>,
    ) -> Result<u64, StoreError> {
        let mut changed = self.database.execute(
            "UPDATE consents SET withdrawn_at = ? WHERE person_key = ? AND purpose = ? AND withdrawn_at IS NULL",
            &[
                Value::Timestamp(at),
                Value::from(person.0.as_str()),
                Value::from(purpose.code()),
            ],
        )?;
        let recorded = self.person_records(person)?.consents;
        for member in members {
            let known = recorded
                .iter()
                .any(|consent| consent.provenance.member_id == Some(*member) && consent.purpose == purpose);
            if !known {
                let consent = Consent {
                    id: ensemble_model::ConsentId(self.next_id::<Consent>()?),
                    person_key: person.clone(),
                    purpose,
                    granted: false,
                    recorded_at: at,
                    withdrawn_at: Some(at),
                    provenance: ensemble_model::Provenance {
                        member_id: Some(*member),
                        ..Default::default()
                    },
                };
                self.insert(&[consent])?;
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// The people who must be left out of figures pooled for `purpose` at `at`: anyone who refused
    /// or withdrew that consent, at any member, by then (figures pooled before stand).
    pub fn left_out_of_pooling(
        &mut self,
        purpose: Purpose,
        at: DateTime<FixedOffset>,
    ) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let rows = self.database.query(
            "SELECT DISTINCT person_key FROM consents WHERE purpose = ? \
             AND ((granted = ? AND recorded_at <= ?) OR (withdrawn_at IS NOT NULL AND withdrawn_at <= ?))",
            &[
                Value::from(purpose.code()),
                Value::Bool(false),
                Value::Timestamp(at),
                Value::Timestamp(at),
            ],
        )?;
        Ok(rows.iter().map(|row| row.text(0)).collect())
    }
}
