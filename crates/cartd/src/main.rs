//! The `cartd` binary: CLI, configuration layering (defaults → file → `CARTD_*` env →
//! flags), backend selection from the database URL, and the server's lifecycle.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use cartd::config::Config;
use cartd::server;

#[derive(Parser)]
#[command(name = "cartd", version, about = "A CoCart 3.0-compatible headless cart server")]
struct Cli {
    /// TOML file with server configuration (see README).
    #[arg(long, global = true, env = "CARTD_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL, e.g. sqlite://./data/cartd.db
    #[arg(long, global = true, env = "CARTD_DATABASE_URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server.
    Serve {
        /// Start on a fresh database seeded with WooCommerce's sample catalog and demo settings.
        #[arg(long, env = "CARTD_DEMO")]
        demo: bool,
        /// Address to listen on.
        #[arg(long, env = "CARTD_LISTEN")]
        listen: Option<String>,
    },
    /// Create or upgrade the database schema.
    Migrate,
    /// Import data into the store.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Manage users (customers, shop managers, administrators).
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Manage WooCommerce REST API keys.
    Keys {
        #[command(subcommand)]
        what: KeysCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is the first line of standard input when that is not a
    /// terminal; otherwise it is asked for twice, without echo. It is never taken from the
    /// command line.
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["administrator", "shop_manager", "customer"])]
        role: String,
        /// Default: the login.
        #[arg(long)]
        display_name: Option<String>,
        /// The user id (a customer's cart key). Default: one more than the largest id.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=i64::MAX as u64))]
        id: Option<u64>,
    },
    /// List users: id, login, e-mail, roles.
    List,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a consumer key and secret for a user; they are printed once.
    Create {
        /// The user's login or e-mail address.
        #[arg(long)]
        user: String,
        #[arg(long, value_parser = ["read", "write", "read_write"])]
        permissions: String,
        /// Default: "cartd key for LOGIN".
        #[arg(long)]
        description: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// WooCommerce product CSV export.
    Products { file: PathBuf },
    /// Store settings TOML file.
    Settings { file: PathBuf },
    /// WooCommerce tax-rate CSV export (added to the stored settings).
    TaxRates { file: PathBuf },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Logs go to stderr (as the README says), so command output on stdout stays clean.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CARTD_LOG")
                .unwrap_or_else(|_| "cartd=info,cartd_http=info".into()),
        )
        .init();
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        config.database_url = url;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve { demo, listen } => {
                if let Some(listen) = listen {
                    config.listen = listen;
                }
                server::serve(config, demo).await
            }
            Command::Migrate => server::migrate(&config).await,
            Command::Import { what } => match what {
                ImportCommand::Products { file } => server::import_products(&config, &file).await,
                ImportCommand::Settings { file } => server::import_settings(&config, &file).await,
                ImportCommand::TaxRates { file } => server::import_tax_rates(&config, &file).await,
            },
            Command::User { what } => match what {
                UserCommand::Add { login, email, role, display_name, id } => {
                    server::user_add(&config, server::UserAdd { login, email, role, display_name, id }).await
                }
                UserCommand::List => server::user_list(&config).await,
            },
            Command::Keys { what } => match what {
                KeysCommand::Create { user, permissions, description } => {
                    server::keys_create(&config, &user, &permissions, description.as_deref()).await
                }
            },
        }
    })
}
