//! WooCommerce REST API keys (CONTRACT §F.3, POLICY §2): Basic and query-string keys, OAuth
//! 1.0a one-legged signatures with replay checks, and the key's permission per method.
//! Signatures are computed here from RFC 5849 §3.4, independently of the server's code.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::json;

use crate::helpers::TestApp;

/// The site URL the test server is configured with: OAuth clients sign against it.
const SITE: &str = "http://127.0.0.1:8080";

async fn app_with_customer() -> TestApp {
    let app = TestApp::spawn().await;
    let hash = cartd_app::auth::passwords::hash_password("unused password");
    app.add_user(5, "demo", "demo@example.com", &hash, "customer").await;
    app
}

fn wc_error(message: &str) -> String {
    json!({"code": "woocommerce_rest_authentication_error", "message": message, "data": {"status": 401}}).to_string()
}

/// RFC 3986 percent-encoding, as OAuth requires.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An OAuth 1.0a client holding a consumer key.
struct Client<'a> {
    key: &'a str,
    secret: &'a str,
    hmac_sha256: bool,
}

impl Client<'_> {
    /// The `oauth_*` parameters of a signed request, signature included.
    fn sign(
        &self,
        method: &str,
        path: &str,
        other: &[(&str, &str)],
        nonce: &str,
        timestamp: i64,
    ) -> Vec<(String, String)> {
        let signature_method = if self.hmac_sha256 { "HMAC-SHA256" } else { "HMAC-SHA1" };
        let mut oauth: Vec<(String, String)> = vec![
            ("oauth_consumer_key".into(), self.key.into()),
            ("oauth_nonce".into(), nonce.into()),
            ("oauth_signature_method".into(), signature_method.into()),
            ("oauth_timestamp".into(), timestamp.to_string()),
        ];
        let mut all: Vec<(String, String)> = oauth.clone();
        all.extend(other.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        all.sort();
        let normalized: Vec<String> = all.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        let base = format!("{method}&{}&{}", encode(&format!("{SITE}{path}")), encode(&normalized.join("&")));
        let signing_key = format!("{}&", self.secret);
        let digest = if self.hmac_sha256 {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(signing_key.as_bytes()).unwrap();
            mac.update(base.as_bytes());
            mac.finalize().into_bytes().to_vec()
        } else {
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(signing_key.as_bytes()).unwrap();
            mac.update(base.as_bytes());
            mac.finalize().into_bytes().to_vec()
        };
        oauth.push(("oauth_signature".into(), base64::engine::general_purpose::STANDARD.encode(digest)));
        oauth
    }
}

#[tokio::test]
async fn consumer_keys_as_basic_credentials_or_query_parameters() {
    let app = app_with_customer().await;
    let (read_key, read_secret) = app.create_key("demo", "read").await;
    let (write_key, write_secret) = app.create_key("demo", "write").await;

    let count = app.url("/cart/items/count");
    let ok = app.send(app.client.get(&count).basic_auth(&read_key, Some(&read_secret)), 200).await;
    assert_eq!(ok.text, "0");
    assert_eq!(ok.header("cocart-api-cart-key").as_deref(), Some("5"), "the request runs as the key's owner");
    let query = [("consumer_key", read_key.as_str()), ("consumer_secret", read_secret.as_str())];
    app.send(app.client.get(&count).query(&query), 200).await;

    let add = app.url("/cart/add-item");
    let body = json!({"id": "48", "quantity": "1"});
    let refused = app.send(app.client.post(&add).basic_auth(&read_key, Some(&read_secret)).json(&body), 401).await;
    assert_eq!(refused.text, wc_error("The API key provided does not have write permissions."));
    let added = app.send(app.client.post(&add).basic_auth(&write_key, Some(&write_secret)).json(&body), 200).await;
    assert_eq!(added.json()["cart_key"], "5");
    let no_read = app.send(app.client.get(&count).basic_auth(&write_key, Some(&write_secret)), 401).await;
    assert_eq!(no_read.text, wc_error("The API key provided does not have read permissions."));

    let wrong = app.send(app.client.get(&count).basic_auth(&read_key, Some("cs_wrong")), 401).await;
    assert_eq!(wrong.text, wc_error("Consumer secret is invalid."));
    let unknown = app.send(app.client.get(&count).basic_auth(format!("{read_key}0"), Some(&read_secret)), 401).await;
    assert_eq!(unknown.text, wc_error("Consumer key is invalid."));
    assert!(unknown.header("x-cocart-api").is_none(), "refused before routing");
    app.stop().await;
}

#[tokio::test]
async fn oauth_one_legged_signatures_over_plain_http() {
    let app = app_with_customer().await;
    let (key, secret) = app.create_key("demo", "read_write").await;
    let now = cartd_http::unix_now();
    let path = "/wp-json/cocart/v2/cart/add-item";
    let url = format!("{}{path}", app.base);
    let body = [("id", "48"), ("quantity", "2")];

    let sha1 = Client { key: &key, secret: &secret, hmac_sha256: false };
    let sha256 = Client { hmac_sha256: true, ..sha1 };
    let forger = Client { secret: "cs_wrong", ..sha1 };
    let stranger = Client { key: "ck_unknown", ..sha1 };

    // HMAC-SHA1, parameters in the query, form body signed too.
    let oauth = sha1.sign("POST", path, &body, "nonce1", now);
    let added = app.send(app.client.post(&url).query(&oauth).form(&body), 200).await;
    assert_eq!(added.json()["cart_key"], "5");
    assert_eq!(added.json()["item_count"], 2);

    // The same nonce again is a replay.
    let replay = app.send(app.client.post(&url).query(&oauth).form(&body), 401).await;
    assert_eq!(replay.text, wc_error("Invalid nonce - nonce has already been used."));

    // HMAC-SHA256 in an `Authorization: OAuth` header.
    let count_path = "/wp-json/cocart/v2/cart/items/count";
    let oauth = sha256.sign("GET", count_path, &[], "nonce2", now);
    let header = oauth.iter().map(|(k, v)| format!("{k}=\"{}\"", encode(v))).collect::<Vec<_>>().join(", ");
    let count_url = format!("{}{count_path}", app.base);
    let counted = app.send(app.client.get(&count_url).header("authorization", format!("OAuth {header}")), 200).await;
    assert_eq!(counted.text, "2");

    // Outside the 15-minute window.
    let stale = sha1.sign("GET", count_path, &[], "nonce3", now - 16 * 60);
    let answer = app.send(app.client.get(&count_url).query(&stale), 401).await;
    assert_eq!(answer.text, wc_error("Invalid timestamp."));

    // A parameter the signature did not cover, or the wrong secret.
    let oauth = sha1.sign("GET", count_path, &[], "nonce4", now);
    let tampered = app.send(app.client.get(&count_url).query(&oauth).query(&[("return", "numeric")]), 401).await;
    assert_eq!(tampered.text, wc_error("Invalid signature - provided signature does not match."));
    let forged = forger.sign("GET", count_path, &[], "nonce5", now);
    app.send(app.client.get(&count_url).query(&forged), 401).await;

    let unknown = stranger.sign("GET", count_path, &[], "nonce6", now);
    let answer = app.send(app.client.get(&count_url).query(&unknown), 401).await;
    assert_eq!(answer.text, wc_error("Consumer key is invalid."));

    let partial = app.send(app.client.get(&count_url).query(&[("oauth_consumer_key", key.as_str())]), 401).await;
    assert_eq!(
        partial.text,
        json!({
            "code": "woocommerce_rest_authentication_missing_parameter",
            "message": "Missing OAuth parameters oauth_timestamp, oauth_nonce, oauth_signature, oauth_signature_method",
            "data": {"status": 401}
        })
        .to_string()
    );
    app.stop().await;
}

#[tokio::test]
async fn oauth_keys_keep_their_permissions() {
    let app = app_with_customer().await;
    let (key, secret) = app.create_key("demo", "read").await;
    let path = "/wp-json/cocart/v2/cart/clear";
    let client = Client { key: &key, secret: &secret, hmac_sha256: false };
    let oauth = client.sign("POST", path, &[], "n1", cartd_http::unix_now());
    let answer = app.send(app.client.post(format!("{}{path}", app.base)).query(&oauth), 401).await;
    assert_eq!(answer.text, wc_error("The API key provided does not have write permissions."));
    app.stop().await;
}
