//! The read connections. A read borrows an idle connection, runs on the calling thread and
//! gives the connection back.
//!
//! Reads run inline on the async task that asks for them, not on `spawn_blocking`: a
//! one-row read of a hot page cache takes a few microseconds, while a hop to the blocking
//! pool and back costs more than that. In WAL mode a read never waits for the writer, so
//! the only time a read can block is a checkpoint restart or a busy wait bounded by
//! `busy_timeout` — rare, and brief. Catalog loads are heavier but run once per catalog
//! change.
//!
//! Reads never wait for a free connection either: if every pooled one is in use (more
//! threads reading at once than `reader_connections`), a fresh connection is opened for
//! that read and closed after it. Size the pool to the number of runtime worker threads.

use std::sync::{Mutex, PoisonError};

use cartd_store::StoreResult;
use rusqlite::Connection;

use crate::SqliteOptions;
use crate::connect::{Location, open_reader};

pub(crate) struct Readers {
    idle: Mutex<Vec<Connection>>,
    keep: usize,
    location: Location,
    options: SqliteOptions,
}

impl Readers {
    pub(crate) fn open(location: Location, options: SqliteOptions) -> StoreResult<Readers> {
        let keep = options.reader_connections;
        let idle = (0..keep).map(|_| open_reader(&location, &options)).collect::<StoreResult<Vec<_>>>()?;
        Ok(Readers { idle: Mutex::new(idle), keep, location, options })
    }

    /// Runs `read` on an idle connection (or a fresh one when all are busy).
    pub(crate) fn with<T>(&self, read: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let pooled = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => {
                tracing::debug!("all SQLite read connections busy; opening a temporary one");
                open_reader(&self.location, &self.options)?
            }
        };
        let result = read(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.keep {
            idle.push(conn);
        }
        result
    }

    /// Closes the idle connections (before the writer, whose close then checkpoints).
    pub(crate) fn close(&self) {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}
