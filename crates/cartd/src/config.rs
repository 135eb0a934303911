//! Server configuration: built-in defaults, then an optional TOML file, then `CARTD_*`
//! environment variables (figment), then command-line flags (applied by `main`).

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://path`, `sqlite::memory:`.
    pub database_url: String,
    /// Public site URL (links, cookie name, messages). Default: the settings' `store.home_url`.
    pub site_url: Option<String>,
    /// HMAC secret of the session cookie. Default: a random secret kept next to the database.
    pub cookie_secret: Option<String>,
    pub cookies: bool,
    pub cookie_secure: bool,
    pub cookie_samesite: String,
    pub max_body_bytes: usize,
    pub request_timeout_secs: u64,
    /// How often expired carts are deleted.
    pub cleanup_interval_secs: u64,
    /// How often the catalog is checked for changes made by imports.
    pub catalog_refresh_secs: u64,
    pub cart_expiration_secs: i64,
    pub cart_expiring_secs: i64,
    /// `full` (every acknowledged write survives power loss) or `normal`.
    pub sqlite_synchronous: String,
    pub cors_allow_all: bool,
    pub cors_origin: Option<String>,
    /// Accept passwords and API keys over plain HTTP from non-loopback clients (demo only).
    pub allow_insecure_basic_auth: bool,
    /// Proxy addresses whose `X-Forwarded-Proto: https` is trusted.
    pub trusted_proxies: Vec<String>,
    /// HS256 secret for JWTs. Default: derived from the cookie secret.
    pub jwt_secret: Option<String>,
    pub jwt_lifetime_secs: i64,
    /// Failed logins allowed per login name / per client address within the window.
    pub login_failures_per_login: u32,
    pub login_failures_per_address: u32,
    pub login_failure_window_secs: i64,
    /// Route prefixes anonymous clients may not use, per method (CoCart's lock-down filters).
    pub lockdown: cartd_http::auth::Lockdown,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://./data/cartd.db".into(),
            site_url: None,
            cookie_secret: None,
            cookies: true,
            cookie_secure: false,
            cookie_samesite: "Lax".into(),
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            cleanup_interval_secs: 12 * 3600,
            catalog_refresh_secs: 5,
            cart_expiration_secs: 7 * 86_400,
            cart_expiring_secs: 6 * 86_400,
            sqlite_synchronous: "full".into(),
            cors_allow_all: false,
            cors_origin: None,
            allow_insecure_basic_auth: false,
            trusted_proxies: Vec::new(),
            jwt_secret: None,
            jwt_lifetime_secs: 7 * 86_400,
            login_failures_per_login: 10,
            login_failures_per_address: 50,
            login_failure_window_secs: 300,
            lockdown: Default::default(),
        }
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                anyhow::bail!("config file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file(file));
        }
        figment = figment.merge(Env::prefixed("CARTD_").ignore(&["config", "demo", "log"]));
        Ok(figment.extract()?)
    }
}
