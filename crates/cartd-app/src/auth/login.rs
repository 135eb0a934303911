//! Who is calling: checks a request's credentials (Basic login or e-mail + password, a JWT,
//! a WooCommerce consumer key) against the user store (CONTRACT §F, POLICY §2), with
//! WordPress's input cleaning, constant-time behaviour for unknown users, rehashing of
//! legacy hashes, and a limit on repeated failures.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use cartd_store::{StoreError, User, UserStore};

use crate::auth::jwt::{self, JwtConfig, JwtError, LoginError};
use crate::auth::oauth1::{self, NonceCache, OAuthRequest};
use crate::auth::passwords::{dummy_verify_blocking, hash_password_blocking, verify_password_blocking};
use crate::auth::wc_keys::{self, Permission, WcAuthError};

/// Credentials found on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// Basic authentication or `username`/`password` parameters.
    Password { username: String, password: String },
    /// `Authorization: Bearer …`.
    Bearer(String),
    /// A WooCommerce consumer key and secret (Basic `ck_…:cs_…` or query parameters).
    ConsumerKey { key: String, secret: String },
    /// An OAuth 1.0a one-legged request signed with a consumer key (see [`OAuthRequest`]).
    OAuth { method: String, url: String, params: Vec<(String, String)> },
}

#[derive(Debug)]
pub enum AuthOutcome {
    User(Box<User>),
    /// The credentials name nobody (an e-mail without an account): a guest (§F.1 quirk).
    Guest,
    /// Wrong credentials: `401 cocart_authentication_error`.
    Invalid,
    Jwt(JwtError),
    WcKey(WcAuthError),
    /// Too many failures: answer 429 with `Retry-After` seconds.
    TooManyAttempts {
        retry_after: i64,
    },
    Store(StoreError),
}

/// Limits on failed logins, per login name and per client address.
#[derive(Debug, Clone, Copy)]
pub struct FailureLimits {
    pub per_login: u32,
    pub per_address: u32,
    pub window_secs: i64,
}

impl Default for FailureLimits {
    fn default() -> Self {
        FailureLimits { per_login: 10, per_address: 50, window_secs: 300 }
    }
}

/// Sliding-window counters of recent failures.
#[derive(Default)]
pub struct FailureLimiter {
    limits: FailureLimits,
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl FailureLimiter {
    pub fn new(limits: FailureLimits) -> Self {
        FailureLimiter { limits, failures: Mutex::new(HashMap::new()) }
    }

    fn keys(login: &str, address: IpAddr) -> [(String, bool); 2] {
        [(format!("login:{}", login.to_lowercase()), true), (format!("addr:{address}"), false)]
    }

    /// Seconds to wait before another attempt is allowed, if any.
    pub fn blocked(&self, login: &str, address: IpAddr, now: i64) -> Option<i64> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let window = self.limits.window_secs;
        Self::keys(login, address).into_iter().find_map(|(key, is_login)| {
            let limit = if is_login { self.limits.per_login } else { self.limits.per_address } as usize;
            let times = failures.get_mut(&key)?;
            while times.front().is_some_and(|t| *t <= now - window) {
                times.pop_front();
            }
            (times.len() >= limit).then(|| times.front().map(|t| t + window - now).unwrap_or(window).max(1))
        })
    }

    pub fn record_failure(&self, login: &str, address: IpAddr, now: i64) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > 100_000 {
            let window = self.limits.window_secs;
            failures.retain(|_, times| times.back().is_some_and(|t| *t > now - window));
        }
        for (key, _) in Self::keys(login, address) {
            failures.entry(key).or_default().push_back(now);
        }
    }
}

/// WordPress `sanitize_user` (non-strict): tags, `%XX` octets and entities removed, only
/// letters, digits, space and `_ . - @` kept, whitespace collapsed and trimmed.
pub fn sanitize_user(username: &str) -> String {
    let text = cartd_domain::php::strip_tags(username);
    let text = remove_octets_and_entities(&text);
    let kept: String =
        text.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '-' | '@')).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// WordPress `sanitize_text_field` as applied to passwords: tags and `%XX` octets removed,
/// whitespace collapsed and trimmed.
pub fn sanitize_text_field(text: &str) -> String {
    let text = sanitize_text_octets(&cartd_domain::php::strip_tags(text));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn remove_octets_and_entities(text: &str) -> String {
    let without_octets = sanitize_text_octets(text);
    let mut out = String::with_capacity(without_octets.len());
    let mut rest = without_octets.as_str();
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        match tail.find(';') {
            Some(end) if end > 1 && tail[1..end].chars().all(|c| c.is_ascii_alphanumeric() || c == '#') => {
                rest = &tail[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn sanitize_text_octets(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            i += 3;
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

pub struct Authenticator {
    pub jwt: JwtConfig,
    pub limiter: FailureLimiter,
    /// OAuth nonces seen within WooCommerce's 15-minute window, per consumer key.
    pub nonces: NonceCache,
}

/// What checking a login (or e-mail) and password found.
enum PasswordCheck {
    Valid(User),
    /// No account has this login or e-mail address.
    Unknown,
    /// The account exists; the password is wrong.
    WrongPassword(User),
    Blocked(i64),
    Store(StoreError),
}

impl Authenticator {
    pub fn new(jwt: JwtConfig, limits: FailureLimits) -> Self {
        Authenticator { jwt, limiter: FailureLimiter::new(limits), nonces: NonceCache::default() }
    }

    /// Check one credential. `method` is the effective HTTP method (key permissions).
    pub async fn authenticate<S: UserStore>(
        &self,
        store: &S,
        credential: Credential,
        method: &str,
        address: IpAddr,
        now: i64,
    ) -> AuthOutcome {
        match credential {
            Credential::Password { username, password } => {
                self.password_login(store, &username, &password, address, now).await
            }
            Credential::Bearer(token) => match jwt::validate(&self.jwt, &token, now) {
                Ok(id) => match store.user_by_id(id).await {
                    Ok(Some(user)) => AuthOutcome::User(Box::new(user)),
                    Ok(None) => AuthOutcome::Jwt(JwtError::BadRequest),
                    Err(e) => AuthOutcome::Store(e),
                },
                Err(e) => AuthOutcome::Jwt(e),
            },
            Credential::ConsumerKey { key, secret } => {
                let api_key = match find_api_key(store, &key).await {
                    Ok(api_key) => api_key,
                    Err(outcome) => return outcome,
                };
                if let Err(e) = wc_keys::verify_consumer_secret(&api_key.consumer_secret, &secret) {
                    return AuthOutcome::WcKey(e);
                }
                key_owner(store, &api_key, method).await
            }
            Credential::OAuth { method: signed_method, url, params } => {
                let request = OAuthRequest { method: &signed_method, url: &url, params };
                self.oauth_login(store, &request, method, now).await
            }
        }
    }

    /// WooCommerce's `perform_oauth_authentication`: parameters, key, signature, then the
    /// timestamp and nonce (only after the signature matched), then the key's permission.
    async fn oauth_login<S: UserStore>(
        &self,
        store: &S,
        request: &OAuthRequest<'_>,
        method: &str,
        now: i64,
    ) -> AuthOutcome {
        let oauth = match oauth1::required_params(&request.params) {
            Ok(Some(oauth)) => oauth,
            Ok(None) => return AuthOutcome::Guest,
            Err(e) => return AuthOutcome::WcKey(e),
        };
        let api_key = match find_api_key(store, &oauth.consumer_key).await {
            Ok(api_key) => api_key,
            Err(outcome) => return outcome,
        };
        let checked = oauth1::verify(request, &api_key.consumer_secret)
            .and_then(|()| oauth1::parse_timestamp(&oauth.timestamp))
            .and_then(|timestamp| {
                let mut seen = self.nonces.for_key(&api_key.consumer_key_hash);
                oauth1::check_timestamp_and_nonce(timestamp, now, &oauth.nonce, &mut seen)
            });
        match checked {
            Ok(()) => key_owner(store, &api_key, method).await,
            Err(e) => AuthOutcome::WcKey(e),
        }
    }

    /// §F.1: login or e-mail plus password (CoCart's cleaning), checked off the async threads.
    pub async fn password_login<S: UserStore>(
        &self,
        store: &S,
        username: &str,
        password: &str,
        address: IpAddr,
        now: i64,
    ) -> AuthOutcome {
        let username = sanitize_user(username);
        match self.check_password(store, &username, sanitize_text_field(password), address, now).await {
            PasswordCheck::Valid(user) => AuthOutcome::User(Box::new(user)),
            // An e-mail with no account is "no credentials" (§F.1).
            PasswordCheck::Unknown if username.contains('@') => AuthOutcome::Guest,
            PasswordCheck::Unknown => {
                self.limiter.record_failure(&username, address, now);
                AuthOutcome::Invalid
            }
            PasswordCheck::WrongPassword(_) => AuthOutcome::Invalid,
            PasswordCheck::Blocked(retry_after) => AuthOutcome::TooManyAttempts { retry_after },
            PasswordCheck::Store(e) => AuthOutcome::Store(e),
        }
    }

    /// `POST /jwt-auth/v1/token`: WordPress's `wp_authenticate` (login cleaned, password
    /// trimmed) with its error codes and messages. Success is `AuthOutcome::User`.
    pub async fn token_login<S: UserStore>(
        &self,
        store: &S,
        username: &str,
        password: &str,
        address: IpAddr,
        now: i64,
    ) -> AuthOutcome {
        if self.jwt.secret.is_empty() {
            return AuthOutcome::Jwt(JwtError::BadConfig);
        }
        let username = sanitize_user(username);
        let password = password.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0b']).to_string();
        let failed = |error: LoginError| AuthOutcome::Jwt(JwtError::AuthFailed(error));
        if php_empty(&username) {
            return failed(LoginError::EmptyUsername);
        }
        if php_empty(&password) {
            return failed(LoginError::EmptyPassword);
        }
        let lost_password_url = format!("{}/wp-login.php?action=lostpassword", self.jwt.issuer.trim_end_matches('/'));
        let by_email = username.contains('@');
        match self.check_password(store, &username, password, address, now).await {
            PasswordCheck::Valid(user) => AuthOutcome::User(Box::new(user)),
            PasswordCheck::Unknown => {
                self.limiter.record_failure(&username, address, now);
                failed(if by_email { LoginError::InvalidEmail } else { LoginError::InvalidUsername { username } })
            }
            PasswordCheck::WrongPassword(user) if by_email && !user.login.eq_ignore_ascii_case(&username) => {
                failed(LoginError::IncorrectPasswordForEmail { email: username, lost_password_url })
            }
            PasswordCheck::WrongPassword(_) => failed(LoginError::IncorrectPassword { username, lost_password_url }),
            PasswordCheck::Blocked(retry_after) => AuthOutcome::TooManyAttempts { retry_after },
            PasswordCheck::Store(e) => AuthOutcome::Store(e),
        }
    }

    /// The shared check: the failure limit, the lookup by login or e-mail (an unknown user
    /// costs as much as a real check), the hash, and the upgrade of a legacy hash. A wrong
    /// password is recorded as a failure here; an unknown user is left to the caller.
    async fn check_password<S: UserStore>(
        &self,
        store: &S,
        username: &str,
        password: String,
        address: IpAddr,
        now: i64,
    ) -> PasswordCheck {
        if let Some(retry_after) = self.limiter.blocked(username, address, now) {
            return PasswordCheck::Blocked(retry_after);
        }
        let user = match store.user_by_login_or_email(username).await {
            Ok(Some(user)) => user,
            Ok(None) => {
                dummy_verify_blocking(password).await;
                return PasswordCheck::Unknown;
            }
            Err(e) => return PasswordCheck::Store(e),
        };
        let verification = verify_password_blocking(password.clone(), user.password_hash.clone()).await;
        if !verification.ok {
            self.limiter.record_failure(username, address, now);
            return PasswordCheck::WrongPassword(user);
        }
        if verification.needs_rehash {
            let hash = hash_password_blocking(password).await;
            if let Err(e) = store.set_password_hash(user.id, &hash).await {
                tracing::warn!(user = user.id, error = %e, "could not upgrade a password hash");
            }
        }
        PasswordCheck::Valid(user)
    }
}

/// PHP `empty()` of a string.
fn php_empty(s: &str) -> bool {
    s.is_empty() || s == "0"
}

/// The key whose `wc_api_hash` matches, or "Consumer key is invalid.".
async fn find_api_key<S: UserStore>(store: &S, consumer_key: &str) -> Result<cartd_store::ApiKey, AuthOutcome> {
    match store.api_key_by_hash(&wc_keys::hash_consumer_key(consumer_key)).await {
        Ok(Some(api_key)) => Ok(api_key),
        Ok(None) => Err(AuthOutcome::WcKey(WcAuthError::ConsumerKeyInvalid)),
        Err(e) => Err(AuthOutcome::Store(e)),
    }
}

/// The key's owner, if the key's permission allows `method`.
async fn key_owner<S: UserStore>(store: &S, api_key: &cartd_store::ApiKey, method: &str) -> AuthOutcome {
    let permission = api_key.permissions.parse::<Permission>().unwrap_or(Permission::Read);
    if let Err(e) = permission.check(method) {
        return AuthOutcome::WcKey(e);
    }
    match store.user_by_id(api_key.user_id).await {
        Ok(Some(user)) => AuthOutcome::User(Box::new(user)),
        Ok(None) => AuthOutcome::WcKey(WcAuthError::ConsumerKeyInvalid),
        Err(e) => AuthOutcome::Store(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_like_wordpress() {
        assert_eq!(sanitize_user(" <b>demo</b>  user "), "demo user");
        assert_eq!(sanitize_user("a%41b&amp;c!"), "abc");
        assert_eq!(sanitize_user("jane@example.com"), "jane@example.com");
        assert_eq!(sanitize_text_field("  pass  word%41<x>  "), "pass word");
    }

    #[test]
    fn failures_are_limited_per_login_and_address() {
        let limiter = FailureLimiter::new(FailureLimits { per_login: 3, per_address: 5, window_secs: 60 });
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for t in 0..3 {
            assert_eq!(limiter.blocked("demo", ip, t), None);
            limiter.record_failure("demo", ip, t);
        }
        assert_eq!(limiter.blocked("DEMO", ip, 10), Some(50));
        assert_eq!(limiter.blocked("demo", ip, 61), None);
        for t in 0..5 {
            limiter.record_failure(&format!("other{t}"), ip, 62);
        }
        assert!(limiter.blocked("fresh", ip, 63).is_some(), "the address limit applies to any login");
    }
}
