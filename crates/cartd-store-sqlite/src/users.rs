//! The `users` and `api_keys` tables: the statements behind `UserStore`. Records are
//! encoded on the caller's task; the writer thread only runs SQL. Clashes are checked before
//! writing so the caller gets a message naming the field and the other user, not SQLite's.

use cartd_domain::cart::Address;
use cartd_store::{ApiKey, StoreError, StoreResult, User};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::db_err;

const USER_COLUMNS: &str = "id, login, email, display_name, nicename, roles, password_hash, billing, shipping";
const KEY_COLUMNS: &str =
    "key_id, user_id, description, permissions, consumer_key_hash, consumer_secret, truncated_key";

/// A [`User`] with its JSON columns encoded; `id == 0` asks the writer for the next free id.
pub(crate) struct EncodedUser {
    id: i64,
    login: String,
    email: String,
    display_name: String,
    nicename: String,
    roles: String,
    password_hash: String,
    billing: String,
    shipping: String,
}

impl EncodedUser {
    pub(crate) fn new(user: User) -> StoreResult<EncodedUser> {
        let id = user_id(user.id)?;
        if user.login.is_empty() {
            return Err(StoreError::Data("a user needs a login".into()));
        }
        if user.email.is_empty() {
            return Err(StoreError::Data(format!("user \"{}\" needs an e-mail address", user.login)));
        }
        let encode = |what: &str, value: Result<String, serde_json::Error>| {
            value.map_err(|e| StoreError::Data(format!("the {what} of user \"{}\" cannot be encoded: {e}", user.login)))
        };
        let roles = encode("roles", serde_json::to_string(&user.roles))?;
        let billing = encode("billing address", serde_json::to_string(&user.billing))?;
        let shipping = encode("shipping address", serde_json::to_string(&user.shipping))?;
        Ok(EncodedUser {
            id,
            login: user.login,
            email: user.email,
            display_name: user.display_name,
            nicename: user.nicename,
            roles,
            password_hash: user.password_hash,
            billing,
            shipping,
        })
    }
}

/// A user id as stored: at most `i64::MAX`.
pub(crate) fn user_id(id: u64) -> StoreResult<i64> {
    i64::try_from(id).map_err(|_| StoreError::Data(format!("user id {id} does not fit a signed 64-bit integer")))
}

fn decode_user(row: &Row<'_>) -> StoreResult<User> {
    let id: i64 = row.get(0).map_err(db_err)?;
    let login: String = row.get(1).map_err(db_err)?;
    let json = |idx: usize, what: &str| -> StoreResult<&str> {
        row.get_ref(idx)
            .and_then(|v| v.as_str().map_err(Into::into))
            .map_err(|e| StoreError::Data(format!("the {what} of user {id} is not text: {e}")))
    };
    let roles = serde_json::from_str(json(5, "roles")?)
        .map_err(|e| StoreError::Data(format!("the roles of user {id} do not decode: {e}")))?;
    let billing: Address = serde_json::from_str(json(7, "billing address")?)
        .map_err(|e| StoreError::Data(format!("the billing address of user {id} does not decode: {e}")))?;
    let shipping: Address = serde_json::from_str(json(8, "shipping address")?)
        .map_err(|e| StoreError::Data(format!("the shipping address of user {id} does not decode: {e}")))?;
    Ok(User {
        id: u64::try_from(id).map_err(|_| StoreError::Data(format!("stored user id {id} is negative")))?,
        login,
        email: row.get(2).map_err(db_err)?,
        display_name: row.get(3).map_err(db_err)?,
        nicename: row.get(4).map_err(db_err)?,
        roles,
        password_hash: row.get(6).map_err(db_err)?,
        billing,
        shipping,
    })
}

fn query_user(conn: &Connection, sql: &str, param: &dyn rusqlite::ToSql) -> StoreResult<Option<User>> {
    let mut stmt = conn.prepare_cached(sql).map_err(db_err)?;
    let mut rows = stmt.query([param]).map_err(db_err)?;
    match rows.next().map_err(db_err)? {
        Some(row) => decode_user(row).map(Some),
        None => Ok(None),
    }
}

pub(crate) fn by_id(conn: &Connection, id: u64) -> StoreResult<Option<User>> {
    let Ok(id) = i64::try_from(id) else {
        return Ok(None);
    };
    query_user(conn, &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), &id)
}

/// The login first, then the e-mail; both compare with `NOCASE` (ASCII case folding).
pub(crate) fn by_login_or_email(conn: &Connection, name: &str) -> StoreResult<Option<User>> {
    if name.is_empty() {
        return Ok(None);
    }
    if let Some(user) = query_user(conn, &format!("SELECT {USER_COLUMNS} FROM users WHERE login = ?1"), &name)? {
        return Ok(Some(user));
    }
    query_user(conn, &format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"), &name)
}

pub(crate) fn list(conn: &Connection) -> StoreResult<Vec<User>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id")).map_err(db_err)?;
    let mut rows = stmt.query([]).map_err(db_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db_err)? {
        out.push(decode_user(row)?);
    }
    Ok(out)
}

/// Inserts or updates by id (assigning `max(id) + 1` for id 0); refuses a login or e-mail
/// that another user has.
pub(crate) fn save(conn: &Connection, user: &EncodedUser) -> StoreResult<u64> {
    let id = if user.id == 0 {
        let max: i64 = conn
            .prepare_cached("SELECT coalesce(max(id), 0) FROM users")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(db_err)?;
        max.checked_add(1).ok_or_else(|| StoreError::Data("no user id is left above the largest one".into()))?
    } else {
        user.id
    };
    let clash: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, login FROM users WHERE (login = ?1 OR email = ?2) AND id <> ?3 ORDER BY id LIMIT 1")
        .and_then(|mut s| s.query_row(params![user.login, user.email, id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(db_err)?;
    if let Some((other, other_login)) = clash {
        return Err(StoreError::Data(if other_login.eq_ignore_ascii_case(&user.login) {
            format!("the login \"{}\" is already used by user {other}", user.login)
        } else {
            format!("the e-mail address \"{}\" is already used by user {other}", user.email)
        }));
    }
    conn.prepare_cached(
        "INSERT INTO users (id, login, email, display_name, nicename, roles, password_hash, billing, shipping)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET
             login = excluded.login, email = excluded.email, display_name = excluded.display_name,
             nicename = excluded.nicename, roles = excluded.roles, password_hash = excluded.password_hash,
             billing = excluded.billing, shipping = excluded.shipping",
    )
    .and_then(|mut s| {
        s.execute(params![
            id,
            user.login,
            user.email,
            user.display_name,
            user.nicename,
            user.roles,
            user.password_hash,
            user.billing,
            user.shipping
        ])
    })
    .map_err(db_err)?;
    Ok(id as u64)
}

pub(crate) fn set_password_hash(conn: &Connection, id: i64, hash: &str) -> StoreResult<()> {
    let changed = conn
        .prepare_cached("UPDATE users SET password_hash = ?2 WHERE id = ?1")
        .and_then(|mut s| s.execute(params![id, hash]))
        .map_err(db_err)?;
    if changed == 0 {
        return Err(StoreError::Data(format!("no user with id {id}")));
    }
    Ok(())
}

/// An [`ApiKey`] checked on the caller's task.
pub(crate) struct CheckedKey {
    key: ApiKey,
    user_id: i64,
}

impl CheckedKey {
    pub(crate) fn new(key: ApiKey) -> StoreResult<CheckedKey> {
        if !matches!(key.permissions.as_str(), "read" | "write" | "read_write") {
            return Err(StoreError::Data(format!(
                "API key permissions must be read, write or read_write, not \"{}\"",
                key.permissions
            )));
        }
        if key.key_id < 0 {
            return Err(StoreError::Data(format!("API key id {} is negative", key.key_id)));
        }
        if key.consumer_key_hash.is_empty() {
            return Err(StoreError::Data("an API key needs its consumer key hash".into()));
        }
        let user_id = user_id(key.user_id)?;
        Ok(CheckedKey { key, user_id })
    }
}

/// Inserts (`key_id == 0`: a new id) or updates by `key_id`; `last_access` is kept.
pub(crate) fn save_api_key(conn: &Connection, checked: &CheckedKey) -> StoreResult<i64> {
    let key = &checked.key;
    let user_exists: Option<i64> = conn
        .prepare_cached("SELECT id FROM users WHERE id = ?1")
        .and_then(|mut s| s.query_row([checked.user_id], |r| r.get(0)).optional())
        .map_err(db_err)?;
    if user_exists.is_none() {
        return Err(StoreError::Data(format!("cannot save an API key for user {}: no such user", key.user_id)));
    }
    let clash: Option<i64> = conn
        .prepare_cached("SELECT key_id FROM api_keys WHERE consumer_key_hash = ?1 AND key_id <> ?2")
        .and_then(|mut s| s.query_row(params![key.consumer_key_hash, key.key_id], |r| r.get(0)).optional())
        .map_err(db_err)?;
    if let Some(other) = clash {
        return Err(StoreError::Data(format!("API key {other} already has this consumer key")));
    }
    let values = params![
        checked.user_id,
        key.description,
        key.permissions,
        key.consumer_key_hash,
        key.consumer_secret,
        key.truncated_key,
        key.key_id
    ];
    if key.key_id == 0 {
        conn.prepare_cached(
            "INSERT INTO api_keys
                 (user_id, description, permissions, consumer_key_hash, consumer_secret, truncated_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .and_then(|mut s| s.execute(&values[..6]))
        .map_err(db_err)?;
        Ok(conn.last_insert_rowid())
    } else {
        conn.prepare_cached(
            "INSERT INTO api_keys
                 (user_id, description, permissions, consumer_key_hash, consumer_secret, truncated_key, key_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (key_id) DO UPDATE SET
                 user_id = excluded.user_id, description = excluded.description,
                 permissions = excluded.permissions, consumer_key_hash = excluded.consumer_key_hash,
                 consumer_secret = excluded.consumer_secret, truncated_key = excluded.truncated_key",
        )
        .and_then(|mut s| s.execute(values))
        .map_err(db_err)?;
        Ok(key.key_id)
    }
}

pub(crate) fn api_key_by_hash(conn: &Connection, hash: &str) -> StoreResult<Option<ApiKey>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE consumer_key_hash = ?1"))
        .map_err(db_err)?;
    stmt.query_row([hash], |row| {
        let user_id: i64 = row.get(1)?;
        Ok(ApiKey {
            key_id: row.get(0)?,
            user_id: user_id as u64,
            description: row.get(2)?,
            permissions: row.get(3)?,
            consumer_key_hash: row.get(4)?,
            consumer_secret: row.get(5)?,
            truncated_key: row.get(6)?,
        })
    })
    .optional()
    .map_err(db_err)
}
