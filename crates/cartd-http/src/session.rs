//! Guest sessions on the wire (CONTRACT §A.2, §A.4, §A.5, §E.2; POLICY F5, F9, F11): which
//! cart a request acts on, the CoCart cookie (value, HMAC, attributes) and the WooCommerce
//! cookies that travel with it.

use axum::http::HeaderMap;
use cartd_domain::session::{CleanKey, Expiry, ExpiryPolicy, clean_cart_key};
use hmac::{Hmac, Mac};
use md5::Md5;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::Value;

use crate::config::HttpConfig;
use crate::error::ApiError;
use crate::params::Params;

type HmacMd5 = Hmac<Md5>;

/// The cart a request acts on and what the response must say about it.
#[derive(Debug, Clone)]
pub struct Session {
    /// The normalised key the cart is stored under.
    pub key: String,
    /// `cart_key` echoed in the v2 cart body (§D.1): raw request value, else cookie or session key.
    pub echo_key: String,
    /// `X-CoCart-API` (§A.4); `None` means the header is not sent.
    pub header_key: Option<String>,
    pub expiry: Expiry,
    /// The CoCart cookie value the request carried (URL-decoded), if valid.
    pub request_cookie: Option<String>,
    pub request_items_in_cart: Option<String>,
    pub request_cart_hash: Option<String>,
    /// The raw `cart_key` the request sent, if any (the cart-key guard reads it unnormalised).
    pub raw_key: Option<String>,
    /// The key of a valid cookie, if any.
    pub cookie_key: Option<String>,
    /// For an authenticated request: a guest cart (cookie or `cart_key`) to merge in (POLICY §2).
    pub guest_key: Option<String>,
}

fn cookie_hash(secret: &str, key: &str, expiration: i64) -> String {
    let message = format!("{key}|{expiration}");
    let mut first = HmacMd5::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    first.update(message.as_bytes());
    let derived = hex::encode(first.finalize().into_bytes());
    let mut second = HmacMd5::new_from_slice(derived.as_bytes()).expect("HMAC takes any key length");
    second.update(message.as_bytes());
    hex::encode(second.finalize().into_bytes())
}

/// The cookie value `{key}||{expiration}||{expiring}||{hash}` (not yet URL-encoded).
pub fn cookie_value(secret: &str, key: &str, expiry: Expiry) -> String {
    format!("{key}||{}||{}||{}", expiry.expiration, expiry.expiring, cookie_hash(secret, key, expiry.expiration))
}

/// A request cookie by name, URL-decoded.
pub fn request_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(axum::http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
        line.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| percent_decode_str(v).decode_utf8_lossy().into_owned())
        })
    })
}

/// Parse and verify a CoCart cookie; `None` when malformed or forged.
fn parse_cookie(secret: &str, value: &str) -> Option<(String, Expiry)> {
    let mut fields = value.split("||");
    let key = fields.next()?;
    let expiration = fields.next()?.parse().ok()?;
    let expiring = fields.next()?.parse().ok()?;
    let hash = fields.next()?;
    if key.is_empty() || hash.is_empty() {
        return None;
    }
    let expected = cookie_hash(secret, key, expiration);
    let same =
        expected.len() == hash.len() && expected.bytes().zip(hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    same.then(|| (key.to_string(), Expiry { expiration, expiring }))
}

/// The raw `cart_key` of a request: query string, then a form or JSON body, then the
/// `cocart-api-cart-key` header (POLICY F11).
fn raw_cart_key(params: &Params, headers: &HeaderMap) -> Option<String> {
    let from = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    params
        .query
        .get("cart_key")
        .and_then(from)
        .or_else(|| params.form.get("cart_key").and_then(from))
        .or_else(|| params.json.get("cart_key").and_then(from))
        .or_else(|| headers.get("cocart-api-cart-key").and_then(|v| v.to_str().ok()).map(str::to_string))
}

pub fn new_guest_key() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// §E.2: resolve the session of a request; `user_id` is the authenticated user's id.
pub fn resolve(
    config: &HttpConfig,
    policy: &ExpiryPolicy,
    params: &Params,
    headers: &HeaderMap,
    user_id: Option<u64>,
    now: i64,
) -> Result<Session, ApiError> {
    let cookie = if config.cookies_enabled { request_cookie(headers, &config.cookie_name) } else { None };
    let valid_cookie = cookie.as_deref().and_then(|c| parse_cookie(&config.cookie_secret, c));
    let raw = raw_cart_key(params, headers);
    let requested = match raw.as_deref().map(clean_cart_key) {
        Some(CleanKey::TooLong) => return Err(ApiError::cart_key_too_long()),
        Some(CleanKey::Key(k)) => Some(k),
        Some(CleanKey::Absent) | None => None,
    };
    let (mut key, mut cookie_expiry) = match (&requested, &valid_cookie) {
        (Some(k), Some((ck, e))) if k == ck => (k.clone(), Some(*e)),
        (Some(k), _) => (k.clone(), None),
        (None, Some((ck, e))) => (ck.clone(), Some(*e)),
        (None, None) => (new_guest_key(), None),
    };
    // A customer's cart key is their user id; a guest cart they bring along is merged in.
    let mut guest_key = None;
    if let Some(id) = user_id {
        let own = id.to_string();
        if requested.is_some() || valid_cookie.is_some() {
            guest_key = Some(key.clone()).filter(|k| *k != own);
        }
        if guest_key.is_some() || valid_cookie.as_ref().is_some_and(|(ck, _)| *ck != own) {
            cookie_expiry = None;
        }
        key = own;
    }
    let (expiry, _) = policy.refresh(now, cookie_expiry);
    let header_key = match raw.as_deref() {
        Some(_) => requested.clone(),
        None => Some(key.clone()),
    }
    .filter(|k| !k.is_empty() && k != "0");
    let echo_key = if user_id.is_some() { key.clone() } else { raw.clone().unwrap_or_else(|| key.clone()) };
    Ok(Session {
        key,
        echo_key,
        header_key,
        expiry,
        request_cookie: cookie.filter(|_| valid_cookie.is_some()),
        request_items_in_cart: request_cookie(headers, "woocommerce_items_in_cart"),
        request_cart_hash: request_cookie(headers, "woocommerce_cart_hash"),
        raw_key: raw,
        cookie_key: valid_cookie.map(|(k, _)| k),
        guest_key,
    })
}

/// What the end-of-request cookie step needs to know about the cart (§A.5 mechanism 2).
#[derive(Debug, Clone, Default)]
pub struct CartCookieState {
    pub non_empty: bool,
    pub cart_hash: String,
    /// Logout: delete the CoCart cookie whatever the request carried.
    pub delete_session_cookie: bool,
}

fn http_date(unix: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0) as u64);
    httpdate::fmt_http_date(t)
}

fn set_cookie(config: &HttpConfig, name: &str, value: &str, expires: Option<i64>, now: i64) -> String {
    let mut out = format!("{name}={}", utf8_percent_encode(value, NON_ALPHANUMERIC));
    if let Some(expires) = expires {
        out.push_str(&format!("; expires={}; Max-Age={}", http_date(expires), (expires - now).max(0)));
    }
    out.push_str("; path=/");
    if config.cookie_secure {
        out.push_str("; secure");
    }
    if !config.cookie_samesite.is_empty() {
        out.push_str("; SameSite=");
        out.push_str(&config.cookie_samesite);
    }
    out
}

fn delete_cookie(name: &str, samesite: bool) -> String {
    let mut out = format!("{name}=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/");
    if samesite {
        out.push_str("; SameSite=Lax");
    }
    out
}

/// The `Set-Cookie` values for the end of a request, each sent once (POLICY F9).
pub fn response_cookies(config: &HttpConfig, session: &Session, cart: &CartCookieState, now: i64) -> Vec<String> {
    let mut out = Vec::new();
    if !config.cookies_enabled {
        return out;
    }
    if cart.delete_session_cookie {
        out.push(delete_cookie(&config.cookie_name, true));
        return out;
    }
    if cart.non_empty {
        if session.request_items_in_cart.as_deref() != Some("1") {
            out.push("woocommerce_items_in_cart=1; path=/".to_string());
        }
        if session.request_cart_hash.as_deref() != Some(cart.cart_hash.as_str()) {
            out.push(format!("woocommerce_cart_hash={}; path=/", cart.cart_hash));
        }
        let value = cookie_value(&config.cookie_secret, &session.key, session.expiry);
        if session.request_cookie.as_deref() != Some(value.as_str()) {
            out.push(set_cookie(config, &config.cookie_name, &value, Some(session.expiry.expiration), now));
        }
    } else if session.request_items_in_cart.is_some() {
        out.push(delete_cookie("woocommerce_items_in_cart", false));
        out.push(delete_cookie("woocommerce_cart_hash", false));
        if session.request_cookie.is_some() {
            out.push(delete_cookie(&config.cookie_name, true));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_roundtrip_and_forgery() {
        let e = Expiry { expiration: 1795987031, expiring: 1795900631 };
        let v = cookie_value("secret", "a538d645578e18cf3bcb6e37749e74e0", e);
        assert!(v.starts_with("a538d645578e18cf3bcb6e37749e74e0||1795987031||1795900631||"));
        assert_eq!(parse_cookie("secret", &v), Some(("a538d645578e18cf3bcb6e37749e74e0".into(), e)));
        assert_eq!(parse_cookie("other", &v), None);
        assert_eq!(parse_cookie("secret", "x||1||2||"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
