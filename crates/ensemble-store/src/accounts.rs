//! Accounts of the portal: users (argon2id password hash, role, member), sessions and API tokens.
//! Tokens are stored by their SHA-256 digest only.

use chrono::{DateTime, FixedOffset};
use ensemble_model::{MemberId, Role};

use crate::{Row, Session, StoreError, Value};

/// A person who signs in to the portal.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct User {
    /// Its number.
    pub id: i64,
    /// What the person types to sign in (an email address).
    pub login: String,
    /// The name shown in the portal.
    pub display_name: String,
    /// The member the person works for; `None` for the consortium's coordination.
    pub member_id: Option<MemberId>,
    /// What the person may do.
    pub role: Role,
    /// The argon2id hash of the password (PHC form).
    #[serde(skip)]
    pub password_hash: String,
    /// When the account was created.
    pub created_at: DateTime<FixedOffset>,
    /// A disabled account cannot sign in.
    pub disabled: bool,
}

const USER_COLUMNS: &str = "id, login, display_name, member_id, role, password_hash, created_at, disabled";

fn decode(row: &Row, offset: usize) -> Result<User, StoreError> {
    let unreadable = |detail: String| StoreError::Decode {
        table: "users".to_string(),
        detail,
    };
    Ok(User {
        id: row.int(offset),
        login: row.text(offset + 1),
        display_name: row.text(offset + 2),
        member_id: row.get(offset + 3).as_i64().map(MemberId),
        role: Role::from_code(&row.text(offset + 4))
            .ok_or_else(|| unreadable(format!("role {}", row.text(offset + 4))))?,
        password_hash: row.text(offset + 5),
        created_at: crate::value::timestamp(row.get(offset + 6)).ok_or_else(|| unreadable("created_at".to_string()))?,
        disabled: row.get(offset + 7).as_i64().unwrap_or(0) != 0,
    })
}

/// How many characters of a token's digest name it: enough to tell a person's tokens apart,
/// useless to find the token itself.
pub const TOKEN_REFERENCE: usize = 12;

/// An API token as its owner sees it: never the token, nor its whole digest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    /// The first characters of its digest, to name it when revoking it.
    pub reference: String,
    /// The name its owner gave it.
    pub label: String,
    /// When it was made.
    pub created_at: DateTime<FixedOffset>,
}

/// The consortium: its name and when it was started.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Consortium {
    /// Its name, as its members call it.
    pub name: String,
    /// When it was started.
    pub started_at: DateTime<FixedOffset>,
}

impl Session<'_> {
    /// The consortium, once started.
    pub fn consortium(&mut self) -> Result<Option<Consortium>, StoreError> {
        let rows = self
            .database
            .query("SELECT name, started_at FROM consortium WHERE id = 1", &[])?;
        Ok(rows.first().and_then(|row| {
            Some(Consortium {
                name: row.text(0),
                started_at: crate::value::timestamp(row.get(1))?,
            })
        }))
    }

    /// Records the consortium (once: a second start fails on the table's key).
    pub fn insert_consortium(&mut self, consortium: &Consortium) -> Result<(), StoreError> {
        self.database.execute(
            "INSERT INTO consortium (id, name, started_at) VALUES (1, ?, ?)",
            &[
                Value::from(consortium.name.as_str()),
                Value::Timestamp(consortium.started_at),
            ],
        )?;
        Ok(())
    }

    /// Sets a user's password hash; with `end_sessions`, signs them out everywhere (their API
    /// tokens stay theirs). False when there is no such user.
    pub fn set_password(&mut self, user: i64, password_hash: &str, end_sessions: bool) -> Result<bool, StoreError> {
        let changed = self.database.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?",
            &[Value::from(password_hash), Value::Int(user)],
        )?;
        if end_sessions {
            self.database
                .execute("DELETE FROM sessions WHERE user_id = ?", &[Value::Int(user)])?;
        }
        Ok(changed > 0)
    }

    /// The next free user number.
    pub fn next_user_id(&mut self) -> Result<i64, StoreError> {
        let rows = self
            .database
            .query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM users", &[])?;
        Ok(rows.first().map_or(0, |row| row.int(0)) + 1)
    }

    /// Stores a new user (its id must be free); the login is kept in lower case.
    pub fn insert_user(&mut self, user: &User) -> Result<(), StoreError> {
        self.database.execute(
            &format!("INSERT INTO users ({USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
            &[
                Value::Int(user.id),
                Value::from(user.login.trim().to_lowercase()),
                Value::from(user.display_name.as_str()),
                user.member_id.map_or(Value::Null, |m| Value::Int(m.0)),
                Value::from(user.role.code()),
                Value::from(user.password_hash.as_str()),
                Value::Timestamp(user.created_at),
                Value::Bool(user.disabled),
            ],
        )?;
        Ok(())
    }

    /// The user with this login (compared without regard to case).
    pub fn user_by_login(&mut self, login: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE LOWER(login) = LOWER(?)");
        let rows = self.database.query(&sql, &[Value::from(login.trim())])?;
        rows.first().map(|row| decode(row, 0)).transpose()
    }

    /// Every user, or those of one member, by number.
    pub fn users(&mut self, member: Option<MemberId>) -> Result<Vec<User>, StoreError> {
        let (filter, params) = match member {
            Some(member) => (" WHERE member_id = ?", vec![Value::Int(member.0)]),
            None => ("", Vec::new()),
        };
        let sql = format!("SELECT {USER_COLUMNS} FROM users{filter} ORDER BY id");
        let rows = self.database.query(&sql, &params)?;
        rows.iter().map(|row| decode(row, 0)).collect()
    }

    /// Opens a session for a user under a token's digest, with its form token.
    pub fn insert_session(
        &mut self,
        token_digest: &str,
        user: i64,
        csrf_token: &str,
        created_at: DateTime<FixedOffset>,
        expires_at: DateTime<FixedOffset>,
    ) -> Result<(), StoreError> {
        self.database.execute(
            "INSERT INTO sessions (token_digest, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            &[
                Value::from(token_digest),
                Value::Int(user),
                Value::from(csrf_token),
                Value::Timestamp(created_at),
                Value::Timestamp(expires_at),
            ],
        )?;
        Ok(())
    }

    /// The user of a session that has not expired at `now` and whose account is enabled, with the
    /// session's form token.
    pub fn session_user(
        &mut self,
        token_digest: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<(User, String)>, StoreError> {
        let columns: Vec<String> = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
        let sql = format!(
            "SELECT {}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_digest = ?",
            columns.join(", ")
        );
        let rows = self.database.query(&sql, &[Value::from(token_digest)])?;
        let Some(row) = rows.first() else { return Ok(None) };
        let user = decode(row, 0)?;
        let expires = crate::value::timestamp(row.get(9));
        if user.disabled || expires.is_none_or(|expires| expires <= now) {
            return Ok(None);
        }
        Ok(Some((user, row.text(8))))
    }

    /// Ends a session.
    pub fn delete_session(&mut self, token_digest: &str) -> Result<bool, StoreError> {
        Ok(self.database.execute(
            "DELETE FROM sessions WHERE token_digest = ?",
            &[Value::from(token_digest)],
        )? > 0)
    }

    /// Records an API token for a user under its digest.
    pub fn insert_api_token(
        &mut self,
        token_digest: &str,
        user: i64,
        label: &str,
        created_at: DateTime<FixedOffset>,
    ) -> Result<(), StoreError> {
        self.database.execute(
            "INSERT INTO api_tokens (token_digest, user_id, label, created_at) VALUES (?, ?, ?, ?)",
            &[
                Value::from(token_digest),
                Value::Int(user),
                Value::from(label),
                Value::Timestamp(created_at),
            ],
        )?;
        Ok(())
    }

    /// The enabled user an API token belongs to.
    pub fn api_token_user(&mut self, token_digest: &str) -> Result<Option<User>, StoreError> {
        let columns: Vec<String> = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
        let sql = format!(
            "SELECT {} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_digest = ?",
            columns.join(", ")
        );
        let rows = self.database.query(&sql, &[Value::from(token_digest)])?;
        Ok(rows
            .first()
            .map(|row| decode(row, 0))
            .transpose()?
            .filter(|user| !user.disabled))
    }

    /// The user with this number.
    pub fn user(&mut self, id: i64) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?");
        let rows = self.database.query(&sql, &[Value::Int(id)])?;
        rows.first().map(|row| decode(row, 0)).transpose()
    }

    /// Disables an account and ends its sessions and API tokens; false when there is none.
    pub fn disable_user(&mut self, id: i64) -> Result<bool, StoreError> {
        let changed = self.database.execute(
            "UPDATE users SET disabled = ? WHERE id = ?",
            &[Value::Bool(true), Value::Int(id)],
        )?;
        self.database
            .execute("DELETE FROM sessions WHERE user_id = ?", &[Value::Int(id)])?;
        self.database
            .execute("DELETE FROM api_tokens WHERE user_id = ?", &[Value::Int(id)])?;
        Ok(changed > 0)
    }

    /// A user's API tokens, newest first.
    pub fn api_tokens(&mut self, user: i64) -> Result<Vec<ApiToken>, StoreError> {
        let rows = self.database.query(
            "SELECT token_digest, label, created_at FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC",
            &[Value::Int(user)],
        )?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                Some(ApiToken {
                    reference: row.text(0).chars().take(TOKEN_REFERENCE).collect(),
                    label: row.text(1),
                    created_at: crate::value::timestamp(row.get(2))?,
                })
            })
            .collect())
    }

    /// Revokes the user's API token of this reference; whether there was one.
    pub fn revoke_api_token(&mut self, user: i64, reference: &str) -> Result<bool, StoreError> {
        if reference.len() != TOKEN_REFERENCE || !reference.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(false);
        }
        let changed = self.database.execute(
            "DELETE FROM api_tokens WHERE user_id = ? AND SUBSTR(token_digest, 1, 12) = ?",
            &[Value::Int(user), Value::from(reference)],
        )?;
        Ok(changed > 0)
    }
}
