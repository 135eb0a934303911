//! Guest sessions: keys, headers, cookies, expiry (CONTRACT §A.2, §A.4, §A.5, §E; POLICY F5, F7, F9, F11).

use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn headers_and_the_cookie_on_a_new_cart() {
    let app = TestApp::spawn().await;
    let answer = app.post_json("/cart/add-item", json!({"id": "48", "quantity": "1"}), 200).await;
    let key = answer.header("cocart-api-cart-key").unwrap();
    assert!(key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(answer.header("x-cocart-api").as_deref(), Some(key.as_str()));
    let expiring: i64 = answer.header("cocart-api-cart-expiring").unwrap().parse().unwrap();
    let expiration: i64 = answer.header("cocart-api-cart-expiration").unwrap().parse().unwrap();
    assert_eq!(expiration - expiring, 86_400);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((expiration - now - 7 * 86_400).abs() < 5);
    let expose = answer.header("access-control-expose-headers").unwrap();
    for h in ["X-CoCart-API", "CoCart-API-Cart-Key", "CoCart-API-Cart-Expiring", "CoCart-API-Cart-Expiration"] {
        assert!(expose.contains(h), "{h} exposed");
    }
    assert_eq!(answer.header("content-type").as_deref(), Some("application/json; charset=UTF-8"));
    assert_eq!(answer.header("allow").as_deref(), Some("POST"));
    let cookies = answer.cookies();
    let name = "wp_cocart_session_ef301f25d1b8e2bca70fafc1316f1a92";
    let session: Vec<&String> = cookies.iter().filter(|c| c.starts_with(name)).collect();
    assert_eq!(session.len(), 1, "the CoCart cookie is sent once: {cookies:?}");
    let cookie = session[0];
    assert!(cookie.starts_with(&format!("{name}={key}%7C%7C{expiration}%7C%7C{expiring}%7C%7C")), "{cookie}");
    assert!(cookie.ends_with("; Max-Age=604800; path=/; SameSite=Lax"), "{cookie}");
    assert_eq!(cookies.iter().filter(|c| c.starts_with("woocommerce_items_in_cart=1")).count(), 1);

    // Sending the cookie back selects the same cart; nothing changed so no cookie comes back.
    let value = cookie.split(';').next().unwrap();
    let back = app
        .send(app.client.get(app.url("/cart")).header("cookie", format!("{value}; woocommerce_items_in_cart=1")), 200)
        .await;
    assert_eq!(back.json()["cart_key"], key.as_str());
    assert!(back.cookies().iter().all(|c| !c.starts_with(name)));
    // A forged cookie is ignored: a new guest.
    let forged = format!("{}{}", &value[..value.len() - 1], if value.ends_with('0') { '1' } else { '0' });
    let other = app.send(app.client.get(app.url("/cart")).header("cookie", forged), 200).await;
    assert_eq!(other.text, "[]");
    app.stop().await;
}

#[tokio::test]
async fn cart_key_sources_and_cleaning() {
    let app = TestApp::spawn().await;
    app.post_json("/cart/add-item?cart_key=MyCart-1", json!({"id": "48", "quantity": "1"}), 200).await;
    let upper = app.get("/cart?cart_key=MYCART-1", 200).await;
    assert_eq!(upper.json()["cart_key"], "MYCART-1");
    assert_eq!(upper.header("x-cocart-api").as_deref(), Some("mycart-1"));
    // POLICY F11: JSON body and the CoCart 4 header select the session too.
    let body = app.post_json("/cart/add-item", json!({"id": "48", "quantity": "1", "cart_key": "mycart-1"}), 200).await;
    assert_eq!(body.json()["item_count"], 2);
    let header =
        app.send(app.client.get(app.url("/cart/items/count")).header("cocart-api-cart-key", "mycart-1"), 200).await;
    assert_eq!(header.text, "2");
    let form = app
        .send(
            app.client.post(app.url("/cart/add-item")).form(&[
                ("id", "48"),
                ("quantity", "1"),
                ("cart_key", "mycart-1"),
            ]),
            200,
        )
        .await;
    assert_eq!(form.json()["item_count"], 3);
    // An empty key is no key: a new guest, no X-CoCart-API.
    let empty = app.get("/cart?cart_key=", 200).await;
    assert!(empty.header("x-cocart-api").is_none());
    assert_eq!(empty.text, "[]");
    // A guest who never adds gets a fresh key each time and no stored row.
    let a = app.get("/cart", 200).await.header("x-cocart-api").unwrap();
    let b = app.get("/cart", 200).await.header("x-cocart-api").unwrap();
    assert_ne!(a, b);
    app.stop().await;
}

#[tokio::test]
async fn head_and_options() {
    let app = TestApp::spawn().await;
    let head = app.request("HEAD", "/store", 200).await;
    assert!(head.text.is_empty());
    assert_eq!(head.header("allow").as_deref(), Some("GET"));
    let options = app
        .send(
            app.client
                .request(reqwest::Method::OPTIONS, app.url("/cart/item/abc"))
                .header("origin", "https://shop.example"),
            200,
        )
        .await;
    assert_eq!(options.text, "true");
    assert_eq!(options.header("allow").as_deref(), Some("GET, POST, DELETE, PUT, PATCH"));
    assert_eq!(options.header("access-control-allow-origin").as_deref(), Some("https://shop.example"));
    assert_eq!(options.header("access-control-allow-credentials").as_deref(), Some("true"));
    // Method override.
    let key = app.new_cart_with("48", "1").await;
    let removed = app
        .get(&format!("/cart/item/{}?cart_key={key}&_method=DELETE&return_status=1", crate::helpers::md5("48")), 200)
        .await;
    assert_eq!(removed.text, "\"\\\"Beanie\\\" has been removed from cart.\"");
    app.stop().await;
}

#[tokio::test]
async fn expired_carts_read_as_absent() {
    let app = TestApp::spawn_with(|c| {
        c.cart_expiration_secs = 1;
        c.cart_expiring_secs = 0;
    })
    .await;
    let key = app.new_cart_with("48", "1").await;
    assert_eq!(app.get(&format!("/cart/items/count?cart_key={key}"), 200).await.text, "1");
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    assert_eq!(app.get(&format!("/cart?cart_key={key}"), 200).await.text, "[]");
    app.stop().await;
}
