//! The one integration-test binary: every test starts the real server on 127.0.0.1:0 with
//! a fresh SQLite database seeded with the demo store, and speaks HTTP to it.

mod helpers;

mod admin;
mod auth;
mod cart_routes;
mod concurrency;
mod errors;
mod keys;
mod sessions;
mod v1;
