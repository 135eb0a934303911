//! The single writer: one OS thread owns the write connection and performs every write, fed
//! by a channel. It group-commits: it blocks for the first job, drains whatever else is queued
//! (up to `MAX_BATCH`), runs them all in one `BEGIN IMMEDIATE … COMMIT` with each job under
//! its own SAVEPOINT (a failing job is rolled back alone), and only then answers each caller.
//! So an answered write is committed — and with `synchronous = FULL`, on disk — while one
//! fsync is shared by everything that queued up behind the previous commit.
//!
//! Dropping the [`Writer`] closes the channel; the thread finishes the jobs still queued,
//! closes the connection and is joined.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use cartd_store::{StoreError, StoreResult};
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use rusqlite::Connection;
use tokio::sync::oneshot;

/// Most jobs committed together; bounds the latency the first job of a batch can suffer.
const MAX_BATCH: usize = 256;

/// Counters of the writer thread since the store was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterStats {
    /// Transactions committed (or attempted).
    pub batches: u64,
    /// Jobs run in them.
    pub jobs: u64,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    jobs: AtomicU64,
}

pub(crate) struct Writer {
    /// `None` only while dropping.
    jobs: Option<Sender<Box<dyn Job>>>,
    thread: Option<JoinHandle<()>>,
    counters: Arc<Counters>,
}

impl Writer {
    pub(crate) fn spawn(conn: Connection) -> StoreResult<Writer> {
        let (tx, rx) = crossbeam_channel::unbounded::<Box<dyn Job>>();
        let counters = Arc::new(Counters::default());
        let thread_counters = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("cartd-sqlite-writer".into())
            .spawn(move || run(conn, rx, &thread_counters))
            .map_err(|e| StoreError::Backend(format!("cannot start the SQLite writer thread: {e}")))?;
        Ok(Writer { jobs: Some(tx), thread: Some(thread), counters })
    }

    /// Runs `work` on the writer thread inside a batch transaction; resolves once that
    /// transaction has committed (or failed).
    pub(crate) async fn run<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.submit(Box::new(Task { work: Some(work), result: None, reply: Reply::Async(tx) }))?;
        rx.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// As [`Writer::run`], blocking the calling thread. Fine outside and (briefly) inside
    /// an async runtime.
    pub(crate) fn run_blocking<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.submit(Box::new(Task { work: Some(work), result: None, reply: Reply::Blocking(tx) }))?;
        rx.recv().unwrap_or_else(|_| Err(stopped()))
    }

    pub(crate) fn stats(&self) -> WriterStats {
        WriterStats {
            batches: self.counters.batches.load(Ordering::Relaxed),
            jobs: self.counters.jobs.load(Ordering::Relaxed),
        }
    }

    fn submit(&self, job: Box<dyn Job>) -> StoreResult<()> {
        let jobs = self.jobs.as_ref().ok_or_else(stopped)?;
        jobs.send(job).map_err(|_| stopped())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel lets the thread drain what is queued and exit.
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the SQLite writer thread panicked");
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Backend("the SQLite writer thread has stopped".into())
}

/// A unit of work for the writer thread, type-erased.
trait Job: Send {
    /// The caller has gone away (its future was dropped): no need to run it.
    fn abandoned(&self) -> bool;
    /// Runs the work; `true` if it succeeded and its changes should be kept.
    fn execute(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the batch is over: `batch` is the commit's outcome.
    fn finish(self: Box<Self>, batch: Result<(), &str>);
}

enum Reply<T> {
    Async(oneshot::Sender<StoreResult<T>>),
    Blocking(std::sync::mpsc::SyncSender<StoreResult<T>>),
}

struct Task<T, F> {
    work: Option<F>,
    result: Option<StoreResult<T>>,
    reply: Reply<T>,
}

impl<T, F> Job for Task<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> StoreResult<T> + Send,
{
    fn abandoned(&self) -> bool {
        match &self.reply {
            Reply::Async(tx) => tx.is_closed(),
            Reply::Blocking(_) => false,
        }
    }

    fn execute(&mut self, conn: &Connection) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        let result = catch_unwind(AssertUnwindSafe(|| work(conn)))
            .unwrap_or_else(|_| Err(StoreError::Backend("a SQLite write panicked".into())));
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, batch: Result<(), &str>) {
        let result = match (self.result, batch) {
            // A failed job keeps its own error whatever happened to the batch.
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (None, Ok(())) => Err(StoreError::Backend("a SQLite write was not run".into())),
            (_, Err(msg)) => Err(StoreError::Backend(format!("SQLite transaction failed: {msg}"))),
        };
        match self.reply {
            Reply::Async(tx) => {
                let _ = tx.send(result);
            }
            Reply::Blocking(tx) => {
                let _ = tx.send(result);
            }
        }
    }
}

fn run(conn: Connection, jobs: Receiver<Box<dyn Job>>, counters: &Counters) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    // `recv` keeps returning queued jobs after every sender is gone, then errors.
    while let Ok(first) = jobs.recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        batch.retain(|job| !job.abandoned());
        if batch.is_empty() {
            continue;
        }
        counters.batches.fetch_add(1, Ordering::Relaxed);
        counters.jobs.fetch_add(batch.len() as u64, Ordering::Relaxed);
        match commit(&conn, &mut batch) {
            Ok(()) => batch.drain(..).for_each(|job| job.finish(Ok(()))),
            Err(e) => {
                if !conn.is_autocommit()
                    && let Err(rollback) = conn.execute_batch("ROLLBACK")
                {
                    tracing::error!(error = %rollback, "SQLite rollback failed");
                }
                tracing::error!(error = %e, jobs = batch.len(), "SQLite write batch failed");
                let msg = e.to_string();
                batch.drain(..).for_each(|job| job.finish(Err(&msg)));
            }
        }
    }
    if let Err((_, e)) = conn.close() {
        tracing::error!(error = %e, "closing the SQLite write connection failed");
    }
}

/// One transaction for the whole batch, one savepoint per job.
fn commit(conn: &Connection, batch: &mut [Box<dyn Job>]) -> rusqlite::Result<()> {
    conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
    for job in batch.iter_mut() {
        conn.prepare_cached("SAVEPOINT job")?.execute([])?;
        if !job.execute(conn) {
            conn.prepare_cached("ROLLBACK TO job")?.execute([])?;
        }
        conn.prepare_cached("RELEASE job")?.execute([])?;
    }
    conn.prepare_cached("COMMIT")?.execute([])?;
    Ok(())
}
