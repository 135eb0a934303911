//! Session rules: cart-key cleaning and limits (CONTRACT §A.2, §E.1, POLICY F5) and the
//! sliding expiry (§E.2, §E.5).

use crate::php::sanitize_key;

/// Keys longer than this cannot be stored (CoCart's `char(42)` column).
pub const MAX_CART_KEY_LEN: usize = 42;

/// A client-sent cart key after CoCart's cleaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CleanKey {
    /// Empty after cleaning: treated as absent.
    Absent,
    Key(String),
    /// Over 42 characters after cleaning (POLICY F5).
    TooLong,
}

pub fn clean_cart_key(raw: &str) -> CleanKey {
    let key = sanitize_key(raw.trim());
    if key.is_empty() {
        CleanKey::Absent
    } else if key.len() > MAX_CART_KEY_LEN {
        CleanKey::TooLong
    } else {
        CleanKey::Key(key)
    }
}

/// The two expiry timestamps carried by the cookie and the response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    /// When the cart expires (`cart_expiration`).
    pub expiration: i64,
    /// After this time the expiry is slid forward (`cart_expiring`).
    pub expiring: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryPolicy {
    /// Seconds until a cart expires (CoCart: 7 days).
    pub expiration_secs: i64,
    /// Seconds until the expiry is refreshed (CoCart: 6 days).
    pub expiring_secs: i64,
}

impl Default for ExpiryPolicy {
    fn default() -> Self {
        ExpiryPolicy { expiration_secs: 7 * 86_400, expiring_secs: 6 * 86_400 }
    }
}

impl ExpiryPolicy {
    pub fn fresh(&self, now: i64) -> Expiry {
        Expiry { expiration: now + self.expiration_secs, expiring: now + self.expiring_secs }
    }

    /// §E.2 step 4: slide when `now > expiring` or the cookie gave no expiry.
    pub fn refresh(&self, now: i64, from_cookie: Option<Expiry>) -> (Expiry, bool) {
        match from_cookie {
            Some(e) if now <= e.expiring => (e, false),
            _ => (self.fresh(now), true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning() {
        assert_eq!(clean_cart_key("A538D6"), CleanKey::Key("a538d6".into()));
        assert_eq!(clean_cart_key("!!"), CleanKey::Absent);
        assert_eq!(clean_cart_key(&"a".repeat(43)), CleanKey::TooLong);
        assert_eq!(clean_cart_key(&"a".repeat(42)), CleanKey::Key("a".repeat(42)));
    }

    #[test]
    fn sliding() {
        let p = ExpiryPolicy::default();
        let e = p.fresh(100);
        assert_eq!(e.expiration - e.expiring, 86_400);
        assert_eq!(p.refresh(200, Some(e)), (e, false));
        assert!(p.refresh(e.expiring + 1, Some(e)).1);
        assert!(p.refresh(200, None).1);
    }
}
