//! The behaviour every storage backend must show, as async checks a backend's own tests run
//! against a fresh store: `conformance::run_all(&store).await`.
//!
//! Checks use their own cart keys (prefix `cf-<check>-`), product ids (9_000_000+), user ids
//! (9_100_000+, logins `cf-<check>…`), so they tolerate each other's leftovers; they run one after another, not concurrently
//! (`count_carts` and `delete_expired` observe the whole table). Times are synthetic unix
//! seconds around [`NOW`]; `delete_expired` uses times far before it.

use std::collections::HashSet;

use cartd_domain::cart::{Address, Cart, CartLine, LineTaxData};
use cartd_domain::catalog::{Attribute, AttributeOption, Product, ProductType};
use cartd_domain::settings::Settings;

use crate::{ApiKey, CartStore, CartWrite, CatalogStore, SaveOutcome, StoreError, User, UserStore};

/// The "current time" of the checks.
pub const NOW: i64 = 1_700_000_000;
/// Two days, WooCommerce's session lifetime.
pub const TTL: i64 = 172_800;

/// Runs every check, in order. Needs a multi-threaded runtime for the concurrency checks to
/// mean anything (`#[tokio::test(flavor = "multi_thread")]`).
pub async fn run_all<S: CartStore + CatalogStore + UserStore + Clone>(store: &S) {
    insert_and_load_roundtrip(store).await;
    load_is_exact_on_key(store).await;
    insert_conflicts_on_existing_key(store).await;
    update_checks_version(store).await;
    expired_rows_read_as_absent_and_are_replaced(store).await;
    touch_slides_expiry(store).await;
    delete_removes_row(store).await;
    delete_expired_counts_rows(store).await;
    list_is_in_id_order_and_pages(store).await;
    count_follows_inserts_and_deletes(store).await;
    overlong_key_is_refused(store).await;
    products_import_upserts_and_bumps_version(store).await;
    products_import_is_all_or_nothing(store).await;
    settings_roundtrip(store).await;
    concurrent_inserts_of_one_key_have_one_winner(store).await;
    concurrent_increments_lose_nothing(store).await;
    run_user_checks(store).await;
}

/// Every `UserStore` check, in order (the id-assignment check last: it allocates above every
/// id the others use).
pub async fn run_user_checks<S: UserStore>(store: &S) {
    user_roundtrip_and_replace_by_id(store).await;
    user_lookup_ignores_case(store).await;
    unknown_users_are_none(store).await;
    login_and_email_clashes_are_refused(store).await;
    password_hash_update(store).await;
    api_key_save_and_lookup(store).await;
    users_list_in_id_order(store).await;
    user_id_zero_is_assigned(store).await;
}

/// A cart with every kind of field filled, including awkward floats and ordered maps.
pub fn sample_cart(tag: &str) -> Cart {
    let mut cart = Cart::default();
    for (i, qty) in [(1u64, 2.0), (2, 0.5)] {
        let key = format!("{tag}-line-{i}");
        let mut line = CartLine {
            key: key.clone(),
            product_id: 100 + i,
            variation_id: if i == 2 { 201 } else { 0 },
            variation: Default::default(),
            quantity: qty,
            data_hash: format!("hash-{i}"),
            item_data: Default::default(),
            line_tax_data: LineTaxData::default(),
            line_subtotal: 0.1 + 0.2,
            line_subtotal_tax: 1.0 / 3.0,
            line_total: 12.345_678_901_234_567,
            line_tax: 0.0,
        };
        line.variation.insert("attribute_pa_color".to_string(), "red".to_string());
        line.variation.insert("attribute_size".to_string(), "Small".to_string());
        line.item_data.insert("zeta".to_string(), serde_json::json!({"nested": [1, 2.5, "x", null, true]}));
        line.item_data.insert("alpha".to_string(), serde_json::json!("ünïcödé ✓ \"quoted\""));
        line.line_tax_data.subtotal.insert(3, 0.07);
        line.line_tax_data.subtotal.insert(1, 1e-9);
        line.line_tax_data.total.insert(1, 123_456_789.125);
        cart.lines.insert(key, line);
    }
    let removed = cart.lines.values().next().cloned().expect("a line");
    cart.removed.insert(format!("{tag}-removed"), removed);
    cart.notices.success.push(format!("{tag} added"));
    cart.notices.error.push("out of stock".to_string());
    cart.applied_coupons.push("save10".to_string());
    cart.chosen_shipping_methods.push("flat_rate:1".to_string());
    cart.customer.billing.country = "US".to_string();
    cart.customer.billing.state = "CA".to_string();
    cart.customer.shipping.postcode = "90210".to_string();
    cart
}

fn insert(key: &str, cart: Cart, now: i64, expiry: i64) -> CartWrite {
    CartWrite {
        cart_key: key.to_string(),
        cart,
        expected_version: None,
        now,
        expiry,
        source: "cocart".to_string(),
        cart_hash: format!("hash-of-{key}"),
    }
}

fn update(key: &str, cart: Cart, version: i64, now: i64, expiry: i64) -> CartWrite {
    CartWrite { expected_version: Some(version), ..insert(key, cart, now, expiry) }
}

async fn must_save<S: CartStore>(store: &S, write: CartWrite, what: &str) -> i64 {
    match store.save_cart(write).await {
        Ok(SaveOutcome::Saved { version }) => version,
        other => panic!("{what}: expected Saved, got {other:?}"),
    }
}

async fn must_conflict<S: CartStore>(store: &S, write: CartWrite, what: &str) {
    let outcome = store.save_cart(write).await;
    assert!(matches!(outcome, Ok(SaveOutcome::Conflict)), "{what}: expected Conflict, got {outcome:?}");
}

pub async fn insert_and_load_roundtrip<S: CartStore>(store: &S) {
    let key = "cf-roundtrip-a";
    let cart = sample_cart(key);
    let mut write = insert(key, cart.clone(), NOW, NOW + TTL);
    write.source = "woocommerce".to_string();
    let version = must_save(store, write, "insert of a new key").await;
    assert_eq!(version, 1, "a newly inserted cart has version 1");

    let record = store.load_cart(key, NOW).await.expect("load_cart").expect("the inserted cart loads");
    assert!(record.cart_id > 0, "cart_id is positive, got {}", record.cart_id);
    assert_eq!(record.cart_key, key, "cart_key round-trips");
    assert_eq!(record.cart, cart, "the cart round-trips exactly (floats, map order, nested item data)");
    assert_eq!(record.created, NOW, "created is the insert's `now`");
    assert_eq!(record.expiry, NOW + TTL, "expiry round-trips");
    assert_eq!(record.source, "woocommerce", "source round-trips");
    assert_eq!(record.cart_hash, format!("hash-of-{key}"), "cart_hash round-trips");
    assert_eq!(record.version, 1, "the loaded version is the saved one");

    let other = must_save(store, insert("cf-roundtrip-b", Cart::default(), NOW, NOW + TTL), "second insert").await;
    assert_eq!(other, 1, "every new cart starts at version 1");
    let second = store.load_cart("cf-roundtrip-b", NOW).await.expect("load_cart").expect("second cart loads");
    assert!(second.cart_id > record.cart_id, "cart_id grows with inserts");
    assert_eq!(second.cart, Cart::default(), "an empty cart round-trips");

    let missing = store.load_cart("cf-roundtrip-missing", NOW).await.expect("load_cart of a missing key");
    assert!(missing.is_none(), "a key never written loads as None");
}

pub async fn load_is_exact_on_key<S: CartStore>(store: &S) {
    must_save(store, insert("cf-exact-key", Cart::default(), NOW, NOW + TTL), "insert").await;
    for probe in ["CF-EXACT-KEY", "cf-exact-ke", "cf-exact-key ", "cf-exact-%", "cf-exact-_ey"] {
        let found = store.load_cart(probe, NOW).await.expect("load_cart");
        assert!(found.is_none(), "load_cart({probe:?}) must not match `cf-exact-key`: lookups are exact");
    }
}

pub async fn insert_conflicts_on_existing_key<S: CartStore>(store: &S) {
    let key = "cf-insert-conflict";
    let first = sample_cart("first");
    must_save(store, insert(key, first.clone(), NOW, NOW + TTL), "first insert").await;
    must_conflict(store, insert(key, sample_cart("second"), NOW + 1, NOW + TTL + 1), "insert over a live row").await;
    let record = store.load_cart(key, NOW + 1).await.expect("load_cart").expect("row still there");
    assert_eq!(record.cart, first, "a refused insert leaves the row untouched");
    assert_eq!(record.version, 1, "a refused insert leaves the version untouched");
    assert_eq!(record.expiry, NOW + TTL, "a refused insert leaves the expiry untouched");
}

pub async fn update_checks_version<S: CartStore>(store: &S) {
    let key = "cf-update";
    let v1 = must_save(store, insert(key, sample_cart("v1"), NOW, NOW + TTL), "insert").await;

    let changed = sample_cart("v2");
    let mut write = update(key, changed.clone(), v1, NOW + 10, NOW + 10 + TTL);
    write.source = "woocommerce".to_string();
    write.cart_hash = "new-hash".to_string();
    let v2 = must_save(store, write, "update with the current version").await;
    assert_eq!(v2, v1 + 1, "an update bumps the version by one");

    let record = store.load_cart(key, NOW + 10).await.expect("load_cart").expect("updated row loads");
    assert_eq!(record.cart, changed, "the update's cart is stored");
    assert_eq!(record.version, v2, "the stored version is the one returned");
    assert_eq!(record.expiry, NOW + 10 + TTL, "an update writes the new expiry");
    assert_eq!(record.cart_hash, "new-hash", "an update writes the new cart hash");
    assert_eq!(record.created, NOW, "an update keeps `created`");
    assert_eq!(record.source, "cocart", "an update keeps the source the row was created with");

    must_conflict(store, update(key, sample_cart("stale"), v1, NOW + 20, NOW + TTL), "update with a stale version")
        .await;
    must_conflict(
        store,
        update(key, sample_cart("future"), v2 + 5, NOW + 20, NOW + TTL),
        "update with a future version",
    )
    .await;
    let record = store.load_cart(key, NOW + 20).await.expect("load_cart").expect("row loads");
    assert_eq!(record.cart, changed, "refused updates leave the cart untouched");
    assert_eq!(record.version, v2, "refused updates leave the version untouched");

    let v3 = must_save(store, update(key, sample_cart("v3"), v2, NOW + 30, NOW + TTL), "second update").await;
    assert_eq!(v3, v2 + 1, "versions keep counting");

    must_conflict(store, update("cf-update-missing", Cart::default(), 1, NOW, NOW + TTL), "update of a missing row")
        .await;
    let missing = store.load_cart("cf-update-missing", NOW).await.expect("load_cart");
    assert!(missing.is_none(), "a refused update of a missing row creates nothing");
}

pub async fn expired_rows_read_as_absent_and_are_replaced<S: CartStore>(store: &S) {
    let key = "cf-expired";
    let expiry = NOW + 100;
    let old_version = must_save(store, insert(key, sample_cart("old"), NOW, expiry), "insert").await;
    let old_version = must_save(store, update(key, sample_cart("old2"), old_version, NOW, expiry), "update").await;

    let at_expiry = store.load_cart(key, expiry).await.expect("load_cart");
    assert!(at_expiry.is_some(), "a row is still live at now == expiry");
    let after = store.load_cart(key, expiry + 1).await.expect("load_cart");
    assert!(after.is_none(), "a row whose expiry is before now loads as None");

    let fresh = sample_cart("fresh");
    let mut write = insert(key, fresh.clone(), expiry + 1, expiry + 1 + TTL);
    write.source = "woocommerce".to_string();
    let new_version = must_save(store, write, "insert over an expired row").await;
    assert!(
        new_version > old_version,
        "a cart replacing an expired row must not reuse a version the old row had \
         (got {new_version}, old row was at {old_version}), or a writer holding the old version \
         could overwrite the new cart"
    );
    let record = store.load_cart(key, expiry + 1).await.expect("load_cart").expect("replacement loads");
    assert_eq!(record.cart, fresh, "the replacement's cart is stored");
    assert_eq!(record.created, expiry + 1, "the replacement is a new row: created is its insert time");
    assert_eq!(record.source, "woocommerce", "the replacement is a new row: its own source");
    assert_eq!(record.version, new_version, "the stored version is the one returned");

    must_conflict(store, update(key, sample_cart("stale"), old_version, expiry + 2, expiry + TTL), "stale writer")
        .await;
}

pub async fn touch_slides_expiry<S: CartStore>(store: &S) {
    let key = "cf-touch";
    let cart = sample_cart(key);
    let version = must_save(store, insert(key, cart.clone(), NOW, NOW + 50), "insert").await;
    store.touch_cart(key, NOW + 5000).await.expect("touch_cart");
    let record = store.load_cart(key, NOW + 1000).await.expect("load_cart").expect("touched row is live later");
    assert_eq!(record.expiry, NOW + 5000, "touch writes the new expiry");
    assert_eq!(record.version, version, "touch does not change the version (it is not a content change)");
    assert_eq!(record.cart, cart, "touch leaves the cart untouched");
    store.touch_cart("cf-touch-missing", NOW + 5000).await.expect("touching a missing row is not an error");
    let missing = store.load_cart("cf-touch-missing", NOW).await.expect("load_cart");
    assert!(missing.is_none(), "touching a missing row creates nothing");
}

pub async fn delete_removes_row<S: CartStore>(store: &S) {
    let key = "cf-delete";
    must_save(store, insert(key, sample_cart(key), NOW, NOW + TTL), "insert").await;
    assert!(store.delete_cart(key).await.expect("delete_cart"), "deleting an existing row returns true");
    assert!(store.load_cart(key, NOW).await.expect("load_cart").is_none(), "a deleted row loads as None");
    assert!(!store.delete_cart(key).await.expect("delete_cart"), "deleting a missing row returns false");
    must_save(store, insert(key, Cart::default(), NOW, NOW + TTL), "insert after delete").await;
    assert!(store.load_cart(key, NOW).await.expect("load_cart").is_some(), "a key can be reused after delete");
}

pub async fn delete_expired_counts_rows<S: CartStore>(store: &S) {
    // Far in the past, so no other check's row is affected; first clear our own leftovers.
    let t0: i64 = 1_000_000;
    store.delete_expired(t0).await.expect("delete_expired");
    for i in 0..3 {
        must_save(store, insert(&format!("cf-expire-old-{i}"), Cart::default(), t0 - 500, t0 - 100 + i), "insert")
            .await;
    }
    must_save(store, insert("cf-expire-edge", Cart::default(), t0 - 500, t0), "insert").await;
    must_save(store, insert("cf-expire-live", Cart::default(), t0 - 500, t0 + 100), "insert").await;
    let deleted = store.delete_expired(t0).await.expect("delete_expired");
    assert_eq!(deleted, 3, "delete_expired removes exactly the rows whose expiry is before now");
    for i in 0..3 {
        let gone = store.load_cart(&format!("cf-expire-old-{i}"), t0 - 1000).await.expect("load_cart");
        assert!(gone.is_none(), "expired row {i} is physically gone (absent even at an earlier now)");
    }
    let edge = store.load_cart("cf-expire-edge", t0).await.expect("load_cart");
    assert!(edge.is_some(), "a row with expiry == now is not expired");
    let live = store.load_cart("cf-expire-live", t0).await.expect("load_cart");
    assert!(live.is_some(), "a live row survives delete_expired");
    assert_eq!(store.delete_expired(t0).await.expect("delete_expired"), 0, "a second sweep finds nothing");
}

pub async fn list_is_in_id_order_and_pages<S: CartStore>(store: &S) {
    let keys: Vec<String> = (0..5).map(|i| format!("cf-list-{i}")).collect();
    for (i, key) in keys.iter().enumerate() {
        let mut write = insert(key, sample_cart(key), NOW + i as i64, NOW + TTL + i as i64);
        if i % 2 == 1 {
            write.source = "woocommerce".to_string();
        }
        must_save(store, write, "insert").await;
    }
    let all = store.list_carts(0, 1_000_000).await.expect("list_carts");
    assert_eq!(all.len() as u64, store.count_carts().await.expect("count_carts"), "the full list has count rows");
    assert!(all.windows(2).all(|w| w[0].cart_id < w[1].cart_id), "list_carts is in ascending cart_id order");

    let ours: Vec<_> = all.iter().filter(|s| s.cart_key.starts_with("cf-list-")).collect();
    let listed: Vec<&str> = ours.iter().map(|s| s.cart_key.as_str()).collect();
    assert_eq!(listed, keys.iter().map(String::as_str).collect::<Vec<_>>(), "rows list in insertion order");
    for (i, summary) in ours.iter().enumerate() {
        assert_eq!(summary.created, NOW + i as i64, "summary.created of {}", summary.cart_key);
        assert_eq!(summary.expiry, NOW + TTL + i as i64, "summary.expiry of {}", summary.cart_key);
        let source = if i % 2 == 1 { "woocommerce" } else { "cocart" };
        assert_eq!(summary.source, source, "summary.source of {}", summary.cart_key);
        assert_eq!(summary.cart, sample_cart(&summary.cart_key), "summary.cart of {}", summary.cart_key);
    }

    for offset in 0..=all.len() {
        let page = store.list_carts(offset as u64, 2).await.expect("list_carts page");
        let expected = &all[offset..(offset + 2).min(all.len())];
        assert_eq!(page, expected, "list_carts({offset}, 2) is that slice of the full list");
    }
    let beyond = store.list_carts(all.len() as u64 + 10, 5).await.expect("list_carts beyond the end");
    assert!(beyond.is_empty(), "an offset past the end gives an empty page");
    let none = store.list_carts(0, 0).await.expect("list_carts with limit 0");
    assert!(none.is_empty(), "limit 0 gives an empty page");
    let huge = store.list_carts(1, u64::MAX).await.expect("list_carts with limit u64::MAX");
    assert_eq!(huge.len(), all.len() - 1, "a huge limit means no limit");
}

pub async fn count_follows_inserts_and_deletes<S: CartStore>(store: &S) {
    let before = store.count_carts().await.expect("count_carts");
    for i in 0..3 {
        must_save(store, insert(&format!("cf-count-{i}"), Cart::default(), NOW, NOW + TTL), "insert").await;
    }
    assert_eq!(store.count_carts().await.expect("count_carts"), before + 3, "three inserts add three rows");
    assert!(store.delete_cart("cf-count-1").await.expect("delete_cart"), "delete");
    assert_eq!(store.count_carts().await.expect("count_carts"), before + 2, "a delete removes one row");
}

pub async fn overlong_key_is_refused<S: CartStore>(store: &S) {
    let key = format!("cf-long-{}", "x".repeat(40));
    assert!(key.len() > 42);
    let outcome = store.save_cart(insert(&key, Cart::default(), NOW, NOW + TTL)).await;
    assert!(outcome.is_err(), "a cart key longer than 42 characters is refused with an error, got {outcome:?}");
    let ok_key = "cf-42-".to_string() + &"y".repeat(36);
    assert_eq!(ok_key.len(), 42);
    must_save(store, insert(&ok_key, Cart::default(), NOW, NOW + TTL), "a 42-character key").await;
}

fn sample_product(id: u64, name: &str) -> Product {
    let mut p = Product::new(id, ProductType::Variable, name);
    p.sku = format!("SKU-{id}");
    p.regular_price = "19.99".to_string();
    p.sale_price = "9.5".to_string();
    p.sale_from = Some(NOW - 10);
    p.stock_quantity = Some(2.5);
    p.categories = vec![vec!["Clothing".to_string(), "Shirts".to_string()]];
    p.attributes.push(Attribute {
        label: "Color".to_string(),
        slug: "pa_color".to_string(),
        taxonomy: true,
        options: vec![
            AttributeOption { slug: "red".to_string(), name: "Red".to_string() },
            AttributeOption { slug: "blue".to_string(), name: "Blue".to_string() },
        ],
        visible: true,
        used_for_variations: true,
    });
    p.variation_attributes.insert("attribute_pa_color".to_string(), String::new());
    p.variation_attributes.insert("attribute_size".to_string(), "Small".to_string());
    p
}

fn ours(products: Vec<Product>, range: std::ops::Range<u64>) -> Vec<Product> {
    let mut ours: Vec<_> = products.into_iter().filter(|p| range.contains(&p.id)).collect();
    ours.sort_by_key(|p| p.id);
    ours
}

pub async fn products_import_upserts_and_bumps_version<S: CatalogStore>(store: &S) {
    let ids = 9_000_000..9_000_100;
    let v0 = store.catalog_version().await.expect("catalog_version");

    let (p1, p2) = (sample_product(9_000_001, "One"), sample_product(9_000_002, "Two"));
    let summary = store.import_products(vec![p1.clone(), p2.clone()]).await.expect("import_products");
    assert_eq!((summary.inserted, summary.updated), (2, 0), "a first import inserts every product");
    let v1 = store.catalog_version().await.expect("catalog_version");
    assert_ne!(v1, v0, "an import changes the catalog version");
    assert_eq!(
        ours(store.load_products().await.expect("load_products"), ids.clone()),
        vec![p1.clone(), p2.clone()],
        "imported products load back exactly"
    );

    let mut p2b = p2.clone();
    p2b.name = "Two, renamed".to_string();
    p2b.stock_quantity = None;
    let p3 = sample_product(9_000_003, "Three");
    let summary = store.import_products(vec![p2b.clone(), p3.clone()]).await.expect("import_products");
    assert_eq!((summary.inserted, summary.updated), (1, 1), "a re-import updates existing ids and inserts new ones");
    let v2 = store.catalog_version().await.expect("catalog_version");
    assert!(v2 != v1 && v2 != v0, "every import changes the catalog version ({v0} → {v1} → {v2})");
    assert_eq!(
        ours(store.load_products().await.expect("load_products"), ids),
        vec![p1, p2b, p3],
        "an upsert replaces the product with that id and keeps the others"
    );
    let all = store.load_products().await.expect("load_products");
    let distinct: HashSet<u64> = all.iter().map(|p| p.id).collect();
    assert_eq!(distinct.len(), all.len(), "load_products returns each product once");
}

pub async fn products_import_is_all_or_nothing<S: CatalogStore>(store: &S) {
    // Ids beyond i64::MAX do not fit a SQL BIGINT: a backend either refuses the whole import
    // or stores it all; it must never store half of it.
    let ids = 9_000_100..9_000_200;
    let v0 = store.catalog_version().await.expect("catalog_version");
    let good = sample_product(9_000_101, "Good");
    let odd = sample_product(u64::MAX, "Odd");
    match store.import_products(vec![good.clone(), odd]).await {
        Err(_) => {
            let stored = ours(store.load_products().await.expect("load_products"), ids);
            assert!(stored.is_empty(), "a refused import stores none of its products, found {stored:?}");
            assert_eq!(
                store.catalog_version().await.expect("catalog_version"),
                v0,
                "a refused import keeps the version"
            );
        }
        Ok(summary) => {
            assert_eq!(summary.inserted, 2, "an accepted import stores every product");
            let all = store.load_products().await.expect("load_products");
            assert!(all.iter().any(|p| p.id == u64::MAX), "an accepted import stores every product");
        }
    }
}

pub async fn settings_roundtrip<S: CatalogStore>(store: &S) {
    let v0 = store.catalog_version().await.expect("catalog_version");
    let mut settings = Settings::default();
    settings.store.address.country = "US:CA".to_string();
    settings.placeholder_image = "https://example.test/ph.png".to_string();
    store.save_settings(settings.clone()).await.expect("save_settings");
    assert_eq!(store.load_settings().await.expect("load_settings"), Some(settings.clone()), "settings round-trip");
    let v1 = store.catalog_version().await.expect("catalog_version");
    assert_ne!(v1, v0, "saving settings changes the catalog version");

    settings.store.address.country = "GB".to_string();
    store.save_settings(settings.clone()).await.expect("save_settings again");
    assert_eq!(store.load_settings().await.expect("load_settings"), Some(settings), "a second save replaces the first");
    let v2 = store.catalog_version().await.expect("catalog_version");
    assert!(v2 != v1 && v2 != v0, "every settings save changes the catalog version");
}

pub async fn concurrent_inserts_of_one_key_have_one_winner<S: CartStore + Clone>(store: &S) {
    let key = "cf-race-insert";
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut cart = Cart::default();
                cart.notices.info.push(format!("task-{i}"));
                store.save_cart(insert(key, cart, NOW, NOW + TTL)).await
            })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        match task.await.expect("insert task") {
            Ok(SaveOutcome::Saved { version }) => {
                assert_eq!(version, 1, "the winning insert has version 1");
                winners += 1;
            }
            Ok(SaveOutcome::Conflict) => {}
            Err(e) => panic!("a racing insert failed instead of conflicting: {e}"),
        }
    }
    assert_eq!(winners, 1, "exactly one of 16 racing inserts of one key wins");
}

/// 32 tasks each add themselves to a list in one cart with load → modify → save-if-version,
/// retrying on conflict: no addition may be lost.
pub async fn concurrent_increments_lose_nothing<S: CartStore + Clone>(store: &S) {
    const TASKS: usize = 32;
    const MAX_ATTEMPTS: usize = 10_000;
    let key = "cf-race-update";
    must_save(store, insert(key, Cart::default(), NOW, NOW + TTL), "insert").await;

    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                for attempt in 1..=MAX_ATTEMPTS {
                    let record = store.load_cart(key, NOW).await.expect("load_cart").expect("the cart exists");
                    let mut cart = record.cart;
                    cart.notices.info.push(format!("task-{i}"));
                    match store.save_cart(update(key, cart, record.version, NOW, NOW + TTL)).await {
                        Ok(SaveOutcome::Saved { .. }) => return attempt,
                        Ok(SaveOutcome::Conflict) => tokio::task::yield_now().await,
                        Err(e) => panic!("task {i}: save failed: {e}"),
                    }
                }
                panic!("task {i}: still conflicting after {MAX_ATTEMPTS} attempts");
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("increment task");
    }
    let record = store.load_cart(key, NOW).await.expect("load_cart").expect("the cart exists");
    let entries: HashSet<&str> = record.cart.notices.info.iter().map(String::as_str).collect();
    assert_eq!(record.cart.notices.info.len(), TASKS, "exactly {TASKS} increments are stored, no more, no fewer");
    assert_eq!(entries.len(), TASKS, "each task's increment is stored once");
    assert_eq!(record.version, 1 + TASKS as i64, "one version per successful save");
}

/// A user with every field filled, including non-ASCII text and both addresses.
pub fn sample_user(id: u64, login: &str) -> User {
    let address = |tag: &str| Address {
        first_name: format!("Zoë {tag}"),
        last_name: "O'Brien".to_string(),
        company: "Ünïcödé \"Ltd\"".to_string(),
        country: "US".to_string(),
        address_1: format!("{tag} 1 Main St"),
        address_2: String::new(),
        city: "San Francisco".to_string(),
        state: "CA".to_string(),
        postcode: "94103".to_string(),
        phone: "+1 555 0100".to_string(),
        email: format!("{tag}@example.test"),
    };
    User {
        id,
        login: login.to_string(),
        email: format!("{login}@example.test"),
        display_name: format!("Display {login} ✓"),
        nicename: login.to_lowercase(),
        roles: vec!["customer".to_string()],
        password_hash: "$argon2id$v=19$m=32768,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGg".to_string(),
        billing: address("billing"),
        shipping: address("shipping"),
    }
}

async fn must_save_user<S: UserStore>(store: &S, user: User, what: &str) -> u64 {
    match store.save_user(user).await {
        Ok(id) => id,
        Err(e) => panic!("{what}: save_user failed: {e}"),
    }
}

async fn by_id<S: UserStore>(store: &S, id: u64) -> Option<User> {
    store.user_by_id(id).await.expect("user_by_id")
}

async fn by_name<S: UserStore>(store: &S, name: &str) -> Option<User> {
    store.user_by_login_or_email(name).await.expect("user_by_login_or_email")
}

pub async fn user_roundtrip_and_replace_by_id<S: UserStore>(store: &S) {
    let mut user = sample_user(9_100_001, "cf-roundtrip-user");
    user.roles = vec!["shop_manager".to_string(), "customer".to_string()];
    let id = must_save_user(store, user.clone(), "insert with an explicit id").await;
    assert_eq!(id, 9_100_001, "an explicit id is kept");
    assert_eq!(by_id(store, id).await, Some(user.clone()), "every field of a user round-trips");

    let mut changed = sample_user(9_100_001, "cf-roundtrip-renamed");
    changed.billing = Address::default();
    changed.roles = vec!["administrator".to_string()];
    assert_eq!(must_save_user(store, changed.clone(), "save over the same id").await, id, "same id");
    assert_eq!(by_id(store, id).await, Some(changed.clone()), "saving an existing id replaces the user");
    assert_eq!(by_name(store, "cf-roundtrip-renamed").await, Some(changed), "the new login finds the user");
    assert_eq!(by_name(store, "cf-roundtrip-user").await, None, "the old login is gone");
    assert_eq!(by_name(store, "cf-roundtrip-user@example.test").await, None, "the old e-mail is gone");
}

pub async fn user_lookup_ignores_case<S: UserStore>(store: &S) {
    let mut user = sample_user(9_100_010, "CF-Lookup-User");
    user.email = "Lookup.Person@Example.TEST".to_string();
    must_save_user(store, user.clone(), "insert").await;
    for name in ["CF-Lookup-User", "cf-lookup-user", "CF-LOOKUP-USER"] {
        assert_eq!(by_name(store, name).await, Some(user.clone()), "lookup by login {name:?} ignores case");
    }
    for name in ["Lookup.Person@Example.TEST", "lookup.person@example.test", "LOOKUP.PERSON@EXAMPLE.TEST"] {
        assert_eq!(by_name(store, name).await, Some(user.clone()), "lookup by e-mail {name:?} ignores case");
    }
    for name in ["cf-lookup-use", "cf-lookup-user ", "cf-lookup-%", "cf-lookup-use_", "lookup.person"] {
        assert_eq!(by_name(store, name).await, None, "lookup of {name:?} is exact apart from case");
    }

    // One user's login may be another's e-mail address: the login wins.
    let mut by_login = sample_user(9_100_011, "cf-precedence@example.test");
    by_login.email = "cf-precedence-a@example.test".to_string();
    let mut by_email = sample_user(9_100_012, "cf-precedence-b");
    by_email.email = "CF-Precedence@example.test".to_string();
    must_save_user(store, by_email.clone(), "insert").await;
    must_save_user(store, by_login.clone(), "insert").await;
    assert_eq!(
        by_name(store, "cf-precedence@example.test").await.map(|u| u.id),
        Some(by_login.id),
        "a login match is preferred to an e-mail match"
    );
}

pub async fn unknown_users_are_none<S: UserStore>(store: &S) {
    assert_eq!(by_id(store, 9_199_999).await, None, "an unknown id is None");
    assert_eq!(by_id(store, 0).await, None, "id 0 is never a user");
    assert_eq!(by_id(store, u64::MAX).await, None, "an id beyond any stored one is None");
    assert_eq!(by_name(store, "cf-nobody").await, None, "an unknown login is None");
    assert_eq!(by_name(store, "cf-nobody@example.test").await, None, "an unknown e-mail is None");
    assert_eq!(by_name(store, "").await, None, "the empty name is None");
}

pub async fn login_and_email_clashes_are_refused<S: UserStore>(store: &S) {
    let first = sample_user(9_100_020, "cf-clash");
    must_save_user(store, first.clone(), "insert").await;

    let mut same_login = sample_user(9_100_021, "CF-CLASH");
    same_login.email = "cf-clash-other@example.test".to_string();
    let mut same_email = sample_user(9_100_022, "cf-clash-other");
    same_email.email = "Cf-Clash@Example.Test".to_string();
    let mut new_id_login = sample_user(0, "cf-Clash");
    new_id_login.email = "cf-clash-third@example.test".to_string();
    for (user, what) in [(same_login, "login"), (same_email, "e-mail"), (new_id_login, "login, id 0")] {
        let id = user.id;
        match store.save_user(user).await {
            Err(StoreError::Data(message)) => assert!(!message.is_empty(), "a clash names its reason"),
            other => panic!("a {what} used by another user (ignoring case) is a Data error, got {other:?}"),
        }
        if id != 0 {
            assert_eq!(by_id(store, id).await, None, "a refused user ({what}) is not stored");
        }
    }
    assert_eq!(by_id(store, first.id).await, Some(first.clone()), "the existing user is untouched");
    assert_eq!(by_name(store, "cf-clash-other").await, None, "nothing was stored under the refused login");

    // Re-saving a user with its own login and e-mail (in another case) is not a clash.
    let mut recased = first.clone();
    recased.login = "CF-Clash".to_string();
    recased.email = "CF-CLASH@example.test".to_string();
    must_save_user(store, recased.clone(), "re-save with the same login in another case").await;
    assert_eq!(by_id(store, first.id).await, Some(recased), "a user may change the case of its own login");
}

pub async fn password_hash_update<S: UserStore>(store: &S) {
    let user = sample_user(9_100_030, "cf-password");
    must_save_user(store, user.clone(), "insert").await;
    let new_hash = "$argon2id$v=19$m=32768,t=2,p=1$bmV3c2FsdA$bmV3aGFzaG5ld2hhc2huZXdoYXNobmV3aGFzaG4";
    store.set_password_hash(user.id, new_hash).await.expect("set_password_hash");
    let stored = by_id(store, user.id).await.expect("the user is still there");
    assert_eq!(stored.password_hash, new_hash, "set_password_hash stores the new hash");
    assert_eq!(User { password_hash: user.password_hash.clone(), ..stored }, user, "and changes nothing else");
    assert!(store.set_password_hash(9_199_998, new_hash).await.is_err(), "setting an unknown user's hash is an error");
}

fn sample_key(user_id: u64, tag: &str, permissions: &str) -> ApiKey {
    ApiKey {
        key_id: 0,
        user_id,
        description: format!("key {tag} ✓"),
        permissions: permissions.to_string(),
        consumer_key_hash: format!("{tag:0>64}"),
        consumer_secret: format!("cs_{tag:0>40}"),
        truncated_key: format!("{tag:0>7}"),
    }
}

pub async fn api_key_save_and_lookup<S: UserStore>(store: &S) {
    let user = sample_user(9_100_040, "cf-keys");
    must_save_user(store, user.clone(), "insert").await;
    let mut first = sample_key(user.id, "cfkeyone", "read");
    let first_id = store.save_api_key(first.clone()).await.expect("save_api_key");
    assert!(first_id > 0, "a new key gets a positive id, got {first_id}");
    first.key_id = first_id;
    let found = store.api_key_by_hash(&first.consumer_key_hash).await.expect("api_key_by_hash");
    assert_eq!(found, Some(first.clone()), "a key is found by its consumer key hash, every field intact");

    let mut second = sample_key(user.id, "cfkeytwo", "read_write");
    let second_id = store.save_api_key(second.clone()).await.expect("a user may have several keys");
    assert!(second_id > first_id, "key ids grow with inserts");
    second.key_id = second_id;
    assert_eq!(store.api_key_by_hash(&second.consumer_key_hash).await.expect("lookup"), Some(second));

    let mut updated = first.clone();
    updated.permissions = "write".to_string();
    updated.description = "renamed".to_string();
    assert_eq!(store.save_api_key(updated.clone()).await.expect("update by key_id"), first_id, "same key id");
    assert_eq!(
        store.api_key_by_hash(&first.consumer_key_hash).await.expect("lookup"),
        Some(updated),
        "saving an existing key_id updates that key"
    );

    for probe in [first.consumer_key_hash.to_uppercase(), "cfkeyone".to_string(), String::new()] {
        let found = store.api_key_by_hash(&probe).await.expect("api_key_by_hash");
        assert_eq!(found, None, "api_key_by_hash({probe:?}) is exact");
    }
    let refused = [
        (sample_key(user.id, "cfkeybad", "admin"), "an unknown permission"),
        (sample_key(9_199_997, "cfkeyorphan", "read"), "a key of an unknown user"),
        (sample_key(user.id, "cfkeyone", "read"), "a second key with the same hash"),
    ];
    for (key, what) in refused {
        let hash = key.consumer_key_hash.clone();
        assert!(store.save_api_key(key).await.is_err(), "{what} is refused");
        if what != "a second key with the same hash" {
            assert_eq!(store.api_key_by_hash(&hash).await.expect("lookup"), None, "{what} is not stored");
        }
    }
}

pub async fn users_list_in_id_order<S: UserStore>(store: &S) {
    for (id, login) in [(9_100_052, "cf-list-b"), (9_100_051, "cf-list-a")] {
        must_save_user(store, sample_user(id, login), "insert").await;
    }
    let all = store.list_users().await.expect("list_users");
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "list_users is in ascending id order");
    let ours: Vec<(u64, &str)> =
        all.iter().filter(|u| u.login.starts_with("cf-list-")).map(|u| (u.id, u.login.as_str())).collect();
    assert_eq!(ours, [(9_100_051, "cf-list-a"), (9_100_052, "cf-list-b")], "every user is listed once");
    assert_eq!(all.iter().find(|u| u.id == 9_100_051), Some(&sample_user(9_100_051, "cf-list-a")), "full records");
}

pub async fn user_id_zero_is_assigned<S: UserStore>(store: &S) {
    must_save_user(store, sample_user(9_100_090, "cf-assign-explicit"), "insert").await;
    let first = must_save_user(store, sample_user(0, "cf-assign-first"), "insert with id 0").await;
    assert!(first > 9_100_090, "id 0 assigns an id above every existing one, got {first}");
    let second = must_save_user(store, sample_user(0, "cf-assign-second"), "another insert with id 0").await;
    assert!(second > first, "each assignment is a new id ({first} then {second})");
    let stored = by_id(store, first).await.expect("the assigned id loads");
    assert_eq!(stored, sample_user(first, "cf-assign-first"), "the user is stored under the assigned id");
    assert_eq!(by_name(store, "cf-assign-second").await.map(|u| u.id), Some(second));
}
