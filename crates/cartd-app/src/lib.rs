//! cartd use cases: session resolution, cart transactions with version-checked saves,
//! notices, catalog and settings import.

pub mod carts;
pub mod catalog;
pub mod import;
pub mod settings_file;
