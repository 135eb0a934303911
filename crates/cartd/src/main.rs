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
    tracing_subscriber::fmt()
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
        }
    })
}
