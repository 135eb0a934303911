//! The `carts` table: the statements behind `CartStore`. Reads take a reader connection,
//! writes run on the writer thread inside its batch transaction (see `writer`).

use cartd_domain::cart::Cart;
use cartd_store::{CartRecord, CartSummary, CartWrite, SaveOutcome, StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::db_err;

/// The longest cart key the schema accepts (CoCart's limit).
const MAX_KEY_CHARS: usize = 42;

/// A [`CartWrite`] with its cart already encoded, so JSON work happens on the caller's
/// task and the writer thread only runs SQL.
pub(crate) struct EncodedWrite {
    key: String,
    value: String,
    expected_version: Option<i64>,
    now: i64,
    expiry: i64,
    source: String,
    hash: String,
}

impl EncodedWrite {
    pub(crate) fn new(write: CartWrite) -> StoreResult<EncodedWrite> {
        check_key(&write.cart_key)?;
        let value = serde_json::to_string(&write.cart)
            .map_err(|e| StoreError::Data(format!("cart {} cannot be encoded: {e}", write.cart_key)))?;
        Ok(EncodedWrite {
            key: write.cart_key,
            value,
            expected_version: write.expected_version,
            now: write.now,
            expiry: write.expiry,
            source: write.source,
            hash: write.cart_hash,
        })
    }
}

fn check_key(key: &str) -> StoreResult<()> {
    if key.chars().count() > MAX_KEY_CHARS {
        return Err(StoreError::Data(format!("cart key longer than {MAX_KEY_CHARS} characters: {key}")));
    }
    Ok(())
}

pub(crate) fn load(conn: &Connection, key: &str, now: i64) -> StoreResult<Option<CartRecord>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT cart_id, cart_value, cart_created, cart_expiry, cart_source, cart_hash, version
             FROM carts WHERE cart_key = ?1 AND cart_expiry >= ?2",
        )
        .map_err(db_err)?;
    let row = stmt
        .query_row(params![key, now], |row| {
            let (cart_id, created, expiry, source, cart_hash, version) =
                (row.get(0)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?);
            Ok(decode_cart(key, row, 1).map(|cart| CartRecord {
                cart_id,
                cart_key: key.to_owned(),
                cart,
                created,
                expiry,
                source,
                cart_hash,
                version,
            }))
        })
        .optional()
        .map_err(db_err)?;
    row.transpose()
}

/// Decodes the JSON text in column `idx` without copying it out of SQLite first.
fn decode_cart(key: &str, row: &Row<'_>, idx: usize) -> StoreResult<Cart> {
    let text = row
        .get_ref(idx)
        .and_then(|v| v.as_str().map_err(Into::into))
        .map_err(|e| StoreError::Data(format!("cart {key}: cart_value is not text: {e}")))?;
    serde_json::from_str(text).map_err(|e| StoreError::Data(format!("cart {key}: cart_value does not decode: {e}")))
}

pub(crate) fn save(conn: &Connection, w: &EncodedWrite) -> StoreResult<SaveOutcome> {
    match w.expected_version {
        None => insert(conn, w),
        Some(version) => {
            let changed = conn
                .prepare_cached(
                    "UPDATE carts SET cart_value = ?2, cart_expiry = ?3, cart_hash = ?4, version = version + 1
                     WHERE cart_key = ?1 AND version = ?5",
                )
                .and_then(|mut s| s.execute(params![w.key, w.value, w.expiry, w.hash, version]))
                .map_err(db_err)?;
            Ok(if changed == 0 { SaveOutcome::Conflict } else { SaveOutcome::Saved { version: version + 1 } })
        }
    }
}

/// Inserts a new row. An expired row under the key reads as absent, so it is replaced by a
/// new row (new `cart_id`, `created`, `source`) — whose version continues past the old one,
/// so a writer still holding the expired row's version cannot overwrite the new cart.
fn insert(conn: &Connection, w: &EncodedWrite) -> StoreResult<SaveOutcome> {
    let expired_version: Option<i64> = conn
        .prepare_cached("DELETE FROM carts WHERE cart_key = ?1 AND cart_expiry < ?2 RETURNING version")
        .and_then(|mut s| s.query_row(params![w.key, w.now], |r| r.get(0)).optional())
        .map_err(db_err)?;
    let version = expired_version.map_or(1, |v| v + 1);
    let inserted = conn
        .prepare_cached(
            "INSERT INTO carts (cart_key, cart_value, cart_created, cart_expiry, cart_source, cart_hash, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (cart_key) DO NOTHING",
        )
        .and_then(|mut s| s.execute(params![w.key, w.value, w.now, w.expiry, w.source, w.hash, version]))
        .map_err(db_err)?;
    Ok(if inserted == 0 { SaveOutcome::Conflict } else { SaveOutcome::Saved { version } })
}

pub(crate) fn touch(conn: &Connection, key: &str, expiry: i64) -> StoreResult<()> {
    conn.prepare_cached("UPDATE carts SET cart_expiry = ?2 WHERE cart_key = ?1")
        .and_then(|mut s| s.execute(params![key, expiry]))
        .map_err(db_err)?;
    Ok(())
}

pub(crate) fn delete(conn: &Connection, key: &str) -> StoreResult<bool> {
    let deleted = conn
        .prepare_cached("DELETE FROM carts WHERE cart_key = ?1")
        .and_then(|mut s| s.execute(params![key]))
        .map_err(db_err)?;
    Ok(deleted > 0)
}

pub(crate) fn delete_expired(conn: &Connection, now: i64) -> StoreResult<u64> {
    let deleted = conn
        .prepare_cached("DELETE FROM carts WHERE cart_expiry < ?1")
        .and_then(|mut s| s.execute(params![now]))
        .map_err(db_err)?;
    Ok(deleted as u64)
}

pub(crate) fn list(conn: &Connection, offset: u64, limit: u64) -> StoreResult<Vec<CartSummary>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT cart_id, cart_key, cart_created, cart_expiry, cart_source, cart_value
             FROM carts ORDER BY cart_id LIMIT ?1 OFFSET ?2",
        )
        .map_err(db_err)?;
    let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let mut rows = stmt.query(params![clamp(limit), clamp(offset)]).map_err(db_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db_err)? {
        let key: String = row.get(1).map_err(db_err)?;
        let cart = decode_cart(&key, row, 5)?;
        out.push(CartSummary {
            cart_id: row.get(0).map_err(db_err)?,
            created: row.get(2).map_err(db_err)?,
            expiry: row.get(3).map_err(db_err)?,
            source: row.get(4).map_err(db_err)?,
            cart_key: key,
            cart,
        });
    }
    Ok(out)
}

pub(crate) fn count(conn: &Connection) -> StoreResult<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM carts")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(db_err)?;
    Ok(n as u64)
}
