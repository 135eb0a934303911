//! Administrators' session routes (CONTRACT §C.2.16–C.2.19, POLICY F4).

use serde_json::json;

use crate::helpers::{TestApp, md5};

const PASSWORD: &str = "admin pass phrase";

async fn app_with_admin() -> TestApp {
    let app = TestApp::spawn().await;
    let hash = cartd_app::auth::passwords::hash_password(PASSWORD);
    app.add_user(1, "admin", "admin@example.com", &hash, "administrator").await;
    app.add_user(2, "shopper", "shopper@example.com", &hash, "customer").await;
    app
}

#[tokio::test]
async fn only_managers_may_look() {
    let app = app_with_admin().await;
    let guest = app.get("/sessions", 401).await;
    assert_eq!(
        guest.text,
        r#"{"code":"cocart_rest_cannot_view","message":"Sorry, you cannot list resources.","data":{"status":401}}"#
    );
    assert!(guest.header("allow").is_none());
    let customer = app.send(app.client.get(app.url("/session/abc")).basic_auth("shopper", Some(PASSWORD)), 403).await;
    assert_eq!(customer.json()["code"], "cocart_rest_cannot_view");
    // Parameter errors come first.
    let invalid = app.get("/session/abc?thumb=maybe", 400).await;
    assert_eq!(invalid.json()["code"], "rest_invalid_param");
    app.stop().await;
}

#[tokio::test]
async fn list_view_and_delete_stored_carts() {
    let app = app_with_admin().await;
    let as_admin = |r: reqwest::RequestBuilder| r.basic_auth("admin", Some(PASSWORD));
    let first = app.new_cart_with("48", "2").await;
    let second = app.new_cart_with("60", "1").await;

    let list = app.send(as_admin(app.client.get(app.url("/sessions"))), 200).await;
    let rows = list.json();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    let keys: Vec<&str> = rows[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "cart_id",
            "cart_key",
            "customers_name",
            "customers_email",
            "cart_created",
            "cart_expiry",
            "cart_source",
            "link"
        ]
    );
    assert_eq!(rows[0]["cart_key"], first.as_str());
    assert_eq!(rows[0]["cart_source"], "cocart");
    assert_eq!(rows[0]["link"], format!("http://127.0.0.1:8080/wp-json/cocart/v2/session/{first}"));
    let paged = app.send(as_admin(app.client.get(app.url("/sessions?per_page=1&page=2"))), 200).await;
    assert_eq!(paged.header("x-wp-total").as_deref(), Some("2"));
    assert_eq!(paged.header("x-wp-totalpages").as_deref(), Some("2"));
    assert_eq!(paged.json()[0]["cart_key"], second.as_str());

    // POLICY F4: the stored cart itself, shaped like GET cart.
    let view =
        app.send(as_admin(app.client.get(app.url(&format!("/session/{}", first.to_uppercase())))), 200).await.json();
    assert_eq!(view["cart_key"], first.as_str());
    assert_eq!(view["items"][0]["item_key"], md5("48"));
    assert_eq!(view["totals"]["total"], "6160");
    let items =
        app.send(as_admin(app.client.get(app.url(&format!("/session/{first}/items?thumb=false")))), 200).await.json();
    assert_eq!(items[md5("48")]["featured_image"], "");

    let missing = app.send(as_admin(app.client.get(app.url("/session/0"))), 404).await;
    assert_eq!(
        missing.text,
        r#"{"code":"cocart_cart_key_missing","message":"Cart Key is required!","data":{"status":404}}"#
    );
    let unknown = app.send(as_admin(app.client.get(app.url("/session/nothing_here"))), 404).await;
    assert_eq!(
        unknown.text,
        r#"{"code":"cocart_cart_in_session_not_valid","message":"Cart in session is not valid!","data":{"status":404}}"#
    );

    let deleted = app.send(as_admin(app.client.delete(app.url(&format!("/session/{first}")))), 200).await;
    assert_eq!(deleted.text, "\"Cart successfully deleted!\"");
    app.send(as_admin(app.client.delete(app.url(&format!("/session/{first}")))), 404).await;
    assert_eq!(app.get(&format!("/cart?cart_key={first}"), 200).await.text, "[]");
    app.post_json(&format!("/cart/clear?cart_key={second}"), json!({}), 200).await;
    let emptied = app.send(as_admin(app.client.get(app.url(&format!("/session/{second}/items")))), 200).await;
    assert_eq!(emptied.text, "[]");
    app.stop().await;
}
