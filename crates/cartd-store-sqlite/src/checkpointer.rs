//! WAL checkpoints on their own thread and connection.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the
//! committing connection: here the one writer, so every queued write waited behind copying
//! the WAL into the database and an fsync of the database file (bench: hot-cart p99 96 ms
//! with it, 10 ms without). A PASSIVE checkpoint on another connection never blocks the
//! writer or the readers. The writer keeps a high automatic threshold only as a bound on the
//! WAL under writes that never pause (the WAL can only restart after a checkpoint that
//! nothing appended to meanwhile); by then this thread has copied almost everything, so that
//! rare checkpoint is short.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use cartd_store::{StoreError, StoreResult};
use rusqlite::Connection;

/// How often the WAL is copied back into the database.
const INTERVAL: Duration = Duration::from_millis(100);

pub(crate) struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub(crate) fn spawn(conn: Connection) -> StoreResult<Checkpointer> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("cartd-sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        tracing::warn!(error = %e, "SQLite checkpoint failed; the next one retries");
                    }
                }
            })
            .map_err(|e| StoreError::Backend(format!("cannot start the SQLite checkpoint thread: {e}")))?;
        Ok(Checkpointer { stop: Some(stop), thread: Some(thread) })
    }

    /// Stops the thread and closes its connection (before the writer, which closes last).
    pub(crate) fn close(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the SQLite checkpoint thread panicked");
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.close();
    }
}
