//! Users and WooCommerce REST API keys: the use cases behind `cartd user add`,
//! `cartd user list`, `cartd keys create` and the `[[users]]` of the settings file, and the
//! checks they share (login, e-mail, role, password, stored hash).
//!
//! Rules, as WordPress applies them:
//! - A login is 1–60 characters of `A–Z a–z 0–9`, space, `_ . - @`, without leading,
//!   trailing or doubled spaces (what `sanitize_user($login, true)` leaves unchanged).
//!   Logins and e-mails are unique ignoring ASCII case.
//! - An e-mail must pass WordPress's `is_email()` and be at most 100 characters.
//! - A new password is trimmed like PHP's `trim()` before hashing (WordPress's
//!   `wp_hash_password` does, and a login layer must trim the same way before verifying); it
//!   must be non-empty after trimming and at most 4096 bytes, and free of what CoCart's
//!   login cleaning (`sanitize_text_field`) would alter (`<`, `%XX`, tabs, line breaks,
//!   runs of spaces). It is hashed with argon2id on the blocking pool.
//! - `nicename` is `sanitize_title()` of the first 50 characters of the login.

use cartd_domain::cart::Address;
use cartd_domain::php::sanitize_title;
use cartd_domain::settings::SettingsUser;
use cartd_store::{ApiKey, ImportSummary, StoreError, User, UserStore};

use crate::auth::passwords::{self, HashKind, MAX_PASSWORD_BYTES};
use crate::auth::wc_keys::{self, Permission};

/// The roles a user may have.
pub const ROLES: [&str; 3] = ["administrator", "shop_manager", "customer"];
/// WordPress's `user_login` limit.
pub const MAX_LOGIN_CHARS: usize = 60;
/// WordPress's `user_email` column width.
pub const MAX_EMAIL_CHARS: usize = 100;
/// WooCommerce's `woocommerce_api_keys.description` column width.
pub const MAX_KEY_DESCRIPTION_CHARS: usize = 200;

/// Why a user or key use case was refused.
#[derive(Debug, Clone, thiserror::Error)]
pub enum UserError {
    /// The input breaks a rule; the message says which.
    #[error("{0}")]
    Invalid(String),
    /// The login, e-mail or id is already taken.
    #[error("{0}")]
    Exists(String),
    /// No user has that login or e-mail address.
    #[error("no user has the login or e-mail address \"{0}\"")]
    UnknownUser(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What `cartd user add` asks for.
#[derive(Clone)]
pub struct NewUser {
    /// 0: the next free id.
    pub id: u64,
    pub login: String,
    pub email: String,
    /// One of [`ROLES`].
    pub role: String,
    /// `None` or empty: the login.
    pub display_name: Option<String>,
    /// The password in clear, as typed; never logged.
    pub password: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("id", &self.id)
            .field("login", &self.login)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("display_name", &self.display_name)
            .finish_non_exhaustive()
    }
}

/// A user as `cartd user list` shows it: no password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    pub id: u64,
    pub login: String,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
}

/// A key just created: `consumer_key` and `consumer_secret` are shown once and never again
/// (only the key's HMAC is stored).
#[derive(Clone)]
pub struct CreatedKey {
    pub key_id: i64,
    pub user_id: u64,
    pub login: String,
    pub permissions: Permission,
    pub description: String,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub truncated_key: String,
}

impl std::fmt::Debug for CreatedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedKey")
            .field("key_id", &self.key_id)
            .field("user_id", &self.user_id)
            .field("permissions", &self.permissions)
            .field("truncated_key", &self.truncated_key)
            .finish_non_exhaustive()
    }
}

/// Creates a user: checks every field, refuses a taken id, login or e-mail, hashes the
/// (trimmed) password with argon2id off the async threads and stores the user. Returns the
/// user id.
pub async fn add_user<S: UserStore>(store: &S, new: NewUser) -> Result<u64, UserError> {
    let login = new.login.trim().to_string();
    let email = new.email.trim().to_string();
    let role = new.role.trim().to_string();
    let mut problems = Vec::new();
    for check in [check_login(&login), check_email(&email), check_role(&role), check_new_password(&new.password)] {
        if let Err(problem) = check {
            problems.push(problem);
        }
    }
    if new.id > i64::MAX as u64 {
        problems.push(format!("the id must be at most {}", i64::MAX));
    }
    if !problems.is_empty() {
        return Err(UserError::Invalid(problems.join("; ")));
    }
    if new.id != 0 && store.user_by_id(new.id).await?.is_some() {
        return Err(UserError::Exists(format!("user {} already exists", new.id)));
    }
    for (field, value) in [("login", &login), ("e-mail address", &email)] {
        if let Some(other) = store.user_by_login_or_email(value).await?
            && (other.login.eq_ignore_ascii_case(value) || other.email.eq_ignore_ascii_case(value))
        {
            return Err(UserError::Exists(format!("the {field} \"{value}\" is already used by user {}", other.id)));
        }
    }
    let display_name = match new.display_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => login.clone(),
    };
    let password_hash = passwords::hash_password_blocking(passwords::php_trim(&new.password).to_string()).await;
    let user = User {
        id: new.id,
        nicename: nicename(&login),
        login,
        email,
        display_name,
        roles: vec![role],
        password_hash,
        billing: Address::default(),
        shipping: Address::default(),
    };
    store.save_user(user).await.map_err(clash_or_store)
}

/// Every user, in id order, without password hashes.
pub async fn list_users<S: UserStore>(store: &S) -> Result<Vec<UserSummary>, UserError> {
    let users = store.list_users().await?;
    Ok(users
        .into_iter()
        .map(|u| UserSummary { id: u.id, login: u.login, email: u.email, display_name: u.display_name, roles: u.roles })
        .collect())
}

/// Creates a WooCommerce REST API key for the user with that login or e-mail. Stores only
/// `wc_api_hash(consumer_key)`, the secret and the truncated key. `description` `None` or
/// empty: "cartd key for LOGIN".
pub async fn create_api_key<S: UserStore>(
    store: &S,
    user: &str,
    permissions: &str,
    description: Option<&str>,
) -> Result<CreatedKey, UserError> {
    let permissions = Permission::parse(permissions.trim()).ok_or_else(|| {
        UserError::Invalid(format!("permissions must be read, write or read_write, not \"{}\"", permissions.trim()))
    })?;
    let name = user.trim();
    let owner = store.user_by_login_or_email(name).await?.ok_or_else(|| UserError::UnknownUser(name.to_string()))?;
    let description = match description.map(str::trim) {
        Some(d) if !d.is_empty() => d.to_string(),
        _ => format!("cartd key for {}", owner.login),
    };
    if description.chars().count() > MAX_KEY_DESCRIPTION_CHARS {
        return Err(UserError::Invalid(format!(
            "the description is longer than {MAX_KEY_DESCRIPTION_CHARS} characters"
        )));
    }
    let key = wc_keys::generate();
    let key_id = store
        .save_api_key(ApiKey {
            key_id: 0,
            user_id: owner.id,
            description: description.clone(),
            permissions: permissions.as_str().to_string(),
            consumer_key_hash: key.key_hash.clone(),
            consumer_secret: key.consumer_secret.clone(),
            truncated_key: key.truncated_key.clone(),
        })
        .await?;
    Ok(CreatedKey {
        key_id,
        user_id: owner.id,
        login: owner.login,
        permissions,
        description,
        consumer_key: key.consumer_key,
        consumer_secret: key.consumer_secret,
        truncated_key: key.truncated_key,
    })
}

/// The stored form of a settings-file user (already checked by the settings loader).
pub fn user_from_settings(user: &SettingsUser) -> User {
    let display_name = if user.display_name.trim().is_empty() { user.login.clone() } else { user.display_name.clone() };
    User {
        id: user.id,
        login: user.login.clone(),
        email: user.email.clone(),
        display_name,
        nicename: nicename(&user.login),
        roles: vec![user.role.clone()],
        password_hash: user.password_hash.clone(),
        billing: user.billing.clone(),
        shipping: user.shipping.clone(),
    }
}

/// Upserts the users of a settings file by id (`cartd import settings`). Every login and
/// e-mail is first checked against the users already stored under other ids, so a clash is
/// reported before anything is written.
pub async fn import_settings_users<S: UserStore>(
    store: &S,
    users: &[SettingsUser],
) -> Result<ImportSummary, UserError> {
    let mut problems = Vec::new();
    let mut existing = Vec::with_capacity(users.len());
    for user in users {
        existing.push(store.user_by_id(user.id).await?.is_some());
        for (field, value) in [("login", &user.login), ("e-mail address", &user.email)] {
            if let Some(other) = store.user_by_login_or_email(value).await?
                && other.id != user.id
                && (other.login.eq_ignore_ascii_case(value) || other.email.eq_ignore_ascii_case(value))
                && !users.iter().any(|u| u.id == other.id)
            {
                problems.push(format!(
                    "users (id {}): the {field} \"{value}\" is already used by user {}",
                    user.id, other.id
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(UserError::Exists(problems.join("; ")));
    }
    let mut summary = ImportSummary::default();
    for (user, existed) in users.iter().zip(existing) {
        store.save_user(user_from_settings(user)).await.map_err(clash_or_store)?;
        if existed {
            summary.updated += 1;
        } else {
            summary.inserted += 1;
        }
    }
    Ok(summary)
}

/// A store refusal of a user write is a clash (the store checks logins and e-mails).
fn clash_or_store(e: StoreError) -> UserError {
    match e {
        StoreError::Data(message) => UserError::Exists(message),
        other => UserError::Store(other),
    }
}

/// WordPress's `user_nicename` for a new user: `sanitize_title()` of the first 50
/// characters of the login.
pub fn nicename(login: &str) -> String {
    let head: String = login.chars().take(50).collect();
    sanitize_title(&head)
}

/// A login WordPress's strict `sanitize_user()` leaves unchanged, 1 to 60 characters.
pub fn check_login(login: &str) -> Result<(), String> {
    if login.is_empty() {
        return Err("the login must not be empty".into());
    }
    if login.chars().count() > MAX_LOGIN_CHARS {
        return Err(format!("the login \"{login}\" is longer than {MAX_LOGIN_CHARS} characters"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '-' | '@');
    if !login.chars().all(allowed) || login.starts_with(' ') || login.ends_with(' ') || login.contains("  ") {
        return Err(format!(
            "the login \"{login}\" may only contain letters a-z, digits, single inner spaces and . _ - @"
        ));
    }
    Ok(())
}

/// WordPress's `is_email()`, plus the 100-character column limit.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("the e-mail address must not be empty".into());
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(format!("the e-mail address \"{email}\" is longer than {MAX_EMAIL_CHARS} characters"));
    }
    if !is_email(email) {
        return Err(format!("\"{email}\" is not a valid e-mail address"));
    }
    Ok(())
}

/// WordPress `is_email()` (without its filters).
fn is_email(email: &str) -> bool {
    if email.len() < 6 || !email.get(1..).is_some_and(|rest| rest.contains('@')) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c);
    if local.is_empty() || !local.chars().all(local_ok) {
        return false;
    }
    const TRIM: [char; 6] = [' ', '\t', '\n', '\r', '\0', '\x0B'];
    if domain.contains("..") || domain.trim_matches(|c| TRIM.contains(&c) || c == '.') != domain {
        return false;
    }
    let subs: Vec<&str> = domain.split('.').collect();
    subs.len() >= 2
        && subs.iter().all(|sub| {
            sub.trim_matches(|c| TRIM.contains(&c) || c == '-') == *sub
                && !sub.is_empty()
                && sub.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// One of [`ROLES`].
pub fn check_role(role: &str) -> Result<(), String> {
    if ROLES.contains(&role) {
        Ok(())
    } else {
        Err(format!("the role \"{role}\" is not one of administrator, shop_manager, customer"))
    }
}

/// A new password: at most 4096 bytes, not empty once trimmed, and unchanged by the
/// cleaning logins apply (CoCart's Basic authentication passes the password through
/// `sanitize_text_field`, which strips tags and `%XX` octets and collapses whitespace), so it
/// verifies on every login path.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("the password is longer than {MAX_PASSWORD_BYTES} bytes"));
    }
    let trimmed = passwords::php_trim(password);
    if trimmed.is_empty() {
        return Err("the password must not be empty".into());
    }
    let bytes = trimmed.as_bytes();
    let octet = bytes.windows(3).any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit());
    let odd_space = trimmed.chars().any(|c| c.is_whitespace() && c != ' ') || trimmed.contains("  ");
    if trimmed.contains('<') || octet || odd_space {
        return Err("the password contains `<`, a `%XX` sequence, a tab or line break, or a run of spaces, \
                    which login requests would alter; choose another"
            .into());
    }
    Ok(())
}

/// A stored hash given in a settings file: one of the formats a login can verify. The
/// message never repeats the value (it may be a password pasted by mistake).
pub fn check_password_hash(hash: &str) -> Result<(), String> {
    const FORMATS: &str = "argon2id ($argon2id$…), phpass ($P$…), WordPress bcrypt ($wp$2y$…) or bcrypt ($2y$…)";
    if hash.is_empty() {
        return Err(format!("password_hash must not be empty; give an {FORMATS} hash"));
    }
    if !hash.starts_with('$') {
        return Err(format!("password_hash looks like a plain password; give an {FORMATS} hash, never the password"));
    }
    if passwords::hash_kind(hash) == HashKind::Unknown {
        return Err(format!("password_hash is not an {FORMATS} hash"));
    }
    Ok(())
}

/// The password on the first line of piped input: the line without its `\n` or `\r\n`.
pub fn password_from_line(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_follow_sanitize_user() {
        for ok in ["alice", "Alice.Smith", "a", "bob@example.com", "j_doe-2", "first last", &"x".repeat(60)] {
            assert_eq!(check_login(ok), Ok(()), "{ok:?}");
        }
        for bad in ["", " alice", "alice ", "a  b", "zoë", "a<b>", "a%20b", "tab\there", &"x".repeat(61)] {
            assert!(check_login(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails_follow_is_email() {
        for ok in ["a@b.co", "alice@example.com", "first.last+tag@sub.example.org", "x'y@e-x.test"] {
            assert_eq!(check_email(ok), Ok(()), "{ok:?}");
        }
        for bad in [
            "",
            "a@b.c",
            "@example.com",
            "alice",
            "alice@example",
            "alice@exa..mple.com",
            "alice@.example.com",
            "alice@example.com.",
            "alice@-example.com",
            "alice@exam_ple.com",
            "al ice@example.com",
            "zoë@example.com",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_and_hashes() {
        assert!(check_new_password("").is_err());
        assert!(check_new_password(" \t ").is_err());
        assert_eq!(check_new_password("s3cret"), Ok(()));
        assert_eq!(check_new_password(&"p".repeat(4096)), Ok(()));
        assert!(check_new_password(&"p".repeat(4097)).is_err());
        assert_eq!(check_new_password(" correct horse battery staple "), Ok(()));
        assert_eq!(check_new_password("100% sure & > 5"), Ok(()));
        for bad in ["a<b", "<b>bold</b>", "a%41b", "two  spaces", "tab\there", "line\nbreak", "nb\u{a0}sp"] {
            assert!(check_new_password(bad).is_err(), "{bad:?}");
        }

        assert!(check_password_hash("").is_err());
        let plain = check_password_hash("hunter2").unwrap_err();
        assert!(plain.contains("plain password") && !plain.contains("hunter2"), "{plain}");
        assert!(check_password_hash("$1$abc$def").is_err());
        for ok in
            ["$argon2id$v=19$m=32768,t=2,p=1$x$y", "$P$BcartdtstgBDRpB8YRc4XtcedoCVmz/", "$wp$2y$10$x", "$2y$10$x"]
        {
            assert_eq!(check_password_hash(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn piped_password_lines() {
        assert_eq!(password_from_line("secret\n"), "secret");
        assert_eq!(password_from_line("secret\r\n"), "secret");
        assert_eq!(password_from_line("secret"), "secret");
        assert_eq!(password_from_line(" two words \n"), " two words ");
    }

    #[test]
    fn nicenames() {
        assert_eq!(nicename("Alice.Smith"), "alice-smith");
        assert_eq!(nicename("bob@example.com"), "bobexample-com");
        assert_eq!(nicename(&"x".repeat(60)), "x".repeat(50));
    }
}
