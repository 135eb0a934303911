//! Customer authentication.

pub mod jwt;
pub mod oauth1;
pub mod passwords;
pub mod wc_keys;
