//! The namespace indexes (§D.7): `GET /cocart/v2` and `GET /cocart/v1`, served as the bytes
//! WordPress generates for the 3.0.17 registrations, with the site URL substituted.

use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::php_json;

const V2_SOURCE: &str = include_str!("../data/v2-index-3.0.17.json");
const V1_SOURCE: &str = include_str!("../data/v1-index-3.0.17.json");
/// The host the captured indexes were recorded with (as it appears after `\/` escaping).
const CAPTURED_HOST: &[u8] = br"https:\/\/example.com";

/// Both index bodies for one site URL, encoded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceIndexes {
    v1: Box<[u8]>,
    v2: Box<[u8]>,
}

impl NamespaceIndexes {
    /// Encodes the indexes for `site_url` (e.g. `http://127.0.0.1:8080`; a trailing `/` is
    /// ignored).
    pub fn new(site_url: &str) -> NamespaceIndexes {
        NamespaceIndexes { v1: render(V1_SOURCE, site_url).into(), v2: render(V2_SOURCE, site_url).into() }
    }

    /// The body of `GET /wp-json/cocart/v1`.
    pub fn v1(&self) -> &[u8] {
        &self.v1
    }

    /// The body of `GET /wp-json/cocart/v2`.
    pub fn v2(&self) -> &[u8] {
        &self.v2
    }
}

fn render(source: &str, site_url: &str) -> Vec<u8> {
    let value: Value = serde_json::from_str(source).expect("embedded index is valid JSON");
    let body = php_json::to_vec(&value);
    let site = php_json::to_vec(&Value::String(site_url.trim_end_matches('/').to_string()));
    let site = &site[1..site.len() - 1];
    let mut out = Vec::with_capacity(body.len() + 32 * site.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(CAPTURED_HOST) {
            out.extend_from_slice(site);
            i += CAPTURED_HOST.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

fn cached(site_url: &str) -> &'static NamespaceIndexes {
    static CACHE: OnceLock<Mutex<Vec<(String, &'static NamespaceIndexes)>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    let mut entries = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, idx)) = entries.iter().find(|(url, _)| url == site_url) {
        return idx;
    }
    // One entry per configured site URL for the life of the process.
    let idx: &'static NamespaceIndexes = Box::leak(Box::new(NamespaceIndexes::new(site_url)));
    entries.push((site_url.to_string(), idx));
    idx
}

/// The v2 index body for `site_url`, computed on first use and cached for the process.
pub fn v2_index(site_url: &str) -> &'static [u8] {
    cached(site_url).v2()
}

/// The v1 index body for `site_url`, computed on first use and cached for the process.
pub fn v1_index(site_url: &str) -> &'static [u8] {
    cached(site_url).v1()
}
