//! Values and rows exchanged with a database, the same for every backend.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// One value bound to a statement or read from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
    /// True or false.
    Bool(bool),
    /// A calendar date.
    Date(NaiveDate),
    /// A moment with its offset.
    Timestamp(DateTime<FixedOffset>),
    /// A JSON document (lists and nested records).
    Json(serde_json::Value),
}

impl Value {
    /// The whole number, if the value is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(value) => Some(*value),
            Value::Real(value) => Some(*value as i64),
            Value::Bool(value) => Some(i64::from(*value)),
            _ => None,
        }
    }

    /// The text, if the value is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// A moment read back from either backend (PostgreSQL gives a timestamp, SQLite RFC 3339 text).
pub(crate) fn timestamp(value: &Value) -> Option<DateTime<FixedOffset>> {
    match value {
        Value::Timestamp(moment) => Some(*moment),
        Value::Text(text) => DateTime::parse_from_rfc3339(text).ok(),
        _ => None,
    }
}

/// A date read back from either backend (PostgreSQL gives a date, SQLite ISO text).
pub(crate) fn date(value: &Value) -> Option<NaiveDate> {
    match value {
        Value::Date(date) => Some(*date),
        Value::Text(text) => text.parse().ok(),
        _ => None,
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(value)
    }
}
impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_string())
    }
}
impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}
impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

/// One row of a result, with its column names.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Column names, in order.
    pub columns: std::sync::Arc<[String]>,
    /// Values, in column order.
    pub values: Vec<Value>,
}

impl Row {
    /// The value of the column at `index` (`Null` past the end).
    pub fn get(&self, index: usize) -> &Value {
        self.values.get(index).unwrap_or(&Value::Null)
    }

    /// The whole number at `index`, or 0.
    pub fn int(&self, index: usize) -> i64 {
        self.get(index).as_i64().unwrap_or(0)
    }

    /// The text at `index`, or an empty string.
    pub fn text(&self, index: usize) -> String {
        match self.get(index) {
            Value::Text(text) => text.clone(),
            Value::Null => String::new(),
            other => format!("{other:?}"),
        }
    }
}

/// What a column holds, read from the schema, so values convert the same way on every backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Whole numbers.
    Integer,
    /// Floating-point numbers.
    Real,
    /// Text.
    Text,
    /// Booleans (integers 0/1 in SQLite).
    Boolean,
    /// Dates (ISO text in SQLite).
    Date,
    /// Timestamps (RFC 3339 text in SQLite).
    Timestamp,
    /// JSON (text in SQLite, JSONB in PostgreSQL).
    Json,
}

impl ColumnKind {
    /// The kind of a declared SQL type, on either backend.
    pub fn from_declared(declared: &str) -> ColumnKind {
        let declared = declared.to_ascii_lowercase();
        if declared.contains("json") {
            ColumnKind::Json
        } else if declared.contains("bool") {
            ColumnKind::Boolean
        } else if declared.starts_with("timestamp") {
            ColumnKind::Timestamp
        } else if declared == "date" {
            ColumnKind::Date
        } else if declared.contains("int") {
            ColumnKind::Integer
        } else if declared.contains("real") || declared.contains("double") || declared.contains("float") {
            ColumnKind::Real
        } else {
            ColumnKind::Text
        }
    }
}
