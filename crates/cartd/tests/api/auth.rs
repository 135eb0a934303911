//! Customers and authentication (CONTRACT §F, §C.1.2, §C.2.14, §C.2.15; POLICY §2).

use serde_json::json;

use crate::helpers::TestApp;

const PASSWORD: &str = "correct horse battery";

async fn app_with_customer() -> TestApp {
    let app = TestApp::spawn_with(|c| {
        c.jwt_secret = Some("jwt-test-secret".into());
        c.login_failures_per_login = 3;
    })
    .await;
    let hash = cartd_app::auth::passwords::hash_password(PASSWORD);
    app.add_user(5, "demo", "demo@example.com", &hash, "customer").await;
    app
}

fn error(code: &str, message: &str, status: u16) -> String {
    php_json(&json!({"code": code, "message": message, "data": {"status": status}}))
}

/// JSON as WordPress encodes it (slashes escaped).
fn php_json(value: &serde_json::Value) -> String {
    String::from_utf8(cocart_wire::php_json::to_vec(value)).unwrap()
}

#[tokio::test]
async fn login_confirms_credentials() {
    let app = app_with_customer().await;
    let guest = app.post_json("/login", json!({}), 401).await;
    assert_eq!(guest.text, error("cocart_rest_not_authorized", "Sorry, you are not authorized.", 401));
    assert!(guest.header("x-cocart-api").is_some());
    assert!(guest.header("allow").is_none());

    let ok = app.send(app.client.post(app.url("/login")).basic_auth("demo", Some(PASSWORD)), 200).await;
    assert_eq!(
        ok.text,
        r#"{"user_id":"5","display_name":"Demo Customer","role":"Customer","dev_note":"Don't forget to store the users login information in order to authenticate all other routes with CoCart."}"#
    );
    assert_eq!(ok.header("cache-control").as_deref(), Some("no-cache, must-revalidate, max-age=0"));
    // The e-mail address works as the username.
    app.send(app.client.post(app.url("/login")).basic_auth("demo@example.com", Some(PASSWORD)), 200).await;
    // An e-mail without an account is no credentials: a guest.
    app.send(app.client.post(app.url("/login")).basic_auth("nobody@example.com", Some(PASSWORD)), 401).await;
    app.stop().await;
}

#[tokio::test]
async fn wrong_credentials_fail_on_every_route_and_are_limited() {
    let app = app_with_customer().await;
    let expected = error("cocart_authentication_error", "Authentication is invalid.", 401);
    for path in ["/store", "/cart", "/login"] {
        let answer = app.send(app.client.get(app.url(path)).basic_auth("demo", Some("wrong")), 401).await;
        assert_eq!(answer.text, expected, "{path}");
        assert!(answer.header("x-cocart-api").is_none());
        assert!(answer.cookies().is_empty());
    }
    // Three failures for "demo" happened above; the next attempt is refused outright.
    let limited = app.send(app.client.get(app.url("/store")).basic_auth("demo", Some(PASSWORD)), 429).await;
    assert!(limited.header("retry-after").unwrap().parse::<i64>().unwrap() > 0);
    assert_eq!(limited.json()["code"], "cartd_too_many_attempts");
    // Query-string credentials are read too.
    app.send(app.client.get(app.url("/store?username=someone&password=x")), 401).await;
    app.stop().await;
}

#[tokio::test]
async fn a_customer_cart_is_keyed_by_user_id_across_devices() {
    let app = app_with_customer().await;
    let added = app
        .send(
            app.client
                .post(app.url("/cart/add-item"))
                .basic_auth("demo", Some(PASSWORD))
                .json(&json!({"id": "48", "quantity": "2"})),
            200,
        )
        .await;
    assert_eq!(added.json()["cart_key"], "5");
    assert_eq!(added.header("cocart-api-cart-key").as_deref(), Some("5"));
    // Another device: same credentials, no cookie.
    let other = app.send(app.client.get(app.url("/cart/items/count")).basic_auth("demo", Some(PASSWORD)), 200).await;
    assert_eq!(other.text, "2");
    // A JWT for the same user reaches the same cart.
    let config = cartd_app::auth::jwt::JwtConfig::new("jwt-test-secret", "http://127.0.0.1:8080");
    let token = cartd_app::auth::jwt::issue(&config, 5, cartd_http::unix_now());
    let bearer = app.send(app.client.get(app.url("/cart/items/count")).bearer_auth(&token), 200).await;
    assert_eq!(bearer.text, "2");
    let forged = app.send(app.client.get(app.url("/cart")).bearer_auth(format!("{token}x")), 403).await;
    assert_eq!(forged.json()["code"], "jwt_auth_invalid_token");
    app.stop().await;
}

#[tokio::test]
async fn cart_key_guard_envelopes() {
    let app = app_with_customer().await;
    let guest = app.get("/cart?cart_key=5", 403).await;
    assert_eq!(
        guest.text,
        r#"{"success":false,"data":[{"code":"cocart_must_authenticate_user","message":"Must authenticate customer as the cart key provided is a registered customer."}]}"#
    );
    assert!(guest.header("x-cocart-api").is_none());
    assert!(guest.header("x-robots-tag").is_none());
    app.get("/cart?cart_key=%202", 200).await;
    app.get("/cart?cart_key=5.0", 403).await;
    let own = app.send(app.client.get(app.url("/cart?cart_key=5")).basic_auth("demo", Some(PASSWORD)), 403).await;
    assert_eq!(
        own.text,
        r#"{"success":false,"data":[{"code":"cocart_already_authenticating_user","message":"You are already authenticating as the customer. Cannot set cart key as the user."}]}"#
    );
    app.stop().await;
}

#[tokio::test]
async fn imported_wordpress_hashes_are_upgraded_on_login() {
    let app = TestApp::spawn().await;
    app.add_user(7, "legacy", "legacy@example.com", "$P$BcartdtstgBDRpB8YRc4XtcedoCVmz/", "customer").await;
    app.send(app.client.post(app.url("/login")).basic_auth("legacy", Some("test")), 200).await;
    assert!(app.user_hash(7).await.starts_with("$argon2id$"));
    app.send(app.client.post(app.url("/login")).basic_auth("legacy", Some("test")), 200).await;
    app.stop().await;
}

#[tokio::test]
async fn logout_destroys_the_session() {
    let app = TestApp::spawn().await;
    let key = app.new_cart_with("48", "1").await;
    let answer = app.post_json(&format!("/logout?cart_key={key}"), json!({}), 200).await;
    assert_eq!(answer.text, "true");
    let cookies = answer.cookies();
    assert_eq!(cookies.len(), 1);
    assert!(cookies[0].ends_with("=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/; SameSite=Lax"));
    assert_eq!(app.get(&format!("/cart?cart_key={key}"), 200).await.text, "[]");
    app.stop().await;
}

#[tokio::test]
async fn a_guest_cart_merges_into_the_customer_cart_once() {
    let app = app_with_customer().await;
    let auth = |r: reqwest::RequestBuilder| r.basic_auth("demo", Some(PASSWORD));
    app.send(auth(app.client.post(app.url("/cart/add-item"))).json(&json!({"id": "48", "quantity": "5"})), 200).await;
    let guest = app.new_cart_with("48", "2").await;
    app.post_json(&format!("/cart/add-item?cart_key={guest}"), json!({"id": "60", "quantity": "1"}), 200).await;
    app.request("DELETE", &format!("/cart/item/{}?cart_key={guest}", crate::helpers::md5("60")), 200).await;

    let merged = app.send(auth(app.client.get(app.url(&format!("/cart?cart_key={guest}")))), 200).await.json();
    assert_eq!(merged["cart_key"], "5");
    assert_eq!(merged["item_count"], 2, "the guest's Beanie line wins; quantities are not summed");
    assert_eq!(merged["removed_items"][0]["id"], 60, "removed items come along");
    assert_eq!(app.get(&format!("/cart?cart_key={guest}"), 200).await.text, "[]", "the guest cart is gone");
    // A second request with the same key is an ordinary authenticated request.
    let again = app.send(auth(app.client.get(app.url(&format!("/cart/items/count?cart_key={guest}")))), 200).await;
    assert_eq!(again.text, "2");
    app.stop().await;
}

fn jwt_url(app: &TestApp, path: &str) -> String {
    format!("{}/wp-json/jwt-auth/v1{path}", app.base)
}

/// The claims of a token, decoded without checking it.
fn claims(token: &str) -> serde_json::Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn jwt_token_endpoint_issues_tokens_like_the_plugin() {
    let app = TestApp::spawn_with(|c| {
        c.jwt_secret = Some("jwt-test-secret".into());
        c.jwt_lifetime_secs = 3600;
    })
    .await;
    app.add_user(5, "demo", "demo@example.com", &cartd_app::auth::passwords::hash_password(PASSWORD), "customer").await;
    let issued = app
        .send(app.client.post(jwt_url(&app, "/token")).json(&json!({"username": "demo", "password": PASSWORD})), 200)
        .await;
    let body = issued.json();
    let token = body["token"].as_str().unwrap().to_string();
    assert_eq!(
        issued.text,
        json!({"token": token, "user_email": "demo@example.com", "user_nicename": "demo", "user_display_name": "Demo Customer"})
            .to_string()
    );
    assert!(issued.header("x-cocart-api").is_none() && issued.header("cocart-api-cart-key").is_none());
    let claims = claims(&token);
    assert_eq!(claims["iss"], "http://127.0.0.1:8080");
    assert_eq!(claims["data"], json!({"user": {"id": 5}}));
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600, "the configured lifetime");
    assert_eq!(claims["nbf"], claims["iat"]);

    // The token authenticates CoCart requests and validates.
    let cart = app.send(app.client.get(app.url("/cart/items/count")).bearer_auth(&token), 200).await;
    assert_eq!(cart.header("cocart-api-cart-key").as_deref(), Some("5"));
    let valid = app.send(app.client.post(jwt_url(&app, "/token/validate")).bearer_auth(&token), 200).await;
    assert_eq!(valid.text, r#"{"code":"jwt_auth_valid_token","data":{"status":200}}"#);

    // A form body and an e-mail address work too.
    let form = [("username", "demo@example.com"), ("password", PASSWORD)];
    app.send(app.client.post(jwt_url(&app, "/token")).form(&form), 200).await;
    // Only POST is registered.
    let get = app.send(app.client.get(jwt_url(&app, "/token")), 404).await;
    assert_eq!(get.json()["code"], "rest_no_route");
    app.stop().await;
}

#[tokio::test]
async fn jwt_token_endpoint_reports_wordpress_login_errors() {
    let app = app_with_customer().await;
    let cases = [
        (
            json!({"username": "demo", "password": "wrong"}),
            "[jwt_auth] incorrect_password",
            "<strong>Error:</strong> The password you entered for the username <strong>demo</strong> is incorrect. <a href=\"http://127.0.0.1:8080/wp-login.php?action=lostpassword\">Lost your password?</a>",
        ),
        (
            json!({"username": "demo@example.com", "password": "wrong"}),
            "[jwt_auth] incorrect_password",
            "<strong>Error:</strong> The password you entered for the email address <strong>demo@example.com</strong> is incorrect. <a href=\"http://127.0.0.1:8080/wp-login.php?action=lostpassword\">Lost your password?</a>",
        ),
        (
            json!({"username": "nobody", "password": "x"}),
            "[jwt_auth] invalid_username",
            "<strong>Error:</strong> The username <strong>nobody</strong> is not registered on this site. If you are unsure of your username, try your email address instead.",
        ),
        (
            json!({"username": "nobody@example.com", "password": "x"}),
            "[jwt_auth] invalid_email",
            "Unknown email address. Check again or try your username.",
        ),
        (json!({"password": "x"}), "[jwt_auth] empty_username", "<strong>Error:</strong> The username field is empty."),
        (
            json!({"username": "demo"}),
            "[jwt_auth] empty_password",
            "<strong>Error:</strong> The password field is empty.",
        ),
    ];
    for (body, code, message) in cases {
        let answer = app.send(app.client.post(jwt_url(&app, "/token")).json(&body), 403).await;
        assert_eq!(answer.text, error(code, message, 403));
    }
    app.stop().await;
}

#[tokio::test]
async fn jwt_validation_errors_follow_the_plugin() {
    let app = app_with_customer().await;
    let validate = || app.client.post(jwt_url(&app, "/token/validate"));
    let error =
        |code: &str, message: &str| json!({"code": code, "message": message, "data": {"status": 403}}).to_string();
    let missing = app.send(validate(), 403).await;
    assert_eq!(missing.text, error("jwt_auth_no_auth_header", "Authorization header not found."));
    let malformed = app.send(validate().header("authorization", "Bearer"), 403).await;
    assert_eq!(malformed.text, error("jwt_auth_bad_auth_header", "Authorization header malformed."));
    let garbage = app.send(validate().bearer_auth("abc"), 403).await;
    assert_eq!(garbage.text, error("jwt_auth_invalid_token", "Wrong number of segments"));

    let config = cartd_app::auth::jwt::JwtConfig::new("jwt-test-secret", "http://127.0.0.1:8080");
    let old = cartd_app::auth::jwt::issue(&config, 5, cartd_http::unix_now() - 8 * 86_400);
    let expired = app.send(validate().bearer_auth(&old), 403).await;
    assert_eq!(expired.text, error("jwt_auth_invalid_token", "Expired token"));
    // The same token on a CoCart route ends the request with the plugin's error.
    let on_cart = app.send(app.client.get(app.url("/cart")).bearer_auth(&old), 403).await;
    assert_eq!(on_cart.text, error("jwt_auth_invalid_token", "Expired token"));
    let other_site = cartd_app::auth::jwt::JwtConfig::new("jwt-test-secret", "https://elsewhere.example");
    let foreign = cartd_app::auth::jwt::issue(&other_site, 5, cartd_http::unix_now());
    let answer = app.send(validate().bearer_auth(&foreign), 403).await;
    assert_eq!(answer.text, error("jwt_auth_bad_iss", "The iss do not match with this server"));
    app.stop().await;
}

#[tokio::test]
async fn lockdown_refuses_listed_routes_to_anonymous_clients() {
    let app = TestApp::spawn_with(|c| {
        c.lockdown.get = vec!["v2/cart".into()];
        c.lockdown.post = vec!["v2/cart/add-item".into(), "v1".into()];
    })
    .await;
    let hash = cartd_app::auth::passwords::hash_password(PASSWORD);
    app.add_user(5, "demo", "demo@example.com", &hash, "customer").await;

    let read = app.get("/cart/items", 401).await;
    assert_eq!(
        read.text,
        error(
            "cocart_rest_permission_error",
            "Permission to READ /cocart/v2/cart/items is only permitted if the user is authenticated.",
            401
        )
    );
    assert!(read.header("allow").is_none() && read.header("x-cocart-api").is_none());
    let write = app.post_json("/cart/add-item", json!({"id": "48"}), 401).await;
    assert_eq!(
        write.text,
        error(
            "cocart_rest_permission_error",
            "Permission to WRITE /cocart/v2/cart/add-item is only permitted if the user is authenticated.",
            401
        )
    );
    let v1 = app.send(app.client.post(format!("{}/wp-json/cocart/v1/clear", app.base)), 401).await;
    assert_eq!(
        v1.json()["message"],
        "Permission to WRITE /cocart/v1/clear is only permitted if the user is authenticated."
    );
    // Unlisted routes and methods stay open; a preflight is always answered.
    app.get("/store", 200).await;
    app.post_json("/cart/clear", json!({}), 200).await;
    assert_eq!(app.request("OPTIONS", "/cart", 200).await.text, "true");
    // Authenticated clients pass.
    let own = app.send(app.client.get(app.url("/cart/items")).basic_auth("demo", Some(PASSWORD)), 200).await;
    assert_eq!(own.text, r#""No items in the cart.""#);
    // A method CoCart does not know: refused to guests, no route for a signed-in client.
    let trace = app.client.request(reqwest::Method::TRACE, app.url("/store"));
    assert_eq!(app.send(trace.basic_auth("demo", Some(PASSWORD)), 404).await.json()["code"], "rest_no_route");
    assert_eq!(app.request("TRACE", "/store", 401).await.json()["code"], "cocart_rest_permission_error");
    app.stop().await;
}

#[tokio::test]
async fn a_customers_saved_addresses_feed_the_cart() {
    use cartd_domain::cart::Address;
    let app = TestApp::spawn().await;
    let mut customer = crate::helpers::user(
        8,
        "jane",
        "jane@example.com",
        &cartd_app::auth::passwords::hash_password(PASSWORD),
        "customer",
    );
    customer.billing = Address {
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        country: "US".into(),
        state: "CA".into(),
        city: "Beverly Hills".into(),
        postcode: "90210".into(),
        ..Address::default()
    };
    customer.shipping =
        Address { first_name: "Jane".into(), country: "CA".into(), state: "ON".into(), ..Address::default() };
    app.save_user(customer).await;

    let request = app.client.post(app.url("/cart/add-item")).basic_auth("jane", Some(PASSWORD));
    let cart = app.send(request.json(&json!({"id": "48", "quantity": "2"})), 200).await.json();
    assert_eq!(
        cart["customer"],
        json!({
            "billing_address": {
                "billing_first_name": "Jane", "billing_last_name": "Doe", "billing_company": "", "billing_country": "US",
                "billing_address_1": "", "billing_address_2": "", "billing_city": "Beverly Hills", "billing_state": "CA",
                "billing_postcode": "90210", "billing_phone": "", "billing_email": "jane@example.com"
            },
            "shipping_address": {
                "shipping_first_name": "Jane", "shipping_last_name": "", "shipping_company": "", "shipping_country": "CA",
                "shipping_address_1": "", "shipping_address_2": "", "shipping_city": "", "shipping_state": "ON",
                "shipping_postcode": ""
            }
        })
    );
    // Shipping to Canada: free shipping and no US tax (taxes follow the shipping address).
    assert_eq!(cart["totals"]["total"], "3600");
    assert_eq!(cart["totals"]["total_tax"], "0");
    assert_eq!(cart["shipping"]["packages"]["default"]["chosen_method"], "free_shipping:2");
    app.stop().await;
}

#[tokio::test]
async fn a_guest_cookie_cart_merges_on_login() {
    use crate::helpers::md5;
    let app = app_with_customer().await;
    let auth = |r: reqwest::RequestBuilder| r.basic_auth("demo", Some(PASSWORD));
    // The customer's own cart: Beanie × 5, then Sunglasses.
    for (id, quantity) in [("48", "5"), ("62", "1")] {
        app.send(auth(app.client.post(app.url("/cart/add-item"))).json(&json!({"id": id, "quantity": quantity})), 200)
            .await;
    }
    // A guest on a browser with a cookie: Cap, then Beanie × 2.
    let first = app.post_json("/cart/add-item", json!({"id": "60", "quantity": "1"}), 200).await;
    let guest_key = first.header("cocart-api-cart-key").unwrap();
    let name = format!("wp_cocart_session_{}", md5("http://127.0.0.1:8080"));
    let cookie = first.cookies().into_iter().find(|c| c.starts_with(&name)).unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    app.send(
        app.client
            .post(app.url("/cart/add-item"))
            .header("cookie", &cookie)
            .json(&json!({"id": "48", "quantity": "2"})),
        200,
    )
    .await;

    // The guest logs in on that browser.
    let merged = app.send(auth(app.client.get(app.url("/cart"))).header("cookie", &cookie), 200).await;
    let body = merged.json();
    assert_eq!(body["cart_key"], "5");
    let lines: Vec<(String, f64)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["item_key"].as_str().unwrap().to_string(), i["quantity"]["value"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [(md5("48"), 2.0), (md5("62"), 1.0), (md5("60"), 1.0)],
        "the customer's lines first, the guest's Beanie in place of theirs (not summed), then the guest's new lines"
    );
    // The cookie now names the customer; the guest cart is gone and the merge happened once.
    let reissued = merged.cookies().into_iter().find(|c| c.starts_with(&name)).expect("a new cookie");
    assert!(reissued.starts_with(&format!("{name}=5%7C%7C")), "{reissued}");
    assert_eq!(app.get(&format!("/cart?cart_key={guest_key}"), 200).await.text, "[]");
    let again = app.send(auth(app.client.get(app.url("/cart/items/count"))).header("cookie", &cookie), 200).await;
    assert_eq!(again.text, "4");
    app.stop().await;
}

/// This machine's address on its default route, if it has one that is not loopback.
fn non_loopback_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?; // no packet is sent; this only picks a route
    Some(socket.local_addr().ok()?.ip()).filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
}

#[tokio::test]
async fn passwords_and_keys_need_tls_from_remote_clients() {
    let Some(ip) = non_loopback_address() else {
        eprintln!("skipped: this machine has no non-loopback address to test the TLS rule from");
        return;
    };
    let app = TestApp::spawn_with(|c| {
        c.listen = format!("{ip}:0");
        c.trusted_proxies = vec![ip.to_string()];
    })
    .await;
    let hash = cartd_app::auth::passwords::hash_password(PASSWORD);
    app.add_user(5, "demo", "demo@example.com", &hash, "customer").await;
    let (key, secret) = app.create_key("demo", "read").await;
    let count = app.url("/cart/items/count");
    let tls = error(
        "cocart_authentication_error",
        "Authentication is invalid. Credentials are only accepted over HTTPS (TLS).",
        401,
    );
    let basic = app.send(app.client.get(&count).basic_auth("demo", Some(PASSWORD)), 401).await;
    assert_eq!(basic.text, tls);
    let query = app.send(app.client.get(format!("{count}?consumer_key={key}&consumer_secret={secret}")), 401).await;
    assert_eq!(query.text, tls);
    let token = app
        .send(app.client.post(jwt_url(&app, "/token")).json(&json!({"username": "demo", "password": PASSWORD})), 401)
        .await;
    assert_eq!(token.text, tls);
    // Through the trusted proxy, over HTTPS.
    let proxied = app.client.get(&count).header("x-forwarded-proto", "https");
    app.send(proxied.basic_auth("demo", Some(PASSWORD)), 200).await;
    // A bearer token reveals no secret.
    let config = cartd_app::auth::jwt::JwtConfig::new("unused", "http://127.0.0.1:8080");
    let forged = cartd_app::auth::jwt::issue(&config, 5, cartd_http::unix_now());
    let bearer = app.send(app.client.get(&count).bearer_auth(forged), 403).await;
    assert_eq!(bearer.json()["code"], "jwt_auth_invalid_token", "checked, not refused for the transport");
    app.stop().await;
}
