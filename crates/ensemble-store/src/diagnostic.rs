//! The data diagnostic's records: each member's maturity self-assessments (migration 12).

use chrono::NaiveDate;
use ensemble_model::MemberId;

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
