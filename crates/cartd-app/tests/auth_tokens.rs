//! Token and API-key logic: JWT (Tmeister "JWT Authentication for WP REST API"), WooCommerce
//! API keys and WooCommerce's OAuth 1.0a verification.
//!
//! Test-vector provenance (produced once, outside the repository, then pasted here):
//! - JS vectors: Node 20 with npm packages `@woocommerce/woocommerce-rest-api@1.0.2`,
//!   `@cocart/cocart-rest-api@1.1.0` and `oauth-1.0a@2.2.6` (both clients sign with it, using
//!   HMAC-SHA256 via `create-hmac`). `OAuth.prototype.getTimeStamp`/`getNonce` were patched to
//!   return 1700000000 / "n0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB", and an axios `adapter` in
//!   `axiosConfig` captured the request instead of sending it; `axios.getUri(config)` gave the
//!   final URL. Key `ck_0123…4567`, secret `cs_fedc…ba98` below.
//! - WooCommerce vectors: PHP 8.2 running the body of WooCommerce 10.x
//!   `WC_REST_Authentication::check_oauth_signature` / `join_with_equals_sign` /
//!   `normalize_parameters` / `parse_header` and `wc_rest_urlencode_rfc3986`, with `$_GET`/`$_POST`
//!   built by PHP's own `parse_str` from the raw strings below. Every JS vector was also checked
//!   to be accepted by that harness. The same harness was diffed against
//!   `oauth1::signature_base_string` on 21,000 random query/body strings (odd names with `[`, `]`,
//!   `.`, spaces, digits, UTF-8, percent escapes): no difference.
//! - JWT vectors: PHP 8.2 running firebase/php-jwt 6.3.0's `JWT::encode` steps (header
//!   `{"typ":"JWT","alg":"HS256"}`, `json_encode(.., JSON_UNESCAPED_SLASHES)`, `hash_hmac`,
//!   URL-safe base64 without `=`) on the array the plugin's `generate_token` builds.

use cartd_app::auth::jwt::{self, JwtConfig, JwtError, LoginError};
use cartd_app::auth::oauth1::{self, NonceCache, NonceStore, OAuthRequest, SignatureMethod};
use cartd_app::auth::wc_keys::{self, Permission, WcAuthError};
use percent_encoding::percent_decode_str;
use serde_json::json;

const CK: &str = "ck_0123456789abcdef0123456789abcdef01234567";
const CS: &str = "cs_fedcba9876543210fedcba9876543210fedcba98";
const JWT_SECRET: &str = "a-very-secret-key-for-tests";
const T0: i64 = 1_700_000_000;

// ------------------------------------------------------------------------------------------
// helpers

/// PHP's decoding of a query string / form body into (name, value) pairs.
fn form_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let dec = |x: &str| percent_decode_str(&x.replace('+', " ")).decode_utf8_lossy().into_owned();
            (dec(k), dec(v))
        })
        .collect()
}

fn request<'a>(method: &'a str, url: &'a str, query: &str, body: &str, header: &str) -> OAuthRequest<'a> {
    let mut params = form_pairs(query);
    params.extend(form_pairs(body));
    params.extend(oauth1::parse_oauth_header(header));
    OAuthRequest { method, url, params }
}

/// Splits an absolute URL with query as a client sends it.
fn from_uri<'a>(method: &'a str, uri: &'a str) -> OAuthRequest<'a> {
    let (url, query) = uri.split_once('?').unwrap_or((uri, ""));
    request(method, url, query, "", "")
}

fn config() -> JwtConfig {
    JwtConfig::new(JWT_SECRET, "https://example.test")
}

// ------------------------------------------------------------------------------------------
// JWT

#[test]
fn jwt_issue_is_byte_identical_to_the_plugin() {
    // php-jwt 6.3.0 output for generate_token's claims at time() = 1700000000, user 42.
    let php = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUudGVzdCIsImlhdCI6MTcwMDAwMDAwMCwibmJmIjoxNzAwMDAwMDAwLCJleHAiOjE3MDA2MDQ4MDAsImRhdGEiOnsidXNlciI6eyJpZCI6NDJ9fX0.fPNfhc00UWJKOPqG7LKLkxFgO7_oNUwfBpFm8MdYTPo";
    assert_eq!(jwt::issue(&config(), 42, T0), php);

    // Non-ASCII site URL: PHP escapes it as \u00e4.
    let cfg = JwtConfig::new(JWT_SECRET, "https://exämple.test/shop");
    let php = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V4XHUwMGU0bXBsZS50ZXN0L3Nob3AiLCJpYXQiOjE3MDAwMDAwMDAsIm5iZiI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwNjA0ODAwLCJkYXRhIjp7InVzZXIiOnsiaWQiOjd9fX0.ZR3Y4ATyFISSxkMEZqiAnCOOQCjUwAQi9tLGs2jICVQ";
    assert_eq!(jwt::issue(&cfg, 7, T0), php);
    assert_eq!(jwt::validate(&cfg, php, T0 + 10), Ok(7));
}

#[test]
fn jwt_claims_shape() {
    use base64::Engine as _;
    let token = jwt::issue(&config(), 5, T0);
    let body = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap();
    assert_eq!(
        claims,
        json!({"iss": "https://example.test", "iat": T0, "nbf": T0, "exp": T0 + 604_800, "data": {"user": {"id": 5}}})
    );
    // jsonwebtoken (the Rust crate) agrees on the signature.
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.validate_exp = false;
    v.required_spec_claims.clear();
    let decoded = jsonwebtoken::decode::<serde_json::Value>(
        &token,
        &jsonwebtoken::DecodingKey::from_secret(JWT_SECRET.as_bytes()),
        &v,
    )
    .unwrap();
    assert_eq!(decoded.claims, claims);
}

#[test]
fn jwt_validate_time_window() {
    let cfg = config();
    let token = jwt::issue(&cfg, 42, T0);
    assert_eq!(jwt::validate(&cfg, &token, T0), Ok(42));
    assert_eq!(jwt::validate(&cfg, &token, T0 + 604_799), Ok(42));
    // php-jwt: expired when now >= exp.
    assert_eq!(jwt::validate(&cfg, &token, T0 + 604_800), Err(JwtError::InvalidToken("Expired token".into())));
    // nbf in the future.
    assert_eq!(
        jwt::validate(&cfg, &token, T0 - 1),
        Err(JwtError::InvalidToken("Cannot handle token prior to 2023-11-14T22:13:20+0000".into()))
    );
    let short = JwtConfig { lifetime_secs: 60, ..config() };
    let t = jwt::issue(&short, 1, T0);
    assert_eq!(jwt::validate(&short, &t, T0 + 59), Ok(1));
    assert!(jwt::validate(&short, &t, T0 + 60).is_err());
}

#[test]
fn jwt_validate_errors() {
    let cfg = config();
    let token = jwt::issue(&cfg, 42, T0);

    let wrong_key = JwtConfig::new("another-secret", "https://example.test");
    assert_eq!(
        jwt::validate(&wrong_key, &token, T0),
        Err(JwtError::InvalidToken("Signature verification failed".into()))
    );
    let other_site = JwtConfig::new(JWT_SECRET, "https://example.test/");
    assert_eq!(jwt::validate(&other_site, &token, T0), Err(JwtError::BadIss));
    assert_eq!(jwt::validate(&cfg, "abc.def", T0), Err(JwtError::InvalidToken("Wrong number of segments".into())));
    assert_eq!(
        jwt::validate(&cfg, "!!!.e30.x", T0),
        Err(JwtError::InvalidToken("Syntax error, malformed JSON".into()))
    );
    // header {"alg":"none"} / {"alg":"HS512"} / {}
    assert_eq!(
        jwt::validate(&cfg, "eyJhbGciOiJub25lIn0.e30.", T0),
        Err(JwtError::InvalidToken("Algorithm not supported".into()))
    );
    assert_eq!(
        jwt::validate(&cfg, "eyJhbGciOiJIUzUxMiJ9.e30.", T0),
        Err(JwtError::InvalidToken("Incorrect key for this algorithm".into()))
    );
    assert_eq!(jwt::validate(&cfg, "e30.e30.", T0), Err(JwtError::InvalidToken("Empty algorithm".into())));
    // Tampered payload keeps the signature of another one.
    let parts: Vec<&str> = token.split('.').collect();
    let other = jwt::issue(&cfg, 1, T0);
    let forged = format!("{}.{}.{}", parts[0], other.split('.').nth(1).unwrap(), parts[2]);
    assert_eq!(jwt::validate(&cfg, &forged, T0), Err(JwtError::InvalidToken("Signature verification failed".into())));
    // No secret configured.
    let unconfigured = JwtConfig::new("", "https://example.test");
    assert_eq!(jwt::validate(&unconfigured, &token, T0), Err(JwtError::BadConfig));
}

#[test]
fn jwt_tokens_from_php() {
    let cfg = config();
    // data.user.id as the string "42", exp = T0 + 3600.
    let string_id = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUudGVzdCIsImlhdCI6MTcwMDAwMDAwMCwibmJmIjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDAsImRhdGEiOnsidXNlciI6eyJpZCI6IjQyIn19fQ.EjFKFSd4Dq6fx199dXloCbajxrbu1DkeHMXb2bj70tE";
    assert_eq!(jwt::validate(&cfg, string_id, T0 + 1), Ok(42));
    assert_eq!(jwt::validate(&cfg, string_id, T0 + 3600), Err(JwtError::InvalidToken("Expired token".into())));
    // No nbf, data.user = [] (no id).
    let no_id = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUudGVzdCIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAzNjAwLCJkYXRhIjp7InVzZXIiOltdfX0.SGZe5dD7wYRETLNvq_-ywOE1SAo7uHdM2i4QajpmXrA";
    assert_eq!(jwt::validate(&cfg, no_id, T0), Err(JwtError::BadRequest));
    // iat in the future (no nbf): php-jwt 6.3.0 rejects with the iat date.
    assert_eq!(
        jwt::validate(&cfg, no_id, T0 - 5),
        Err(JwtError::InvalidToken("Cannot handle token prior to 2023-11-14T22:13:20+0000".into()))
    );
}

#[test]
fn jwt_bearer_header() {
    assert_eq!(jwt::parse_bearer("Bearer abc.def.ghi"), Ok("abc.def.ghi"));
    // sscanf('Bearer %s'): whitespace is optional and the token stops at whitespace.
    assert_eq!(jwt::parse_bearer("Bearer   abc def"), Ok("abc"));
    assert_eq!(jwt::parse_bearer("Bearerabc"), Ok("abc"));
    assert_eq!(jwt::parse_bearer("Bearer\tabc"), Ok("abc"));
    for bad in ["Bearer", "Bearer   ", "bearer abc", "Basic abc", " Bearer abc", "Bearer 0", ""] {
        assert_eq!(jwt::parse_bearer(bad), Err(JwtError::BadAuthHeader), "{bad:?}");
    }
    assert!(jwt::bearer_applies("Bearer x"));
    assert!(jwt::bearer_applies("  Bearer x"));
    assert!(!jwt::bearer_applies("Basic Y2s6Y3M="));

    let cfg = config();
    let token = jwt::issue(&cfg, 9, T0);
    assert_eq!(jwt::validate_authorization(&cfg, Some(&format!("Bearer {token}")), T0), Ok(9));
    assert_eq!(jwt::validate_authorization(&cfg, None, T0), Err(JwtError::NoAuthHeader));
    assert_eq!(jwt::validate_authorization(&cfg, Some(""), T0), Err(JwtError::NoAuthHeader));
    assert_eq!(jwt::validate_authorization(&cfg, Some("Token x"), T0), Err(JwtError::BadAuthHeader));
}

#[test]
fn jwt_error_wire_shapes() {
    let cases = [
        (JwtError::NoAuthHeader, "jwt_auth_no_auth_header", "Authorization header not found."),
        (JwtError::BadAuthHeader, "jwt_auth_bad_auth_header", "Authorization header malformed."),
        (JwtError::BadConfig, "jwt_auth_bad_config", "JWT is not configured properly, please contact the admin"),
        (JwtError::InvalidToken("Expired token".into()), "jwt_auth_invalid_token", "Expired token"),
        (JwtError::BadIss, "jwt_auth_bad_iss", "The iss do not match with this server"),
        (JwtError::BadRequest, "jwt_auth_bad_request", "User ID not found in the token"),
    ];
    for (err, code, message) in cases {
        assert_eq!(err.code(), code);
        assert_eq!(err.message(), message);
        assert_eq!(err.status(), 403);
        assert_eq!(err.to_json(), json!({"code": code, "message": message, "data": {"status": 403}}));
    }
    let e = JwtError::AuthFailed(LoginError::InvalidUsername { username: "bob".into() });
    assert_eq!(e.code(), "[jwt_auth] invalid_username");
    assert_eq!(
        e.message(),
        "<strong>Error:</strong> The username <strong>bob</strong> is not registered on this site. \
         If you are unsure of your username, try your email address instead."
    );
    let e = JwtError::AuthFailed(LoginError::IncorrectPassword {
        username: "bob".into(),
        lost_password_url: "https://example.test/wp-login.php?action=lostpassword".into(),
    });
    assert_eq!(e.code(), "[jwt_auth] incorrect_password");
    assert_eq!(
        e.message(),
        "<strong>Error:</strong> The password you entered for the username <strong>bob</strong> is incorrect. \
         <a href=\"https://example.test/wp-login.php?action=lostpassword\">Lost your password?</a>"
    );
    assert_eq!(JwtError::AuthFailed(LoginError::EmptyUsername).code(), "[jwt_auth] empty_username");
    assert_eq!(JwtError::AuthFailed(LoginError::EmptyPassword).status(), 403);

    assert_eq!(
        jwt::token_response("t", "a@example.test", "alice", "Alice A"),
        json!({"token": "t", "user_email": "a@example.test", "user_nicename": "alice", "user_display_name": "Alice A"})
    );
    assert_eq!(jwt::valid_token_response(), json!({"code": "jwt_auth_valid_token", "data": {"status": 200}}));
    // Key order on the wire follows the plugin.
    assert_eq!(
        serde_json::to_string(&jwt::token_response("t", "e", "n", "d")).unwrap(),
        r#"{"token":"t","user_email":"e","user_nicename":"n","user_display_name":"d"}"#
    );
}

// ------------------------------------------------------------------------------------------
// WooCommerce keys

#[test]
fn wc_key_generation_and_hash() {
    let k = wc_keys::generate();
    assert!(k.consumer_key.starts_with("ck_") && k.consumer_key.len() == 43);
    assert!(k.consumer_secret.starts_with("cs_") && k.consumer_secret.len() == 43);
    assert!(k.consumer_key[3..].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert!(k.consumer_secret[3..].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_eq!(k.truncated_key, &k.consumer_key[36..]);
    assert_eq!(k.truncated_key.len(), 7);
    assert_eq!(k.key_hash, wc_keys::hash_consumer_key(&k.consumer_key));
    assert_ne!(wc_keys::generate().consumer_key, k.consumer_key);
    assert!(!format!("{k:?}").contains(&k.consumer_secret));

    // PHP 8.2: hash_hmac('sha256', 'ck_0123...4567', 'wc-api'), i.e. wc_api_hash().
    assert_eq!(wc_keys::hash_consumer_key(CK), "4ffbd479cad9f24fb43a1516cb436a9dad0e2e23ef491464e29c2d81dae32edd");
    assert_eq!(wc_keys::truncate_key(CK), "1234567");
}

#[test]
fn wc_permissions() {
    use Permission::*;
    assert!(Read.allows("GET") && Read.allows("head") && Read.allows("OPTIONS"));
    assert!(!Read.allows("POST") && !Read.allows("DELETE"));
    assert!(Write.allows("POST") && Write.allows("PUT") && Write.allows("PATCH") && Write.allows("DELETE"));
    assert!(!Write.allows("GET") && Write.allows("OPTIONS"));
    assert!(ReadWrite.allows("GET") && ReadWrite.allows("DELETE"));
    assert_eq!(Read.check("POST"), Err(WcAuthError::NoWritePermission));
    assert_eq!(Write.check("GET"), Err(WcAuthError::NoReadPermission));
    assert_eq!(ReadWrite.check("TRACE"), Err(WcAuthError::UnknownMethod));
    assert_eq!(Permission::parse("read_write"), Some(ReadWrite));
    assert_eq!(Permission::parse("Read"), None);
    assert_eq!(Write.as_str(), "write");
}

#[test]
fn wc_error_wire_shapes() {
    let auth = "woocommerce_rest_authentication_error";
    let cases = [
        (WcAuthError::ConsumerKeyInvalid, auth, "Consumer key is invalid."),
        (WcAuthError::ConsumerSecretInvalid, auth, "Consumer secret is invalid."),
        (WcAuthError::InvalidSignatureMethod, auth, "Invalid signature - signature method is invalid."),
        (WcAuthError::SignatureMismatch, auth, "Invalid signature - provided signature does not match."),
        (WcAuthError::InvalidTimestamp, auth, "Invalid timestamp."),
        (WcAuthError::NonceUsed, auth, "Invalid nonce - nonce has already been used."),
        (WcAuthError::NoReadPermission, auth, "The API key provided does not have read permissions."),
        (WcAuthError::NoWritePermission, auth, "The API key provided does not have write permissions."),
        (WcAuthError::UnknownMethod, auth, "Unknown request method."),
        (
            WcAuthError::MissingParameters(vec!["oauth_nonce".into()]),
            "woocommerce_rest_authentication_missing_parameter",
            "Missing OAuth parameter oauth_nonce",
        ),
        (
            WcAuthError::MissingParameters(vec!["oauth_timestamp".into(), "oauth_signature".into()]),
            "woocommerce_rest_authentication_missing_parameter",
            "Missing OAuth parameters oauth_timestamp, oauth_signature",
        ),
    ];
    for (err, code, message) in cases {
        assert_eq!(err.code(), code);
        assert_eq!(err.message(), message);
        assert_eq!(err.status(), 401);
        assert_eq!(err.to_json(), json!({"code": code, "message": message, "data": {"status": 401}}));
    }
    assert_eq!(wc_keys::verify_consumer_secret(CS, CS), Ok(()));
    assert_eq!(wc_keys::verify_consumer_secret(CS, &CS[..42]), Err(WcAuthError::ConsumerSecretInvalid));
    assert_eq!(
        wc_keys::parse_basic_authorization("Basic Y2tfYTpjc19iOmM="),
        Some(("ck_a".to_owned(), "cs_b:c".to_owned()))
    );
    assert_eq!(wc_keys::parse_basic_authorization("basic Y2tfYTpjc19i"), Some(("ck_a".into(), "cs_b".into())));
    assert_eq!(wc_keys::parse_basic_authorization("Bearer x"), None);
    assert_eq!(
        wc_keys::www_authenticate_header(),
        "Basic realm=\"WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field.\""
    );
}

// ------------------------------------------------------------------------------------------
// OAuth 1.0a: vectors from the official JS clients

#[test]
fn oauth_woocommerce_rest_api_js_get_with_query() {
    // api.get('products', { per_page: 2, page: 1 }) against http://example.test, wc/v3.
    let uri = "http://example.test/wp-json/wc/v3/products?page=1&per_page=2&oauth_consumer_key=ck_0123456789abcdef0123456789abcdef01234567&oauth_nonce=n0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000&oauth_version=1.0&page=1&per_page=2&oauth_signature=O1OaEdROib6AMfyrg24cShMO%2FU3mbXw7X%2F%2Fn%2FJt1lQ0%3D";
    let req = from_uri("GET", uri);
    assert_eq!(
        oauth1::signature_base_string(&req),
        "GET&http%3A%2F%2Fexample.test%2Fwp-json%2Fwc%2Fv3%2Fproducts&oauth_consumer_key%3Dck_0123456789abcdef0123456789abcdef01234567%26oauth_nonce%3Dn0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26page%3D1%26per_page%3D2"
    );
    assert_eq!(oauth1::verify(&req, CS), Ok(()));
    assert_eq!(oauth1::sign(&req, CS, SignatureMethod::HmacSha256), "O1OaEdROib6AMfyrg24cShMO/U3mbXw7X//n/Jt1lQ0=");
    assert_eq!(oauth1::verify(&req, "cs_wrong"), Err(WcAuthError::SignatureMismatch));
    let post = from_uri("POST", uri);
    assert_eq!(oauth1::verify(&post, CS), Err(WcAuthError::SignatureMismatch));
}

#[test]
fn oauth_woocommerce_rest_api_js_post_and_nested_query() {
    // api.post('products/batch', {create: []}) — JSON body, not part of the signature.
    let uri = "http://example.test/wp-json/wc/v3/products/batch?oauth_consumer_key=ck_0123456789abcdef0123456789abcdef01234567&oauth_nonce=n0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000&oauth_version=1.0&oauth_signature=Ol366dRQNFsNTogyiwVK7SJDB%2FDl70pXr7inuZUD3yk%3D";
    assert_eq!(oauth1::verify(&from_uri("POST", uri), CS), Ok(()));

    // api.get('products', { search: 'blue hoodie', filter: { period: 'week' } }).
    let uri = "http://example.test/wp-json/wc/v3/products?filter[period]=week&search=blue%20hoodie&oauth_consumer_key=ck_0123456789abcdef0123456789abcdef01234567&oauth_nonce=n0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000&oauth_version=1.0&filter%5Bperiod%5D=week&search=blue+hoodie&oauth_signature=JmkM9pJL88a3dJvNtdmUkW9l75GYerQougNKQkXU6lc%3D";
    let req = from_uri("GET", uri);
    assert_eq!(
        oauth1::signature_base_string(&req),
        "GET&http%3A%2F%2Fexample.test%2Fwp-json%2Fwc%2Fv3%2Fproducts&filter%255Bperiod%255D%3Dweek%26oauth_consumer_key%3Dck_0123456789abcdef0123456789abcdef01234567%26oauth_nonce%3Dn0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26search%3Dblue%2520hoodie"
    );
    assert_eq!(oauth1::verify(&req, CS), Ok(()));
}

#[test]
fn oauth_cocart_js_https() {
    // @cocart/cocart-rest-api 1.1.0 signs only when the store URL is https and `oauth: true`
    // (over http it sends no credentials at all); api.get('cart').
    let uri = "https://example.test/wp-json/cocart/v2/cart?oauth_consumer_key=ck_0123456789abcdef0123456789abcdef01234567&oauth_nonce=n0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000&oauth_version=1.0&oauth_signature=HNw0110C3eKg9Og89NliNXxY9TUn1x%2BCoV4ucj1vhy0%3D";
    assert_eq!(oauth1::verify(&from_uri("GET", uri), CS), Ok(()));
    // The scheme is part of the signed URL.
    let (_, query) = uri.split_once('?').unwrap();
    let http = request("GET", "http://example.test/wp-json/cocart/v2/cart", query, "", "");
    assert_eq!(oauth1::verify(&http, CS), Err(WcAuthError::SignatureMismatch));
    // A '+' sent unencoded arrives as a space; WooCommerce turns spaces back into '+'.
    let raw_plus = uri.replace("%2B", "+");
    assert_eq!(oauth1::verify(&from_uri("GET", &raw_plus), CS), Ok(()));
}

#[test]
fn oauth_oauth1a_sha1_form_body() {
    // oauth-1.0a authorize({url: '.../cart/add-item?cart_key=abc', method: 'POST',
    // data: {id: '71', quantity: '2'}}) with HMAC-SHA1; form fields sent in the body.
    let req = request(
        "POST",
        "http://example.test/shop/wp-json/cocart/v2/cart/add-item",
        "cart_key=abc",
        "id=71&quantity=2&oauth_consumer_key=ck_0123456789abcdef0123456789abcdef01234567&oauth_nonce=n0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_version=1.0&oauth_signature=XhjUnCbD2v4hg7aggOcN607Ku7M%3D",
        "",
    );
    assert_eq!(oauth1::verify(&req, CS), Ok(()));
    assert_eq!(oauth1::sign(&req, CS, SignatureMethod::HmacSha1), "XhjUnCbD2v4hg7aggOcN607Ku7M=");
}

#[test]
fn oauth_oauth1a_authorization_header_special_chars() {
    // oauth-1.0a with HMAC-SHA256, params {q: "a+b c/d~e*f'(g)!", name: "café", empty: ""}
    // in the query, OAuth parameters in the Authorization header (toHeader()).
    let header = r#"OAuth oauth_consumer_key="ck_0123456789abcdef0123456789abcdef01234567", oauth_nonce="n0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB", oauth_signature="%2B8efmFYYgN26lCizIZPhNjstr%2FYAe%2FZC94DyWW4xra8%3D", oauth_signature_method="HMAC-SHA256", oauth_timestamp="1700000000", oauth_version="1.0""#;
    let req = request(
        "GET",
        "http://example.test/wp-json/cocart/v2/cart/items",
        "q=a%2Bb%20c%2Fd~e*f'(g)!&name=caf%C3%A9&empty=",
        "",
        header,
    );
    assert_eq!(
        oauth1::signature_base_string(&req),
        "GET&http%3A%2F%2Fexample.test%2Fwp-json%2Fcocart%2Fv2%2Fcart%2Fitems&empty%3D%26name%3Dcaf%25C3%25A9%26oauth_consumer_key%3Dck_0123456789abcdef0123456789abcdef01234567%26oauth_nonce%3Dn0nc3n0nc3n0nc3n0nc3n0nc3n0nc3AB%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26q%3Da%252Bb%2520c%252Fd~e%252Af%2527%2528g%2529%2521"
    );
    assert_eq!(oauth1::verify(&req, CS), Ok(()));
    let parsed = oauth1::parse_oauth_header(header);
    assert_eq!(parsed.len(), 6);
    assert_eq!(parsed[2], ("oauth_signature".into(), "+8efmFYYgN26lCizIZPhNjstr/YAe/ZC94DyWW4xra8=".into()));
    assert!(oauth1::parse_oauth_header("Bearer oauth_nonce=x").is_empty());
    // Same output as WooCommerce's parse_header() under PHP 8.2 for these odd values.
    assert_eq!(
        oauth1::parse_oauth_header(
            r#"OAuth oauth_nonce="0", oauth_x="", oauth_y=:"q", oauth_z="unterminated, oauth_w=a+b%21"#
        ),
        [("oauth_nonce", ""), ("oauth_x", ""), ("oauth_y", "q"), ("oauth_z", "\"unterminated"), ("oauth_w", "a b!"),]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

// ------------------------------------------------------------------------------------------
// OAuth 1.0a: WooCommerce's PHP quirks

#[test]
fn oauth_wc_php_variable_names() {
    // a[] arrays, "0[x]" (PHP-falsy key: inner key not prefixed), numeric "5" renumbered by
    // array_merge, "a.b" -> "a_b", duplicates (last wins), '~' kept, '!*' encoded.
    let q = "a[]=1&a[]=2&filter[period]=week&0[x]=y&5=five&a.b=dot&q=hello+world&u=caf%C3%A9&z=%7E%21%2A&dup=1&dup=2&oauth_consumer_key=ck_0123456789abcdef0123456789abcdef01234567&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000&oauth_version=1.0&oauth_signature=G9fH%2FwbKsqX9CiF4PVPNS4pAXXv2QZjI06662T4yfdk%3D";
    let req = request("get", "http://example.test/wp-json/cocart/v2/cart", q, "", "");
    assert_eq!(
        oauth1::signature_base_string(&req),
        "GET&http%3A%2F%2Fexample.test%2Fwp-json%2Fcocart%2Fv2%2Fcart&x%3Dy%261%3Dfive%26a%255B0%255D%3D1%26a%255B1%255D%3D2%26a_b%3Ddot%26dup%3D2%26filter%255Bperiod%255D%3Dweek%26oauth_consumer_key%3Dck_0123456789abcdef0123456789abcdef01234567%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26q%3Dhello%2520world%26u%3Dcaf%25C3%25A9%26z%3D~%2521%252A"
    );
    assert_eq!(oauth1::verify(&req, CS), Ok(()));
}

#[test]
fn oauth_wc_form_body_and_header_sha1_with_port_and_subdir() {
    let header = r#"OAuth realm="example", oauth_consumer_key="ck_0123456789abcdef0123456789abcdef01234567", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1700000000", oauth_version="1.0", oauth_signature="LGTPhHGUtsBRDT1N0MF3MkIK32c%3D""#;
    let req = request(
        "POST",
        "http://example.test:8080/shop/wp-json/cocart/v2/cart/add-item",
        "cart_key=t_9f8e7d",
        "id=71&quantity=2&item_data[gift_note]=Happy+birthday%21&email=a%2Bb%40example.test",
        header,
    );
    assert_eq!(
        oauth1::signature_base_string(&req),
        "POST&http%3A%2F%2Fexample.test%3A8080%2Fshop%2Fwp-json%2Fcocart%2Fv2%2Fcart%2Fadd-item&cart_key%3Dt_9f8e7d%26email%3Da%252Bb%2540example.test%26id%3D71%26item_data%255Bgift_note%255D%3DHappy%2520birthday%2521%26oauth_consumer_key%3Dck_0123456789abcdef0123456789abcdef01234567%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26quantity%3D2"
    );
    assert_eq!(oauth1::verify(&req, CS), Ok(()));
    // Query and fragment on the URL are ignored.
    let with_query =
        OAuthRequest { url: "http://example.test:8080/shop/wp-json/cocart/v2/cart/add-item?x=1#f", ..req.clone() };
    assert_eq!(oauth1::verify(&with_query, CS), Ok(()));
}

#[test]
fn oauth_wc_nested_arrays_and_empty_values() {
    let q = "x[a][b]=1&x[a][]=2&e=&zero=0&sp%20ace=1&oauth_consumer_key=ck_0123456789abcdef0123456789abcdef01234567&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000&oauth_version=1.0&oauth_signature=LRTWoQBht4Ju3lXIbgr62ngzi6hXtP%2FCKRnDJ%2BIFvoQ%3D";
    let req = request("PUT", "http://example.test/wp-json/wc/v3/orders/12", q, "", "");
    assert_eq!(
        oauth1::signature_base_string(&req),
        "PUT&http%3A%2F%2Fexample.test%2Fwp-json%2Fwc%2Fv3%2Forders%2F12&e%3D%26oauth_consumer_key%3Dck_0123456789abcdef0123456789abcdef01234567%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26sp_ace%3D1%26x%255Ba%255D%255Bb%255D%3D1%26x%255Ba%255D%255B0%255D%3D2%26zero%3D0"
    );
    assert_eq!(oauth1::verify(&req, CS), Ok(()));
}

#[test]
fn oauth_wc_query_and_body_merge() {
    // Same names in query and form body: array_merge($_GET, $_POST) replaces "a" and "k" as a
    // whole and keeps both integer-named entries (renumbered 0 and 1).
    let q = "a[x]=1&5=five&k=q&oauth_consumer_key=ck_0123456789abcdef0123456789abcdef01234567&oauth_nonce=m3rg3&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000&oauth_signature=AgyFZx3pjhT11dE%2BJx5njkZkETiEkUBOoIG6MKVBxeA%3D";
    let body = "a[y]=2&5=body&k=b";
    let params = oauth1::merge_php_params(&form_pairs(q), &form_pairs(body), &[]);
    let req = OAuthRequest { method: "POST", url: "http://example.test/wp-json/wc/v3/x", params };
    assert_eq!(
        oauth1::signature_base_string(&req),
        "POST&http%3A%2F%2Fexample.test%2Fwp-json%2Fwc%2Fv3%2Fx&0%3Dfive%261%3Dbody%26a%255By%255D%3D2%26k%3Db%26oauth_consumer_key%3Dck_0123456789abcdef0123456789abcdef01234567%26oauth_nonce%3Dm3rg3%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000"
    );
    assert_eq!(oauth1::verify(&req, CS), Ok(()));
    // Plain concatenation merges "a" instead and loses one integer entry.
    let concat = request("POST", "http://example.test/wp-json/wc/v3/x", q, body, "");
    assert_eq!(oauth1::verify(&concat, CS), Err(WcAuthError::SignatureMismatch));
}

#[test]
fn oauth_missing_parameters_and_bad_method() {
    let base = |extra: &str| format!("oauth_consumer_key={CK}&oauth_nonce=abc&oauth_timestamp=1700000000{extra}");
    let pairs = form_pairs(&base("&oauth_signature_method=HMAC-SHA256"));
    assert_eq!(oauth1::required_params(&pairs), Err(WcAuthError::MissingParameters(vec!["oauth_signature".into()])));
    // "0" is empty() in PHP.
    let pairs = form_pairs(&format!("oauth_timestamp=0&oauth_nonce=0&oauth_consumer_key={CK}"));
    assert_eq!(
        oauth1::required_params(&pairs).unwrap_err().message(),
        "Missing OAuth parameters oauth_timestamp, oauth_nonce, oauth_signature, oauth_signature_method"
    );
    assert_eq!(oauth1::required_params(&form_pairs("page=2")), Ok(None));
    let all = oauth1::required_params(&form_pairs(&base("&oauth_signature=x&oauth_signature_method=HMAC-SHA1")))
        .unwrap()
        .unwrap();
    assert_eq!(all.consumer_key, CK);
    assert_eq!(all.timestamp, "1700000000");

    let req = OAuthRequest { method: "GET", url: "http://example.test/", params: form_pairs("page=2") };
    assert!(matches!(oauth1::verify(&req, CS), Err(WcAuthError::MissingParameters(v)) if v.len() == 5));
    let req = OAuthRequest {
        method: "GET",
        url: "http://example.test/",
        params: form_pairs(&base("&oauth_signature=x&oauth_signature_method=PLAINTEXT")),
    };
    assert_eq!(oauth1::verify(&req, CS), Err(WcAuthError::InvalidSignatureMethod));
    let req = OAuthRequest {
        method: "GET",
        url: "http://example.test/",
        params: form_pairs(&base("&oauth_signature=x&oauth_signature_method=hmac-sha1")),
    };
    assert_eq!(oauth1::verify(&req, CS), Err(WcAuthError::InvalidSignatureMethod));
}

#[test]
fn oauth_sign_then_verify_roundtrip() {
    for method in [SignatureMethod::HmacSha1, SignatureMethod::HmacSha256] {
        let mut req = request(
            "delete",
            "http://shop.example.test/wp-json/cocart/v2/cart/item/abc",
            &format!(
                "return_cart=true&oauth_consumer_key={CK}&oauth_nonce=r4nd0m&oauth_timestamp=1700000123&oauth_signature_method={}",
                method.as_str()
            ),
            "",
            "",
        );
        let sig = oauth1::sign(&req, CS, method);
        req.params.push(("oauth_signature".into(), sig));
        assert_eq!(oauth1::verify(&req, CS), Ok(()));
        req.params.push(("return_cart".into(), "false".into()));
        assert_eq!(oauth1::verify(&req, CS), Err(WcAuthError::SignatureMismatch));
    }
}

// ------------------------------------------------------------------------------------------
// Timestamp and nonce

#[test]
fn oauth_timestamp_window_and_nonce_replay() {
    let cache = NonceCache::new(100);
    let mut store = cache.for_key("key-1");
    let now = T0;
    assert_eq!(oauth1::check_timestamp_and_nonce(now - 901, now, "n1", &mut store), Err(WcAuthError::InvalidTimestamp));
    assert_eq!(oauth1::check_timestamp_and_nonce(now + 901, now, "n1", &mut store), Err(WcAuthError::InvalidTimestamp));
    assert_eq!(oauth1::check_timestamp_and_nonce(now - 900, now, "n1", &mut store), Ok(()));
    assert_eq!(oauth1::check_timestamp_and_nonce(now + 900, now, "n2", &mut store), Ok(()));
    // Replays are refused, for the same key only.
    assert_eq!(oauth1::check_timestamp_and_nonce(now, now, "n1", &mut store), Err(WcAuthError::NonceUsed));
    assert_eq!(oauth1::check_timestamp_and_nonce(now, now + 100, "n2", &mut store), Err(WcAuthError::NonceUsed));
    let mut other = cache.for_key("key-2");
    assert_eq!(oauth1::check_timestamp_and_nonce(now, now, "n1", &mut other), Ok(()));
    // n1 was recorded with ts = now - 900: forgotten once that timestamp leaves the window.
    assert_eq!(oauth1::check_timestamp_and_nonce(now + 1, now + 1, "n1", &mut store), Ok(()));
    // Failed timestamp checks do not burn the nonce.
    assert_eq!(oauth1::check_timestamp_and_nonce(now, now, "n3", &mut store), Ok(()));

    assert_eq!(oauth1::parse_timestamp("1700000000"), Ok(T0));
    assert_eq!(oauth1::parse_timestamp("17000x"), Err(WcAuthError::InvalidTimestamp));
}

#[test]
fn nonce_cache_is_bounded_and_expires() {
    let cache = NonceCache::new(3);
    assert!(cache.check_and_record("k", "a", 100, 0));
    assert!(cache.check_and_record("k", "b", 200, 0));
    assert!(cache.check_and_record("k", "c", 300, 0));
    assert_eq!(cache.len(), 3);
    // Full: the entry closest to expiry ("a") is evicted.
    assert!(cache.check_and_record("k", "d", 400, 0));
    assert_eq!(cache.len(), 3);
    assert!(!cache.check_and_record("k", "b", 200, 0));
    assert!(cache.check_and_record("k", "a", 100, 0)); // evicts "b" (expires first)
    assert!(cache.check_and_record("k", "b", 200, 0)); // evicts "a"
    // Expiry is inclusive: "c" is alive at 300, gone at 301.
    assert!(!cache.check_and_record("k", "c", 999, 300));
    assert!(cache.check_and_record("k", "c", 999, 301));
    cache.purge_expired(10_000);
    assert!(cache.is_empty());
    assert_eq!(cache.capacity(), 3);

    let mut s = cache.for_key("k");
    assert!(s.check_and_record("z", 10_500, 10_000));
    assert!(!s.check_and_record("z", 10_500, 10_000));
}

#[test]
fn nonce_cache_is_thread_safe() {
    let cache = std::sync::Arc::new(NonceCache::new(10_000));
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let cache = cache.clone();
            std::thread::spawn(move || {
                let mut fresh = 0;
                for i in 0..500 {
                    // Every thread tries the same 500 nonces: each must be accepted exactly once.
                    if cache.check_and_record("k", &format!("n{i}"), T0 + 900, T0) {
                        fresh += 1;
                    }
                    let _ = t;
                }
                fresh
            })
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(total, 500);
    assert_eq!(cache.len(), 500);
}
