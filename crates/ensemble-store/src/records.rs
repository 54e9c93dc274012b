//! Conversion between model records and table rows, the same for every entity and backend: a
//! record is serialised with serde, then each column takes its field by name and kind.
//!
//! Records are written through [`values_of`], which takes each field straight from serde into
//! its column's value; only lists and nested records (JSON columns) are built as JSON documents.
//! It follows the rules of [`to_values`], the conversion from a record's whole JSON document,
//! and the conformance suite checks that both give the same values for every entity.

use std::fmt;

use chrono::{DateTime, NaiveDate};
use serde::Serialize;
use serde::ser::{self, Impossible, SerializeMap, SerializeStruct, Serializer};
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

/// The values of a record, in column order: each field converted by its column's kind as
/// [`to_values`] converts it from the record's JSON, without building that JSON.
pub fn values_of<R: Serialize + ?Sized>(schema: &TableSchema, record: &R) -> Result<Vec<Value>, StoreError> {
    let mut values = RecordValues {
        schema,
        values: vec![Value::Null; schema.columns.len()],
        next: 0,
        key: None,
    };
    record
        .serialize(RecordSerializer(&mut values))
        .map_err(|error| match error {
            ConvertError::Store(error) => error,
            ConvertError::Composite => mismatch(schema, "the record is not a JSON object".to_string()),
            ConvertError::Failed(detail) => StoreError::Decode {
                table: schema.table.clone(),
                detail,
            },
        })?;
    Ok(values.values)
}

/// The values of one record as its fields arrive.
struct RecordValues<'s> {
    schema: &'s TableSchema,
    values: Vec<Value>,
    /// The column after the last one filled: fields usually arrive in column order.
    next: usize,
    /// The key of the map entry being written (its text reused from one entry to the next).
    key: Option<String>,
}

impl RecordValues<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), ConvertError> {
        let columns = &self.schema.columns;
        let index = match columns.get(self.next) {
            Some((column, _)) if column == name => self.next,
            _ => columns
                .iter()
                .position(|(column, _)| column == name)
                .ok_or_else(|| ConvertError::Store(mismatch(self.schema, format!("the field {name} has no column"))))?,
        };
        self.next = index + 1;
        let kind = columns[index].1;
        // Scalars are converted as they come; lists and nested records become JSON first.
        let json = match kind {
            ColumnKind::Json => None,
            _ => match value.serialize(ScalarSerializer) {
                Ok(json) => Some(json),
                Err(ConvertError::Composite) => None,
                Err(other) => return Err(other),
            },
        };
        let json = match json {
            Some(json) => json,
            None => serde_json::to_value(value).map_err(|error| ConvertError::Failed(error.to_string()))?,
        };
        self.values[index] = json_to_value(self.schema, name, kind, json).map_err(ConvertError::Store)?;
        Ok(())
    }
}

/// Why a record or a field could not be converted directly.
#[derive(Debug)]
enum ConvertError {
    /// The value is a list, a map or a nested record (or the record is not a struct).
    Composite,
    /// Serialisation failed.
    Failed(String),
    /// The record does not fit the table.
    Store(StoreError),
}

impl fmt::Display for ConvertError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::Composite => formatter.write_str("not a single value"),
            ConvertError::Failed(detail) => formatter.write_str(detail),
            ConvertError::Store(error) => write!(formatter, "{error}"),
        }
    }
}

impl std::error::Error for ConvertError {}

impl ser::Error for ConvertError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ConvertError::Failed(message.to_string())
    }
}

fn from_json(error: serde_json::Error) -> ConvertError {
    ConvertError::Failed(error.to_string())
}

/// Serialises a whole record: a struct, or a map (a record with flattened fields).
struct RecordSerializer<'r, 's>(&'r mut RecordValues<'s>);

macro_rules! composite {
    ($($method:ident($($argument:ty),*) -> $output:ty;)*) => {
        $(
            fn $method(self, $(_: $argument),*) -> Result<$output, ConvertError> {
                Err(ConvertError::Composite)
            }
        )*
    };
}

impl<'r, 's> Serializer for RecordSerializer<'r, 's> {
    type Ok = ();
    type Error = ConvertError;
    type SerializeSeq = Impossible<(), ConvertError>;
    type SerializeTuple = Impossible<(), ConvertError>;
    type SerializeTupleStruct = Impossible<(), ConvertError>;
    type SerializeTupleVariant = Impossible<(), ConvertError>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), ConvertError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, ConvertError> {
        Ok(self)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, ConvertError> {
        Ok(self)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), ConvertError> {
        Err(ConvertError::Composite)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<(), ConvertError> {
        Err(ConvertError::Composite)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), ConvertError> {
        Err(ConvertError::Composite)
    }

    composite! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_i128(i128) -> ();
        serialize_u128(u128) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

impl SerializeStruct for RecordSerializer<'_, '_> {
    type Ok = ();
    type Error = ConvertError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), ConvertError> {
        self.0.field(name, value)
    }

    fn end(self) -> Result<(), ConvertError> {
        Ok(())
    }
}

impl SerializeMap for RecordSerializer<'_, '_> {
    type Ok = ();
    type Error = ConvertError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ConvertError> {
        let mut name = self.0.key.take().unwrap_or_default();
        name.clear();
        key.serialize(KeySerializer(&mut name))?;
        self.0.key = Some(name);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
        let name = self
            .0
            .key
            .take()
            .ok_or_else(|| ConvertError::Failed("a map value without its key".to_string()))?;
        let result = self.0.field(&name, value);
        // The key's text is kept for the next entry (no allocation per field).
        self.0.key = Some(name);
        result
    }

    fn end(self) -> Result<(), ConvertError> {
        Ok(())
    }
}

/// Writes a map key, which must be text, into a reused buffer.
struct KeySerializer<'b>(&'b mut String);

impl Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = ConvertError;
    type SerializeSeq = Impossible<(), ConvertError>;
    type SerializeTuple = Impossible<(), ConvertError>;
    type SerializeTupleStruct = Impossible<(), ConvertError>;
    type SerializeTupleVariant = Impossible<(), ConvertError>;
    type SerializeMap = Impossible<(), ConvertError>;
    type SerializeStruct = Impossible<(), ConvertError>;
    type SerializeStructVariant = Impossible<(), ConvertError>;

    fn serialize_str(self, key: &str) -> Result<(), ConvertError> {
        self.0.push_str(key);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), ConvertError> {
        Err(ConvertError::Composite)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, key: &T) -> Result<(), ConvertError> {
        key.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), ConvertError> {
        Err(ConvertError::Composite)
    }

    composite! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_i128(i128) -> ();
        serialize_u128(u128) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

/// Serialises one field that is a single value into the JSON scalar serde_json would make of it
/// (by asking serde_json's own value serializer); anything else is [`ConvertError::Composite`].
struct ScalarSerializer;

macro_rules! scalar {
    ($($method:ident($($argument:ident: $type:ty),*);)*) => {
        $(
            fn $method(self, $($argument: $type),*) -> Result<Json, ConvertError> {
                serde_json::value::Serializer.$method($($argument),*).map_err(from_json)
            }
        )*
    };
}

impl Serializer for ScalarSerializer {
    type Ok = Json;
    type Error = ConvertError;
    type SerializeSeq = Impossible<Json, ConvertError>;
    type SerializeTuple = Impossible<Json, ConvertError>;
    type SerializeTupleStruct = Impossible<Json, ConvertError>;
    type SerializeTupleVariant = Impossible<Json, ConvertError>;
    type SerializeMap = Impossible<Json, ConvertError>;
    type SerializeStruct = Impossible<Json, ConvertError>;
    type SerializeStructVariant = Impossible<Json, ConvertError>;

    scalar! {
        serialize_bool(v: bool);
        serialize_i8(v: i8);
        serialize_i16(v: i16);
        serialize_i32(v: i32);
        serialize_i64(v: i64);
        serialize_u8(v: u8);
        serialize_u16(v: u16);
        serialize_u32(v: u32);
        serialize_u64(v: u64);
        serialize_i128(v: i128);
        serialize_u128(v: u128);
        serialize_f32(v: f32);
        serialize_f64(v: f64);
        serialize_char(v: char);
        serialize_str(v: &str);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(name: &'static str);
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Json, ConvertError> {
        value.serialize(self)
    }

    /// Timestamps come this way: their text is made once, not copied again.
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<Json, ConvertError> {
        Ok(Json::String(value.to_string()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<Json, ConvertError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Json, ConvertError> {
        Err(ConvertError::Composite)
    }

    composite! {
        serialize_bytes(&[u8]) -> Json;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
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
