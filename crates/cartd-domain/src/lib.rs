//! cartd's pure domain: no I/O, no async, no wire types. Time, settings and the catalog are
//! passed in. Serde derives here describe persisted records and the settings file, never the
//! CoCart wire format (that lives in `cocart-wire`).

pub mod cart;
pub mod catalog;
pub mod errors;
pub mod keys;
pub mod numeric;
pub mod ops;
pub mod php;
pub mod postcode;
pub mod session;
pub mod settings;
pub mod shipping;
pub mod tax;
pub mod totals;
pub mod wp_sanitize;
