//! Where the database lives (parsed from the URL) and how each connection is opened and
//! configured: the writer sets WAL and the durability level, readers are `query_only`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cartd_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};

use crate::{SqliteOptions, db_err};

/// Statements kept prepared per connection; the store uses fewer than 30 distinct ones.
const STATEMENT_CACHE: usize = 64;

/// Where the database lives.
#[derive(Debug, Clone)]
pub(crate) enum Location {
    File(PathBuf),
    /// A `memdb` VFS URI: one in-memory database shared by every connection of this
    /// process that opens the same name, freed when the last one closes.
    Memory(String),
}

impl Location {
    /// Accepts `sqlite://path`, `sqlite:path`, a plain path, and `sqlite::memory:`
    /// (also `sqlite://:memory:` and `:memory:`). `sqlite:///abs/path.db` is absolute.
    /// The only query parameter accepted is sqlx's `mode=rwc`, which is what this store
    /// does anyway.
    pub(crate) fn parse(url: &str) -> StoreResult<Location> {
        let rest = if let Some(rest) = url.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            rest
        } else if url.contains("://") {
            return Err(StoreError::Data(format!("not a SQLite database URL: {url}")));
        } else {
            url
        };
        let path = match rest.split_once('?') {
            Some((path, query)) => {
                for param in query.split('&') {
                    if !matches!(param, "" | "mode=rwc") {
                        return Err(StoreError::Data(format!("unsupported SQLite URL parameter `{param}` in {url}")));
                    }
                }
                path
            }
            None => rest,
        };
        if path == ":memory:" {
            return Ok(Location::Memory(memory_uri()));
        }
        if path.is_empty() {
            return Err(StoreError::Data(format!("SQLite URL without a path: {url}")));
        }
        Ok(Location::File(PathBuf::from(path)))
    }

    pub(crate) fn is_memory(&self) -> bool {
        matches!(self, Location::Memory(_))
    }

    /// Creates the file's parent directories so `sqlite://data/cartd.db` works on a fresh box.
    pub(crate) fn prepare(&self) -> StoreResult<()> {
        if let Location::File(path) = self
            && let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::Backend(format!("cannot create directory {}: {e}", parent.display())))?;
        }
        Ok(())
    }

    fn open(&self) -> StoreResult<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match self {
            Location::File(path) => Connection::open_with_flags(path, flags),
            Location::Memory(uri) => Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI),
        };
        conn.map_err(|e| StoreError::Backend(format!("cannot open SQLite database {self}: {e}")))
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Memory(uri) => write!(f, "{uri}"),
        }
    }
}

/// A process-unique memdb name. The leading `/` is what makes memdb share the database
/// between connections.
fn memory_uri() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("file:/cartd-{}-{n}-{nanos}?vfs=memdb", std::process::id())
}

/// WAL size (in 4 KiB pages) at which the writer checkpoints itself, and the size the WAL file
/// is cut back to: 64 MiB.
const WAL_LIMIT_PAGES: i64 = 16 * 1024;

/// The connection that performs every write.
pub(crate) fn open_writer(location: &Location, options: &SqliteOptions) -> StoreResult<Connection> {
    let conn = location.open()?;
    configure_common(&conn, location, options)?;
    if let Location::File(_) = location {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(db_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(database = %location, %mode, "SQLite refused WAL mode; reads will wait for writes");
        }
        // Keep a WAL that a burst grew from staying large on disk after checkpoints.
        conn.pragma_update(None, "journal_size_limit", WAL_LIMIT_PAGES * 4096).map_err(db_err)?;
        // Checkpoints are the checkpointer's job; this only bounds the WAL (see `checkpointer`).
        conn.pragma_update(None, "wal_autocheckpoint", WAL_LIMIT_PAGES).map_err(db_err)?;
    }
    conn.pragma_update(None, "synchronous", options.synchronous.pragma_value()).map_err(db_err)?;
    Ok(conn)
}

/// The connection that copies the WAL back into a file database, `None` in memory.
pub(crate) fn open_checkpointer(location: &Location, options: &SqliteOptions) -> StoreResult<Option<Connection>> {
    if location.is_memory() {
        return Ok(None);
    }
    let conn = location.open()?;
    configure_common(&conn, location, options)?;
    conn.pragma_update(None, "synchronous", options.synchronous.pragma_value()).map_err(db_err)?;
    Ok(Some(conn))
}

/// A pooled read connection. `query_only` makes an accidental write on it an error.
pub(crate) fn open_reader(location: &Location, options: &SqliteOptions) -> StoreResult<Connection> {
    let conn = location.open()?;
    configure_common(&conn, location, options)?;
    conn.pragma_update(None, "query_only", true).map_err(db_err)?;
    Ok(conn)
}

fn configure_common(conn: &Connection, location: &Location, options: &SqliteOptions) -> StoreResult<()> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    if location.is_memory() {
        // memdb has no WAL: a write transaction briefly locks readers out. SQLite's
        // default busy handler sleeps at least 1 ms per retry, far longer than a batch
        // in memory takes, so retry at a much finer grain instead.
        conn.busy_handler(Some(memdb_busy)).map_err(db_err)?;
    } else {
        conn.busy_timeout(Duration::from_millis(options.busy_timeout_ms)).map_err(db_err)?;
    }
    conn.pragma_update(None, "foreign_keys", true).map_err(db_err)?;
    conn.pragma_update(None, "temp_store", "MEMORY").map_err(db_err)?;
    Ok(())
}

/// Busy handler for in-memory databases: yield for the first retries, then sleep 20 µs,
/// giving up after roughly five seconds.
fn memdb_busy(attempt: i32) -> bool {
    const YIELDS: i32 = 200;
    const SLEEPS: i32 = 100_000;
    if attempt < YIELDS {
        std::thread::yield_now();
        true
    } else if attempt < YIELDS + SLEEPS {
        std::thread::sleep(Duration::from_micros(20));
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(url: &str) -> PathBuf {
        match Location::parse(url).unwrap() {
            Location::File(p) => p,
            Location::Memory(uri) => panic!("{url} parsed as memory {uri}"),
        }
    }

    #[test]
    fn parses_urls() {
        assert_eq!(file("sqlite://data/cartd.db"), PathBuf::from("data/cartd.db"));
        assert_eq!(file("sqlite:///var/lib/cartd.db"), PathBuf::from("/var/lib/cartd.db"));
        assert_eq!(file("sqlite:cartd.db"), PathBuf::from("cartd.db"));
        assert_eq!(file("sqlite://cartd.db?mode=rwc"), PathBuf::from("cartd.db"));
        assert_eq!(file("/tmp/x/cartd.db"), PathBuf::from("/tmp/x/cartd.db"));
        assert_eq!(file("cartd.db"), PathBuf::from("cartd.db"));
        for url in ["sqlite::memory:", "sqlite://:memory:", ":memory:"] {
            assert!(Location::parse(url).unwrap().is_memory(), "{url}");
        }
        for bad in ["postgres://localhost/cartd", "sqlite://", "sqlite:", "sqlite://x.db?cache=shared"] {
            assert!(Location::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn memory_names_are_unique() {
        let (Location::Memory(a), Location::Memory(b)) =
            (Location::parse("sqlite::memory:").unwrap(), Location::parse("sqlite::memory:").unwrap())
        else {
            panic!("not memory");
        };
        assert_ne!(a, b);
    }
}
