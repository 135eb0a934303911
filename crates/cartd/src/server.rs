//! Commands: serve (with its background jobs and graceful shutdown), migrate, imports, and
//! the user and API-key commands.
//! The backend is chosen once, from the database URL scheme.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use cartd_app::auth::jwt::JwtConfig;
use cartd_app::auth::login::{Authenticator, FailureLimits};
use cartd_app::carts::Carts;
use cartd_app::catalog::CatalogHandle;
use cartd_domain::catalog::Catalog;
use cartd_domain::session::ExpiryPolicy;
use cartd_http::auth::AuthConfig;
use cartd_http::{AppState, CorsConfig, HttpConfig};
use cartd_store::{CartStore, CatalogStore};
use cartd_store_sqlite::{SqliteOptions, SqliteStore, Synchronous};

use crate::config::Config;

const DEMO_SETTINGS: &str = include_str!("../../../demo/settings.toml");
const DEMO_PRODUCTS: &str = include_str!("../../../demo/woocommerce-sample-products.csv");
const DEMO_DATABASE: &str = "sqlite://./data/demo.db";

fn open_store(config: &Config) -> anyhow::Result<SqliteStore> {
    let url = config.database_url.as_str();
    if url.contains("://") && !url.starts_with("sqlite:") {
        bail!("unsupported database URL {url:?}: this build supports sqlite:// URLs");
    }
    let synchronous = match config.sqlite_synchronous.as_str() {
        "full" => Synchronous::Full,
        "normal" => Synchronous::Normal,
        other => bail!("sqlite_synchronous must be \"full\" or \"normal\", not {other:?}"),
    };
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let options = SqliteOptions { synchronous, reader_connections: workers * 2, ..SqliteOptions::default() };
    SqliteStore::open(url, options).with_context(|| format!("opening database {url}"))
}

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let store = open_store(config)?;
    store.migrate()?;
    println!("database {} is up to date", config.database_url);
    store.close().await;
    Ok(())
}

async fn import_products_text<S: CatalogStore>(store: &S, text: &str) -> anyhow::Result<()> {
    let existing = Catalog::new(store.load_products().await?);
    let mut last = 0;
    let products = cartd_app::import::parse_products_csv(text.as_bytes(), &existing, &mut |rows| {
        if rows >= last + 100 || rows < last {
            tracing::info!(rows, "reading products");
        }
        last = rows;
    })?;
    let count = products.len();
    let summary = store.import_products(products).await?;
    tracing::info!(count, inserted = summary.inserted, updated = summary.updated, "products imported");
    Ok(())
}

pub async fn import_products(config: &Config, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let store = open_store(config)?;
    import_products_text(&store, &text).await?;
    store.close().await;
    Ok(())
}

/// Saves the settings and upserts their `[[users]]` into the user store (users are not kept
/// with the stored settings). Users are checked against the stored ones first; nothing is
/// saved when one clashes.
pub async fn import_settings(config: &Config, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut settings =
        cartd_app::settings_file::load_settings_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let users = std::mem::take(&mut settings.users);
    let store = open_store(config)?;
    let summary = cartd_app::users::import_settings_users(&store, &users)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    store.save_settings(settings).await?;
    println!("settings imported from {}", file.display());
    if !users.is_empty() {
        println!("{} users imported ({} new, {} updated)", users.len(), summary.inserted, summary.updated);
    }
    store.close().await;
    Ok(())
}

/// The fields of `cartd user add` (the password is read separately).
pub struct UserAdd {
    pub login: String,
    pub email: String,
    pub role: String,
    pub display_name: Option<String>,
    pub id: Option<u64>,
}

/// `cartd user add`: the password comes from standard input or a no-echo prompt.
pub async fn user_add(config: &Config, args: UserAdd) -> anyhow::Result<()> {
    let password = tokio::task::spawn_blocking(read_new_password).await??;
    let store = open_store(config)?;
    let new = cartd_app::users::NewUser {
        id: args.id.unwrap_or(0),
        login: args.login,
        email: args.email,
        role: args.role,
        display_name: args.display_name,
        password,
    };
    let (login, role) = (new.login.trim().to_string(), new.role.clone());
    let result = cartd_app::users::add_user(&store, new).await;
    store.close().await;
    let id = result?;
    println!("user {id} created ({login}, {role})");
    Ok(())
}

/// The first line of standard input when it is not a terminal (without its line break),
/// else the password typed twice at a prompt without echo.
fn read_new_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal, Read};

    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let first = rpassword::prompt_password("Password: ").context("reading the password")?;
        let again = rpassword::prompt_password("Password again: ").context("reading the password")?;
        if first != again {
            bail!("the two passwords differ");
        }
        return Ok(first);
    }
    // Enough for the longest accepted password and its line break; a longer line is refused.
    let limit = cartd_app::auth::passwords::MAX_PASSWORD_BYTES as u64 + 3;
    let mut line = Vec::new();
    stdin.lock().take(limit).read_until(b'\n', &mut line).context("reading the password from standard input")?;
    let line = String::from_utf8(line).map_err(|_| anyhow::anyhow!("the password on standard input is not UTF-8"))?;
    Ok(cartd_app::users::password_from_line(&line).to_string())
}

/// `cartd user list`: id, login, e-mail and roles; never the hashes.
pub async fn user_list(config: &Config) -> anyhow::Result<()> {
    let store = open_store(config)?;
    let result = cartd_app::users::list_users(&store).await;
    store.close().await;
    let users = result?;
    if users.is_empty() {
        println!("no users");
        return Ok(());
    }
    let rows: Vec<[String; 4]> =
        users.into_iter().map(|u| [u.id.to_string(), u.login, u.email, u.roles.join(",")]).collect();
    let header = ["ID", "LOGIN", "EMAIL", "ROLES"].map(String::from);
    let widths: Vec<usize> = (0..3)
        .map(|c| std::iter::once(&header).chain(&rows).map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for row in std::iter::once(&header).chain(&rows) {
        let [id, login, email, roles] = row;
        let (w0, w1, w2) = (widths[0], widths[1], widths[2]);
        println!("{id:>w0$}  {login:<w1$}  {email:<w2$}  {roles}");
    }
    Ok(())
}

/// `cartd keys create`: prints the consumer key and secret once.
pub async fn keys_create(
    config: &Config,
    user: &str,
    permissions: &str,
    description: Option<&str>,
) -> anyhow::Result<()> {
    let store = open_store(config)?;
    let result = cartd_app::users::create_api_key(&store, user, permissions, description).await;
    store.close().await;
    let key = result?;
    println!(
        "API key {} created for {} (user {}): {}, \"{}\"",
        key.key_id, key.login, key.user_id, key.permissions, key.description
    );
    println!("consumer_key:    {}", key.consumer_key);
    println!("consumer_secret: {}", key.consumer_secret);
    println!("Save both now: they will not be shown again (only a hash of the consumer key is stored).");
    Ok(())
}

pub async fn import_tax_rates(config: &Config, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let store = open_store(config)?;
    let mut settings = store.load_settings().await?.unwrap_or_default();
    let first_id = settings.tax.rates.iter().map(|r| r.id).max().unwrap_or(0) + 1;
    let rates = cartd_app::import::parse_tax_rates_csv(text.as_slice(), first_id)?;
    let count = rates.len();
    settings.tax.rates.extend(rates);
    store.save_settings(settings).await?;
    println!("{count} tax rates imported from {} (ids from {first_id})", file.display());
    store.close().await;
    Ok(())
}

/// A cookie secret kept beside the database so cookies survive restarts.
fn cookie_secret(config: &Config) -> anyhow::Result<String> {
    if let Some(secret) = &config.cookie_secret {
        return Ok(secret.clone());
    }
    let path = std::path::PathBuf::from("./data/cookie-secret");
    if config.database_url.contains(":memory:") {
        return Ok(hex::encode(rand::random::<[u8; 32]>()));
    }
    if let Ok(secret) = std::fs::read_to_string(&path) {
        return Ok(secret.trim().to_string());
    }
    std::fs::create_dir_all("./data")?;
    let secret = hex::encode(rand::random::<[u8; 32]>());
    std::fs::write(&path, &secret)?;
    Ok(secret)
}

/// A started server: where it listens and how to stop it.
pub struct Running {
    pub address: std::net::SocketAddr,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Stop accepting, finish in-flight requests, and wait for the server to end.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(());
        self.task.await?
    }
}

/// Seed a store with the demo settings and WooCommerce's sample catalog.
pub async fn seed_demo<S: CatalogStore>(store: &S) -> anyhow::Result<()> {
    let settings = cartd_app::settings_file::load_settings_toml(DEMO_SETTINGS)
        .map_err(|e| anyhow::anyhow!("demo settings: {e}"))?;
    store.save_settings(settings).await?;
    import_products_text(store, DEMO_PRODUCTS).await
}

/// Open the store, build the app and start listening; `shutdown` ends the server gracefully.
pub async fn start(config: &Config, demo: bool) -> anyhow::Result<Running> {
    let store = open_store(config)?;
    if demo {
        seed_demo(&store).await?;
    }
    let store = Arc::new(store);
    let snapshot = CatalogHandle::load(store.as_ref()).await?;
    let site_url = config.site_url.clone().unwrap_or_else(|| snapshot.settings.store.home_url.clone());
    let products = snapshot.catalog.len();
    let catalog = Arc::new(CatalogHandle::new(snapshot));

    let secret = cookie_secret(config)?;
    let mut http = HttpConfig::new(&site_url, &secret);
    http.cookies_enabled = config.cookies;
    http.cookie_secure = config.cookie_secure;
    http.cookie_samesite = config.cookie_samesite.clone();
    http.max_body_bytes = config.max_body_bytes;
    http.cors = CorsConfig { allow_all: config.cors_allow_all, fixed_origin: config.cors_origin.clone() };
    let expiry =
        ExpiryPolicy { expiration_secs: config.cart_expiration_secs, expiring_secs: config.cart_expiring_secs };
    let jwt_secret =
        config.jwt_secret.clone().unwrap_or_else(|| cartd_domain::keys::md5_hex(format!("jwt|{secret}").as_bytes()));
    let mut jwt = JwtConfig::new(jwt_secret, site_url.clone());
    jwt.lifetime_secs = config.jwt_lifetime_secs;
    let limits = FailureLimits {
        per_login: config.login_failures_per_login,
        per_address: config.login_failures_per_address,
        window_secs: config.login_failure_window_secs,
    };
    let trusted_proxies = config
        .trusted_proxies
        .iter()
        .map(|p| p.parse().with_context(|| format!("trusted_proxies: {p:?} is not an IP address")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let state = Arc::new(AppState {
        config: http,
        carts: Carts::new(store.clone(), expiry),
        catalog: catalog.clone(),
        auth: Authenticator::new(jwt, limits),
        auth_config: AuthConfig {
            allow_insecure_basic_auth: config.allow_insecure_basic_auth,
            trusted_proxies,
            lockdown: config.lockdown.clone(),
        },
    });
    let app = cartd_http::router(state, Duration::from_secs(config.request_timeout_secs));

    let listener =
        tokio::net::TcpListener::bind(&config.listen).await.with_context(|| format!("binding {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, database = %config.database_url, products, "cartd listening");
    let jobs = spawn_background_jobs(store.clone(), catalog, config);
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let result = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
        jobs.abort();
        result.map_err(anyhow::Error::from)
    });
    Ok(Running { address, shutdown, task })
}

pub async fn serve(mut config: Config, demo: bool) -> anyhow::Result<()> {
    if demo {
        if config.database_url == Config::default().database_url {
            config.database_url = DEMO_DATABASE.into();
        }
        config.allow_insecure_basic_auth = true;
        reset_demo_database(&config)?;
    }
    let running = start(&config, demo).await?;
    if demo {
        print_demo_banner(&running.address.to_string());
    }
    shutdown_signal().await;
    running.stop().await?;
    tracing::info!("cartd stopped");
    Ok(())
}

fn reset_demo_database(config: &Config) -> anyhow::Result<()> {
    let path = config.database_url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    if path.starts_with(':') {
        return Ok(());
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        if Path::new(&file).exists() {
            std::fs::remove_file(&file).with_context(|| format!("removing old demo database {file}"))?;
        }
    }
    Ok(())
}

fn print_demo_banner(address: &str) {
    let base = format!("http://{address}/wp-json/cocart/v2");
    println!("\ncartd demo store is running at http://{address}\n");
    println!("Add a Beanie to a new cart (the response's cart_key identifies it):");
    println!(
        "  curl -s -X POST '{base}/cart/add-item' -H 'Content-Type: application/json' -d '{{\"id\":\"48\",\"quantity\":\"2\"}}'\n"
    );
    println!("Read that cart back (replace KEY with the cart_key above):");
    println!("  curl -s '{base}/cart?cart_key=KEY'\n");
}

/// Periodic cleanup of expired carts, and catalog reloads after imports.
fn spawn_background_jobs<S: CartStore + CatalogStore>(
    store: Arc<S>,
    catalog: Arc<CatalogHandle>,
    config: &Config,
) -> tokio::task::JoinHandle<()> {
    let cleanup_every = Duration::from_secs(config.cleanup_interval_secs.max(1));
    let refresh_every = Duration::from_secs(config.catalog_refresh_secs.max(1));
    tokio::spawn(async move {
        let mut cleanup = tokio::time::interval(cleanup_every);
        let mut refresh = tokio::time::interval(refresh_every);
        loop {
            tokio::select! {
                _ = cleanup.tick() => match store.delete_expired(cartd_http::unix_now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, "expired carts removed"),
                    Err(e) => tracing::warn!(error = %e, "expired-cart cleanup failed"),
                },
                _ = refresh.tick() => match catalog.refresh(store.as_ref()).await {
                    Ok(true) => tracing::info!("catalog reloaded"),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "catalog reload failed"),
                },
            }
        }
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
