//! cartd use cases: session resolution, cart transactions with version-checked saves,
//! notices, catalog and settings import.

pub mod auth;
pub mod carts;
pub mod catalog;
pub mod import;
pub mod settings_file;
