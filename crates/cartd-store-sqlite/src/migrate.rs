//! The embedded schema migrations (`migrations/sqlite/*.sql`), applied in order and recorded
//! in `schema_migrations`. They run as a job on the writer thread, so inside its
//! `BEGIN IMMEDIATE` transaction: a migration applies whole or not at all.

use std::time::{SystemTime, UNIX_EPOCH};

use cartd_store::{StoreError, StoreResult};
use rusqlite::Connection;

use crate::db_err;

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

/// Every migration, in version order. Append only; never edit one that has shipped.
const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../../../migrations/sqlite/0001_init.sql") },
    Migration { version: 2, name: "users", sql: include_str!("../../../migrations/sqlite/0002_users.sql") },
];

/// Applies the migrations this database has not seen. Must run inside a transaction.
pub(crate) fn apply_pending(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at INTEGER NOT NULL
        )",
    )
    .map_err(db_err)?;
    let applied: i64 =
        conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0)).map_err(db_err)?;
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    if applied > known {
        return Err(StoreError::Data(format!(
            "the database schema is at version {applied}, newer than this build knows ({known})"
        )));
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    for migration in MIGRATIONS.iter().filter(|m| m.version > applied) {
        conn.execute_batch(migration.sql).map_err(|e| {
            StoreError::Backend(format!("migration {} ({}) failed: {e}", migration.version, migration.name))
        })?;
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            (migration.version, migration.name, now),
        )
        .map_err(db_err)?;
        tracing::info!(version = migration.version, name = migration.name, "applied SQLite migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_increasing() {
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
        assert!(MIGRATIONS.first().is_some_and(|m| m.version == 1));
    }
}
