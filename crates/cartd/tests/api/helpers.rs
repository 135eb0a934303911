//! Test app: a real server per test, and a client whose every call states the status it
//! expects.

use cartd::config::Config;
use cartd::server::{Running, start};
use reqwest::header::HeaderMap;
use serde_json::Value;

pub struct TestApp {
    pub base: String,
    pub database_url: String,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
    running: Option<Running>,
}

/// A response whose status was checked.
pub struct Answer {
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_string())
    }

    pub fn cookies(&self) -> Vec<String> {
        self.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect()
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            listen: "127.0.0.1:0".into(),
            database_url: format!("sqlite://{}/cartd.db", dir.path().display()),
            cookie_secret: Some("test-secret".into()),
            site_url: Some("http://127.0.0.1:8080".into()),
            ..Config::default()
        };
        adjust(&mut config);
        let running = start(&config, true).await.expect("server starts");
        TestApp {
            base: format!("http://{}", running.address),
            database_url: config.database_url.clone(),
            client: reqwest::Client::new(),
            _dir: dir,
            running: Some(running),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/wp-json/cocart/v2{}", self.base, path)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder, expect: u16) -> Answer {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        assert_eq!(status, expect, "unexpected status; body: {text}");
        Answer { headers, text }
    }

    pub async fn get(&self, path: &str, expect: u16) -> Answer {
        self.send(self.client.get(self.url(path)), expect).await
    }

    pub async fn post_json(&self, path: &str, body: Value, expect: u16) -> Answer {
        self.send(self.client.post(self.url(path)).json(&body), expect).await
    }

    pub async fn request(&self, method: &str, path: &str, expect: u16) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        self.send(self.client.request(method, self.url(path)), expect).await
    }

    /// Add an item to a new cart and return the cart key.
    pub async fn new_cart_with(&self, id: &str, quantity: &str) -> String {
        let answer = self.post_json("/cart/add-item", serde_json::json!({"id": id, "quantity": quantity}), 200).await;
        answer.header("cocart-api-cart-key").expect("cart key header")
    }

    /// Store a user directly in the server's database.
    pub async fn add_user(&self, id: u64, login: &str, email: &str, password_hash: &str, role: &str) {
        self.save_user(user(id, login, email, password_hash, role)).await;
    }

    pub async fn save_user(&self, user: cartd_store::User) {
        use cartd_store::UserStore;
        let store = cartd_store_sqlite::SqliteStore::open(&self.database_url, Default::default()).unwrap();
        store.save_user(user).await.unwrap();
        store.close().await;
    }

    /// A WooCommerce API key for `login`: `(consumer_key, consumer_secret)`.
    pub async fn create_key(&self, login: &str, permissions: &str) -> (String, String) {
        let store = cartd_store_sqlite::SqliteStore::open(&self.database_url, Default::default()).unwrap();
        let key = cartd_app::users::create_api_key(&store, login, permissions, None).await.unwrap();
        store.close().await;
        (key.consumer_key, key.consumer_secret)
    }

    pub async fn user_hash(&self, id: u64) -> String {
        use cartd_store::UserStore;
        let store = cartd_store_sqlite::SqliteStore::open(&self.database_url, Default::default()).unwrap();
        let hash = store.user_by_id(id).await.unwrap().unwrap().password_hash;
        store.close().await;
        hash
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.unwrap();
        }
    }
}

/// md5 hex of a string (item keys are `md5(product_id)` for simple products).
pub fn md5(s: &str) -> String {
    cartd_domain::keys::md5_hex(s.as_bytes())
}

/// A user with no saved addresses.
pub fn user(id: u64, login: &str, email: &str, password_hash: &str, role: &str) -> cartd_store::User {
    cartd_store::User {
        id,
        login: login.into(),
        email: email.into(),
        display_name: "Demo Customer".into(),
        nicename: login.into(),
        roles: vec![role.into()],
        password_hash: password_hash.into(),
        billing: Default::default(),
        shipping: Default::default(),
    }
}
