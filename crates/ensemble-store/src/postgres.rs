//! The PostgreSQL backend, for a consortium's shared server.

use std::error::Error;
use std::io::Write;
use std::sync::Arc;

use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls};

use crate::StoreError;
use crate::database::{Backend, Database};
use crate::value::{ColumnKind, Row, Value};

/// The advisory lock every writing transaction holds (any number, the same for all of Ensemble's
/// connections to a database).
const WRITE_LOCK: i64 = 0x656e_7365_6d62;

/// A connection to a PostgreSQL database.
pub struct PostgresDatabase {
    client: Client,
}

impl PostgresDatabase {
    /// Connects with a `postgres://` URL.
    pub fn connect(url: &str) -> Result<PostgresDatabase, StoreError> {
        let client = Client::connect(url, NoTls).map_err(|error| StoreError::Unreachable {
            target: redact_url(url),
            cause: error.to_string(),
        })?;
        Ok(PostgresDatabase { client })
    }
}

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// `?` placeholders become `$1`, `$2`, ... (outside quoted text).
fn number_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut index = 0;
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                index += 1;
                out.push('$');
                out.push_str(&index.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

fn sql_error(error: postgres::Error) -> StoreError {
    match error.as_db_error() {
        Some(db) => StoreError::Sql(format!("{}: {}", db.code().code(), db.message())),
        None => StoreError::Sql(error.to_string()),
    }
}

type BoxError = Box<dyn Error + Sync + Send>;

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(value) => match *ty {
                Type::INT2 => i16::try_from(*value)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*value)?.to_sql(ty, out),
                Type::FLOAT8 => (*value as f64).to_sql(ty, out),
                Type::BOOL => (*value != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => value.to_string().to_sql(ty, out),
                _ => value.to_sql(ty, out),
            },
            Value::Real(value) => match *ty {
                Type::FLOAT4 => (*value as f32).to_sql(ty, out),
                _ => value.to_sql(ty, out),
            },
            Value::Text(text) => match *ty {
                Type::DATE => text.parse::<NaiveDate>()?.to_sql(ty, out),
                Type::TIMESTAMPTZ => DateTime::parse_from_rfc3339(text)?.to_sql(ty, out),
                Type::JSONB | Type::JSON => serde_json::from_str::<serde_json::Value>(text)?.to_sql(ty, out),
                Type::INT8 => text.parse::<i64>()?.to_sql(ty, out),
                _ => text.to_sql(ty, out),
            },
            Value::Bool(value) => value.to_sql(ty, out),
            Value::Date(date) => date.to_sql(ty, out),
            Value::Timestamp(moment) => moment.to_sql(ty, out),
            Value::Json(json) => match *ty {
                Type::TEXT | Type::VARCHAR => json.to_string().to_sql(ty, out),
                _ => json.to_sql(ty, out),
            },
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn read_value(row: &postgres::Row, index: usize) -> Result<Value, StoreError> {
    let decode = |error: postgres::Error| StoreError::Sql(error.to_string());
    let ty = row.columns().get(index).map(|column| column.type_().clone());
    let value = match ty {
        Some(Type::INT8) => row.try_get::<_, Option<i64>>(index).map_err(decode)?.map(Value::Int),
        Some(Type::INT4) => row
            .try_get::<_, Option<i32>>(index)
            .map_err(decode)?
            .map(|v| Value::Int(i64::from(v))),
        Some(Type::INT2) => row
            .try_get::<_, Option<i16>>(index)
            .map_err(decode)?
            .map(|v| Value::Int(i64::from(v))),
        Some(Type::FLOAT8) => row.try_get::<_, Option<f64>>(index).map_err(decode)?.map(Value::Real),
        Some(Type::FLOAT4) => row
            .try_get::<_, Option<f32>>(index)
            .map_err(decode)?
            .map(|v| Value::Real(f64::from(v))),
        Some(Type::BOOL) => row.try_get::<_, Option<bool>>(index).map_err(decode)?.map(Value::Bool),
        Some(Type::DATE) => row
            .try_get::<_, Option<NaiveDate>>(index)
            .map_err(decode)?
            .map(Value::Date),
        Some(Type::TIMESTAMPTZ) => row
            .try_get::<_, Option<DateTime<Utc>>>(index)
            .map_err(decode)?
            .map(|moment| Value::Timestamp(moment.fixed_offset())),
        Some(Type::TIMESTAMP) => row
            .try_get::<_, Option<NaiveDateTime>>(index)
            .map_err(decode)?
            .map(|moment| Value::Timestamp(moment.and_utc().fixed_offset())),
        Some(Type::JSONB) | Some(Type::JSON) => row
            .try_get::<_, Option<serde_json::Value>>(index)
            .map_err(decode)?
            .map(Value::Json),
        Some(Type::NUMERIC) => {
            return Err(StoreError::Sql(
                "NUMERIC results are not read: cast aggregates with CAST(... AS BIGINT)".to_string(),
            ));
        }
        _ => row
            .try_get::<_, Option<String>>(index)
            .map_err(decode)?
            .map(Value::Text),
    };
    Ok(value.unwrap_or(Value::Null))
}

/// Writes a value in `COPY ... FROM STDIN` text format.
fn copy_text(value: &Value, out: &mut Vec<u8>) {
    let escaped = |text: &str, out: &mut Vec<u8>| {
        for byte in text.bytes() {
            match byte {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.push(byte),
            }
        }
    };
    match value {
        Value::Null => out.extend_from_slice(b"\\N"),
        Value::Int(value) => out.extend_from_slice(value.to_string().as_bytes()),
        Value::Real(value) => out.extend_from_slice(value.to_string().as_bytes()),
        Value::Text(text) => escaped(text, out),
        Value::Bool(value) => out.push(if *value { b't' } else { b'f' }),
        Value::Date(date) => out.extend_from_slice(date.to_string().as_bytes()),
        Value::Timestamp(moment) => out.extend_from_slice(moment.to_rfc3339().as_bytes()),
        Value::Json(json) => escaped(&json.to_string(), out),
    }
}

impl Database for PostgresDatabase {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        self.client
            .execute(number_placeholders(sql).as_str(), &refs)
            .map_err(sql_error)
    }

    fn execute_batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.client.batch_execute(sql).map_err(sql_error)
    }

    fn begin_write(&mut self, wait: std::time::Duration) -> Result<(), StoreError> {
        self.execute_batch("BEGIN")?;
        // One writer at a time, as with SQLite: a lock held until the transaction ends.
        let lock = format!(
            "SET LOCAL lock_timeout = {}; SELECT pg_advisory_xact_lock({WRITE_LOCK})",
            wait.as_millis().max(1)
        );
        match self.client.batch_execute(&lock) {
            Ok(()) => Ok(()),
            Err(error) => {
                let _ = self.client.batch_execute("ROLLBACK");
                if error.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) {
                    Err(StoreError::Busy {
                        waited_seconds: wait.as_secs(),
                    })
                } else {
                    Err(sql_error(error))
                }
            }
        }
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let statement = self
            .client
            .prepare(number_placeholders(sql).as_str())
            .map_err(sql_error)?;
        let columns: Arc<[String]> = statement.columns().iter().map(|c| c.name().to_string()).collect();
        let rows = self.client.query(&statement, &refs).map_err(sql_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut values = Vec::with_capacity(columns.len());
            for index in 0..columns.len() {
                values.push(read_value(row, index)?);
            }
            out.push(Row {
                columns: columns.clone(),
                values,
            });
        }
        Ok(out)
    }

    fn query_each(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        use postgres::fallible_iterator::FallibleIterator as _;
        let statement = self
            .client
            .prepare(number_placeholders(sql).as_str())
            .map_err(sql_error)?;
        let columns: Arc<[String]> = statement.columns().iter().map(|c| c.name().to_string()).collect();
        let refs = params.iter().map(|v| v as &(dyn ToSql + Sync));
        let mut rows = self.client.query_raw(&statement, refs).map_err(sql_error)?;
        while let Some(row) = rows.next().map_err(sql_error)? {
            let values = (0..columns.len())
                .map(|index| read_value(&row, index))
                .collect::<Result<Vec<Value>, StoreError>>()?;
            each(Row {
                columns: columns.clone(),
                values,
            })?;
        }
        Ok(())
    }

    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value>>,
    ) -> Result<u64, StoreError> {
        let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
        let mut writer = self.client.copy_in(sql.as_str()).map_err(sql_error)?;
        let mut buffer = Vec::with_capacity(1 << 16);
        let mut count = 0;
        let io_error = |error: std::io::Error| StoreError::Sql(error.to_string());
        for row in rows {
            for (index, value) in row.iter().enumerate() {
                if index > 0 {
                    buffer.push(b'\t');
                }
                copy_text(value, &mut buffer);
            }
            buffer.push(b'\n');
            count += 1;
            if buffer.len() > (1 << 16) {
                writer.write_all(&buffer).map_err(io_error)?;
                buffer.clear();
            }
        }
        writer.write_all(&buffer).map_err(io_error)?;
        writer.finish().map_err(sql_error)?;
        Ok(count)
    }

    fn columns(&mut self, table: &str) -> Result<Vec<(String, ColumnKind)>, StoreError> {
        let rows = self.query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            &[Value::from(table)],
        )?;
        Ok(rows
            .iter()
            .map(|row| (row.text(0), ColumnKind::from_declared(&row.text(1))))
            .collect())
    }

    fn size_bytes(&mut self) -> Result<u64, StoreError> {
        let rows = self.query("SELECT pg_database_size(current_database())", &[])?;
        Ok(rows.first().map_or(0, |row| row.int(0)) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            number_placeholders("SELECT ? FROM t WHERE a = '?' AND b = ?"),
            "SELECT $1 FROM t WHERE a = '?' AND b = $2"
        );
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://ens:s3cret@db.local:5432/ensemble"),
            "postgres://ens:***@db.local:5432/ensemble"
        );
        assert_eq!(redact_url("postgres://ens@db/x"), "postgres://ens@db/x");
    }

    #[test]
    fn copy_escapes() {
        let mut out = Vec::new();
        copy_text(&Value::Text("a\tb\\c\nd".to_string()), &mut out);
        assert_eq!(out, b"a\\tb\\\\c\\nd");
        out.clear();
        copy_text(&Value::Null, &mut out);
        assert_eq!(out, b"\\N");
    }
}
