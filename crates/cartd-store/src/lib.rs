//! Storage ports. Each method is one request-shaped round trip; a cart mutation is
//! "load (with its version) → apply in the domain → save if the version is unchanged", so
//! concurrent writers on any number of nodes never lose an update (the loser retries).
//! Backends: `cartd-store-sqlite` (embedded default); PostgreSQL slots in behind the same traits.

use std::future::Future;

use cartd_domain::cart::{Address, Cart};
use cartd_domain::catalog::Product;
use cartd_domain::settings::Settings;

#[cfg(feature = "conformance")]
pub mod conformance;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The backend failed (I/O, connection, constraint): the request cannot be served.
    #[error("storage backend error: {0}")]
    Backend(String),
    /// Stored data could not be decoded or a write was refused as invalid.
    #[error("invalid stored data: {0}")]
    Data(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One stored cart row (CONTRACT §E.1).
#[derive(Debug, Clone, PartialEq)]
pub struct CartRecord {
    pub cart_id: i64,
    pub cart_key: String,
    pub cart: Cart,
    /// Unix seconds, written on insert only.
    pub created: i64,
    /// Unix seconds.
    pub expiry: i64,
    /// `cocart` or `woocommerce`.
    pub source: String,
    pub cart_hash: String,
    /// Incremented by every save; the optimistic-concurrency token.
    pub version: i64,
}

/// A conditional write of a cart row.
#[derive(Debug, Clone)]
pub struct CartWrite {
    pub cart_key: String,
    pub cart: Cart,
    /// `None`: insert a new row (fails with `Conflict` if one exists).
    /// `Some(v)`: update the row only if its version is still `v`.
    pub expected_version: Option<i64>,
    pub now: i64,
    pub expiry: i64,
    pub source: String,
    pub cart_hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Written; the row now has this version.
    Saved { version: i64 },
    /// Someone else wrote first (or the row vanished / already exists): reload and retry.
    Conflict,
}

/// One row of the admin session list (CONTRACT §D.9).
#[derive(Debug, Clone, PartialEq)]
pub struct CartSummary {
    pub cart_id: i64,
    pub cart_key: String,
    pub created: i64,
    pub expiry: i64,
    pub source: String,
    pub cart: Cart,
}

pub trait CartStore: Send + Sync + 'static {
    /// The cart stored under `key` (exact, already normalised), or `None` when absent or
    /// expired at `now`.
    fn load_cart(&self, key: &str, now: i64) -> impl Future<Output = StoreResult<Option<CartRecord>>> + Send;

    /// Conditionally insert or update a cart row.
    fn save_cart(&self, write: CartWrite) -> impl Future<Output = StoreResult<SaveOutcome>> + Send;

    /// Slide a row's expiry forward; a missing row is not an error.
    fn touch_cart(&self, key: &str, expiry: i64) -> impl Future<Output = StoreResult<()>> + Send;

    /// Delete a row; returns whether one existed.
    fn delete_cart(&self, key: &str) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Delete every row whose expiry is before `now`; returns how many.
    fn delete_expired(&self, now: i64) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Rows in `cart_id` order, for the admin session list.
    fn list_carts(&self, offset: u64, limit: u64) -> impl Future<Output = StoreResult<Vec<CartSummary>>> + Send;

    fn count_carts(&self) -> impl Future<Output = StoreResult<u64>> + Send;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub inserted: u64,
    pub updated: u64,
}

pub trait CatalogStore: Send + Sync + 'static {
    /// Every product, variations included.
    fn load_products(&self) -> impl Future<Output = StoreResult<Vec<Product>>> + Send;

    /// Upsert products by id in one transaction: all or nothing.
    fn import_products(&self, products: Vec<Product>) -> impl Future<Output = StoreResult<ImportSummary>> + Send;

    /// The stored store settings, if any were imported.
    fn load_settings(&self) -> impl Future<Output = StoreResult<Option<Settings>>> + Send;

    fn save_settings(&self, settings: Settings) -> impl Future<Output = StoreResult<()>> + Send;

    /// A number that changes whenever products or settings change, so servers can reload.
    fn catalog_version(&self) -> impl Future<Output = StoreResult<i64>> + Send;
}

/// A registered user (WordPress `wp_users` + the WooCommerce customer data the cart needs).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// The WordPress user id; a customer's cart key is this id as a decimal string.
    pub id: u64,
    pub login: String,
    pub email: String,
    pub display_name: String,
    pub nicename: String,
    /// `administrator`, `shop_manager`, `customer`.
    pub roles: Vec<String>,
    /// argon2id PHC string, or an imported WordPress hash (`$P$…`, `$wp$2y$…`, `$2y$…`).
    pub password_hash: String,
    pub billing: Address,
    pub shipping: Address,
}

/// A WooCommerce REST API key (`woocommerce_api_keys`): only the HMAC of the consumer key
/// and the secret are stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKey {
    pub key_id: i64,
    pub user_id: u64,
    pub description: String,
    /// `read`, `write` or `read_write`.
    pub permissions: String,
    /// `wc_api_hash(consumer_key)`.
    pub consumer_key_hash: String,
    pub consumer_secret: String,
    /// Last 7 characters of the consumer key.
    pub truncated_key: String,
}

pub trait UserStore: Send + Sync + 'static {
    fn user_by_id(&self, id: u64) -> impl Future<Output = StoreResult<Option<User>>> + Send;

    /// Case-insensitive match on the login, else on the e-mail address.
    fn user_by_login_or_email(&self, name: &str) -> impl Future<Output = StoreResult<Option<User>>> + Send;

    /// Insert or replace a user by id; `id == 0` assigns the next free id. Returns the id.
    /// Logins and e-mails are unique (a clash is `StoreError::Data`).
    fn save_user(&self, user: User) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Every user, in id order (the `cartd user list` command).
    fn list_users(&self) -> impl Future<Output = StoreResult<Vec<User>>> + Send;

    /// Replace a user's password hash (rehash on login).
    fn set_password_hash(&self, id: u64, hash: &str) -> impl Future<Output = StoreResult<()>> + Send;

    fn save_api_key(&self, key: ApiKey) -> impl Future<Output = StoreResult<i64>> + Send;

    fn api_key_by_hash(&self, consumer_key_hash: &str) -> impl Future<Output = StoreResult<Option<ApiKey>>> + Send;
}
