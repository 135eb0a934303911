//! The cart use case: every request that touches a cart runs as one transaction —
//! queued per cart key → load (with its version) → apply in the domain → save only if
//! changed and only if the stored version is unchanged (retry otherwise). This is what makes
//! concurrent writers on one cart lose nothing, on one node or many (POLICY F8).

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use cartd_domain::cart::{Cart, Customer};
use cartd_domain::keys::cart_hash;
use cartd_domain::ops::drop_invalid_lines;
use cartd_domain::session::ExpiryPolicy;
use cartd_domain::totals::{CartTotals, calculate};
use cartd_store::{CartRecord, CartStore, CartWrite, SaveOutcome, StoreError};
use tokio::sync::oneshot;

use crate::catalog::Snapshot;

/// How many times a conditional save is retried after losing a race with another node.
const MAX_SAVE_ATTEMPTS: usize = 16;
/// A stored expiry is only slid forward when it is this much older than a fresh one, so
/// reads do not each cost a write.
const EXPIRY_SLACK_SECS: i64 = 3600;
/// Queue stripes: the per-key queues are spread over this many mutexes.
const QUEUE_STRIPES: usize = 256;

/// What a cart transaction sees and may change.
pub struct CartTx<'a> {
    pub cart: &'a mut Cart,
    pub snapshot: &'a Snapshot,
    pub key: &'a str,
    pub now: i64,
    /// Whether a row is stored for this key.
    pub stored: bool,
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
}

/// Where the request's cart came from and how to save it.
#[derive(Debug, Clone)]
pub struct CartTarget {
    pub key: String,
    /// The expiry to store when the cart is written.
    pub expiration: i64,
    /// `cocart` or `woocommerce`, written on insert.
    pub source: &'static str,
    /// A signed-in customer's addresses: their cart's customer block (and so its taxes and
    /// shipping) follows their account. `None` for guests.
    pub customer: Option<Customer>,
}

type JobResult = Box<dyn Any + Send>;
type Job = Box<dyn FnMut(&mut CartTx<'_>) -> JobResult + Send>;

/// A request waiting for its turn on one cart.
struct Waiting {
    job: Job,
    target: CartTarget,
    reply: oneshot::Sender<Result<JobResult, CartTxError>>,
}

#[derive(Default)]
struct KeyQueue {
    waiting: VecDeque<Waiting>,
    leader_active: bool,
}

struct Inner<S> {
    store: Arc<S>,
    queues: Vec<Mutex<HashMap<String, KeyQueue>>>,
}

/// Cart transactions. Requests for one cart are serialised through a per-key queue; the
/// request that finds the queue idle becomes its leader and runs every queued request's
/// operation, in arrival order, on one loaded cart, then saves once ("combining"). So a hot
/// cart costs one durable commit per batch instead of one per request, and every request is
/// answered only after the commit that contains its change.
pub struct Carts<S> {
    inner: Arc<Inner<S>>,
    pub expiry: ExpiryPolicy,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CartTxError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cart changed concurrently too often")]
    Contended,
}

impl<S: CartStore> Carts<S> {
    pub fn new(store: Arc<S>, expiry: ExpiryPolicy) -> Self {
        let queues = (0..QUEUE_STRIPES).map(|_| Mutex::new(HashMap::new())).collect();
        Carts { inner: Arc::new(Inner { store, queues }), expiry }
    }

    pub fn store(&self) -> &S {
        &self.inner.store
    }

    /// Run `apply` on the cart of `target` as one transaction and return its result. The
    /// closure may run more than once when another node wins a race; it must be pure.
    pub async fn transact<R: Send + 'static>(
        &self,
        target: &CartTarget,
        snapshot: &Arc<Snapshot>,
        now: i64,
        mut apply: impl FnMut(&mut CartTx<'_>) -> R + Send + 'static,
    ) -> Result<R, CartTxError> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |tx| Box::new(apply(tx)) as JobResult);
        let waiting = Waiting { job, target: target.clone(), reply };
        if self.inner.enqueue(&target.key, waiting) {
            lead(self.inner.clone(), target.key.clone(), snapshot.clone(), now).await;
        }
        match answer.await {
            Ok(Ok(result)) => result.downcast::<R>().map(|r| *r).map_err(|_| CartTxError::Contended),
            Ok(Err(error)) => Err(error),
            // The leader went away without answering (it panicked): nothing was acknowledged.
            Err(_) => Err(CartTxError::Contended),
        }
    }

    /// POLICY §2: merge the guest cart stored under `guest_key` into the customer's cart of
    /// `target`, then destroy the guest cart. Returns whether there was one (it happens once).
    pub async fn merge_guest(
        &self,
        guest_key: &str,
        target: &CartTarget,
        snapshot: &Arc<Snapshot>,
        now: i64,
    ) -> Result<bool, CartTxError> {
        let Some(guest) = self.inner.store.load_cart(guest_key, now).await? else { return Ok(false) };
        let guest_cart = guest.cart;
        self.transact(target, snapshot, now, move |tx| cartd_domain::ops::merge_guest_cart(tx.cart, &guest_cart))
            .await?;
        self.inner.store.delete_cart(guest_key).await?;
        Ok(true)
    }

    /// Load a cart for reading only (no queue, no write), e.g. for admin views.
    pub async fn load(&self, key: &str, now: i64) -> Result<Option<CartRecord>, StoreError> {
        self.inner.store.load_cart(key, now).await
    }

    pub async fn delete(&self, key: &str) -> Result<bool, StoreError> {
        self.inner.store.delete_cart(key).await
    }
}

impl<S> Inner<S> {
    fn stripe(&self, key: &str) -> &Mutex<HashMap<String, KeyQueue>> {
        // FNV-1a: cheap and good enough to spread keys.
        let mut h: u64 = 0xcbf29ce484222325;
        for b in key.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        &self.queues[(h % QUEUE_STRIPES as u64) as usize]
    }

    /// Queue a request; returns whether the caller must lead.
    fn enqueue(&self, key: &str, waiting: Waiting) -> bool {
        let mut queues = self.stripe(key).lock().unwrap_or_else(|e| e.into_inner());
        let queue = queues.entry(key.to_string()).or_default();
        queue.waiting.push_back(waiting);
        !std::mem::replace(&mut queue.leader_active, true)
    }

    /// Take the next batch, or give up leadership when the queue is empty.
    fn next_batch(&self, key: &str) -> Vec<Waiting> {
        let mut queues = self.stripe(key).lock().unwrap_or_else(|e| e.into_inner());
        match queues.get_mut(key) {
            Some(queue) if !queue.waiting.is_empty() => queue.waiting.drain(..).collect(),
            _ => {
                queues.remove(key);
                Vec::new()
            }
        }
    }
}

/// Clears a key's queue if its leader dies mid-batch, so waiting requests fail instead of hanging.
struct LeaderGuard<'a, S> {
    inner: &'a Inner<S>,
    key: &'a str,
    armed: bool,
}

impl<S> Drop for LeaderGuard<'_, S> {
    fn drop(&mut self) {
        if self.armed {
            let mut queues = self.inner.stripe(self.key).lock().unwrap_or_else(|e| e.into_inner());
            queues.remove(self.key);
        }
    }
}

/// Run one batch of a key's queue. If more requests arrived meanwhile, leadership passes to a
/// new task so the current leader's own request is answered without waiting for them.
fn lead<S: CartStore>(
    inner: Arc<Inner<S>>,
    key: String,
    snapshot: Arc<Snapshot>,
    now: i64,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(async move {
        let mut guard = LeaderGuard { inner: &inner, key: &key, armed: true };
        let mut batch = inner.next_batch(&key);
        if batch.is_empty() {
            guard.armed = false;
            return;
        }
        let outcome = run_batch(inner.store.as_ref(), &key, &snapshot, now, &mut batch).await;
        match outcome {
            Ok(results) => {
                for (waiting, result) in batch.into_iter().zip(results) {
                    let _ = waiting.reply.send(Ok(result));
                }
            }
            Err(error) => {
                for waiting in batch {
                    let _ = waiting.reply.send(Err(error.clone()));
                }
            }
        }
        guard.armed = false;
        drop(guard);
        tokio::spawn(lead(inner.clone(), key.clone(), snapshot, now));
    })
}

/// Apply every queued operation in order to one loaded cart and save it once.
async fn run_batch<S: CartStore>(
    store: &S,
    key: &str,
    snapshot: &Snapshot,
    now: i64,
    batch: &mut [Waiting],
) -> Result<Vec<JobResult>, CartTxError> {
    let Some(target) = batch.last().map(|w| w.target.clone()) else { return Ok(Vec::new()) };
    for _ in 0..MAX_SAVE_ATTEMPTS {
        let record = store.load_cart(key, now).await?;
        let (mut cart, version, stored_expiry) = match &record {
            Some(CartRecord { cart, version, expiry, .. }) => (cart.clone(), Some(*version), *expiry),
            None => (Cart::new(&snapshot.settings), None, 0),
        };
        let dropped = drop_invalid_lines(&mut cart, &snapshot.catalog);
        if let Some(customer) = &target.customer {
            cart.customer = customer.clone();
        }
        let mut tx = CartTx { cart: &mut cart, snapshot, key, now, stored: record.is_some(), totals: None, hash: None };
        let mut results = Vec::with_capacity(batch.len());
        for waiting in batch.iter_mut() {
            tx.totals = None;
            tx.hash = None;
            results.push((waiting.job)(&mut tx));
        }
        let cached = tx.totals.take().zip(tx.hash.take());
        let changed = record.as_ref().is_none_or(|r| r.cart != cart);
        // §E.3: a new row is only created once the cart has items.
        let worth_saving = if version.is_some() { changed || dropped } else { !cart.lines.is_empty() };
        if !worth_saving {
            if version.is_some() && stored_expiry + EXPIRY_SLACK_SECS < target.expiration {
                store.touch_cart(key, target.expiration).await?;
            }
            return Ok(results);
        }
        let cart_hash = match cached {
            Some((_, hash)) => hash,
            None => {
                let totals = calculate(&mut cart, &snapshot.catalog, &snapshot.settings, now);
                cart_hash(&cart, &totals.record.total)
            }
        };
        let write = CartWrite {
            cart_key: key.to_string(),
            cart,
            expected_version: version,
            now,
            expiry: target.expiration,
            source: target.source.to_string(),
            cart_hash,
        };
        match store.save_cart(write).await? {
            SaveOutcome::Saved { .. } => return Ok(results),
            SaveOutcome::Conflict => continue,
        }
    }
    Err(CartTxError::Contended)
}
