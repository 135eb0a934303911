//! SQLite-specific behaviour of the user tables: id assignment on an empty table, the clash
//! messages, and the upgrade of a schema-v1 database.

use cartd_store::conformance::sample_user;
use cartd_store::{CartStore, StoreError, UserStore};
use cartd_store_sqlite::{SqliteOptions, SqliteStore};

#[tokio::test]
async fn the_first_assigned_id_is_one_and_clashes_name_the_other_user() {
    let store = SqliteStore::open("sqlite::memory:", SqliteOptions::default()).unwrap();
    assert_eq!(store.save_user(sample_user(0, "first")).await.unwrap(), 1);
    assert_eq!(store.save_user(sample_user(0, "second")).await.unwrap(), 2);
    assert_eq!(store.save_user(sample_user(10, "tenth")).await.unwrap(), 10);
    assert_eq!(store.save_user(sample_user(0, "eleventh")).await.unwrap(), 11);

    let mut clash = sample_user(0, "FIRST");
    clash.email = "new@example.test".into();
    match store.save_user(clash).await {
        Err(StoreError::Data(m)) => assert_eq!(m, "the login \"FIRST\" is already used by user 1"),
        other => panic!("{other:?}"),
    }
    let mut clash = sample_user(0, "third");
    clash.email = "Second@Example.Test".into();
    match store.save_user(clash).await {
        Err(StoreError::Data(m)) => {
            assert_eq!(m, "the e-mail address \"Second@Example.Test\" is already used by user 2")
        }
        other => panic!("{other:?}"),
    }
    let too_big = sample_user(u64::MAX, "huge");
    assert!(matches!(store.save_user(too_big).await, Err(StoreError::Data(_))));
    let logins: Vec<String> = store.list_users().await.unwrap().into_iter().map(|u| u.login).collect();
    assert_eq!(logins, ["first", "second", "tenth", "eleventh"]);
}

#[tokio::test]
async fn a_schema_v1_database_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../../../migrations/sqlite/0001_init.sql")).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
             INSERT INTO schema_migrations VALUES (1, 'init', 0);
             INSERT INTO carts (cart_key, cart_value, cart_created, cart_expiry, cart_source, cart_hash, version)
             VALUES ('old-cart', '{}', 1, 4000000000, 'cocart', 'h', 3);",
        )
        .unwrap();
    }
    let store = SqliteStore::open(path.to_str().unwrap(), SqliteOptions::default()).unwrap();
    assert_eq!(store.count_carts().await.unwrap(), 1, "the carts survive the upgrade");
    assert_eq!(store.save_user(sample_user(0, "after-upgrade")).await.unwrap(), 1);
    assert!(store.user_by_login_or_email("AFTER-UPGRADE").await.unwrap().is_some());
    store.close().await;

    let conn = rusqlite::Connection::open(&path).unwrap();
    let versions: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(versions, [1, 2]);
}
