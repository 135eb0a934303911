//! The user and API-key use cases against a real (temporary) SQLite store.

use cartd_app::auth::passwords::{self, HashKind};
use cartd_app::auth::wc_keys::{self, Permission};
use cartd_app::users::{self, NewUser, UserError};
use cartd_domain::settings::SettingsUser;
use cartd_store::UserStore;
use cartd_store_sqlite::{SqliteOptions, SqliteStore};

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("users.db").to_str().unwrap(), SqliteOptions::default()).unwrap();
    (dir, store)
}

fn new_user(login: &str, email: &str, role: &str, password: &str) -> NewUser {
    NewUser {
        id: 0,
        login: login.into(),
        email: email.into(),
        role: role.into(),
        display_name: None,
        password: password.into(),
    }
}

#[tokio::test]
async fn add_user_hashes_the_trimmed_password_with_argon2id() {
    let (_dir, store) = store();
    let id = users::add_user(&store, new_user(" Alice.Smith ", "alice@example.com", "customer", " s3cret pass\t"))
        .await
        .unwrap();
    assert_eq!(id, 1, "the first user gets id 1");
    let user = store.user_by_id(1).await.unwrap().unwrap();
    assert_eq!((user.login.as_str(), user.email.as_str()), ("Alice.Smith", "alice@example.com"));
    assert_eq!((user.display_name.as_str(), user.nicename.as_str()), ("Alice.Smith", "alice-smith"));
    assert_eq!(user.roles, ["customer"]);
    assert_eq!(passwords::hash_kind(&user.password_hash), HashKind::Argon2id);
    let check = passwords::verify_password("s3cret pass", &user.password_hash);
    assert!(check.ok && !check.needs_rehash, "the trimmed password verifies against a current hash");
    assert!(!passwords::verify_password(" s3cret pass\t", &user.password_hash).ok, "the untrimmed one does not");

    let mut manager = new_user("manager", "manager@example.com", "shop_manager", "pw");
    manager.id = 42;
    manager.display_name = Some("Shop Manager".into());
    assert_eq!(users::add_user(&store, manager).await.unwrap(), 42, "an explicit id is kept");
    assert_eq!(
        users::add_user(&store, new_user("admin", "admin@example.com", "administrator", "pw")).await.unwrap(),
        43,
        "the next id follows the largest"
    );

    let listed = users::list_users(&store).await.unwrap();
    let rows: Vec<(u64, &str, &str, Vec<String>)> =
        listed.iter().map(|u| (u.id, u.login.as_str(), u.email.as_str(), u.roles.clone())).collect();
    assert_eq!(
        rows,
        [
            (1, "Alice.Smith", "alice@example.com", vec!["customer".to_string()]),
            (42, "manager", "manager@example.com", vec!["shop_manager".to_string()]),
            (43, "admin", "admin@example.com", vec!["administrator".to_string()]),
        ]
    );
    assert_eq!(listed[1].display_name, "Shop Manager");
}

#[tokio::test]
async fn add_user_refuses_bad_input_and_taken_names_before_hashing() {
    let (_dir, store) = store();
    users::add_user(&store, new_user("alice", "alice@example.com", "customer", "pw")).await.unwrap();

    let refused = [
        (new_user("ALICE", "other@example.com", "customer", "pw"), "the login \"ALICE\" is already used by user 1"),
        (
            new_user("other", "Alice@Example.COM", "customer", "pw"),
            "the e-mail address \"Alice@Example.COM\" is already used by user 1",
        ),
        (NewUser { id: 1, ..new_user("other", "other@example.com", "customer", "pw") }, "user 1 already exists"),
    ];
    for (user, message) in refused {
        match users::add_user(&store, user).await {
            Err(e @ UserError::Exists(_)) => assert_eq!(e.to_string(), message),
            other => panic!("expected Exists({message}), got {other:?}"),
        }
    }
    let invalid = [
        (new_user("bob", "bob@example.com", "editor", "pw"), "the role \"editor\" is not one of"),
        (new_user("bob", "bob@", "customer", "pw"), "\"bob@\" is not a valid e-mail address"),
        (new_user("", "bob@example.com", "customer", "pw"), "the login must not be empty"),
        (new_user("bob", "bob@example.com", "customer", ""), "the password must not be empty"),
        (new_user("bob", "bob@example.com", "customer", " \n"), "the password must not be empty"),
        (new_user("bob", "bob@example.com", "customer", &"x".repeat(4097)), "the password is longer than 4096 bytes"),
        (new_user("bob", "bob@example.com", "customer", "two  spaces"), "the password contains `<`"),
    ];
    for (user, message) in invalid {
        match users::add_user(&store, user).await {
            Err(e @ UserError::Invalid(_)) => assert!(e.to_string().starts_with(message), "{e} vs {message}"),
            other => panic!("expected Invalid({message}), got {other:?}"),
        }
    }
    assert_eq!(users::list_users(&store).await.unwrap().len(), 1, "nothing refused was stored");
}

#[tokio::test]
async fn api_keys_store_only_the_hash_and_the_secret() {
    let (_dir, store) = store();
    let id = users::add_user(&store, new_user("alice", "alice@example.com", "customer", "pw")).await.unwrap();

    let key = users::create_api_key(&store, "alice", "read_write", Some("  POS terminal ")).await.unwrap();
    assert!(key.consumer_key.starts_with("ck_") && key.consumer_key.len() == 43, "{}", key.consumer_key);
    assert!(key.consumer_secret.starts_with("cs_") && key.consumer_secret.len() == 43);
    assert_eq!((key.user_id, key.login.as_str(), key.permissions), (id, "alice", Permission::ReadWrite));
    assert_eq!(key.truncated_key, key.consumer_key[key.consumer_key.len() - 7..]);
    let debug = format!("{key:?}");
    assert!(!debug.contains(&key.consumer_key) && !debug.contains(&key.consumer_secret), "{debug}");

    let stored = store.api_key_by_hash(&wc_keys::hash_consumer_key(&key.consumer_key)).await.unwrap().unwrap();
    assert_eq!(stored.key_id, key.key_id);
    assert_eq!((stored.user_id, stored.permissions.as_str()), (id, "read_write"));
    assert_eq!((stored.description.as_str(), stored.consumer_secret.as_str()), ("POS terminal", &*key.consumer_secret));
    assert_eq!(stored.truncated_key, key.truncated_key);
    assert!(store.api_key_by_hash(&key.consumer_key).await.unwrap().is_none(), "the key itself is not stored");

    let by_email = users::create_api_key(&store, "ALICE@example.com", "read", None).await.unwrap();
    assert_ne!(by_email.consumer_key, key.consumer_key);
    assert_eq!((by_email.user_id, by_email.description.as_str()), (id, "cartd key for alice"));

    match users::create_api_key(&store, "nobody", "read", None).await {
        Err(e @ UserError::UnknownUser(_)) => {
            assert_eq!(e.to_string(), "no user has the login or e-mail address \"nobody\"")
        }
        other => panic!("{other:?}"),
    }
    match users::create_api_key(&store, "alice", "admin", None).await {
        Err(e @ UserError::Invalid(_)) => {
            assert_eq!(e.to_string(), "permissions must be read, write or read_write, not \"admin\"")
        }
        other => panic!("{other:?}"),
    }
}

fn settings_user(id: u64, login: &str) -> SettingsUser {
    SettingsUser {
        id,
        login: login.into(),
        email: format!("{login}@example.com"),
        display_name: String::new(),
        password_hash: "$P$BcartdtstgBDRpB8YRc4XtcedoCVmz/".into(),
        ..SettingsUser::default()
    }
}

#[tokio::test]
async fn settings_users_are_upserted_by_id() {
    let (_dir, store) = store();
    let mut carol = settings_user(5, "carol");
    carol.billing.country = "GB".into();
    let summary = users::import_settings_users(&store, &[carol.clone(), settings_user(9, "dave")]).await.unwrap();
    assert_eq!((summary.inserted, summary.updated), (2, 0));
    let stored = store.user_by_id(5).await.unwrap().unwrap();
    assert_eq!(stored, users::user_from_settings(&carol));
    assert_eq!((stored.display_name.as_str(), stored.roles.as_slice()), ("carol", &["customer".to_string()][..]));
    assert_eq!(stored.billing.country, "GB");
    let check = passwords::verify_password("test", &stored.password_hash);
    assert!(check.ok && check.needs_rehash, "an imported phpass hash verifies and asks for a rehash");

    carol.display_name = "Carol C.".into();
    carol.role = "shop_manager".into();
    let summary = users::import_settings_users(&store, &[carol]).await.unwrap();
    assert_eq!((summary.inserted, summary.updated), (0, 1), "a re-import updates in place");
    let stored = store.user_by_id(5).await.unwrap().unwrap();
    assert_eq!((stored.display_name.as_str(), stored.roles[0].as_str()), ("Carol C.", "shop_manager"));

    // A user added by the CLI keeps its login: a file user with another id cannot take it,
    // and nothing of that import is written.
    let cli = users::add_user(&store, new_user("erin", "erin@example.com", "customer", "pw")).await.unwrap();
    let mut thief = settings_user(20, "ERIN");
    thief.email = "someone@example.com".into();
    let err = users::import_settings_users(&store, &[settings_user(30, "frank"), thief]).await.unwrap_err();
    assert_eq!(err.to_string(), format!("users (id 20): the login \"ERIN\" is already used by user {cli}"));
    assert!(store.user_by_id(30).await.unwrap().is_none(), "a refused import writes nothing");
}
