//! The CoCart 3.0.17 wire format and nothing else: the v2 cart and item objects, the raw cart,
//! the totals and store objects, the namespace indexes, the error bodies, and the PHP
//! `json_encode` quirks they all depend on (CONTRACT §A.3, §A.7, §D). No I/O and no business
//! rules: callers pass calculated carts and settings in and get `serde_json::Value`s out, to be
//! encoded with [`php_json::to_vec`] — or, for the v2 cart and items, the encoded bytes
//! directly ([`full_cart_bytes`], [`items_by_key_bytes`]), which is several times faster.

pub mod address;
pub mod cart;
pub mod cart_errors;
pub mod errors;
pub mod index;
pub mod php_json;
pub mod raw;
pub mod sessions;
mod sink;
pub mod store;
pub mod totals;
pub mod v1;
pub mod v1_errors;

pub use cart::{
    CartView, CouponSaving, full_cart, full_cart_bytes, item, items_by_key, items_by_key_bytes, removed_item,
};
pub use errors::{ParamFailure, ParamFailureRef, error, guard_envelope, invalid_json, invalid_params, missing_params};
pub use index::{NamespaceIndexes, v1_index, v2_index};
pub use php_json::{php_map, tax_map, to_vec};
pub use raw::{raw_cart, raw_line};
pub use store::store_object;
pub use totals::totals_object;
