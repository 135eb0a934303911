//! Credentials on the wire (CONTRACT §F.1–F.3, POLICY §2): where they are read from, the
//! TLS rule for passwords and keys, and how an authentication result is answered.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, StatusCode, header};
use cartd_app::auth::login::{AuthOutcome, Credential};
use cartd_app::auth::{oauth1, wc_keys};
use serde_json::Value;

use crate::error::ApiError;
use crate::params::Params;

/// Operator settings for authentication.
#[derive(Debug, Clone, Default)]
pub struct AuthConfig {
    /// Accept passwords and consumer keys over plain HTTP from any address (demo, tests).
    pub allow_insecure_basic_auth: bool,
    /// Proxies whose `X-Forwarded-Proto: https` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    pub lockdown: Lockdown,
}

/// §F.5: per method, the route prefixes (relative to `cocart/`, e.g. `v2/cart`) that an
/// anonymous client may not use.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lockdown {
    pub get: Vec<String>,
    pub post: Vec<String>,
    pub put: Vec<String>,
    pub patch: Vec<String>,
    pub delete: Vec<String>,
}

impl Lockdown {
    /// CoCart's `401 cocart_rest_permission_error` when an anonymous request's route falls
    /// under a prefix listed for its method. `rest_path` is the path after `/wp-json`. Matched
    /// without regard to case, like the routes themselves, so the lock cannot be side-stepped.
    pub fn check(&self, method: &str, rest_path: &str) -> Option<ApiError> {
        let (prefixes, write) = match method {
            "GET" | "HEAD" => (&self.get, false),
            "POST" => (&self.post, true),
            "PUT" => (&self.put, true),
            "PATCH" => (&self.patch, true),
            "DELETE" => (&self.delete, true),
            _ => return None,
        };
        if prefixes.is_empty() {
            return None;
        }
        let route = rest_path.strip_suffix('/').unwrap_or(rest_path);
        let lower = route.to_ascii_lowercase();
        let locked = prefixes.iter().any(|prefix| {
            let prefix = format!("/cocart/{}", prefix.trim_matches('/').to_ascii_lowercase());
            lower.strip_prefix(&prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        });
        locked.then(|| {
            use cocart_wire::sessions::{permission_error_read, permission_error_write};
            let (status, body) = if write { permission_error_write(route) } else { permission_error_read(route) };
            ApiError {
                with_allow: false,
                ..ApiError::with_body(StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED), body)
            }
        })
    }
}

/// The credential a request carries, if any. Basic credentials that are a consumer key and
/// secret are a key; `username`/`password` come from the query or a POST form body.
pub fn credential(headers: &HeaderMap, params: &Params, method: &str) -> Option<Credential> {
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let trimmed = value.trim();
        if trimmed.len() > 7 && trimmed[..7].eq_ignore_ascii_case("bearer ") {
            return Some(Credential::Bearer(trimmed[7..].trim().to_string()));
        }
        if let Some((user, pass)) = wc_keys::parse_basic_authorization(trimmed) {
            if user.starts_with("ck_") && pass.starts_with("cs_") {
                return Some(Credential::ConsumerKey { key: user, secret: pass });
            }
            return Some(Credential::Password { username: user, password: pass });
        }
    }
    let from = |name: &str| {
        params
            .query
            .get(name)
            .or_else(|| if method == "POST" { params.form.get(name) } else { None })
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if let (Some(username), Some(password)) = (from("username"), from("password")) {
        return Some(Credential::Password { username, password });
    }
    if let (Some(key), Some(secret)) = (from("consumer_key"), from("consumer_secret")) {
        return Some(Credential::ConsumerKey { key, secret });
    }
    None
}

/// WooCommerce's OAuth 1.0a one-legged request: `oauth_*` parameters in an
/// `Authorization: OAuth …` header, the query, or a POST form body (`form`). `signed_method` is
/// the HTTP method as sent; `url` gives the absolute URL the client signed (see [`oauth_url`]).
/// Requests without the word `oauth` anywhere cost one scan: this runs for every guest.
pub fn oauth_credential(
    headers: &HeaderMap,
    raw_query: &str,
    form: Option<&[u8]>,
    signed_method: &str,
    url: impl FnOnce() -> String,
) -> Option<Credential> {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let mentions_oauth = |bytes: &[u8]| bytes.windows(5).any(|w| w == b"oauth");
    if !mentions_oauth(raw_query.as_bytes())
        && !form.is_some_and(mentions_oauth)
        && !authorization.is_some_and(|a| mentions_oauth(a.as_bytes()))
    {
        return None;
    }
    let header = authorization.map(oauth1::parse_oauth_header).unwrap_or_default();
    let decode = |bytes: &[u8]| -> Vec<(String, String)> {
        form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    };
    let params =
        oauth1::merge_php_params(&decode(raw_query.as_bytes()), &form.map(decode).unwrap_or_default(), &header);
    if !params.iter().any(|(name, _)| name.starts_with("oauth_")) {
        return None;
    }
    Some(Credential::OAuth { method: signed_method.to_string(), url: url(), params })
}

/// The URL an OAuth client signs: the site URL, with the scheme the request arrived on, plus
/// the request path as sent (WooCommerce's `get_home_url(null, $path, is_ssl() ? …)`).
pub fn oauth_url(site_url: &str, https: bool, raw_path: &str) -> String {
    let host_and_path = site_url.split_once("://").map_or(site_url, |(_, rest)| rest).trim_end_matches('/');
    format!("{}://{host_and_path}{raw_path}", if https { "https" } else { "http" })
}

/// Whether a trusted proxy says the client connected over HTTPS.
pub fn request_is_https(config: &AuthConfig, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    let forwarded_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').next().unwrap_or("").trim().eq_ignore_ascii_case("https"));
    forwarded_https && peer.is_some_and(|p| config.trusted_proxies.contains(&p.ip()))
}

/// POLICY §2: secrets travel only over TLS — HTTPS seen by a trusted proxy, a loopback
/// client, or an operator who allowed plain HTTP.
pub fn transport_allows_secrets(config: &AuthConfig, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    config.allow_insecure_basic_auth
        || peer.is_some_and(|p| p.ip().is_loopback())
        || request_is_https(config, peer, headers)
}

pub fn authentication_error() -> ApiError {
    ApiError { with_allow: false, ..ApiError::new(401, "cocart_authentication_error", "Authentication is invalid.") }
}

pub fn tls_required() -> ApiError {
    ApiError {
        with_allow: false,
        ..ApiError::new(
            401,
            "cocart_authentication_error",
            "Authentication is invalid. Credentials are only accepted over HTTPS (TLS).",
        )
    }
}

/// The answer for a failed authentication.
pub fn failure(outcome: AuthOutcome) -> ApiError {
    match outcome {
        AuthOutcome::Invalid | AuthOutcome::User(_) | AuthOutcome::Guest => authentication_error(),
        AuthOutcome::Jwt(e) => ApiError {
            with_allow: false,
            ..ApiError::with_body(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN), e.to_json())
        },
        AuthOutcome::WcKey(e) => ApiError {
            with_allow: false,
            ..ApiError::with_body(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNAUTHORIZED), e.to_json())
        },
        AuthOutcome::TooManyAttempts { retry_after } => ApiError {
            retry_after: Some(retry_after),
            with_allow: false,
            ..ApiError::new(
                429,
                "cartd_too_many_attempts",
                "Too many failed authentication attempts. Please try again later.",
            )
        },
        AuthOutcome::Store(e) => ApiError::internal(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn credentials_are_found_where_clients_send_them() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic ZGVtbzpzZWNyZXQ="));
        assert_eq!(
            credential(&headers, &Params::default(), "GET"),
            Some(Credential::Password { username: "demo".into(), password: "secret".into() })
        );
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc.def.ghi"));
        assert_eq!(credential(&headers, &Params::default(), "GET"), Some(Credential::Bearer("abc.def.ghi".into())));
        let mut params = Params::default();
        params.query.insert("consumer_key".into(), "ck_1".into());
        params.query.insert("consumer_secret".into(), "cs_1".into());
        assert_eq!(
            credential(&HeaderMap::new(), &params, "GET"),
            Some(Credential::ConsumerKey { key: "ck_1".into(), secret: "cs_1".into() })
        );
        params.form.insert("username".into(), "demo".into());
        params.form.insert("password".into(), "x".into());
        assert!(matches!(credential(&HeaderMap::new(), &params, "GET"), Some(Credential::ConsumerKey { .. })));
        assert!(matches!(credential(&HeaderMap::new(), &params, "POST"), Some(Credential::Password { .. })));
    }

    #[test]
    fn tls_rule() {
        let config = AuthConfig { trusted_proxies: vec!["10.0.0.1".parse().unwrap()], ..AuthConfig::default() };
        let mut headers = HeaderMap::new();
        assert!(transport_allows_secrets(&config, Some("127.0.0.1:5000".parse().unwrap()), &headers));
        assert!(!transport_allows_secrets(&config, Some("10.0.0.1:5000".parse().unwrap()), &headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(transport_allows_secrets(&config, Some("10.0.0.1:5000".parse().unwrap()), &headers));
        assert!(!transport_allows_secrets(&config, Some("10.0.0.2:5000".parse().unwrap()), &headers));
    }

    #[test]
    fn oauth_requests_are_recognised() {
        let mut headers = HeaderMap::new();
        assert_eq!(oauth_credential(&headers, "a=1", None, "GET", || "u".into()), None);
        let Some(Credential::OAuth { params, .. }) =
            oauth_credential(&headers, "oauth_nonce=n%20x&a=1", Some(b"oauth_timestamp=5"), "POST", || "u".into())
        else {
            panic!("an OAuth credential");
        };
        assert_eq!(
            params,
            [("oauth_nonce".into(), "n x".into()), ("a".into(), "1".into()), ("oauth_timestamp".into(), "5".into())]
        );
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static(r#"OAuth oauth_consumer_key="ck_1""#));
        assert!(matches!(oauth_credential(&headers, "", None, "GET", || "u".into()), Some(Credential::OAuth { .. })));
        assert_eq!(
            oauth_url("https://shop.example.com/", false, "/wp-json/cocart/v2/cart"),
            "http://shop.example.com/wp-json/cocart/v2/cart"
        );
    }

    #[test]
    fn lockdown_matches_route_prefixes_per_method() {
        let lockdown = Lockdown { get: vec!["v2/cart".into()], post: vec!["/v2/store/".into()], ..Lockdown::default() };
        let error = lockdown.check("GET", "/cocart/v2/cart/items/").unwrap();
        assert_eq!(error.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            error.body["message"],
            "Permission to READ /cocart/v2/cart/items is only permitted if the user is authenticated."
        );
        assert!(lockdown.check("GET", "/cocart/V2/Cart").is_some());
        assert!(lockdown.check("GET", "/cocart/v2/carts").is_none());
        assert!(lockdown.check("POST", "/cocart/v2/cart/add-item").is_none());
        assert_eq!(
            lockdown.check("POST", "/cocart/v2/store").unwrap().body["message"],
            "Permission to WRITE /cocart/v2/store is only permitted if the user is authenticated."
        );
        assert!(lockdown.check("OPTIONS", "/cocart/v2/cart").is_none());
    }
}
