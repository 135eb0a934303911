//! HTTP settings the operator controls: site URL, cookie behaviour, limits and CORS.

/// Configuration of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Site URL without a trailing slash; used in links and messages.
    pub site_url: String,
    pub cookies_enabled: bool,
    /// Default: `wp_cocart_session_` + md5(site URL).
    pub cookie_name: String,
    /// Secret for the cookie HMAC (WordPress: `AUTH_KEY . AUTH_SALT`).
    pub cookie_secret: String,
    pub cookie_secure: bool,
    /// `Lax` (CoCart's default), `Strict`, `None`, or empty for no attribute.
    pub cookie_samesite: String,
    /// Largest accepted request body in bytes (larger: 413).
    pub max_body_bytes: usize,
    /// Reported as `version` by `GET /store`.
    pub cocart_version: String,
    pub cors: CorsConfig,
}

/// CORS modes (§A.6): WordPress's default echo, or CoCart's "allow all" with an optional
/// fixed origin.
#[derive(Debug, Clone, Default)]
pub struct CorsConfig {
    pub allow_all: bool,
    pub fixed_origin: Option<String>,
}

impl HttpConfig {
    pub fn new(site_url: &str, cookie_secret: &str) -> HttpConfig {
        let site_url = site_url.trim_end_matches('/').to_string();
        HttpConfig {
            cookie_name: format!("wp_cocart_session_{}", cartd_domain::keys::md5_hex(site_url.as_bytes())),
            site_url,
            cookies_enabled: true,
            cookie_secret: cookie_secret.to_string(),
            cookie_secure: false,
            cookie_samesite: "Lax".into(),
            max_body_bytes: 1024 * 1024,
            cocart_version: "3.0.17".into(),
            cors: CorsConfig::default(),
        }
    }
}
