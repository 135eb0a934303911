//! WooCommerce REST API keys (`wp_woocommerce_api_keys` rows) and the errors of
//! WooCommerce's `WC_REST_Authentication` class.
//!
//! Wire facts (WooCommerce `includes/wc-core-functions.php`, `includes/class-wc-ajax.php`,
//! `includes/class-wc-rest-authentication.php`):
//! - A key is `'ck_' . wc_rand_hash()` and a secret `'cs_' . wc_rand_hash()`, where
//!   `wc_rand_hash()` is `bin2hex(openssl_random_pseudo_bytes(20))`: 40 lowercase hex digits.
//! - The row stores `consumer_key = wc_api_hash($consumer_key)`, i.e.
//!   `hash_hmac('sha256', $consumer_key, 'wc-api')` (lowercase hex), the secret as is, and
//!   `truncated_key = substr($consumer_key, -7)`.
//! - Lookup hashes `sanitize_text_field($consumer_key)`; for well-formed keys that is the key.
//! - `permissions` is one of `read`, `write`, `read_write`.
//! - Every authentication error is a `WP_Error` with HTTP status 401, rendered by the WP REST
//!   server as `{"code": ..., "message": ..., "data": {"status": 401}}`.

use std::fmt;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The HMAC key of `wc_api_hash()`.
pub const WC_API_HASH_KEY: &[u8] = b"wc-api";

/// Message of the `WWW-Authenticate: Basic realm="..."` header WooCommerce sends when basic
/// authentication failed (`send_unauthorized_headers`).
pub const BASIC_AUTH_REALM_MESSAGE: &str =
    "WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field.";

/// A freshly generated API key. `consumer_key` and `consumer_secret` are shown to the user once;
/// `key_hash`, `consumer_secret` and `truncated_key` are what gets stored.
#[derive(Clone, PartialEq, Eq)]
pub struct NewKey {
    /// `ck_` + 40 lowercase hex digits.
    pub consumer_key: String,
    /// `cs_` + 40 lowercase hex digits; stored in clear, as WooCommerce does.
    pub consumer_secret: String,
    /// Last 7 characters of `consumer_key`, for display.
    pub truncated_key: String,
    /// `wc_api_hash(consumer_key)`: the value of the `consumer_key` column.
    pub key_hash: String,
}

impl fmt::Debug for NewKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewKey")
            .field("truncated_key", &self.truncated_key)
            .field("key_hash", &self.key_hash)
            .finish_non_exhaustive()
    }
}

/// `wc_rand_hash()`: 20 random bytes from a CSPRNG as 40 lowercase hex digits.
fn rand_hash() -> String {
    let bytes: [u8; 20] = rand::random();
    hex::encode(bytes)
}

/// Generates a key/secret pair the way WooCommerce's "Add key" screen does.
pub fn generate() -> NewKey {
    let consumer_key = format!("ck_{}", rand_hash());
    let consumer_secret = format!("cs_{}", rand_hash());
    let truncated_key = truncate_key(&consumer_key);
    let key_hash = hash_consumer_key(&consumer_key);
    NewKey { consumer_key, consumer_secret, truncated_key, key_hash }
}

/// `substr($consumer_key, -7)` (byte based, like PHP; keys are ASCII).
pub fn truncate_key(consumer_key: &str) -> String {
    let bytes = consumer_key.as_bytes();
    let start = bytes.len().saturating_sub(7);
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

/// `wc_api_hash($consumer_key)` = `hash_hmac('sha256', $consumer_key, 'wc-api')`, lowercase hex.
pub fn hash_consumer_key(ck: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(WC_API_HASH_KEY).expect("HMAC accepts any key length");
    mac.update(ck.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// PHP `hash_equals()`: constant time for equal lengths, false for different lengths.
pub fn hash_equals(known: &[u8], user: &[u8]) -> bool {
    known.len() == user.len() && bool::from(known.ct_eq(user))
}

/// Basic-auth secret check of `perform_basic_authentication`:
/// `hash_equals($user->consumer_secret, $consumer_secret)`.
pub fn verify_consumer_secret(stored_secret: &str, provided: &str) -> Result<(), WcAuthError> {
    if hash_equals(stored_secret.as_bytes(), provided.as_bytes()) {
        Ok(())
    } else {
        Err(WcAuthError::ConsumerSecretInvalid)
    }
}

/// Splits an `Authorization: Basic ...` header the way PHP fills `PHP_AUTH_USER`/`PHP_AUTH_PW`
/// (scheme matched case-insensitively, user and password split at the first `:`).
/// Returns `None` when the header is not Basic or does not decode to `user:password`.
///
/// WooCommerce (over HTTPS only) first takes `consumer_key`/`consumer_secret` from the query
/// string when both are non-empty, then these credentials; with neither it falls through to OAuth.
pub fn parse_basic_authorization(header_value: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    let v = header_value.trim();
    if v.len() < 6 || !v.as_bytes()[..6].eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(v[6..].trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

/// `permissions` column of an API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    Read,
    Write,
    ReadWrite,
}

impl Permission {
    /// The stored value: `read`, `write` or `read_write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "read",
            Permission::Write => "write",
            Permission::ReadWrite => "read_write",
        }
    }

    /// Parses a stored value (exact, case-sensitive, as WooCommerce compares with `!==`).
    pub fn parse(s: &str) -> Option<Permission> {
        match s {
            "read" => Some(Permission::Read),
            "write" => Some(Permission::Write),
            "read_write" => Some(Permission::ReadWrite),
            _ => None,
        }
    }

    fn can_read(self) -> bool {
        matches!(self, Permission::Read | Permission::ReadWrite)
    }

    fn can_write(self) -> bool {
        matches!(self, Permission::Write | Permission::ReadWrite)
    }

    /// `check_permissions($method)` of WooCommerce (run at `rest_pre_dispatch` for key-authenticated
    /// requests). The method is compared upper-cased, as `WP_REST_Request::get_method()` returns it.
    /// - HEAD, GET: need read (`read` or `read_write`).
    /// - POST, PUT, PATCH, DELETE: need write (`write` or `read_write`).
    /// - OPTIONS: always allowed, whatever the permission (WooCommerce returns `true` for it).
    /// - anything else: "Unknown request method." error.
    pub fn check(self, method: &str) -> Result<(), WcAuthError> {
        match method.to_ascii_uppercase().as_str() {
            "HEAD" | "GET" => {
                if self.can_read() {
                    Ok(())
                } else {
                    Err(WcAuthError::NoReadPermission)
                }
            }
            "POST" | "PUT" | "PATCH" | "DELETE" => {
                if self.can_write() {
                    Ok(())
                } else {
                    Err(WcAuthError::NoWritePermission)
                }
            }
            "OPTIONS" => Ok(()),
            _ => Err(WcAuthError::UnknownMethod),
        }
    }

    /// Whether [`Permission::check`] lets `method` through.
    pub fn allows(self, method: &str) -> bool {
        self.check(method).is_ok()
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Permission {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::parse(s).ok_or(())
    }
}

/// Error code of every `WC_REST_Authentication` error except the missing-parameter one.
pub const CODE_AUTHENTICATION_ERROR: &str = "woocommerce_rest_authentication_error";
/// Error code used when some but not all OAuth parameters are present.
pub const CODE_MISSING_PARAMETER: &str = "woocommerce_rest_authentication_missing_parameter";

/// The errors of WooCommerce's `WC_REST_Authentication`, all with HTTP status 401.
/// Messages are the exact (untranslated) strings of WooCommerce 10.x.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WcAuthError {
    /// "Consumer key is invalid." — OAuth request whose `oauth_consumer_key` matches no key.
    /// (Basic auth with an unknown key is not an error in WooCommerce: the request is anonymous.)
    ConsumerKeyInvalid,
    /// "Consumer secret is invalid." — basic auth with a wrong secret.
    ConsumerSecretInvalid,
    /// Some, but not all, of `oauth_consumer_key`, `oauth_timestamp`, `oauth_nonce`,
    /// `oauth_signature`, `oauth_signature_method` are present (non-empty in PHP's sense).
    /// Holds the missing names in that order. Code `woocommerce_rest_authentication_missing_parameter`;
    /// message "Missing OAuth parameter X" / "Missing OAuth parameters X, Y".
    MissingParameters(Vec<String>),
    /// "Invalid signature - failed to sort parameters." (only if PHP's `uksort` fails).
    SortFailed,
    /// "Invalid signature - signature method is invalid." — not `HMAC-SHA1` / `HMAC-SHA256`.
    InvalidSignatureMethod,
    /// "Invalid signature - provided signature does not match."
    SignatureMismatch,
    /// "Invalid timestamp." — more than 15 minutes away from the server clock.
    InvalidTimestamp,
    /// "Invalid nonce - nonce has already been used."
    NonceUsed,
    /// "The API key provided does not have read permissions."
    NoReadPermission,
    /// "The API key provided does not have write permissions."
    NoWritePermission,
    /// "Unknown request method."
    UnknownMethod,
    /// "The provided API key cannot be used to access this endpoint." — a key-authenticated
    /// request resolved to a route outside the `wc/` / `wc-` namespaces (WooCommerce 10.x+).
    OutOfScopeRoute,
}

impl WcAuthError {
    /// The `code` of the REST error body.
    pub fn code(&self) -> &'static str {
        match self {
            WcAuthError::MissingParameters(_) => CODE_MISSING_PARAMETER,
            _ => CODE_AUTHENTICATION_ERROR,
        }
    }

    /// The `message` of the REST error body.
    pub fn message(&self) -> String {
        match self {
            WcAuthError::ConsumerKeyInvalid => "Consumer key is invalid.".into(),
            WcAuthError::ConsumerSecretInvalid => "Consumer secret is invalid.".into(),
            WcAuthError::MissingParameters(names) => {
                let noun = if names.len() == 1 { "parameter" } else { "parameters" };
                format!("Missing OAuth {noun} {}", names.join(", "))
            }
            WcAuthError::SortFailed => "Invalid signature - failed to sort parameters.".into(),
            WcAuthError::InvalidSignatureMethod => "Invalid signature - signature method is invalid.".into(),
            WcAuthError::SignatureMismatch => "Invalid signature - provided signature does not match.".into(),
            WcAuthError::InvalidTimestamp => "Invalid timestamp.".into(),
            WcAuthError::NonceUsed => "Invalid nonce - nonce has already been used.".into(),
            WcAuthError::NoReadPermission => "The API key provided does not have read permissions.".into(),
            WcAuthError::NoWritePermission => "The API key provided does not have write permissions.".into(),
            WcAuthError::UnknownMethod => "Unknown request method.".into(),
            WcAuthError::OutOfScopeRoute => "The provided API key cannot be used to access this endpoint.".into(),
        }
    }

    /// HTTP status: always 401.
    pub fn status(&self) -> u16 {
        401
    }

    /// `{"code": ..., "message": ..., "data": {"status": 401}}`.
    pub fn to_json(&self) -> Value {
        json!({ "code": self.code(), "message": self.message(), "data": { "status": self.status() } })
    }
}

impl fmt::Display for WcAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for WcAuthError {}

/// Value of the `WWW-Authenticate` header WooCommerce adds to responses of failed basic auth.
pub fn www_authenticate_header() -> String {
    format!("Basic realm=\"{BASIC_AUTH_REALM_MESSAGE}\"")
}
