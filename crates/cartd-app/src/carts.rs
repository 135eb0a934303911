//! The cart use case: every request that touches a cart runs as one transaction —
//! per-key in-process lock → load (with its version) → apply in the domain → save only if
//! changed and only if the stored version is unchanged (retry otherwise). This is what makes
//! concurrent writers on one cart lose nothing, on one node or many (POLICY F8).

use std::sync::Arc;

use cartd_domain::cart::Cart;
use cartd_domain::keys::cart_hash;
use cartd_domain::ops::drop_invalid_lines;
use cartd_domain::session::ExpiryPolicy;
use cartd_domain::totals::{CartTotals, calculate};
use cartd_store::{CartRecord, CartStore, CartWrite, SaveOutcome, StoreError};
use tokio::sync::Mutex;

use crate::catalog::Snapshot;

/// How many times a conditional save is retried after losing a race with another node.
const MAX_SAVE_ATTEMPTS: usize = 16;
/// Lock stripes for per-cart serialisation inside one process.
const LOCK_STRIPES: usize = 1024;
/// A stored expiry is only slid forward when it is this much older than a fresh one, so
/// reads do not each cost a write.
const EXPIRY_SLACK_SECS: i64 = 3600;

/// Striped async locks keyed by cart key.
pub struct KeyLocks {
    stripes: Vec<Mutex<()>>,
}

impl Default for KeyLocks {
    fn default() -> Self {
        KeyLocks { stripes: (0..LOCK_STRIPES).map(|_| Mutex::new(())).collect() }
    }
}

impl KeyLocks {
    fn stripe(&self, key: &str) -> &Mutex<()> {
        // FNV-1a: cheap and good enough to spread random hex keys.
        let mut h: u64 = 0xcbf29ce484222325;
        for b in key.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        &self.stripes[(h % LOCK_STRIPES as u64) as usize]
    }
}

/// What a cart transaction sees and may change.
pub struct CartTx<'a> {
    pub cart: &'a mut Cart,
    pub snapshot: &'a Snapshot,
    pub key: &'a str,
    pub now: i64,
    /// Whether a row is stored for this key.
    pub stored: bool,
    discard: bool,
    totals: Option<CartTotals>,
    hash: Option<String>,
}

impl CartTx<'_> {
    /// Recalculate the totals (writing the line values into the cart) and keep them for the
    /// response and the save. Call it after the last change to the lines.
    pub fn calculate(&mut self) -> &CartTotals {
        let totals = calculate(self.cart, &self.snapshot.catalog, &self.snapshot.settings, self.now);
        self.hash = None;
        self.totals.insert(totals)
    }

    /// The totals of the last calculation, calculating now if none ran yet.
    pub fn totals(&mut self) -> &CartTotals {
        if self.totals.is_none() {
            self.calculate();
        }
        self.totals.get_or_insert_with(CartTotals::default)
    }

    /// WooCommerce's cart hash of the lines as last calculated.
    pub fn cart_hash(&mut self) -> &str {
        if self.hash.is_none() {
            let total = self.totals().record.total.clone();
            self.hash = Some(cart_hash(self.cart, &total));
        }
        self.hash.get_or_insert_with(String::new)
    }

    /// Abandon every change made in this transaction (an error answer leaves no trace).
    pub fn discard(&mut self) {
        self.discard = true;
    }
}

/// Where the request's cart came from and how to save it.
#[derive(Debug, Clone)]
pub struct CartTarget {
    pub key: String,
    /// The expiry to store when the cart is written.
    pub expiration: i64,
    /// `cocart` or `woocommerce`, written on insert.
    pub source: &'static str,
}

pub struct Carts<S> {
    store: Arc<S>,
    locks: KeyLocks,
    pub expiry: ExpiryPolicy,
}

#[derive(Debug, thiserror::Error)]
pub enum CartTxError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cart changed concurrently too often")]
    Contended,
}

impl<S: CartStore> Carts<S> {
    pub fn new(store: Arc<S>, expiry: ExpiryPolicy) -> Self {
        Carts { store, locks: KeyLocks::default(), expiry }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Run `apply` on the cart of `target` as one transaction and return its result. The
    /// closure may run more than once when another node wins a race; it must be pure.
    pub async fn transact<R>(
        &self,
        target: &CartTarget,
        snapshot: &Snapshot,
        now: i64,
        mut apply: impl FnMut(&mut CartTx<'_>) -> R,
    ) -> Result<R, CartTxError> {
        let _guard = self.locks.stripe(&target.key).lock().await;
        for _ in 0..MAX_SAVE_ATTEMPTS {
            let record = self.store.load_cart(&target.key, now).await?;
            let (mut cart, version, stored_expiry) = match &record {
                Some(CartRecord { cart, version, expiry, .. }) => (cart.clone(), Some(*version), *expiry),
                None => (Cart::new(&snapshot.settings), None, 0),
            };
            let dropped = drop_invalid_lines(&mut cart, &snapshot.catalog);
            let mut tx =
                CartTx { cart: &mut cart, snapshot, key: &target.key, now, stored: record.is_some(), discard: false, totals: None, hash: None };
            let result = apply(&mut tx);
            let discard = tx.discard && !dropped;
            let cached = tx.totals.take().zip(tx.hash.take());
            let changed = record.as_ref().is_none_or(|r| r.cart != cart);
            // §E.3: a new row is only created once the cart has items.
            let worth_saving = if version.is_some() { changed || dropped } else { !cart.lines.is_empty() };
            if discard || !worth_saving {
                if version.is_some() && stored_expiry + EXPIRY_SLACK_SECS < target.expiration {
                    self.store.touch_cart(&target.key, target.expiration).await?;
                }
                return Ok(result);
            }
            let cart_hash = match cached {
                Some((_, hash)) => hash,
                None => {
                    let totals = calculate(&mut cart, &snapshot.catalog, &snapshot.settings, now);
                    cart_hash(&cart, &totals.record.total)
                }
            };
            let write = CartWrite {
                cart_key: target.key.clone(),
                cart,
                expected_version: version,
                now,
                expiry: target.expiration,
                source: target.source.to_string(),
                cart_hash,
            };
            match self.store.save_cart(write).await? {
                SaveOutcome::Saved { .. } => return Ok(result),
                SaveOutcome::Conflict => continue,
            }
        }
        Err(CartTxError::Contended)
    }

    /// Load a cart for reading only (no lock, no write), e.g. for admin views.
    pub async fn load(&self, key: &str, now: i64) -> Result<Option<CartRecord>, StoreError> {
        self.store.load_cart(key, now).await
    }

    pub async fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let _guard = self.locks.stripe(key).lock().await;
        self.store.delete_cart(key).await
    }
}
