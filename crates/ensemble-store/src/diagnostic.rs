//! The data diagnostic's records: each member's maturity self-assessments (migration 12).

use chrono::NaiveDate;
use ensemble_model::{Entity, MemberId};

use crate::{Session, StoreError, Value};

/// A member's level on one dimension of the maturity model, on the day it assessed itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MaturityAnswer {
    /// The member.
    pub member_id: MemberId,
    /// The day of the assessment.
    pub assessed_on: NaiveDate,
    /// The dimension's code in the maturity model.
    pub dimension: String,
    /// The level chosen, from 1.
    pub level: i64,
    /// Who answered (user number), when a person did.
    pub assessed_by: Option<i64>,
}

impl Session<'_> {
    /// The maturity answers of one member, or of every member, oldest first.
    pub fn maturity_answers(&mut self, member: Option<MemberId>) -> Result<Vec<MaturityAnswer>, StoreError> {
        let (filter, params) = match member {
            Some(member) => (" WHERE member_id = ?", vec![Value::Int(member.0)]),
            None => ("", Vec::new()),
        };
        let sql = format!(
            "SELECT member_id, assessed_on, dimension, level, assessed_by FROM maturity_answers{filter} \
             ORDER BY assessed_on, member_id, dimension"
        );
        self.database
            .query(&sql, &params)?
            .iter()
            .map(|row| {
                let assessed_on = crate::value::date(row.get(1)).ok_or_else(|| StoreError::Decode {
                    table: "maturity_answers".to_string(),
                    detail: "assessed_on".to_string(),
                })?;
                Ok(MaturityAnswer {
                    member_id: MemberId(row.int(0)),
                    assessed_on,
                    dimension: row.text(2),
                    level: row.int(3),
                    assessed_by: row.get(4).as_i64(),
                })
            })
            .collect()
    }

    /// Keeps a member's assessment of one day, replacing what it answered earlier that day.
    pub fn put_maturity(&mut self, answers: &[MaturityAnswer]) -> Result<(), StoreError> {
        for answer in answers {
            self.database.execute(
                "DELETE FROM maturity_answers WHERE member_id = ? AND assessed_on = ? AND dimension = ?",
                &[
                    Value::Int(answer.member_id.0),
                    Value::Date(answer.assessed_on),
                    Value::from(answer.dimension.as_str()),
                ],
            )?;
            self.database.execute(
                "INSERT INTO maturity_answers (member_id, assessed_on, dimension, level, assessed_by) VALUES (?, ?, ?, ?, ?)",
                &[
                    Value::Int(answer.member_id.0),
                    Value::Date(answer.assessed_on),
                    Value::from(answer.dimension.as_str()),
                    Value::Int(answer.level),
                    answer.assessed_by.map_or(Value::Null, Value::Int),
                ],
            )?;
        }
        Ok(())
    }
}

/// What Ensemble measures of one kind of record a member holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Measured {
    /// The entity's name (`Show`, `Performance`…).
    pub entity: &'static str,
    /// How many records.
    pub records: u64,
    /// The share of its optional fields that are filled, from 0 to 1 (none when it has none).
    pub completeness: Option<f64>,
    /// When the latest batch (an import, an entry) that brought some of them was made.
    pub updated_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl Session<'_> {
    /// What Ensemble measures of the records `member` holds, entity by entity (those it holds
    /// any of): how many, how complete their optional fields are, and how fresh.
    pub fn measured_inventory(&mut self, member: MemberId) -> Result<Vec<Measured>, StoreError> {
        let bookkeeping = [ensemble_model::Batch::TABLE, ensemble_model::Member::TABLE];
        let mut measured = Vec::new();
        for doc in ensemble_model::entity_docs() {
            if bookkeeping.contains(&doc.table) {
                continue;
            }
            let optional: Vec<&str> = (doc.fields.iter())
                .filter(|field| matches!(field.ty, ensemble_model::doc::TypeDoc::Optional(_)))
                .map(|field| field.name)
                .collect();
            let filled: Vec<String> = optional
                .iter()
                .map(|column| format!("CAST(COUNT({column}) AS BIGINT)"))
                .collect();
            let sql = format!(
                "SELECT CAST(COUNT(*) AS BIGINT){}{} FROM {} WHERE member_id = ?",
                if filled.is_empty() { "" } else { ", " },
                filled.join(", "),
                doc.table
            );
            let rows = self.database.query(&sql, &[Value::Int(member.0)])?;
            let Some(row) = rows.first() else { continue };
            let records = row.int(0);
            if records == 0 {
                continue;
            }
            let filled: i64 = (1..=optional.len()).map(|index| row.int(index)).sum();
            let completeness = (!optional.is_empty()).then(|| filled as f64 / (records as f64 * optional.len() as f64));
            let latest = format!(
                "SELECT MAX(b.created_at) FROM {} t JOIN batches b ON b.id = t.batch_id WHERE t.member_id = ?",
                doc.table
            );
            let updated_at = self
                .database
                .query(&latest, &[Value::Int(member.0)])?
                .first()
                .and_then(|row| crate::value::timestamp(row.get(0)));
            measured.push(Measured {
                entity: doc.name,
                records: records.max(0) as u64,
                completeness,
                updated_at,
            });
        }
        Ok(measured)
    }
}
