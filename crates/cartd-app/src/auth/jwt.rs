//! HS256 tokens wire-compatible with the WordPress plugin "JWT Authentication for WP REST API"
//! (Tmeister, namespace `jwt-auth/v1`, `public/class-jwt-auth-public.php`, 1.3.x), which signs
//! and decodes with firebase/php-jwt 6.3.0.
//!
//! Wire facts reproduced here:
//! - Token endpoint `POST /jwt-auth/v1/token` signs
//!   `{"iss": get_bloginfo('url'), "iat": time(), "nbf": iat, "exp": iat + 7 * DAY_IN_SECONDS,
//!   "data": {"user": {"id": $user->ID}}}`. `WP_User::$ID` is `(int)`, so the id is a JSON
//!   *number*. php-jwt's header is `{"typ":"JWT","alg":"HS256"}`, JSON is encoded with
//!   `JSON_UNESCAPED_SLASHES` (non-ASCII as `\uXXXX`), base64url without padding. [`issue`]
//!   produces byte-identical tokens.
//! - Success body: `{"token", "user_email", "user_nicename", "user_display_name"}`.
//!   Failure: `WP_Error('[jwt_auth] ' . <wp_authenticate error code>, <its message>, 403)`.
//! - `POST /jwt-auth/v1/token/validate` and the `determine_current_user` middleware read the
//!   `Authorization` header: missing → `jwt_auth_no_auth_header`; `sscanf($h, 'Bearer %s')`
//!   yields nothing → `jwt_auth_bad_auth_header`; decoding throws → `jwt_auth_invalid_token`
//!   with the exception message; `iss !== get_bloginfo('url')` → `jwt_auth_bad_iss`; no
//!   `data.user.id` → `jwt_auth_bad_request`. All status 403. Validate success body:
//!   `{"code":"jwt_auth_valid_token","data":{"status":200}}`.
//! - The middleware only looks at headers starting with `Bearer` ([`bearer_applies`]); its
//!   errors, except `jwt_auth_no_auth_header`, are returned for the whole REST request.
//! - php-jwt checks, in order: 3 segments; header and claims JSON; `alg` non-empty, supported
//!   and equal to the key's (`HS256`); signature; `nbf > now` and `iat > now` ("Cannot handle
//!   token prior to <ISO 8601 date>"); `now >= exp` ("Expired token"); no leeway.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde_json::{Value, json};

/// The plugin's default token lifetime: 7 days.
pub const DEFAULT_LIFETIME_SECS: i64 = 7 * 24 * 60 * 60;

/// php-jwt 6.3.0's `JWT::$supported_algs`.
const PHP_JWT_SUPPORTED_ALGS: [&str; 9] =
    ["ES384", "ES256", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "EdDSA"];

/// The header php-jwt writes for HS256.
const HEADER_JSON: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

/// Settings of the token issuer.
#[derive(Clone, PartialEq, Eq)]
pub struct JwtConfig {
    /// `JWT_AUTH_SECRET_KEY`; empty means "not configured" (`jwt_auth_bad_config`).
    pub secret: String,
    /// `exp - iat` in seconds (filter `jwt_auth_expire`); the plugin's default is 7 days.
    pub lifetime_secs: i64,
    /// `get_bloginfo('url')`: the site's home URL, written to `iss` and required back.
    pub issuer: String,
}

impl JwtConfig {
    /// A configuration with the plugin's default lifetime.
    pub fn new(secret: impl Into<String>, issuer: impl Into<String>) -> Self {
        JwtConfig { secret: secret.into(), lifetime_secs: DEFAULT_LIFETIME_SECS, issuer: issuer.into() }
    }
}

impl fmt::Debug for JwtConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtConfig")
            .field("secret", &"<redacted>")
            .field("lifetime_secs", &self.lifetime_secs)
            .field("issuer", &self.issuer)
            .finish()
    }
}

/// Issues a token for `user_id` at `now` (Unix seconds), exactly as the plugin's
/// `generate_token` does with default filters. The plugin refuses to issue without a secret
/// (`jwt_auth_bad_config`): check [`JwtConfig::secret`] first; [`validate`] never accepts a
/// token under an empty secret.
pub fn issue(config: &JwtConfig, user_id: u64, now: i64) -> String {
    let exp = now.saturating_add(config.lifetime_secs);
    let payload = format!(
        r#"{{"iss":{},"iat":{now},"nbf":{now},"exp":{exp},"data":{{"user":{{"id":{user_id}}}}}}}"#,
        php_json_string(&config.issuer)
    );
    let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(HEADER_JSON), URL_SAFE_NO_PAD.encode(payload));
    let key = EncodingKey::from_secret(config.secret.as_bytes());
    let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), &key, Algorithm::HS256)
        .expect("HS256 signing with a non-empty secret cannot fail");
    format!("{signing_input}.{signature}")
}

/// Validates a token as `validate_token` does and returns `data.user.id`.
///
/// Deviations, all for tokens only a holder of the secret could produce: a user id that is not a
/// non-negative integer (or a string of digits) is `jwt_auth_bad_request` (WordPress would treat
/// a non-numeric id as a login name); an `nbf`/`iat`/`exp` that is neither a number, a numeric
/// string nor a boolean is `jwt_auth_invalid_token` "Invalid claims encoding" (PHP would compare
/// it as a string or fail with a fatal error).
pub fn validate(config: &JwtConfig, token: &str, now: i64) -> Result<u64, JwtError> {
    if config.secret.is_empty() {
        return Err(JwtError::BadConfig);
    }
    let claims = decode_php_jwt(config, token, now).map_err(JwtError::InvalidToken)?;
    let obj = claims.as_object();
    let iss = obj.and_then(|o| o.get("iss"));
    if iss.and_then(Value::as_str) != Some(config.issuer.as_str()) {
        return Err(JwtError::BadIss);
    }
    let id = obj
        .and_then(|o| o.get("data"))
        .and_then(Value::as_object)
        .and_then(|d| d.get("user"))
        .and_then(Value::as_object)
        .and_then(|u| u.get("id"))
        .filter(|v| !v.is_null())
        .ok_or(JwtError::BadRequest)?;
    user_id_from_json(id).ok_or(JwtError::BadRequest)
}

fn user_id_from_json(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => {
            n.as_u64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1.8e19).map(|f| f as u64))
        }
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        _ => None,
    }
}

/// Validates the value of an `Authorization` header (`None` when absent) like `validate_token`:
/// missing or empty → `jwt_auth_no_auth_header`, no `Bearer <token>` → `jwt_auth_bad_auth_header`,
/// then [`validate`].
pub fn validate_authorization(config: &JwtConfig, header_value: Option<&str>, now: i64) -> Result<u64, JwtError> {
    let header = match header_value {
        Some(h) if !h.is_empty() && h != "0" => h,
        _ => return Err(JwtError::NoAuthHeader),
    };
    let token = parse_bearer(header)?;
    validate(config, token, now)
}

/// Whether the plugin's `determine_current_user` middleware handles this `Authorization` value:
/// after WordPress's `sanitize_text_field` (trim), it must start with `Bearer` (case-sensitive).
/// Other schemes (e.g. `Basic` for WooCommerce keys) are left to other authentication.
pub fn bearer_applies(header_value: &str) -> bool {
    header_value.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b').starts_with("Bearer")
}

fn php_isspace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// Extracts the token like PHP `sscanf($header, 'Bearer %s')`: the literal `Bearer`
/// (case-sensitive, no leading space), any whitespace (possibly none), then the run of
/// non-whitespace characters. No token, or the PHP-falsy token `"0"`, is
/// `jwt_auth_bad_auth_header`.
pub fn parse_bearer(header_value: &str) -> Result<&str, JwtError> {
    let rest = header_value.strip_prefix("Bearer").ok_or(JwtError::BadAuthHeader)?;
    let rest = rest.trim_start_matches(|c: char| c.is_ascii() && php_isspace(c as u8));
    let end = rest.bytes().position(php_isspace).unwrap_or(rest.len());
    let token = &rest[..end];
    if token.is_empty() || token == "0" {
        return Err(JwtError::BadAuthHeader);
    }
    Ok(token)
}

/// A login failure from WordPress's `wp_authenticate()` (WordPress 6.x messages), reported by
/// the token endpoint as `[jwt_auth] <code>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginError {
    /// `empty_username`: "<strong>Error:</strong> The username field is empty."
    EmptyUsername,
    /// `empty_username` (email login): "<strong>Error:</strong> The email field is empty."
    EmptyEmail,
    /// `empty_password`: "<strong>Error:</strong> The password field is empty."
    EmptyPassword,
    /// `invalid_username`: the username is not registered.
    InvalidUsername { username: String },
    /// `invalid_email`: "Unknown email address. Check again or try your username."
    InvalidEmail,
    /// `incorrect_password` for a username login; `lost_password_url` is `wp_lostpassword_url()`.
    IncorrectPassword { username: String, lost_password_url: String },
    /// `incorrect_password` for an email login.
    IncorrectPasswordForEmail { email: String, lost_password_url: String },
    /// `authentication_failed`: no authentication handler answered.
    AuthenticationFailed,
}

/// Minimal HTML escaping of user input echoed into messages (WordPress echoes it raw; escaping
/// changes nothing for ordinary usernames and e-mail addresses).
fn esc_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            c => out.push(c),
        }
    }
    out
}

impl LoginError {
    /// WordPress's error code (`empty_username`, `invalid_username`, ...).
    pub fn wp_code(&self) -> &'static str {
        match self {
            LoginError::EmptyUsername | LoginError::EmptyEmail => "empty_username",
            LoginError::EmptyPassword => "empty_password",
            LoginError::InvalidUsername { .. } => "invalid_username",
            LoginError::InvalidEmail => "invalid_email",
            LoginError::IncorrectPassword { .. } | LoginError::IncorrectPasswordForEmail { .. } => "incorrect_password",
            LoginError::AuthenticationFailed => "authentication_failed",
        }
    }

    /// WordPress's message (HTML fragment).
    pub fn message(&self) -> String {
        match self {
            LoginError::EmptyUsername => "<strong>Error:</strong> The username field is empty.".into(),
            LoginError::EmptyEmail => "<strong>Error:</strong> The email field is empty.".into(),
            LoginError::EmptyPassword => "<strong>Error:</strong> The password field is empty.".into(),
            LoginError::InvalidUsername { username } => format!(
                "<strong>Error:</strong> The username <strong>{}</strong> is not registered on this site. \
                 If you are unsure of your username, try your email address instead.",
                esc_html(username)
            ),
            LoginError::InvalidEmail => "Unknown email address. Check again or try your username.".into(),
            LoginError::IncorrectPassword { username, lost_password_url } => format!(
                "<strong>Error:</strong> The password you entered for the username <strong>{}</strong> is incorrect. \
                 <a href=\"{}\">Lost your password?</a>",
                esc_html(username),
                esc_html(lost_password_url)
            ),
            LoginError::IncorrectPasswordForEmail { email, lost_password_url } => format!(
                "<strong>Error:</strong> The password you entered for the email address <strong>{}</strong> is incorrect. \
                 <a href=\"{}\">Lost your password?</a>",
                esc_html(email),
                esc_html(lost_password_url)
            ),
            LoginError::AuthenticationFailed => {
                "<strong>Error:</strong> Invalid username, email address or incorrect password.".into()
            }
        }
    }
}

/// Errors of the plugin, with its codes, messages and statuses (all 403).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwtError {
    /// `jwt_auth_no_auth_header` "Authorization header not found."
    NoAuthHeader,
    /// `jwt_auth_bad_auth_header` "Authorization header malformed."
    BadAuthHeader,
    /// `jwt_auth_bad_config` "JWT is not configured properly, please contact the admin"
    BadConfig,
    /// `jwt_auth_unsupported_algorithm` (only with a `jwt_auth_algorithm` filter; not produced here).
    UnsupportedAlgorithm,
    /// `jwt_auth_invalid_token` with php-jwt's exception message, e.g. "Expired token",
    /// "Signature verification failed", "Wrong number of segments",
    /// "Cannot handle token prior to 2023-11-14T22:13:20+0000".
    InvalidToken(String),
    /// `jwt_auth_bad_iss` "The iss do not match with this server"
    BadIss,
    /// `jwt_auth_bad_request` "User ID not found in the token"
    BadRequest,
    /// Token endpoint: `[jwt_auth] <wp code>` with WordPress's login message. (The plugin has no
    /// `jwt_auth_failed` code.)
    AuthFailed(LoginError),
}

impl JwtError {
    /// The `code` of the REST error body.
    pub fn code(&self) -> String {
        match self {
            JwtError::NoAuthHeader => "jwt_auth_no_auth_header".into(),
            JwtError::BadAuthHeader => "jwt_auth_bad_auth_header".into(),
            JwtError::BadConfig => "jwt_auth_bad_config".into(),
            JwtError::UnsupportedAlgorithm => "jwt_auth_unsupported_algorithm".into(),
            JwtError::InvalidToken(_) => "jwt_auth_invalid_token".into(),
            JwtError::BadIss => "jwt_auth_bad_iss".into(),
            JwtError::BadRequest => "jwt_auth_bad_request".into(),
            JwtError::AuthFailed(e) => format!("[jwt_auth] {}", e.wp_code()),
        }
    }

    /// The `message` of the REST error body.
    pub fn message(&self) -> String {
        match self {
            JwtError::NoAuthHeader => "Authorization header not found.".into(),
            JwtError::BadAuthHeader => "Authorization header malformed.".into(),
            JwtError::BadConfig => "JWT is not configured properly, please contact the admin".into(),
            JwtError::UnsupportedAlgorithm => {
                "Algorithm not supported, see https://www.rfc-editor.org/rfc/rfc7518#section-3".into()
            }
            JwtError::InvalidToken(m) => m.clone(),
            JwtError::BadIss => "The iss do not match with this server".into(),
            JwtError::BadRequest => "User ID not found in the token".into(),
            JwtError::AuthFailed(e) => e.message(),
        }
    }

    /// HTTP status: always 403.
    pub fn status(&self) -> u16 {
        403
    }

    /// `{"code": ..., "message": ..., "data": {"status": 403}}`.
    pub fn to_json(&self) -> Value {
        error_body(&self.code(), &self.message(), self.status())
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for JwtError {}

/// A WordPress REST error body: `{"code","message","data":{"status"}}`.
pub fn error_body(code: &str, message: &str, status: u16) -> Value {
    json!({ "code": code, "message": message, "data": { "status": status } })
}

/// Token endpoint success body.
pub fn token_response(token: &str, user_email: &str, user_nicename: &str, user_display_name: &str) -> Value {
    json!({
        "token": token,
        "user_email": user_email,
        "user_nicename": user_nicename,
        "user_display_name": user_display_name,
    })
}

/// `/token/validate` success body.
pub fn valid_token_response() -> Value {
    json!({ "code": "jwt_auth_valid_token", "data": { "status": 200 } })
}

// ---------------------------------------------------------------------------------------------
// firebase/php-jwt 6.3.0 `JWT::decode`, with its exception messages.

fn decode_php_jwt(config: &JwtConfig, token: &str, now: i64) -> Result<Value, String> {
    let parts: Vec<&str> = token.split('.').collect();
    let [head_b64, body_b64, sig_b64] = parts[..] else {
        return Err("Wrong number of segments".into());
    };
    let header_raw = php_urlsafe_b64_decode(head_b64);
    let header = php_json_decode(&header_raw)?.ok_or_else(|| "Invalid header encoding".to_owned())?;
    let payload_raw = php_urlsafe_b64_decode(body_b64);
    let payload = php_json_decode(&payload_raw)?.ok_or_else(|| "Invalid claims encoding".to_owned())?;
    let sig = php_urlsafe_b64_decode(sig_b64);

    let alg = header.as_object().and_then(|h| h.get("alg")).filter(|a| !php_empty(a));
    let Some(alg) = alg else {
        return Err("Empty algorithm".into());
    };
    let alg = match alg {
        Value::String(s) if PHP_JWT_SUPPORTED_ALGS.contains(&s.as_str()) => s.as_str(),
        _ => return Err("Algorithm not supported".into()),
    };
    if alg != "HS256" {
        return Err("Incorrect key for this algorithm".into());
    }
    let message = format!("{head_b64}.{body_b64}");
    let key = DecodingKey::from_secret(config.secret.as_bytes());
    let ok = jsonwebtoken::crypto::verify(&URL_SAFE_NO_PAD.encode(&sig), message.as_bytes(), &key, Algorithm::HS256)
        .unwrap_or(false);
    if !ok {
        return Err("Signature verification failed".into());
    }

    let now_f = now as f64;
    if let Some(obj) = payload.as_object() {
        if let Some(nbf) = time_claim(obj.get("nbf"))?
            && nbf > now_f
        {
            return Err(format!("Cannot handle token prior to {}", php_iso8601(nbf)));
        }
        if let Some(iat) = time_claim(obj.get("iat"))?
            && iat > now_f
        {
            return Err(format!("Cannot handle token prior to {}", php_iso8601(iat)));
        }
        if let Some(exp) = time_claim(obj.get("exp"))?
            && now_f >= exp
        {
            return Err("Expired token".into());
        }
    }
    Ok(payload)
}

/// `isset($payload->x)` plus PHP's numeric comparison of the value.
fn time_claim(v: Option<&Value>) -> Result<Option<f64>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::Bool(b)) => Ok(Some(if *b { 1.0 } else { 0.0 })),
        Some(Value::String(s)) => php_numeric_string(s).map(Some).ok_or_else(|| "Invalid claims encoding".into()),
        Some(_) => Err("Invalid claims encoding".into()),
    }
}

/// PHP 8 numeric string (leading/trailing whitespace, sign, digits, fraction, exponent).
fn php_numeric_string(s: &str) -> Option<f64> {
    let t = s.trim_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let mut seen_digit = false;
    let mut seen_dot = false;
    let mut seen_exp = false;
    let mut prev_exp = false;
    for c in body.chars() {
        match c {
            '0'..='9' => {
                seen_digit = true;
                prev_exp = false;
            }
            '.' if !seen_dot && !seen_exp => seen_dot = true,
            'e' | 'E' if seen_digit && !seen_exp => {
                seen_exp = true;
                prev_exp = true;
            }
            '+' | '-' if prev_exp => prev_exp = false,
            _ => return None,
        }
    }
    if !seen_digit || prev_exp {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// PHP `empty()` of a decoded JSON value (objects are never empty).
fn php_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty() || s == "0",
        Value::Array(a) => a.is_empty(),
        Value::Object(_) => false,
    }
}

/// `JWT::urlsafeB64Decode`: `base64_decode(strtr($s, '-_', '+/'))`, non-strict (characters
/// outside the alphabet are skipped, a lone trailing character is dropped).
fn php_urlsafe_b64_decode(s: &str) -> Vec<u8> {
    let mut clean: Vec<u8> = s
        .bytes()
        .map(|b| match b {
            b'-' => b'+',
            b'_' => b'/',
            b => b,
        })
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
        .collect();
    if clean.len() % 4 == 1 {
        clean.pop();
    }
    // Trailing bits of a partial group are ignored by PHP.
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    );
    engine.decode(&clean).unwrap_or_default()
}

/// `JWT::jsonDecode`: `Ok(None)` for the literal `null`, errors with php-jwt's messages.
fn php_json_decode(raw: &[u8]) -> Result<Option<Value>, String> {
    let text = std::str::from_utf8(raw).map_err(|_| "Malformed UTF-8 characters".to_owned())?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Null) if text == "null" => Ok(None),
        Ok(Value::Null) => Err("Null result with non-null input".into()),
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            let m = e.to_string();
            if m.contains("control character") {
                Err("Unexpected control character found".into())
            } else if m.contains("recursion limit") {
                Err("Maximum stack depth exceeded".into())
            } else {
                Err("Syntax error, malformed JSON".into())
            }
        }
    }
}

/// PHP `json_encode($s, JSON_UNESCAPED_SLASHES)` of a string.
fn php_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) >= 0x80 => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// PHP `date(DateTime::ISO8601, $ts)` in UTC (WordPress runs PHP in UTC): `Y-m-d\TH:i:sO`.
fn php_iso8601(ts: f64) -> String {
    let secs = ts.trunc() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let year = if year < 0 { format!("-{:04}", -year) } else { format!("{year:04}") };
    format!("{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}+0000", rem / 3600, (rem % 3600) / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601() {
        assert_eq!(php_iso8601(0.0), "1970-01-01T00:00:00+0000");
        assert_eq!(php_iso8601(1_700_000_000.0), "2023-11-14T22:13:20+0000");
        assert_eq!(php_iso8601(951_782_400.0), "2000-02-29T00:00:00+0000");
        assert_eq!(php_iso8601(-1.0), "1969-12-31T23:59:59+0000");
    }

    #[test]
    fn json_strings_like_php() {
        assert_eq!(php_json_string("https://a.example/x"), r#""https://a.example/x""#);
        assert_eq!(php_json_string("é\u{1F600}\"\\\n\u{1}"), r#""\u00e9\ud83d\ude00\"\\\n\u0001""#);
    }

    #[test]
    fn numeric_strings() {
        assert_eq!(php_numeric_string(" 12 "), Some(12.0));
        assert_eq!(php_numeric_string("1.5e3"), Some(1500.0));
        assert_eq!(php_numeric_string("1e"), None);
        assert_eq!(php_numeric_string("abc"), None);
        assert_eq!(php_numeric_string("0x1A"), None);
    }
}
