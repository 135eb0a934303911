//! The embedded SQLite backend of cartd: [`SqliteStore`] implements `CartStore`,
//! `CatalogStore` and `UserStore` on one database file (or a process-local in-memory database).
//!
//! Shape: one dedicated writer thread owns the only write connection and group-commits
//! every write (see `writer`); a small pool of read connections serves reads inline on the
//! calling task (see `readers`). The database runs in WAL mode so reads never wait for the
//! writer, with `synchronous = FULL` by default so an acknowledged write survives a power
//! loss. Carts, products, settings and the JSON columns of users are stored as serde_json text.
//!
//! Shutdown: dropping the last clone of a store closes the readers, lets the writer finish
//! every job already queued, and joins it. [`SqliteStore::close`] does the same without
//! blocking an async worker thread.

mod carts;
mod catalog;
mod checkpointer;
mod connect;
mod migrate;
mod readers;
mod users;
mod writer;

use std::sync::Arc;

use cartd_domain::catalog::Product;
use cartd_domain::settings::Settings;
use cartd_store::{
    ApiKey, CartRecord, CartStore, CartSummary, CartWrite, CatalogStore, ImportSummary, SaveOutcome, StoreError,
    StoreResult, User, UserStore,
};
use rusqlite::ErrorCode;

use crate::checkpointer::Checkpointer;
use crate::connect::Location;
use crate::readers::Readers;
use crate::writer::Writer;

pub use crate::writer::WriterStats;

/// SQLite's `synchronous` setting for the write connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// fsync the WAL on every commit: an acknowledged write survives a power loss.
    #[default]
    Full,
    /// fsync only at checkpoints: an acknowledged write survives a crash of the process but
    /// the last commits may be lost on power loss. Faster on slow disks.
    Normal,
}

impl Synchronous {
    fn pragma_value(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    pub synchronous: Synchronous,
    /// Read connections kept open. Reads never wait: when all are in use a temporary one is
    /// opened, so match this to the number of runtime worker threads.
    pub reader_connections: usize,
    /// How long a connection retries a locked database before failing (file databases).
    pub busy_timeout_ms: u64,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions { synchronous: Synchronous::Full, reader_connections: 4, busy_timeout_ms: 5000 }
    }
}

/// The SQLite store. Cheap to clone (an `Arc`); all clones share the writer and the readers.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    // Field order is drop order: readers and the checkpointer close first, then the writer
    // drains its queue and closes last (the last connection to close checkpoints the WAL).
    readers: Readers,
    checkpointer: Option<Checkpointer>,
    writer: Writer,
    location: Location,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.readers.close();
        if let Some(checkpointer) = &mut self.checkpointer {
            checkpointer.close();
        }
    }
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("database", &self.inner.location.to_string()).finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and brings its schema up to date.
    ///
    /// `url` is `sqlite://path`, `sqlite:path`, a plain path, or `sqlite::memory:` for a
    /// private in-memory database (gone when the store is dropped). Parent directories of a
    /// file are created. Blocks briefly: call it at startup.
    pub fn open(url: &str, options: SqliteOptions) -> StoreResult<SqliteStore> {
        let location = Location::parse(url)?;
        location.prepare()?;
        // The writer connection first: it switches the file to WAL before readers attach.
        let writer = Writer::spawn(connect::open_writer(&location, &options)?)?;
        writer.run_blocking(migrate::apply_pending)?;
        let checkpointer = connect::open_checkpointer(&location, &options)?.map(Checkpointer::spawn).transpose()?;
        let readers = Readers::open(location.clone(), options)?;
        tracing::debug!(database = %location, "opened SQLite store");
        Ok(SqliteStore { inner: Arc::new(Inner { readers, checkpointer, writer, location }) })
    }

    /// Applies any migration the database has not seen yet; idempotent. `open` already
    /// calls it.
    pub fn migrate(&self) -> StoreResult<()> {
        self.inner.writer.run_blocking(migrate::apply_pending)
    }

    /// Whether this store is the in-memory kind.
    pub fn is_memory(&self) -> bool {
        self.inner.location.is_memory()
    }

    /// How many write transactions and jobs the writer has run (batch size = jobs / batches).
    pub fn writer_stats(&self) -> WriterStats {
        self.inner.writer.stats()
    }

    /// Gives up this handle; if it is the last one, waits (off the async worker threads) for
    /// the writer to finish the queued jobs and close the database. Dropping does the same,
    /// blocking the dropping thread instead.
    pub async fn close(self) {
        if let Some(inner) = Arc::into_inner(self.inner)
            && let Err(e) = tokio::task::spawn_blocking(move || drop(inner)).await
        {
            tracing::error!(error = %e, "closing the SQLite store failed");
        }
    }
}

impl CartStore for SqliteStore {
    async fn load_cart(&self, key: &str, now: i64) -> StoreResult<Option<CartRecord>> {
        self.inner.readers.with(|conn| carts::load(conn, key, now))
    }

    async fn save_cart(&self, write: CartWrite) -> StoreResult<SaveOutcome> {
        let write = carts::EncodedWrite::new(write)?;
        self.inner.writer.run(move |conn| carts::save(conn, &write)).await
    }

    async fn touch_cart(&self, key: &str, expiry: i64) -> StoreResult<()> {
        let key = key.to_owned();
        self.inner.writer.run(move |conn| carts::touch(conn, &key, expiry)).await
    }

    async fn delete_cart(&self, key: &str) -> StoreResult<bool> {
        let key = key.to_owned();
        self.inner.writer.run(move |conn| carts::delete(conn, &key)).await
    }

    async fn delete_expired(&self, now: i64) -> StoreResult<u64> {
        self.inner.writer.run(move |conn| carts::delete_expired(conn, now)).await
    }

    async fn list_carts(&self, offset: u64, limit: u64) -> StoreResult<Vec<CartSummary>> {
        self.inner.readers.with(|conn| carts::list(conn, offset, limit))
    }

    async fn count_carts(&self) -> StoreResult<u64> {
        self.inner.readers.with(carts::count)
    }
}

impl CatalogStore for SqliteStore {
    async fn load_products(&self) -> StoreResult<Vec<Product>> {
        self.inner.readers.with(catalog::load_products)
    }

    async fn import_products(&self, products: Vec<Product>) -> StoreResult<ImportSummary> {
        let encoded = catalog::encode_products(&products)?;
        drop(products);
        self.inner.writer.run(move |conn| catalog::import_products(conn, &encoded)).await
    }

    async fn load_settings(&self) -> StoreResult<Option<Settings>> {
        self.inner.readers.with(catalog::load_settings)
    }

    async fn save_settings(&self, settings: Settings) -> StoreResult<()> {
        let json = catalog::encode_settings(&settings)?;
        self.inner.writer.run(move |conn| catalog::save_settings(conn, &json)).await
    }

    async fn catalog_version(&self) -> StoreResult<i64> {
        self.inner.readers.with(catalog::catalog_version)
    }
}

impl UserStore for SqliteStore {
    async fn user_by_id(&self, id: u64) -> StoreResult<Option<User>> {
        self.inner.readers.with(|conn| users::by_id(conn, id))
    }

    async fn user_by_login_or_email(&self, name: &str) -> StoreResult<Option<User>> {
        self.inner.readers.with(|conn| users::by_login_or_email(conn, name))
    }

    async fn save_user(&self, user: User) -> StoreResult<u64> {
        let user = users::EncodedUser::new(user)?;
        self.inner.writer.run(move |conn| users::save(conn, &user)).await
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        self.inner.readers.with(users::list)
    }

    async fn set_password_hash(&self, id: u64, hash: &str) -> StoreResult<()> {
        let id = users::user_id(id)?;
        let hash = hash.to_owned();
        self.inner.writer.run(move |conn| users::set_password_hash(conn, id, &hash)).await
    }

    async fn save_api_key(&self, key: ApiKey) -> StoreResult<i64> {
        let key = users::CheckedKey::new(key)?;
        self.inner.writer.run(move |conn| users::save_api_key(conn, &key)).await
    }

    async fn api_key_by_hash(&self, consumer_key_hash: &str) -> StoreResult<Option<ApiKey>> {
        self.inner.readers.with(|conn| users::api_key_by_hash(conn, consumer_key_hash))
    }
}

/// Maps a SQLite error: a violated constraint is invalid data, anything else a backend
/// failure.
pub(crate) fn db_err(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => StoreError::Data(e.to_string()),
        _ => StoreError::Backend(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn store_is_send_sync_clone() {
        assert_send_sync::<SqliteStore>();
    }

    fn meta_insert(key: &'static str) -> impl FnOnce(&rusqlite::Connection) -> StoreResult<()> + Send + 'static {
        move |conn| {
            conn.execute("INSERT INTO meta (key, value) VALUES (?1, 1)", [key]).map_err(db_err)?;
            Ok(())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_job_is_rolled_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("w.db").to_str().unwrap(), SqliteOptions::default()).unwrap();
        let writer = &store.inner.writer;
        let before = writer.stats();
        // The first job holds the writer so the next four queue up into one batch.
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let holder = store.clone();
        let hold = tokio::spawn(async move {
            holder
                .inner
                .writer
                .run(move |_| {
                    started_tx.send(()).unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    Ok(())
                })
                .await
        });
        started_rx.recv().unwrap();
        let ok_a = writer.run(meta_insert("a"));
        let failing = writer.run(|conn| {
            meta_insert("b")(conn)?;
            Err::<(), _>(StoreError::Data("refused".into()))
        });
        let ok_c = writer.run(meta_insert("c"));
        let duplicate = writer.run(meta_insert("c"));
        let (a, b, c, dup) = tokio::join!(ok_a, failing, ok_c, duplicate);
        hold.await.unwrap().unwrap();
        a.unwrap();
        c.unwrap();
        assert!(matches!(b, Err(StoreError::Data(_))), "{b:?}");
        assert!(matches!(dup, Err(StoreError::Data(_))), "a unique violation is a Data error: {dup:?}");
        let after = writer.stats();
        assert_eq!((after.batches - before.batches, after.jobs - before.jobs), (2, 5), "{before:?} → {after:?}");

        let keys: Vec<String> = store
            .inner
            .readers
            .with(|conn| {
                let mut stmt = conn.prepare("SELECT key FROM meta WHERE key IN ('a', 'b', 'c') ORDER BY key").unwrap();
                Ok(stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect())
            })
            .unwrap();
        assert_eq!(keys, ["a", "c"], "the failed job's write is rolled back, the others are committed");
    }

    #[tokio::test]
    async fn file_databases_use_wal_and_the_chosen_durability() {
        let dir = tempfile::tempdir().unwrap();
        for (synchronous, expected) in [(Synchronous::Full, 2), (Synchronous::Normal, 1)] {
            let path = dir.path().join(format!("{expected}.db"));
            let options = SqliteOptions { synchronous, ..SqliteOptions::default() };
            let store = SqliteStore::open(path.to_str().unwrap(), options).unwrap();
            let (mode, sync, fk): (String, i64, i64) = store
                .inner
                .writer
                .run(|conn| {
                    let get = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0));
                    let (
                        rusqlite::types::Value::Text(mode),
                        rusqlite::types::Value::Integer(sync),
                        rusqlite::types::Value::Integer(fk),
                    ) = (
                        get("PRAGMA journal_mode").unwrap(),
                        get("PRAGMA synchronous").unwrap(),
                        get("PRAGMA foreign_keys").unwrap(),
                    )
                    else {
                        panic!("unexpected pragma types");
                    };
                    Ok((mode, sync, fk))
                })
                .await
                .unwrap();
            assert_eq!((mode.as_str(), sync, fk), ("wal", expected, 1), "{synchronous:?}");
        }
    }

    #[tokio::test]
    async fn readers_refuse_writes() {
        let store = SqliteStore::open("sqlite::memory:", SqliteOptions::default()).unwrap();
        let result = store.inner.readers.with(meta_insert("x"));
        assert!(result.is_err(), "reader connections are query_only");
    }

    #[test]
    fn the_checkpointer_copies_the_wal_into_the_database_while_the_store_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.db");
        let store = SqliteStore::open(path.to_str().unwrap(), SqliteOptions::default()).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        let fill = "CREATE TABLE filler (x BLOB);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
            INSERT INTO filler SELECT randomblob(4000) FROM n;";
        store.inner.writer.run_blocking(move |conn| conn.execute_batch(fill).map_err(db_err)).unwrap();
        // 2 MB committed to the WAL, far below the writer's own threshold: only the
        // checkpointer can move it into the database file.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() < before + 1_000_000 {
            assert!(std::time::Instant::now() < deadline, "no checkpoint within 10 s");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}
