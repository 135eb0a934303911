//! The `products`, `settings` and `meta` tables: the statements behind `CatalogStore`.

use cartd_domain::catalog::Product;
use cartd_domain::settings::Settings;
use cartd_store::{ImportSummary, StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, params};

use crate::db_err;

/// Products encoded on the caller's task: `(id, JSON)`.
pub(crate) fn encode_products(products: &[Product]) -> StoreResult<Vec<(i64, String)>> {
    products
        .iter()
        .map(|p| {
            let id = i64::try_from(p.id)
                .map_err(|_| StoreError::Data(format!("product id {} does not fit a signed 64-bit integer", p.id)))?;
            let json = serde_json::to_string(p)
                .map_err(|e| StoreError::Data(format!("product {} cannot be encoded: {e}", p.id)))?;
            Ok((id, json))
        })
        .collect()
}

pub(crate) fn encode_settings(settings: &Settings) -> StoreResult<String> {
    serde_json::to_string(settings).map_err(|e| StoreError::Data(format!("settings cannot be encoded: {e}")))
}

pub(crate) fn load_products(conn: &Connection) -> StoreResult<Vec<Product>> {
    let mut stmt = conn.prepare_cached("SELECT id, data FROM products ORDER BY id").map_err(db_err)?;
    let mut rows = stmt.query([]).map_err(db_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db_err)? {
        let id: i64 = row.get(0).map_err(db_err)?;
        let text = row.get_ref(1).and_then(|v| v.as_str().map_err(Into::into)).map_err(db_err)?;
        let product =
            serde_json::from_str(text).map_err(|e| StoreError::Data(format!("product {id} does not decode: {e}")))?;
        out.push(product);
    }
    Ok(out)
}

/// Upserts every product; the writer's savepoint makes it all or nothing.
pub(crate) fn import_products(conn: &Connection, products: &[(i64, String)]) -> StoreResult<ImportSummary> {
    let mut insert = conn
        .prepare_cached("INSERT INTO products (id, data) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING")
        .map_err(db_err)?;
    let mut update = conn.prepare_cached("UPDATE products SET data = ?2 WHERE id = ?1").map_err(db_err)?;
    let mut summary = ImportSummary::default();
    for (id, json) in products {
        if insert.execute(params![id, json]).map_err(db_err)? > 0 {
            summary.inserted += 1;
        } else {
            update.execute(params![id, json]).map_err(db_err)?;
            summary.updated += 1;
        }
    }
    if !products.is_empty() {
        bump_catalog_version(conn)?;
    }
    Ok(summary)
}

pub(crate) fn load_settings(conn: &Connection) -> StoreResult<Option<Settings>> {
    let mut stmt = conn.prepare_cached("SELECT data FROM settings WHERE id = 1").map_err(db_err)?;
    let decoded = stmt
        .query_row([], |row| {
            let text = row.get_ref(0)?.as_str()?;
            Ok(serde_json::from_str::<Settings>(text)
                .map_err(|e| StoreError::Data(format!("settings do not decode: {e}"))))
        })
        .optional()
        .map_err(db_err)?;
    decoded.transpose()
}

pub(crate) fn save_settings(conn: &Connection, json: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO settings (id, data) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET data = excluded.data",
    )
    .and_then(|mut s| s.execute(params![json]))
    .map_err(db_err)?;
    bump_catalog_version(conn)
}

pub(crate) fn catalog_version(conn: &Connection) -> StoreResult<i64> {
    let version: Option<i64> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'catalog_version'")
        .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
        .map_err(db_err)?;
    Ok(version.unwrap_or(0))
}

fn bump_catalog_version(conn: &Connection) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('catalog_version', 1)
         ON CONFLICT (key) DO UPDATE SET value = value + 1",
    )
    .and_then(|mut s| s.execute([]))
    .map_err(db_err)?;
    Ok(())
}
