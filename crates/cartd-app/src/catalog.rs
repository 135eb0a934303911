//! The in-memory catalog snapshot (products + store settings) every request reads, and its
//! reload when another process (an import) changed the stored catalog.

use std::sync::{Arc, RwLock};

use cartd_domain::catalog::Catalog;
use cartd_domain::settings::Settings;
use cartd_store::{CatalogStore, StoreError};

/// One consistent view of products and settings.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub catalog: Catalog,
    pub settings: Settings,
    pub version: i64,
}

pub struct CatalogHandle {
    current: RwLock<Arc<Snapshot>>,
}

impl CatalogHandle {
    pub fn new(snapshot: Snapshot) -> Self {
        CatalogHandle { current: RwLock::new(Arc::new(snapshot)) }
    }

    pub fn get(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, snapshot: Snapshot) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
    }

    /// Load the stored catalog and settings.
    pub async fn load<S: CatalogStore>(store: &S) -> Result<Snapshot, StoreError> {
        let version = store.catalog_version().await?;
        let products = store.load_products().await?;
        let settings = store.load_settings().await?.unwrap_or_default();
        Ok(Snapshot { catalog: Catalog::new(products), settings, version })
    }

    /// Reload when the stored version moved on; returns whether it did.
    pub async fn refresh<S: CatalogStore>(&self, store: &S) -> Result<bool, StoreError> {
        let version = store.catalog_version().await?;
        if version == self.get().version {
            return Ok(false);
        }
        self.set(Self::load(store).await?);
        Ok(true)
    }
}
