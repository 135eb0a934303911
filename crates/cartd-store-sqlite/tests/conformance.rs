//! The backend-agnostic conformance suite, on a file database and on an in-memory one.

use cartd_store::conformance;
use cartd_store_sqlite::{SqliteOptions, SqliteStore, Synchronous};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_on_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cartd.db").display());
    let store = SqliteStore::open(&url, SqliteOptions::default()).unwrap();
    conformance::run_all(&store).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_on_file_with_synchronous_normal_and_one_reader() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions { synchronous: Synchronous::Normal, reader_connections: 1, ..SqliteOptions::default() };
    let store = SqliteStore::open(dir.path().join("cartd.db").to_str().unwrap(), options).unwrap();
    conformance::run_all(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_in_memory() {
    let store = SqliteStore::open("sqlite::memory:", SqliteOptions::default()).unwrap();
    assert!(store.is_memory());
    conformance::run_all(&store).await;
}
