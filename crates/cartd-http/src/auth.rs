//! Credentials on the wire (CONTRACT §F.1–F.3, POLICY §2): where they are read from, the
//! TLS rule for passwords and keys, and how an authentication result is answered.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, StatusCode, header};
use cartd_app::auth::login::{AuthOutcome, Credential};
use cartd_app::auth::wc_keys;
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

/// POLICY §2: secrets travel only over TLS — HTTPS seen by a trusted proxy, a loopback
/// client, or an operator who allowed plain HTTP.
pub fn transport_allows_secrets(config: &AuthConfig, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    if config.allow_insecure_basic_auth {
        return true;
    }
    let Some(peer) = peer else { return false };
    if peer.ip().is_loopback() {
        return true;
    }
    let forwarded_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').next().unwrap_or("").trim().eq_ignore_ascii_case("https"));
    forwarded_https && config.trusted_proxies.contains(&peer.ip())
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
        let config =
            AuthConfig { allow_insecure_basic_auth: false, trusted_proxies: vec!["10.0.0.1".parse().unwrap()] };
        let mut headers = HeaderMap::new();
        assert!(transport_allows_secrets(&config, Some("127.0.0.1:5000".parse().unwrap()), &headers));
        assert!(!transport_allows_secrets(&config, Some("10.0.0.1:5000".parse().unwrap()), &headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(transport_allows_secrets(&config, Some("10.0.0.1:5000".parse().unwrap()), &headers));
        assert!(!transport_allows_secrets(&config, Some("10.0.0.2:5000".parse().unwrap()), &headers));
    }
}
