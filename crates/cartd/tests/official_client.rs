//! The official CoCart JavaScript client (`@cocart/cocart-rest-api` 1.1.0, pinned in
//! `clients/cocart-js/package-lock.json`) drives a real cartd server: guest carts on v2, an
//! authenticated customer on two "devices", and the v1 routes. The flows and their assertions
//! live in `clients/cocart-js/official-client.test.mjs`; this test installs the package with
//! `npm ci` when needed, starts the server with the demo store and a customer, and runs
//! `node --test` against it.
//!
//! Needs `node` (20 or later) and `npm`; `.ci/run` installs them. Set
//! `CARTD_SKIP_NODE_TESTS=1` to skip this test on a machine without them.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime};

use cartd::config::Config;
use cartd_store::UserStore;

const CUSTOMER_ID: u64 = 5;
const CUSTOMER_LOGIN: &str = "jsclient";
const CUSTOMER_EMAIL: &str = "jsclient@example.com";
const CUSTOMER_PASSWORD: &str = "official client p4ssword";
const CUSTOMER_DISPLAY_NAME: &str = "Official Client";

const NPM_TIMEOUT: Duration = Duration::from_secs(300);
const NODE_TIMEOUT: Duration = Duration::from_secs(120);

/// Proxy settings that would send the client's requests to 127.0.0.1 elsewhere (axios 0.21
/// honours them).
const PROXY_VARS: [&str; 6] = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"];

fn client_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../clients/cocart-js")
}

/// `Some(version)` if `program --version` runs.
fn version_of(program: &str) -> Option<String> {
    let output = Command::new(program).arg("--version").stdin(Stdio::null()).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// `node_modules` is missing, incomplete or older than `package-lock.json`.
fn needs_install(dir: &Path) -> bool {
    let package = dir.join("node_modules/@cocart/cocart-rest-api/package.json");
    // npm writes node_modules/.package-lock.json at the end of every install.
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    let lock = modified(&dir.join("package-lock.json")).expect("clients/cocart-js/package-lock.json exists");
    !package.is_file() || installed.is_none_or(|installed| installed < lock)
}

struct Finished {
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Finished {
    fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    fn describe(&self) -> String {
        let status = match self.status {
            Some(status) => format!("{status}"),
            None => "killed after the timeout".to_string(),
        };
        format!(
            "{status} after {:.1} s\n----- stdout -----\n{}\n----- stderr -----\n{}",
            self.elapsed.as_secs_f64(),
            self.stdout,
            self.stderr
        )
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Runs `command` to completion, killing it after `timeout`. Blocking.
fn run_with_timeout(mut command: Command, timeout: Duration) -> Finished {
    let started = Instant::now();
    let description = format!("{command:?}");
    let mut child: Child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {description}: {e}"));
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            break Some(status);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Finished {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        elapsed: started.elapsed(),
    }
}

async fn add_customer(database_url: &str) {
    let store = cartd_store_sqlite::SqliteStore::open(database_url, Default::default()).unwrap();
    let user = cartd_store::User {
        id: CUSTOMER_ID,
        login: CUSTOMER_LOGIN.into(),
        email: CUSTOMER_EMAIL.into(),
        display_name: CUSTOMER_DISPLAY_NAME.into(),
        nicename: CUSTOMER_LOGIN.into(),
        roles: vec!["customer".into()],
        password_hash: cartd_app::auth::passwords::hash_password(CUSTOMER_PASSWORD),
        billing: Default::default(),
        shipping: Default::default(),
    };
    store.save_user(user).await.unwrap();
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_cocart_js_client_drives_cartd() {
    if std::env::var("CARTD_SKIP_NODE_TESTS").as_deref() == Ok("1") {
        eprintln!("official_client: CARTD_SKIP_NODE_TESTS=1, not running the @cocart/cocart-rest-api test");
        return;
    }
    let (Some(node), Some(npm)) = (version_of("node"), version_of("npm")) else {
        panic!(
            "official_client: `node` and `npm` are needed to run the official CoCart JS client against cartd. \
             `bash .ci/run` installs them (apt-get install nodejs npm); or set CARTD_SKIP_NODE_TESTS=1 to skip."
        );
    };
    eprintln!("official_client: node {node}, npm {npm}");

    let dir = client_dir().canonicalize().expect("clients/cocart-js exists");
    if needs_install(&dir) {
        eprintln!("official_client: npm ci in {}", dir.display());
        let mut npm_ci = Command::new("npm");
        npm_ci.args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir);
        let finished = tokio::task::spawn_blocking(move || run_with_timeout(npm_ci, NPM_TIMEOUT)).await.unwrap();
        assert!(finished.succeeded(), "npm ci failed: {}", finished.describe());
        assert!(!needs_install(&dir), "npm ci did not install @cocart/cocart-rest-api");
    }

    let db_dir = tempfile::tempdir().unwrap();
    let config = Config {
        listen: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}/cartd.db", db_dir.path().display()),
        cookie_secret: Some("official-client-test-secret".into()),
        site_url: Some("http://127.0.0.1:8080".into()),
        ..Config::default()
    };
    let running = cartd::server::start(&config, true).await.expect("server starts");
    add_customer(&config.database_url).await;
    let url = format!("http://{}", running.address);
    eprintln!("official_client: cartd at {url}");

    let mut node_test = Command::new("node");
    node_test
        .args(["--test", "--test-reporter=spec", "official-client.test.mjs"])
        .current_dir(&dir)
        .env("CARTD_URL", &url)
        .env("CARTD_CUSTOMER_LOGIN", CUSTOMER_LOGIN)
        .env("CARTD_CUSTOMER_PASSWORD", CUSTOMER_PASSWORD)
        .env("CARTD_CUSTOMER_ID", CUSTOMER_ID.to_string())
        .env("CARTD_CUSTOMER_DISPLAY_NAME", CUSTOMER_DISPLAY_NAME)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env_remove("NODE_OPTIONS");
    for name in PROXY_VARS {
        node_test.env_remove(name);
    }
    // The server keeps serving on the runtime's workers while node runs on the blocking pool.
    let finished = tokio::task::spawn_blocking(move || run_with_timeout(node_test, NODE_TIMEOUT)).await.unwrap();

    running.stop().await.expect("server stops");
    assert!(finished.succeeded(), "the official client's tests failed: {}", finished.describe());
    eprintln!("official_client: passed in {:.1} s\n{}", finished.elapsed.as_secs_f64(), finished.stdout);
}
