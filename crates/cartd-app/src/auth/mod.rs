//! Customer authentication.

pub mod jwt;
pub mod login;
pub mod oauth1;
pub mod passwords;
pub mod wc_keys;
