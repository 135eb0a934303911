//! OAuth 1.0a "one-legged" request verification, reproducing WooCommerce's
//! `WC_REST_Authentication::check_oauth_signature` and `check_oauth_timestamp_and_nonce`
//! (WooCommerce 10.x, `includes/class-wc-rest-authentication.php`).
//!
//! What WooCommerce does, step by step, and how it maps here:
//! 1. Parameters are `array_merge($_GET, $_POST)` (raw-decoded by PHP, nested by PHP's
//!    `name[key]` rules) merged with the `oauth_*` parameters of an `Authorization: OAuth ...`
//!    header. [`OAuthRequest::params`] takes the *decoded* query pairs, then the
//!    form-urlencoded body pairs, then [`parse_oauth_header`]'s pairs, in that order (use
//!    [`merge_php_params`] to build it with PHP's exact merge); they are folded into a PHP
//!    array with PHP's variable-name rules (see [`OAuthRequest`]). WooCommerce does not require
//!    HTTPS to be off: over HTTPS it tries basic auth first and falls back to OAuth.
//! 2. Base URL: `rawurlencode(get_home_url(null, $request_path, is_ssl() ? 'https' : 'http'))`,
//!    i.e. the site's home URL (its scheme forced to the request's) plus the raw request path,
//!    without the query. [`OAuthRequest::url`] is that absolute URL; anything from `?` or `#` on
//!    is ignored.
//! 3. `$consumer_signature = rawurldecode(str_replace(' ', '+', $params['oauth_signature']))`,
//!    then `oauth_signature` is removed from the parameters.
//! 4. Parameters are sorted by key with `strcmp` (bytes, top level only, before encoding).
//! 5. Top-level keys and all (nested) values are encoded with `wc_rest_urlencode_rfc3986`
//!    (= PHP `rawurlencode`: everything but `A-Za-z0-9-_.~` is `%XX`, upper case).
//! 6. Each pair becomes `rawurlencode(key . '=' . value)` (nested arrays give
//!    `key%5Binner%5D=value`, inner keys not pre-encoded, and no prefix under a key that is
//!    `''` or `'0'`, PHP-falsy), joined with `%26`.
//! 7. String to sign: `strtoupper(METHOD) . '&' . rawurlencode(base_url) . '&' . joined`.
//! 8. `oauth_signature_method` must be exactly `HMAC-SHA1` or `HMAC-SHA256`; the key is
//!    `consumer_secret . '&'` (the secret is *not* percent-encoded); the signature is
//!    standard base64 (with padding) of the HMAC, compared with `hash_equals`.
//! 9. Timestamp within ±15 minutes of the server clock; nonce not used before by the same key
//!    while its request timestamp is within the window. WooCommerce checks these only after the
//!    signature matched — call [`verify`] first, then [`check_timestamp_and_nonce`].

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode};
use sha1::Sha1;
use sha2::Sha256;

use super::wc_keys::{WcAuthError, hash_equals};

/// WooCommerce's 15 minute window for timestamps and nonces.
pub const VALID_WINDOW_SECS: i64 = 15 * 60;

/// The five parameters WooCommerce requires, in the order it reports them missing.
pub const REQUIRED_PARAMS: [&str; 5] =
    ["oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method"];

/// PHP `rawurlencode`: RFC 3986 unreserved characters stay, all else is `%XX`.
const RAWURLENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// PHP's default `max_input_nesting_level`.
const MAX_INPUT_NESTING_LEVEL: usize = 64;

/// The HMAC used for the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureMethod {
    HmacSha1,
    HmacSha256,
}

impl SignatureMethod {
    /// `HMAC-SHA1` or `HMAC-SHA256`, the `oauth_signature_method` values WooCommerce accepts.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureMethod::HmacSha1 => "HMAC-SHA1",
            SignatureMethod::HmacSha256 => "HMAC-SHA256",
        }
    }

    /// Exact, case-sensitive match (WooCommerce compares with `!==`).
    pub fn parse(s: &str) -> Option<SignatureMethod> {
        match s {
            "HMAC-SHA1" => Some(SignatureMethod::HmacSha1),
            "HMAC-SHA256" => Some(SignatureMethod::HmacSha256),
            _ => None,
        }
    }
}

/// A request to verify or sign.
///
/// `params` are the request's parameters as PHP would see them, *already percent-decoded*
/// (`+` as space in query and form data): query-string pairs first, then the pairs of an
/// `application/x-www-form-urlencoded` body (PHP fills `$_POST` only for form bodies, so a
/// JSON body contributes nothing), then the pairs of [`parse_oauth_header`]. Later pairs
/// override earlier ones with the same name, keeping the first one's position.
///
/// Names follow PHP's rules: leading spaces dropped, the name cut at a NUL, `.` and ` ` in the
/// base name become `_`, `a[x][]` builds nested arrays (`[]` appends at the next integer key),
/// a first `[` without `]` becomes `_`, and top-level integer names are renumbered from 0
/// (`array_merge`). Known differences from PHP: query and body are merged as one list (PHP's
/// `array_merge` would let a body entry replace a query entry of the same name, see
/// [`merge_php_params`] for the exact merge), `max_input_vars` is not enforced, and values must
/// be UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthRequest<'a> {
    /// HTTP method; upper-cased for signing.
    pub method: &'a str,
    /// Absolute URL without query: `scheme://host[:port]/raw/path`.
    pub url: &'a str,
    /// Decoded parameters including the `oauth_*` ones (see the type's docs).
    pub params: Vec<(String, String)>,
}

/// Builds [`OAuthRequest::params`] with PHP's exact merge semantics from the decoded query
/// pairs (`$_GET`), form-body pairs (`$_POST`) and [`parse_oauth_header`] pairs:
/// `array_merge(array_merge($_GET, $_POST), $header_params)` — a body entry replaces a query
/// entry of the same name as a whole (arrays are not merged), and integer-named entries of
/// both are kept and renumbered. Concatenating the three lists instead is equivalent unless
/// the query and the body share a top-level name.
pub fn merge_php_params(
    query: &[(String, String)],
    form: &[(String, String)],
    header: &[(String, String)],
) -> Vec<(String, String)> {
    let mut merged = PhpArray::default();
    merged.merge(PhpArray::parse_raw(query));
    merged.merge(PhpArray::parse_raw(form));
    for (k, v) in header {
        merged.set(k.clone(), PhpValue::Str(v.clone()));
    }
    let mut out = Vec::new();
    merged.flatten(None, &mut out);
    out
}

/// The five OAuth parameters, as WooCommerce reads them from the merged parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthParams {
    pub consumer_key: String,
    pub timestamp: String,
    pub nonce: String,
    pub signature: String,
    pub signature_method: String,
}

/// `get_oauth_parameters()`: `Ok(None)` when none of the five OAuth parameters is present
/// (not an OAuth request: the request stays anonymous), `Err(MissingParameters)` when only some
/// are, `Ok(Some(..))` when all are. "Present" is PHP's `!empty()`: `""` and `"0"` count as
/// missing.
pub fn required_params(params: &[(String, String)]) -> Result<Option<OAuthParams>, WcAuthError> {
    let arr = PhpArray::from_params(params);
    required_from_array(&arr)
}

fn required_from_array(arr: &PhpArray) -> Result<Option<OAuthParams>, WcAuthError> {
    let mut missing = Vec::new();
    for name in REQUIRED_PARAMS {
        if arr.get(name).is_none_or(PhpValue::is_empty) {
            missing.push(name.to_owned());
        }
    }
    if missing.len() == REQUIRED_PARAMS.len() {
        return Ok(None);
    }
    if !missing.is_empty() {
        return Err(WcAuthError::MissingParameters(missing));
    }
    let text = |name: &str| match arr.get(name) {
        Some(PhpValue::Str(s)) => s.clone(),
        _ => String::new(),
    };
    Ok(Some(OAuthParams {
        consumer_key: text("oauth_consumer_key"),
        timestamp: text("oauth_timestamp"),
        nonce: text("oauth_nonce"),
        signature: text("oauth_signature"),
        signature_method: text("oauth_signature_method"),
    }))
}

/// The string WooCommerce signs for `req` (with any `oauth_signature` parameter left out).
pub fn signature_base_string(req: &OAuthRequest<'_>) -> String {
    let mut arr = PhpArray::from_params(&req.params);
    arr.remove("oauth_signature");
    base_string_from_array(req, arr)
}

fn base_string_from_array(req: &OAuthRequest<'_>, mut arr: PhpArray) -> String {
    arr.entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut pairs = Vec::new();
    for (key, value) in &arr.entries {
        let key = rawurlencode(key.as_bytes());
        join_with_equals_sign(&key, &value.encoded(), &mut pairs);
    }
    let base_url = strip_query(req.url);
    format!("{}&{}&{}", req.method.to_ascii_uppercase(), rawurlencode(base_url.as_bytes()), pairs.join("%26"))
}

/// `join_with_equals_sign()` for one top-level entry whose key and values are already encoded.
fn join_with_equals_sign(key: &str, value: &PhpValue, out: &mut Vec<String>) {
    match value {
        PhpValue::Str(v) => out.push(rawurlencode(format!("{key}={v}").as_bytes())),
        PhpValue::Arr(inner) => {
            // The recursion passes this key as `$key`; PHP prefixes inner keys only when it is truthy.
            let prefix = if key.is_empty() || key == "0" { None } else { Some(key) };
            for (inner_key, inner_value) in &inner.entries {
                let full = match prefix {
                    Some(p) => format!("{p}%5B{inner_key}%5D"),
                    None => inner_key.clone(),
                };
                join_with_equals_sign(&full, inner_value, out);
            }
        }
    }
}

fn strip_query(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

/// Computes the signature WooCommerce expects for `req` (any `oauth_signature` parameter is
/// ignored). For clients and tests: the request must also carry `oauth_signature_method`
/// equal to `method.as_str()` for [`verify`] to accept it.
pub fn sign(req: &OAuthRequest<'_>, consumer_secret: &str, method: SignatureMethod) -> String {
    hmac_base64(method, consumer_secret, signature_base_string(req).as_bytes())
}

fn hmac_base64(method: SignatureMethod, consumer_secret: &str, message: &[u8]) -> String {
    let key = format!("{consumer_secret}&");
    let digest = match method {
        SignatureMethod::HmacSha1 => {
            let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC accepts any key length");
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        SignatureMethod::HmacSha256 => {
            let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC accepts any key length");
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
    };
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// `check_oauth_signature()`: verifies the request's `oauth_signature` against `consumer_secret`
/// (the key's stored secret). Missing OAuth parameters give `MissingParameters` (with all five
/// names when none is present). Does not check timestamp, nonce or consumer key: look the key
/// up by `hash_consumer_key(oauth_consumer_key)` first ("Consumer key is invalid." when absent),
/// then call this, then [`check_timestamp_and_nonce`].
pub fn verify(req: &OAuthRequest<'_>, consumer_secret: &str) -> Result<(), WcAuthError> {
    let mut arr = PhpArray::from_params(&req.params);
    match required_from_array(&arr)? {
        Some(_) => {}
        None => {
            return Err(WcAuthError::MissingParameters(REQUIRED_PARAMS.map(str::to_owned).to_vec()));
        }
    }
    let consumer_signature = match arr.remove("oauth_signature") {
        Some(PhpValue::Str(s)) => Some(percent_decode(s.replace(' ', "+").as_bytes()).collect::<Vec<u8>>()),
        _ => None,
    };
    let method = match arr.get("oauth_signature_method") {
        Some(PhpValue::Str(m)) => SignatureMethod::parse(&rawurlencode(m.as_bytes())),
        _ => None,
    };
    let base = base_string_from_array(req, arr);
    let method = method.ok_or(WcAuthError::InvalidSignatureMethod)?;
    let expected = hmac_base64(method, consumer_secret, base.as_bytes());
    match consumer_signature {
        Some(given) if hash_equals(expected.as_bytes(), &given) => Ok(()),
        _ => Err(WcAuthError::SignatureMismatch),
    }
}

/// Parses `oauth_timestamp` as an integer number of seconds. PHP numeric strings are accepted
/// (surrounding whitespace, sign, a fraction or exponent, floored); anything else is
/// "Invalid timestamp." (stricter than WooCommerce, which falls back to comparing strings).
pub fn parse_timestamp(s: &str) -> Result<i64, WcAuthError> {
    let t = s.trim_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if let Ok(v) = t.parse::<i64>() {
        return Ok(v);
    }
    let numeric = !t.is_empty()
        && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && t.bytes().any(|b| b.is_ascii_digit());
    match t.parse::<f64>() {
        Ok(v) if numeric && v.is_finite() && v.abs() < 9.0e18 => Ok(v.floor() as i64),
        _ => Err(WcAuthError::InvalidTimestamp),
    }
}

/// `check_oauth_timestamp_and_nonce()`: the timestamp must be within
/// [`VALID_WINDOW_SECS`] of `now` (inclusive), and the nonce must not have been recorded in
/// `seen` (which should be scoped to one consumer key, see [`NonceCache::for_key`]). On success
/// the nonce is recorded until `ts + VALID_WINDOW_SECS`, the moment WooCommerce forgets it and a
/// replay would fail the timestamp check anyway.
pub fn check_timestamp_and_nonce(ts: i64, now: i64, nonce: &str, seen: &mut dyn NonceStore) -> Result<(), WcAuthError> {
    if ts < now.saturating_sub(VALID_WINDOW_SECS) || ts > now.saturating_add(VALID_WINDOW_SECS) {
        return Err(WcAuthError::InvalidTimestamp);
    }
    if seen.check_and_record(nonce, ts.saturating_add(VALID_WINDOW_SECS), now) {
        Ok(())
    } else {
        Err(WcAuthError::NonceUsed)
    }
}

/// Storage of used nonces for one consumer key.
pub trait NonceStore {
    /// Returns `false` when `nonce` is already recorded and not expired at `now` (a replay).
    /// Otherwise records it as used until `expires_at` (inclusive) and returns `true`.
    fn check_and_record(&mut self, nonce: &str, expires_at: i64, now: i64) -> bool;
}

/// Thread-safe, bounded, in-memory nonce memory keyed by (consumer key, nonce).
///
/// Entries expire after their `expires_at`. When full (after dropping expired entries) the
/// entry closest to expiry is evicted, so under a flood of valid, signed requests beyond
/// `capacity` per window, replay protection degrades for the oldest nonces rather than
/// refusing service. Only requests whose signature verified should reach it.
#[derive(Debug)]
pub struct NonceCache {
    capacity: usize,
    inner: Mutex<NonceInner>,
}

#[derive(Debug, Default)]
struct NonceInner {
    by_key: HashMap<String, HashMap<String, i64>>,
    by_expiry: BTreeSet<(i64, String, String)>,
}

impl NonceInner {
    fn remove_entry(&mut self, expires_at: i64, key: String, nonce: String) {
        if let Some(map) = self.by_key.get_mut(&key) {
            if map.get(&nonce) == Some(&expires_at) {
                map.remove(&nonce);
            }
            if map.is_empty() {
                self.by_key.remove(&key);
            }
        }
    }

    fn purge(&mut self, now: i64) {
        while let Some(first) = self.by_expiry.first() {
            if first.0 >= now {
                break;
            }
            let (exp, key, nonce) = self.by_expiry.pop_first().expect("checked non-empty");
            self.remove_entry(exp, key, nonce);
        }
    }
}

/// Default [`NonceCache`] capacity.
pub const DEFAULT_NONCE_CAPACITY: usize = 100_000;

impl Default for NonceCache {
    fn default() -> Self {
        NonceCache::new(DEFAULT_NONCE_CAPACITY)
    }
}

impl NonceCache {
    /// A cache holding at most `capacity` (at least 1) unexpired nonces.
    pub fn new(capacity: usize) -> Self {
        NonceCache { capacity: capacity.max(1), inner: Mutex::new(NonceInner::default()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, NonceInner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// [`NonceStore::check_and_record`] for `consumer_key` (use the stored key hash or key id).
    pub fn check_and_record(&self, consumer_key: &str, nonce: &str, expires_at: i64, now: i64) -> bool {
        let mut inner = self.lock();
        inner.purge(now);
        if inner.by_key.get(consumer_key).is_some_and(|m| m.contains_key(nonce)) {
            return false;
        }
        if expires_at < now {
            return true;
        }
        while inner.by_expiry.len() >= self.capacity {
            let Some((exp, key, old)) = inner.by_expiry.pop_first() else {
                break;
            };
            inner.remove_entry(exp, key, old);
        }
        inner.by_key.entry(consumer_key.to_owned()).or_default().insert(nonce.to_owned(), expires_at);
        inner.by_expiry.insert((expires_at, consumer_key.to_owned(), nonce.to_owned()));
        true
    }

    /// A [`NonceStore`] view scoped to one consumer key.
    pub fn for_key<'a>(&'a self, consumer_key: &'a str) -> KeyedNonces<'a> {
        KeyedNonces { cache: self, consumer_key }
    }

    /// Drops entries expired at `now`.
    pub fn purge_expired(&self, now: i64) {
        self.lock().purge(now);
    }

    /// Number of recorded (possibly expired, not yet purged) nonces.
    pub fn len(&self) -> usize {
        self.lock().by_expiry.len()
    }

    /// Whether no nonce is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The maximum number of entries.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// [`NonceCache`] scoped to one consumer key.
#[derive(Debug, Clone, Copy)]
pub struct KeyedNonces<'a> {
    cache: &'a NonceCache,
    consumer_key: &'a str,
}

impl NonceStore for KeyedNonces<'_> {
    fn check_and_record(&mut self, nonce: &str, expires_at: i64, now: i64) -> bool {
        self.cache.check_and_record(self.consumer_key, nonce, expires_at, now)
    }
}

/// `parse_header()` of WooCommerce: the `oauth_*` parameters of an `Authorization` header value
/// of the form `OAuth k="v", ...` (after trimming). Mirrors the regex
/// `/(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))/` and PHP `urldecode` (`+` is a space) of each value.
/// Returns nothing for other schemes. Append the result after query and body parameters.
pub fn parse_oauth_header(header_value: &str) -> Vec<(String, String)> {
    let h = header_value.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0b']);
    if !h.starts_with("OAuth ") {
        return Vec::new();
    }
    let b = h.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 6 <= b.len() {
        if &b[i..i + 6] != b"oauth_" {
            i += 1;
            continue;
        }
        let mut j = i + 6;
        while j < b.len() && (b[j].is_ascii_lowercase() || b[j] == b'_' || b[j] == b'-') {
            j += 1;
        }
        if j >= b.len() || b[j] != b'=' {
            i += 1;
            continue;
        }
        let name = &h[i..j];
        let v = j + 1;
        // First alternative: optional ':' then "..."; second: everything up to ','.
        let q = if b.get(v) == Some(&b':') { v + 1 } else { v };
        let quoted = (b.get(q) == Some(&b'"'))
            .then(|| b[q + 1..].iter().position(|&c| c == b'"').map(|p| (q + 1, q + 1 + p)))
            .flatten();
        let (value, end) = match quoted {
            // PHP uses the quoted group only when it is not empty() — "" and "0" give "".
            Some((s, e)) if &h[s..e] != "0" => (&h[s..e], e + 1),
            Some((_, e)) => ("", e + 1),
            None => {
                let e = b[v..].iter().position(|&c| c == b',').map_or(b.len(), |p| v + p);
                (&h[v..e], e)
            }
        };
        out.push((name.to_owned(), php_urldecode(value)));
        i = end.max(i + 1);
    }
    out
}

/// PHP `urldecode`: `+` is a space, `%XX` decoded, malformed escapes kept.
fn php_urldecode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_decode(plus.as_bytes()).decode_utf8_lossy().into_owned()
}

/// PHP `rawurlencode`.
pub fn rawurlencode(bytes: &[u8]) -> String {
    percent_encode(bytes, RAWURLENCODE).to_string()
}

// ---------------------------------------------------------------------------------------------
// A small model of PHP's request arrays.

#[derive(Clone, Debug, PartialEq, Eq)]
enum PhpValue {
    Str(String),
    Arr(PhpArray),
}

impl PhpValue {
    /// PHP `empty()`.
    fn is_empty(&self) -> bool {
        match self {
            PhpValue::Str(s) => s.is_empty() || s == "0",
            PhpValue::Arr(a) => a.entries.is_empty(),
        }
    }

    /// `wc_rest_urlencode_rfc3986` applied to a value (recursively; inner keys untouched).
    fn encoded(&self) -> PhpValue {
        match self {
            PhpValue::Str(s) => PhpValue::Str(rawurlencode(s.as_bytes())),
            PhpValue::Arr(a) => PhpValue::Arr(PhpArray {
                entries: a.entries.iter().map(|(k, v)| (k.clone(), v.encoded())).collect(),
                next_index: a.next_index,
            }),
        }
    }
}

/// An ordered PHP array with string keys (integer keys kept in canonical decimal form).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct PhpArray {
    entries: Vec<(String, PhpValue)>,
    /// `nNextFreeElement`: one past the largest integer key, `None` before any.
    next_index: Option<i64>,
}

/// PHP's canonical integer-string test (`"0"`, `"-12"`; not `"012"`, `"-0"`, `"+1"`).
fn php_int_key(k: &str) -> Option<i64> {
    let digits = k.strip_prefix('-').unwrap_or(k);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    if k == "-0" {
        return None;
    }
    k.parse::<i64>().ok()
}

impl PhpArray {
    /// The array PHP builds from `name=value` pairs (one of `$_GET` / `$_POST`).
    fn parse_raw(params: &[(String, String)]) -> PhpArray {
        let mut arr = PhpArray::default();
        for (name, value) in params {
            arr.register_variable(name, value);
        }
        arr
    }

    fn from_params(params: &[(String, String)]) -> PhpArray {
        let mut arr = PhpArray::parse_raw(params);
        // array_merge($_GET, $_POST) renumbers top-level integer keys from 0.
        let mut n = 0i64;
        for (k, _) in arr.entries.iter_mut() {
            if php_int_key(k).is_some() {
                *k = n.to_string();
                n += 1;
            }
        }
        arr.next_index = (n > 0).then_some(n);
        arr
    }

    /// `array_merge($this, $other)`: integer keys are appended (renumbered), string keys
    /// replace in place.
    fn merge(&mut self, other: PhpArray) {
        for (k, v) in other.entries {
            if php_int_key(&k).is_some() {
                let key = self.append_key();
                self.set(key, v);
            } else {
                self.set(k, v);
            }
        }
    }

    /// Flattens back to `name=value` pairs that [`PhpArray::parse_raw`] turns into this array.
    fn flatten(&self, prefix: Option<&str>, out: &mut Vec<(String, String)>) {
        for (k, v) in &self.entries {
            let name = match prefix {
                Some(p) => format!("{p}[{k}]"),
                None => k.clone(),
            };
            match v {
                PhpValue::Str(s) => out.push((name, s.clone())),
                PhpValue::Arr(a) => a.flatten(Some(&name), out),
            }
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    fn get(&self, key: &str) -> Option<&PhpValue> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    fn remove(&mut self, key: &str) -> Option<PhpValue> {
        self.position(key).map(|i| self.entries.remove(i).1)
    }

    fn note_key(&mut self, key: &str) {
        if let Some(n) = php_int_key(key) {
            let next = n.saturating_add(1);
            if self.next_index.is_none_or(|cur| next > cur) {
                self.next_index = Some(next);
            }
        }
    }

    fn append_key(&self) -> String {
        self.next_index.unwrap_or(0).to_string()
    }

    /// Sets `key` (in place when present, appended otherwise).
    fn set(&mut self, key: String, value: PhpValue) {
        self.note_key(&key);
        match self.position(&key) {
            Some(i) => self.entries[i].1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// The array at `key`, created (or replacing a string) when needed.
    fn child(&mut self, key: String) -> &mut PhpArray {
        self.note_key(&key);
        let i = match self.position(&key) {
            Some(i) => {
                if !matches!(self.entries[i].1, PhpValue::Arr(_)) {
                    self.entries[i].1 = PhpValue::Arr(PhpArray::default());
                }
                i
            }
            None => {
                self.entries.push((key, PhpValue::Arr(PhpArray::default())));
                self.entries.len() - 1
            }
        };
        match &mut self.entries[i].1 {
            PhpValue::Arr(a) => a,
            PhpValue::Str(_) => unreachable!("just made an array"),
        }
    }

    /// `php_register_variable_ex()`: stores `value` under the PHP-parsed `name`.
    fn register_variable(&mut self, name: &str, value: &str) {
        let name = name.split('\0').next().unwrap_or("");
        let name = name.trim_start_matches(' ');
        let (base_raw, rest) = match name.find('[') {
            Some(i) => (&name[..i], Some(&name[i..])),
            None => (name, None),
        };
        if base_raw.is_empty() {
            return;
        }
        let base: String = base_raw.chars().map(|c| if c == ' ' || c == '.' { '_' } else { c }).collect();
        let Some(rest) = rest else {
            self.set(base, PhpValue::Str(value.to_owned()));
            return;
        };
        // rest starts with '['.
        let mut indices: Vec<Option<String>> = Vec::new();
        let mut pos = 0usize;
        let rb = rest.as_bytes();
        loop {
            let start = pos + 1;
            // PHP skips one whitespace character after '[' when looking for an append ("[ ]").
            let skip =
                if rb.get(start).is_some_and(|&c| c.is_ascii_whitespace() || c == b'\x0b') { start + 1 } else { start };
            let append = rb.get(skip) == Some(&b']');
            let found = if append { Some(skip) } else { rest[start..].find(']').map(|p| start + p) };
            let Some(close) = found else {
                if indices.is_empty() {
                    // Not an index: the '[' and the rest become part of a plain name.
                    let tail: String =
                        rest[1..].chars().map(|c| if matches!(c, ' ' | '.' | '[') { '_' } else { c }).collect();
                    self.set(format!("{base}_{tail}"), PhpValue::Str(value.to_owned()));
                    return;
                }
                break;
            };
            indices.push((!append).then(|| rest[start..close].to_owned()));
            pos = close + 1;
            if indices.len() > MAX_INPUT_NESTING_LEVEL {
                self.remove(&base);
                return;
            }
            if rb.get(pos) != Some(&b'[') {
                break;
            }
        }
        let mut target = self.child(base);
        let last = indices.len() - 1;
        for (n, index) in indices.into_iter().enumerate() {
            let key = index.unwrap_or_else(|| target.append_key());
            if n == last {
                target.set(key, PhpValue::Str(value.to_owned()));
                break;
            }
            target = target.child(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr_json(a: &PhpArray) -> String {
        let mut s = String::from("{");
        for (i, (k, v)) in a.entries.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!("{k:?}:"));
            match v {
                PhpValue::Str(x) => s.push_str(&format!("{x:?}")),
                PhpValue::Arr(inner) => s.push_str(&arr_json(inner)),
            }
        }
        s.push('}');
        s
    }

    fn parse(q: &str) -> String {
        arr_json(&PhpArray::from_params(&form_pairs(q)))
    }

    fn form_pairs(q: &str) -> Vec<(String, String)> {
        q.split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (php_urldecode(k), php_urldecode(v))
            })
            .collect()
    }

    /// Expected values observed with PHP 8.2 `parse_str` + `array_merge`.
    #[test]
    fn php_variable_names() {
        assert_eq!(parse("a.b=1"), r#"{"a_b":"1"}"#);
        assert_eq!(parse("%20a=1"), r#"{"a":"1"}"#);
        assert_eq!(parse("a[b=1"), r#"{"a_b":"1"}"#);
        assert_eq!(parse("a[b.c=1"), r#"{"a_b_c":"1"}"#);
        assert_eq!(parse("a[b]c=1"), r#"{"a":{"b":"1"}}"#);
        assert_eq!(parse("a[]=1&a[]=2"), r#"{"a":{"0":"1","1":"2"}}"#);
        assert_eq!(parse("a[][x]=1&a[][x]=2"), r#"{"a":{"0":{"x":"1"},"1":{"x":"2"}}}"#);
        assert_eq!(parse("a[b.c]=1"), r#"{"a":{"b.c":"1"}}"#);
        assert_eq!(parse("0[x]=1"), r#"{"0":{"x":"1"}}"#);
        assert_eq!(parse("5=x&b=y"), r#"{"0":"x","b":"y"}"#);
        assert_eq!(parse("a[x]=1&a=2"), r#"{"a":"2"}"#);
        assert_eq!(parse("a=1&a[x]=2"), r#"{"a":{"x":"2"}}"#);
        assert_eq!(parse("a[x[y]]=1"), r#"{"a":{"x[y":"1"}}"#);
        assert_eq!(parse("a[b][c=1"), r#"{"a":{"b":"1"}}"#);
        assert_eq!(parse("a[5]=1&a[]=2&a[x]=3&a[]=4"), r#"{"a":{"5":"1","6":"2","x":"3","7":"4"}}"#);
        assert_eq!(parse("=1&[x]=2"), r#"{}"#);
        assert_eq!(parse("a[-3]=1&a[]=2"), r#"{"a":{"-3":"1","-2":"2"}}"#);
        assert_eq!(parse("a[]=1&a[5]=2&a[]=3"), r#"{"a":{"0":"1","5":"2","6":"3"}}"#);
        assert_eq!(parse("a..b[c=1"), r#"{"a__b_c":"1"}"#);
        assert_eq!(parse("a[07]=1&a[]=2"), r#"{"a":{"07":"1","0":"2"}}"#);
        assert_eq!(parse("a=1&b=2&a=3"), r#"{"a":"3","b":"2"}"#);
        assert_eq!(parse("a[b]=1&a[b][c]=2"), r#"{"a":{"b":{"c":"2"}}}"#);
        assert_eq!(parse("a[]=1&a=2&a[]=3"), r#"{"a":{"0":"3"}}"#);
        assert_eq!(parse("a%5Bb%5D=1"), r#"{"a":{"b":"1"}}"#);
        assert_eq!(parse("a%00b=1"), r#"{"a":"1"}"#);
        assert_eq!(parse("a+b[c+d]=1"), r#"{"a_b":{"c d":"1"}}"#);
        assert_eq!(parse("a[]"), r#"{"a":{"0":""}}"#);
        assert_eq!(parse("a[+]=1"), r#"{"a":{"0":"1"}}"#);
        assert_eq!(parse("a.[+]=1"), r#"{"a_":{"0":"1"}}"#);
        assert_eq!(parse("a[+b]=1"), r#"{"a":{" b":"1"}}"#);
        assert_eq!(parse("a[++]=1"), r#"{"a":{"  ":"1"}}"#);
        assert_eq!(parse("a[%09]=1"), r#"{"a":{"0":"1"}}"#);
        assert_eq!(parse("a[b][+]=1"), r#"{"a":{"b":{"0":"1"}}}"#);
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("1700000000"), Ok(1_700_000_000));
        assert_eq!(parse_timestamp(" 1700000000 "), Ok(1_700_000_000));
        assert_eq!(parse_timestamp("1.7e9"), Ok(1_700_000_000));
        assert_eq!(parse_timestamp("abc"), Err(WcAuthError::InvalidTimestamp));
        assert_eq!(parse_timestamp(""), Err(WcAuthError::InvalidTimestamp));
        assert_eq!(parse_timestamp("inf"), Err(WcAuthError::InvalidTimestamp));
    }
}
