//! cartd use cases: session resolution, cart transactions with version-checked saves,
//! notices, catalog and settings import, users and API keys.

pub mod auth;
pub mod carts;
pub mod catalog;
pub mod import;
pub mod settings_file;
pub mod users;
