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

/// What a member does at one link of the value chain, the issues it meets there, the data it
/// produces or uses and the systems holding them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainActivity {
    /// The member.
    pub member_id: MemberId,
    /// The link's code (`creation`, `production`, `presenting`…).
    pub activity: String,
    /// The issues met.
    pub issues: String,
    /// The data produced or used.
    pub data: String,
    /// The systems holding them.
    pub systems: String,
    /// When it was last described.
    pub updated_on: NaiveDate,
}

/// Who sends what to whom, and how: a member to another, or to a partner outside.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainExchange {
    /// Its number.
    pub id: i64,
    /// The member that sends.
    pub from_member: MemberId,
    /// The member that receives, when it is one.
    pub to_member: Option<MemberId>,
    /// The partner outside the consortium that receives, otherwise.
    pub partner: Option<String>,
    /// What is sent.
    pub what: String,
    /// How (`email`, `spreadsheet`, `platform`, `paper`, `meeting`).
    pub how: String,
    /// When it was noted.
    pub created_on: NaiveDate,
}

impl Session<'_> {
    /// The described activities of one member, or of every member.
    pub fn chain_activities(&mut self, member: Option<MemberId>) -> Result<Vec<ChainActivity>, StoreError> {
        let (filter, params) = match member {
            Some(member) => (" WHERE member_id = ?", vec![Value::Int(member.0)]),
            None => ("", Vec::new()),
        };
        let sql = format!(
            "SELECT member_id, activity, issues, data, systems, updated_on FROM chain_activities{filter} ORDER BY member_id, activity"
        );
        self.database
            .query(&sql, &params)?
            .iter()
            .map(|row| {
                Ok(ChainActivity {
                    member_id: MemberId(row.int(0)),
                    activity: row.text(1),
                    issues: row.text(2),
                    data: row.text(3),
                    systems: row.text(4),
                    updated_on: crate::value::date(row.get(5)).ok_or_else(|| StoreError::Decode {
                        table: "chain_activities".to_string(),
                        detail: "updated_on".to_string(),
                    })?,
                })
            })
            .collect()
    }

    /// Keeps a member's description of one activity (replacing the earlier one), or removes it
    /// when `activity` is `None`.
    pub fn put_chain_activity(
        &mut self,
        member: MemberId,
        code: &str,
        activity: Option<&ChainActivity>,
    ) -> Result<(), StoreError> {
        self.database.execute(
            "DELETE FROM chain_activities WHERE member_id = ? AND activity = ?",
            &[Value::Int(member.0), Value::from(code)],
        )?;
        if let Some(activity) = activity {
            self.database.execute(
                "INSERT INTO chain_activities (member_id, activity, issues, data, systems, updated_on) VALUES (?, ?, ?, ?, ?, ?)",
                &[
                    Value::Int(activity.member_id.0),
                    Value::from(activity.activity.as_str()),
                    Value::from(activity.issues.as_str()),
                    Value::from(activity.data.as_str()),
                    Value::from(activity.systems.as_str()),
                    Value::Date(activity.updated_on),
                ],
            )?;
        }
        Ok(())
    }

    /// The exchanges a member sends or receives, or every exchange.
    pub fn chain_exchanges(&mut self, member: Option<MemberId>) -> Result<Vec<ChainExchange>, StoreError> {
        let (filter, params) = match member {
            Some(member) => (
                " WHERE from_member = ? OR to_member = ?",
                vec![Value::Int(member.0), Value::Int(member.0)],
            ),
            None => ("", Vec::new()),
        };
        let sql = format!(
            "SELECT id, from_member, to_member, partner, what, how, created_on FROM chain_exchanges{filter} ORDER BY id"
        );
        self.database
            .query(&sql, &params)?
            .iter()
            .map(|row| {
                Ok(ChainExchange {
                    id: row.int(0),
                    from_member: MemberId(row.int(1)),
                    to_member: row.get(2).as_i64().map(MemberId),
                    partner: row.get(3).as_str().map(str::to_string),
                    what: row.text(4),
                    how: row.text(5),
                    created_on: crate::value::date(row.get(6)).ok_or_else(|| StoreError::Decode {
                        table: "chain_exchanges".to_string(),
                        detail: "created_on".to_string(),
                    })?,
                })
            })
            .collect()
    }

    /// Stores an exchange under the next free number; returns it with its number.
    pub fn insert_chain_exchange(&mut self, exchange: &ChainExchange) -> Result<ChainExchange, StoreError> {
        let next = self
            .database
            .query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM chain_exchanges", &[])?
            .first()
            .map_or(0, |row| row.int(0))
            + 1;
        self.database.execute(
            "INSERT INTO chain_exchanges (id, from_member, to_member, partner, what, how, created_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
            &[
                Value::Int(next),
                Value::Int(exchange.from_member.0),
                exchange.to_member.map_or(Value::Null, |m| Value::Int(m.0)),
                exchange.partner.as_deref().map_or(Value::Null, Value::from),
                Value::from(exchange.what.as_str()),
                Value::from(exchange.how.as_str()),
                Value::Date(exchange.created_on),
            ],
        )?;
        Ok(ChainExchange {
            id: next,
            ..exchange.clone()
        })
    }

    /// Removes an exchange a member sends; whether there was one.
    pub fn delete_chain_exchange(&mut self, member: MemberId, id: i64) -> Result<bool, StoreError> {
        let removed = self.database.execute(
            "DELETE FROM chain_exchanges WHERE id = ? AND from_member = ?",
            &[Value::Int(id), Value::Int(member.0)],
        )?;
        Ok(removed > 0)
    }
}

impl Session<'_> {
    /// The data a member declares in its inventory (its own private records: the portal shows
    /// them to the member's people and the coordination only).
    pub fn declared_inventory(&mut self, member: MemberId) -> Result<Vec<ensemble_model::DataAsset>, StoreError> {
        self.list_any(&crate::ListFilter {
            member_id: Some(member),
            ..crate::ListFilter::default()
        })
    }
}

/// A problem members meet, written in a workshop; common when two members or more meet it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Its number.
    pub id: i64,
    /// What it is, in a sentence.
    pub title: String,
    /// The members that meet it.
    pub members: Vec<MemberId>,
    /// When it was written.
    pub created_on: NaiveDate,
}

/// A candidate solution to a problem.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Solution {
    /// Its number.
    pub id: i64,
    /// The problem it answers.
    pub problem_id: i64,
    /// What it is, in a sentence.
    pub title: String,
    /// When it was proposed.
    pub created_on: NaiveDate,
}

/// A member's score of a solution: its value and its feasibility, each from 1 to 5.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Score {
    /// The solution.
    pub solution_id: i64,
    /// The member scoring.
    pub member_id: MemberId,
    /// What it would bring.
    pub value: i64,
    /// How doable it is.
    pub feasibility: i64,
    /// When.
    pub scored_on: NaiveDate,
}

pub(crate) fn decoded<T>(value: Option<T>, table: &str, column: &str) -> Result<T, StoreError> {
    value.ok_or_else(|| StoreError::Decode {
        table: table.to_string(),
        detail: column.to_string(),
    })
}

impl Session<'_> {
    fn next_number(&mut self, table: &str) -> Result<i64, StoreError> {
        let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}");
        Ok(self.database.query(&sql, &[])?.first().map_or(0, |row| row.int(0)) + 1)
    }

    /// Every problem, oldest first.
    pub fn problems(&mut self) -> Result<Vec<Problem>, StoreError> {
        let rows = self.database.query(
            "SELECT id, title, members, created_on FROM diagnostic_problems ORDER BY id",
            &[],
        )?;
        rows.iter()
            .map(|row| {
                let members: Vec<i64> = match row.get(2) {
                    Value::Json(json) => serde_json::from_value(json.clone()).ok(),
                    Value::Text(text) => serde_json::from_str(text).ok(),
                    _ => None,
                }
                .unwrap_or_default();
                Ok(Problem {
                    id: row.int(0),
                    title: row.text(1),
                    members: members.into_iter().map(MemberId).collect(),
                    created_on: decoded(crate::value::date(row.get(3)), "diagnostic_problems", "created_on")?,
                })
            })
            .collect()
    }

    /// Stores a problem under the next number, or replaces the one of its number.
    pub fn put_problem(&mut self, problem: &Problem) -> Result<Problem, StoreError> {
        let id = if problem.id > 0 {
            problem.id
        } else {
            self.next_number("diagnostic_problems")?
        };
        self.database
            .execute("DELETE FROM diagnostic_problems WHERE id = ?", &[Value::Int(id)])?;
        let members: Vec<i64> = problem.members.iter().map(|m| m.0).collect();
        self.database.execute(
            "INSERT INTO diagnostic_problems (id, title, members, created_on) VALUES (?, ?, ?, ?)",
            &[
                Value::Int(id),
                Value::from(problem.title.as_str()),
                Value::Json(serde_json::json!(members)),
                Value::Date(problem.created_on),
            ],
        )?;
        Ok(Problem { id, ..problem.clone() })
    }

    /// Every solution, oldest first.
    pub fn solutions(&mut self) -> Result<Vec<Solution>, StoreError> {
        let rows = self.database.query(
            "SELECT id, problem_id, title, created_on FROM diagnostic_solutions ORDER BY id",
            &[],
        )?;
        rows.iter()
            .map(|row| {
                Ok(Solution {
                    id: row.int(0),
                    problem_id: row.int(1),
                    title: row.text(2),
                    created_on: decoded(crate::value::date(row.get(3)), "diagnostic_solutions", "created_on")?,
                })
            })
            .collect()
    }

    /// Stores a new solution under the next number.
    pub fn insert_solution(&mut self, solution: &Solution) -> Result<Solution, StoreError> {
        let id = self.next_number("diagnostic_solutions")?;
        self.database.execute(
            "INSERT INTO diagnostic_solutions (id, problem_id, title, created_on) VALUES (?, ?, ?, ?)",
            &[
                Value::Int(id),
                Value::Int(solution.problem_id),
                Value::from(solution.title.as_str()),
                Value::Date(solution.created_on),
            ],
        )?;
        Ok(Solution { id, ..solution.clone() })
    }

    /// Every score.
    pub fn scores(&mut self) -> Result<Vec<Score>, StoreError> {
        let rows = self.database.query(
            "SELECT solution_id, member_id, value, feasibility, scored_on FROM solution_scores ORDER BY solution_id, member_id",
            &[],
        )?;
        rows.iter()
            .map(|row| {
                Ok(Score {
                    solution_id: row.int(0),
                    member_id: MemberId(row.int(1)),
                    value: row.int(2),
                    feasibility: row.int(3),
                    scored_on: decoded(crate::value::date(row.get(4)), "solution_scores", "scored_on")?,
                })
            })
            .collect()
    }

    /// Keeps a member's score of a solution, replacing its earlier one.
    pub fn put_score(&mut self, score: &Score) -> Result<(), StoreError> {
        self.database.execute(
            "DELETE FROM solution_scores WHERE solution_id = ? AND member_id = ?",
            &[Value::Int(score.solution_id), Value::Int(score.member_id.0)],
        )?;
        self.database.execute(
            "INSERT INTO solution_scores (solution_id, member_id, value, feasibility, scored_on) VALUES (?, ?, ?, ?, ?)",
            &[
                Value::Int(score.solution_id),
                Value::Int(score.member_id.0),
                Value::Int(score.value),
                Value::Int(score.feasibility),
                Value::Date(score.scored_on),
            ],
        )?;
        Ok(())
    }
}

/// A chosen solution written out as a use case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UseCase {
    /// The solution it writes out.
    pub solution_id: i64,
    /// Who uses it.
    pub users: String,
    /// The decision it supports.
    pub decision: String,
    /// The data it needs, as the model's entity names (`Performance`, `TicketSale`…).
    pub data_needed: Vec<String>,
    /// The pooling it needs (who shares what with whom).
    pub pooling: String,
    /// Whether it uses personal information.
    pub personal_data: bool,
    /// Whether it needs a sharing agreement.
    pub agreement: bool,
    /// Whether data would leave Québec (a privacy impact assessment is then required).
    pub outside_quebec: bool,
    /// `idea`, `pilot` or `live`.
    pub status: String,
    /// The Ensemble feature that serves it, or `none`.
    pub feature: String,
    /// When it was last written.
    pub updated_on: NaiveDate,
}

impl Session<'_> {
    /// Every use case.
    pub fn use_cases(&mut self) -> Result<Vec<UseCase>, StoreError> {
        let rows = self.database.query(
            "SELECT solution_id, users, decision, data_needed, pooling, personal_data, agreement, outside_quebec, status, feature, updated_on \
             FROM use_cases ORDER BY solution_id",
            &[],
        )?;
        let flag = |value: &Value| match value {
            Value::Bool(flag) => *flag,
            other => other.as_i64().unwrap_or(0) != 0,
        };
        rows.iter()
            .map(|row| {
                let data_needed: Vec<String> = match row.get(3) {
                    Value::Json(json) => serde_json::from_value(json.clone()).ok(),
                    Value::Text(text) => serde_json::from_str(text).ok(),
                    _ => None,
                }
                .unwrap_or_default();
                Ok(UseCase {
                    solution_id: row.int(0),
                    users: row.text(1),
                    decision: row.text(2),
                    data_needed,
                    pooling: row.text(4),
                    personal_data: flag(row.get(5)),
                    agreement: flag(row.get(6)),
                    outside_quebec: flag(row.get(7)),
                    status: row.text(8),
                    feature: row.text(9),
                    updated_on: decoded(crate::value::date(row.get(10)), "use_cases", "updated_on")?,
                })
            })
            .collect()
    }

    /// Keeps a use case, replacing the earlier canvas of its solution.
    pub fn put_use_case(&mut self, case: &UseCase) -> Result<(), StoreError> {
        self.database.execute(
            "DELETE FROM use_cases WHERE solution_id = ?",
            &[Value::Int(case.solution_id)],
        )?;
        self.database.execute(
            "INSERT INTO use_cases (solution_id, users, decision, data_needed, pooling, personal_data, agreement, outside_quebec, status, feature, updated_on) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &[
                Value::Int(case.solution_id),
                Value::from(case.users.as_str()),
                Value::from(case.decision.as_str()),
                Value::Json(serde_json::json!(case.data_needed)),
                Value::from(case.pooling.as_str()),
                Value::Bool(case.personal_data),
                Value::Bool(case.agreement),
                Value::Bool(case.outside_quebec),
                Value::from(case.status.as_str()),
                Value::from(case.feature.as_str()),
                Value::Date(case.updated_on),
            ],
        )?;
        Ok(())
    }
}
