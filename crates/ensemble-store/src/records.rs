//! Conversion between model records and table rows, the same for every entity and backend: a
//! record is serialised with serde, then each column takes its field by name and kind.

use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Number, Value as Json};

use crate::StoreError;
use crate::value::{ColumnKind, Row, Value};

/// The columns of one table, with their kinds.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSchema {
    /// The table name.
    pub table: String,
    /// Columns in table order.
    pub columns: Vec<(String, ColumnKind)>,
}

impl TableSchema {
    /// The column names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|(name, _)| name.as_str()).collect()
    }
}

fn mismatch(schema: &TableSchema, detail: String) -> StoreError {
    StoreError::SchemaMismatch {
        table: schema.table.clone(),
        detail,
    }
}

/// The values of a serialised record, in column order.
pub fn to_values(schema: &TableSchema, record: Json) -> Result<Vec<Value>, StoreError> {
    let Json::Object(mut fields) = record else {
        return Err(mismatch(schema, "the record is not a JSON object".to_string()));
    };
    let mut values = Vec::with_capacity(schema.columns.len());
    for (name, kind) in &schema.columns {
        let field = fields.remove(name).unwrap_or(Json::Null);
        values.push(json_to_value(schema, name, *kind, field)?);
    }
    if let Some(extra) = fields.keys().next() {
        return Err(mismatch(schema, format!("the field {extra} has no column")));
    }
    Ok(values)
}

fn json_to_value(schema: &TableSchema, column: &str, kind: ColumnKind, field: Json) -> Result<Value, StoreError> {
    let wrong = |what: &str| mismatch(schema, format!("column {column}: {what}"));
    Ok(match (kind, field) {
        (_, Json::Null) => Value::Null,
        (ColumnKind::Json, json) => Value::Json(json),
        (ColumnKind::Integer, Json::Number(number)) => {
            Value::Int(number.as_i64().ok_or_else(|| wrong("not a whole number"))?)
        }
        (ColumnKind::Integer | ColumnKind::Boolean, Json::Bool(flag)) => Value::Bool(flag),
        (ColumnKind::Real, Json::Number(number)) => Value::Real(number.as_f64().ok_or_else(|| wrong("not a number"))?),
        (ColumnKind::Date, Json::String(text)) => {
            Value::Date(text.parse::<NaiveDate>().map_err(|_| wrong("not a date"))?)
        }
        (ColumnKind::Timestamp, Json::String(text)) => {
            Value::Timestamp(DateTime::parse_from_rfc3339(&text).map_err(|_| wrong("not an RFC 3339 timestamp"))?)
        }
        (ColumnKind::Text, Json::String(text)) => Value::Text(text),
        (ColumnKind::Text, Json::Number(number)) => Value::Text(number.to_string()),
        (_, other) => return Err(wrong(&format!("unexpected value {other}"))),
    })
}

/// A row read back as the JSON object its record deserialises from.
pub fn to_json(schema: &TableSchema, row: &Row) -> Result<Json, StoreError> {
    let mut object = Map::with_capacity(schema.columns.len());
    for (index, (name, kind)) in schema.columns.iter().enumerate() {
        let json = match (row.get(index), kind) {
            (Value::Null, _) => Json::Null,
            (Value::Int(value), ColumnKind::Boolean) => Json::Bool(*value != 0),
            (Value::Int(value), _) => Json::Number((*value).into()),
            (Value::Real(value), _) => Number::from_f64(*value).map_or(Json::Null, Json::Number),
            (Value::Text(text), ColumnKind::Json) => serde_json::from_str(text)
                .map_err(|error| mismatch(schema, format!("column {name}: invalid JSON ({error})")))?,
            (Value::Text(text), _) => Json::String(text.clone()),
            (Value::Bool(flag), _) => Json::Bool(*flag),
            (Value::Date(date), _) => Json::String(date.to_string()),
            (Value::Timestamp(moment), _) => Json::String(moment.to_rfc3339()),
            (Value::Json(json), _) => json.clone(),
        };
        object.insert(name.clone(), json);
    }
    Ok(Json::Object(object))
}
