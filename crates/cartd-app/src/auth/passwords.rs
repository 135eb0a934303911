//! Password hashing and verification.
//!
//! New passwords are hashed with **argon2id** ([`hash_password`]). Verification
//! ([`verify_password`]) also accepts every format a WordPress/WooCommerce user table
//! can hold, so customers imported from a WordPress site keep their passwords:
//!
//! | [`HashKind`]  | stored value                                   | origin                         |
//! |---------------|------------------------------------------------|--------------------------------|
//! | `Argon2id`    | `$argon2id$v=19$…` (and legacy `$argon2i$…`)   | cartd, PHP `PASSWORD_ARGON2*`  |
//! | `Phpass`      | `$P$…` / `$H$…` (34 chars)                     | WordPress < 6.8, phpBB         |
//! | `WpBcrypt`    | `$wp$2y$…`                                     | WordPress ≥ 6.8                |
//! | `Bcrypt`      | `$2y$…`, `$2a$…`, `$2b$…`                      | PHP `password_hash`, plugins   |
//! | `Unknown`     | anything else (plain MD5, `*`, empty, …)       | never verifies                 |
//!
//! Whenever a password verifies against anything other than an argon2id hash with the
//! current parameters, [`Verification::needs_rehash`] is set: the caller should then
//! store `hash_password(password)` in place of the old hash (upgrade on login).
//!
//! # Blocking
//!
//! Hashing and verifying are deliberately CPU- and memory-heavy (≈ 50–100 ms and
//! 32 MiB per argon2id call, see [`ARGON2_M_COST_KIB`]). **Never call
//! [`hash_password`], [`verify_password`] or [`dummy_verify`] directly on an async
//! executor thread**: use the `*_blocking` helpers ([`hash_password_blocking`],
//! [`verify_password_blocking`], [`dummy_verify_blocking`]), which run the work on
//! tokio's blocking pool (`tokio::task::spawn_blocking`) and allow at most one
//! computation per CPU core at a time, so that a burst of logins queues instead of
//! allocating 32 MiB per request.
//!
//! # User enumeration
//!
//! When a login names an account that does not exist, call [`dummy_verify`] (or
//! [`dummy_verify_blocking`]) with the submitted password: it performs an argon2id
//! verification with the current parameters against a fixed hash, so the response
//! takes as long as a real argon2id verification. (Accounts still holding a legacy
//! phpass hash verify faster until their first login rehashes them.)
//!
//! # Whitespace
//!
//! Byte-exact, like WordPress's `wp_check_password`: nothing is trimmed here.
//! WordPress trims the password in `wp_hash_password` (so every WordPress hash is a hash
//! of the *trimmed* password) and in `wp_authenticate` before checking it. A login layer
//! that wants WordPress's behaviour should pass passwords through [`php_trim`] both when
//! setting and when checking them.
//!
//! # Limits
//!
//! Like WordPress (`wp_hash_password`/`wp_check_password`), passwords longer than
//! [`MAX_PASSWORD_BYTES`] never verify and cannot be hashed; callers should reject them
//! up front. Stored hashes whose cost exceeds [`MAX_ARGON2_M_COST_KIB`],
//! [`MAX_ARGON2_T_COST`], [`MAX_ARGON2_P_COST`], [`MAX_BCRYPT_COST`] or
//! [`MAX_PHPASS_COUNT_LOG2`] are refused rather than computed, so a corrupted or
//! planted hash cannot tie up the server; malformed hashes of any kind are simply
//! "not ok" — nothing in this module panics on a stored value.
//!
//! bcrypt follows PHP's `password_verify`: only the first 72 bytes of a password count
//! (WordPress's `$wp$` pre-hash exists to avoid exactly that). `$2a$`, `$2b$` and `$2y$`
//! are verified identically; `$2x$` (crypt_blowfish's emulation of its old sign-extension
//! bug) is not supported, and a `$2a$` hash that PHP made from a password containing
//! bytes ≥ 0x80 may fail to verify where crypt_blowfish's `$2a$` safety measure applied —
//! it fails closed, and such a customer resets the password.
//!
//! All comparisons of computed against stored digests are constant-time (`subtle`
//! for phpass, the `argon2`/`password-hash` and `bcrypt` crates' own constant-time
//! equality for the others).

use std::sync::{Arc, LazyLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha384;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

/// Argon2id memory cost in KiB (32 MiB).
///
/// Tuned for the 2-core production server (m = 32 MiB, t = 2, p = 1): in a release build
/// on this 2-core machine, one `hash_password`, `verify_password` or `dummy_verify`
/// measured **≈ 60–65 ms** (min and median of 15 runs, machine lightly loaded), rising to
/// 130–170 ms while other builds saturated both cores. Alternatives measured the same way:
/// m = 19 MiB, t = 2 (OWASP's minimum) ≈ 21–25 ms; m = 24 MiB, t = 2 ≈ 33 ms;
/// m = 46 MiB, t = 1 ≈ 64 ms; m = 64 MiB, t = 1 ≈ 87–100 ms; m = 64 MiB, t = 2 > 200 ms.
pub const ARGON2_M_COST_KIB: u32 = 32 * 1024;
/// Argon2id time cost (passes over memory).
pub const ARGON2_T_COST: u32 = 2;
/// Argon2id parallelism (lanes). 1: each hash runs on one core; concurrency comes
/// from handling several logins at once.
pub const ARGON2_P_COST: u32 = 1;
/// Argon2id output length in bytes.
pub const ARGON2_OUTPUT_LEN: usize = 32;

/// Longest password accepted, in bytes (WordPress's limit since 6.8).
pub const MAX_PASSWORD_BYTES: usize = 4096;

/// What [`hash_password`] returns for a password longer than [`MAX_PASSWORD_BYTES`]
/// (WordPress returns the same value): it matches no password.
pub const UNUSABLE_HASH: &str = "*";

/// Largest argon2 memory cost (KiB) of a stored hash that will be computed: 256 MiB.
pub const MAX_ARGON2_M_COST_KIB: u32 = 256 * 1024;
/// Largest argon2 time cost of a stored hash that will be computed.
pub const MAX_ARGON2_T_COST: u32 = 16;
/// Largest argon2 parallelism of a stored hash that will be computed.
pub const MAX_ARGON2_P_COST: u32 = 16;
/// Largest bcrypt cost of a stored hash that will be computed (PHP's default is 10,
/// 12 since PHP 8.4; cost 15 is ≈ 2 s here).
pub const MAX_BCRYPT_COST: u32 = 15;
/// Largest phpass iteration count (log2) of a stored hash that will be computed.
/// phpass allows up to 30; WordPress writes 13 (`$P$B`), phpBB 11 (`$H$9`).
pub const MAX_PHPASS_COUNT_LOG2: usize = 18;

/// The kinds of stored password hash this module recognises; see [`hash_kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashKind {
    /// Argon2 PHC string: `$argon2id$…`, also legacy `$argon2i$…`.
    Argon2id,
    /// phpass portable hash: `$P$…` (WordPress before 6.8) or `$H$…` (phpBB).
    Phpass,
    /// WordPress 6.8+: `$wp` followed by bcrypt of the HMAC-SHA384 pre-hash.
    WpBcrypt,
    /// Plain bcrypt: `$2y$…`, `$2a$…`, `$2b$…`.
    Bcrypt,
    /// Anything else; never verifies.
    Unknown,
}

/// Outcome of [`verify_password`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    /// The password matches the stored hash.
    pub ok: bool,
    /// `ok`, and the stored hash is not argon2id with the current parameters: the caller
    /// should replace it with `hash_password(password)`.
    pub needs_rehash: bool,
}

impl Verification {
    const FAILED: Self = Self { ok: false, needs_rehash: false };

    fn legacy(ok: bool) -> Self {
        Self { ok, needs_rehash: ok }
    }
}

const CURRENT_PARAMS: Params =
    match Params::new(ARGON2_M_COST_KIB, ARGON2_T_COST, ARGON2_P_COST, Some(ARGON2_OUTPUT_LEN)) {
        Ok(params) => params,
        Err(_) => panic!("invalid argon2 parameters"),
    };

/// The fixed hash [`dummy_verify`] verifies against: argon2id with the current
/// parameters, of a random password that was discarded. (Must be regenerated with
/// [`hash_password`] whenever the `ARGON2_*` constants change; a test checks this.)
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=32768,t=2,p=1$\
    H/88+gtg41JRxRXVHtf3Yw$jrMaRj9v3PByPvI3FQ53PFQJhNjeYZNuukOccxw/guM";

/// Hashes `password` for storage: an argon2id PHC string
/// (`$argon2id$v=19$m=32768,t=2,p=1$<salt>$<hash>`) with a fresh random 16-byte salt.
///
/// CPU-heavy (≈ 50–100 ms): call it through [`hash_password_blocking`] from async code.
/// Returns [`UNUSABLE_HASH`] for passwords longer than [`MAX_PASSWORD_BYTES`].
///
/// # Panics
/// If the operating system's random number generator fails, or the 32 MiB work area
/// cannot be allocated.
pub fn hash_password(password: &str) -> String {
    if password.len() > MAX_PASSWORD_BYTES {
        return UNUSABLE_HASH.to_owned();
    }
    Argon2::new(Algorithm::Argon2id, Version::V0x13, CURRENT_PARAMS)
        .hash_password(password.as_bytes())
        .expect("argon2id hashing with fixed valid parameters")
        .to_string()
}

/// Classifies a stored hash by its prefix (no other validation).
pub fn hash_kind(stored: &str) -> HashKind {
    let starts = |prefix: &str| stored.starts_with(prefix);
    if starts("$argon2id$") || starts("$argon2i$") {
        HashKind::Argon2id
    } else if starts("$P$") || starts("$H$") {
        HashKind::Phpass
    } else if starts("$wp$2y$") || starts("$wp$2a$") || starts("$wp$2b$") {
        HashKind::WpBcrypt
    } else if starts("$2y$") || starts("$2a$") || starts("$2b$") {
        HashKind::Bcrypt
    } else {
        HashKind::Unknown
    }
}

/// Checks `password` against a stored hash of any [`HashKind`].
///
/// CPU-heavy: call it through [`verify_password_blocking`] from async code. Never
/// panics, whatever `stored` holds.
pub fn verify_password(password: &str, stored: &str) -> Verification {
    if password.len() > MAX_PASSWORD_BYTES {
        return Verification::FAILED;
    }
    match hash_kind(stored) {
        HashKind::Argon2id => verify_argon2(password.as_bytes(), stored),
        HashKind::Phpass => Verification::legacy(verify_phpass(password.as_bytes(), stored)),
        // `wp_check_password`: pre-hash, then `password_verify(…, substr($hash, 3))`.
        HashKind::WpBcrypt => {
            Verification::legacy(verify_bcrypt(wp_prehash(password.as_bytes()).as_bytes(), &stored[3..]))
        }
        HashKind::Bcrypt => Verification::legacy(verify_bcrypt(password.as_bytes(), stored)),
        HashKind::Unknown => Verification::FAILED,
    }
}

/// Spends as long as verifying a password against a real argon2id hash with the current
/// parameters, and discards the result. Call it when the account being logged into does
/// not exist, so that response times do not reveal which accounts exist.
pub fn dummy_verify(password: &str) {
    std::hint::black_box(verify_password(password, DUMMY_HASH));
}

/// Trims `password` the way PHP's `trim()` does (space, `\t`, `\n`, `\r`, NUL and
/// vertical tab at both ends), as WordPress does before hashing or checking a password.
pub fn php_trim(password: &str) -> &str {
    password.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0B'])
}

/// [`hash_password`] on tokio's blocking pool.
///
/// # Panics
/// If called outside a tokio runtime, or if [`hash_password`] panics.
pub async fn hash_password_blocking(password: String) -> String {
    run_blocking(move || hash_password(&password)).await
}

/// [`verify_password`] on tokio's blocking pool.
///
/// # Panics
/// If called outside a tokio runtime.
pub async fn verify_password_blocking(password: String, stored: String) -> Verification {
    run_blocking(move || verify_password(&password, &stored)).await
}

/// [`dummy_verify`] on tokio's blocking pool.
///
/// # Panics
/// If called outside a tokio runtime.
pub async fn dummy_verify_blocking(password: String) {
    run_blocking(move || dummy_verify(&password)).await
}

/// At most one hash computation per core at a time: each argon2id call holds 32 MiB
/// for its duration, and more concurrent computations than cores would only make every
/// one of them slower.
static HASHING_PERMITS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores))
});

async fn run_blocking<T, F>(work: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let permit = Arc::clone(&HASHING_PERMITS).acquire_owned().await.expect("the hashing semaphore is never closed");
    // The permit moves into the closure, so it is held until the computation finishes
    // even if the awaiting future is dropped first.
    let task = tokio::task::spawn_blocking(move || {
        let result = work();
        drop(permit);
        result
    });
    match task.await {
        Ok(result) => result,
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        Err(err) => panic!("password hashing task did not complete: {err}"),
    }
}

// ---------------------------------------------------------------------------------------
// argon2

fn verify_argon2(password: &[u8], stored: &str) -> Verification {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verification::FAILED;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return Verification::FAILED;
    };
    if params.m_cost() > MAX_ARGON2_M_COST_KIB
        || params.t_cost() > MAX_ARGON2_T_COST
        || params.p_cost() > MAX_ARGON2_P_COST
    {
        return Verification::FAILED;
    }
    let algorithm = match parsed.algorithm.as_str() {
        "argon2id" => Algorithm::Argon2id,
        "argon2i" => Algorithm::Argon2i,
        _ => return Verification::FAILED,
    };
    // The hash's own algorithm, version and parameters are used; the instance's are not.
    let ok = Argon2::default().verify_password(password, &parsed).is_ok();
    let current = algorithm == Algorithm::Argon2id
        && parsed.version == Some(u32::from(Version::V0x13))
        && params.m_cost() == ARGON2_M_COST_KIB
        && params.t_cost() == ARGON2_T_COST
        && params.p_cost() == ARGON2_P_COST
        && params.output_len() == Some(ARGON2_OUTPUT_LEN)
        && params.keyid().is_empty()
        && params.data().is_empty();
    Verification { ok, needs_rehash: ok && !current }
}

// ---------------------------------------------------------------------------------------
// bcrypt (plain, and WordPress 6.8's `$wp` variant)

fn verify_bcrypt(password: &[u8], stored: &str) -> bool {
    // `$2y$10$` + 53 characters; the cost is checked before any work is done.
    let cost = stored
        .get(4..6)
        .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse::<u32>().ok());
    match cost {
        Some(cost) if cost <= MAX_BCRYPT_COST => {
            // Like PHP's `password_verify`, passwords are truncated at 72 bytes.
            bcrypt::verify(password, stored).unwrap_or(false)
        }
        _ => false,
    }
}

/// WordPress 6.8's bcrypt pre-hash: `base64_encode(hash_hmac('sha384', $password,
/// 'wp-sha384', true))` — 64 characters, so bcrypt's 72-byte limit never truncates it.
fn wp_prehash(password: &[u8]) -> String {
    let mut mac = Hmac::<Sha384>::new_from_slice(b"wp-sha384").expect("HMAC takes keys of any length");
    mac.update(password);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

// ---------------------------------------------------------------------------------------
// phpass portable hashes (`$P$`, `$H$`)

const ITOA64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// phpass's `CheckPassword` for portable hashes: recompute with the stored setting and
/// compare all 34 bytes in constant time.
fn verify_phpass(password: &[u8], stored: &str) -> bool {
    let Some(computed) = phpass_crypt(password, stored.as_bytes()) else {
        return false;
    };
    computed.len() == stored.len() && bool::from(computed.as_slice().ct_eq(stored.as_bytes()))
}

/// phpass's `crypt_private`: `setting` is `$P$` or `$H$`, one itoa64 character giving
/// log2 of the iteration count, then an 8-byte salt (anything after that is ignored).
/// The result is the first 12 bytes of `setting` followed by 22 characters encoding
/// the MD5 state after `hash = md5(salt . password)` and `count` rounds of
/// `hash = md5(hash . password)`.
fn phpass_crypt(password: &[u8], setting: &[u8]) -> Option<Vec<u8>> {
    let prefix = setting.get(..12)?;
    if !(prefix.starts_with(b"$P$") || prefix.starts_with(b"$H$")) {
        return None;
    }
    let count_log2 = ITOA64.iter().position(|&c| c == prefix[3])?;
    if !(7..=MAX_PHPASS_COUNT_LOG2).contains(&count_log2) {
        return None;
    }
    let salt = &prefix[4..12];

    let mut hash: [u8; 16] = Md5::new().chain_update(salt).chain_update(password).finalize().into();
    for _ in 0..(1u32 << count_log2) {
        hash = Md5::new().chain_update(hash).chain_update(password).finalize().into();
    }

    let mut out = Vec::with_capacity(34);
    out.extend_from_slice(prefix);
    phpass_encode64(&hash, &mut out);
    Some(out)
}

/// phpass's `encode64`: little-endian 6-bit groups over the itoa64 alphabet
/// (16 bytes → 22 characters).
fn phpass_encode64(input: &[u8], out: &mut Vec<u8>) {
    let sextet = |value: u32, shift: u32| ITOA64[((value >> shift) & 0x3f) as usize];
    for chunk in input.chunks(3) {
        let value = chunk.iter().enumerate().fold(0u32, |acc, (i, &byte)| acc | u32::from(byte) << (8 * i));
        out.push(sextet(value, 0));
        out.push(sextet(value, 6));
        if chunk.len() > 1 {
            out.push(sextet(value, 12));
        }
        if chunk.len() > 2 {
            out.push(sextet(value, 18));
        }
    }
}
