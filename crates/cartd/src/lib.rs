//! The cartd server as a library: configuration and the server lifecycle, used by the
//! `cartd` binary and by the integration tests (which start the real server in-process).

pub mod config;
pub mod server;
