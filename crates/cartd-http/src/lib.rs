//! cartd's HTTP layer. One entry point takes every request through CoCart's pipeline
//! (CONTRACT §A.8): method override, route match, body parsing, session, parameter
//! validation, handler, then the standard headers, CORS and cookies. Handlers live in `v2`
//! and only extract, call the use case and pick the wire shape.

mod admin;
pub mod auth;
pub mod config;
pub mod error;
mod jwt_auth;
pub mod params;
pub mod routes;
pub mod session;
mod v1;
mod v2;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cartd_app::carts::Carts;
use cartd_app::catalog::CatalogHandle;
use cartd_store::{CartStore, CatalogStore, UserStore};
use serde_json::Value;

pub use config::{CorsConfig, HttpConfig};
use error::ApiError;
use params::Params;
use routes::{Route, match_route};
use session::{CartCookieState, Session};

/// Everything a request handler may use.
pub struct AppState<S> {
    pub config: HttpConfig,
    pub carts: Carts<S>,
    pub catalog: Arc<CatalogHandle>,
    pub auth: cartd_app::auth::login::Authenticator,
    pub auth_config: auth::AuthConfig,
}

/// A handler's successful answer.
pub enum Reply {
    Json(Value),
    /// Pre-encoded static JSON (the namespace index).
    Raw(&'static [u8]),
    /// JSON already encoded by the wire crate (the hot full-cart path).
    Encoded(Vec<u8>),
}

impl Reply {
    /// Whether this is the empty-cart answer `[]`.
    pub fn is_empty_array(&self) -> bool {
        matches!(self, Reply::Json(Value::Array(a)) if a.is_empty())
    }
}

/// What a handler returns: the answer plus what the cookie step needs to know.
pub struct Outcome {
    pub result: Result<Reply, ApiError>,
    pub cart: CartCookieState,
    /// Extra response headers (paging).
    pub headers: Vec<(&'static str, String)>,
}

impl Outcome {
    pub fn from_result(result: Result<Reply, ApiError>, cart: CartCookieState) -> Outcome {
        Outcome { result, cart, headers: Vec::new() }
    }
}

/// The request as the pipeline has parsed it.
#[derive(Clone)]
pub struct Ctx {
    pub method: &'static str,
    pub route: Route,
    pub params: Params,
    pub session: Session,
    pub now: i64,
    /// The authenticated user, `None` for a guest.
    pub user: Option<Arc<cartd_store::User>>,
}

impl Ctx {
    /// Whether the caller may manage WooCommerce (administrators and shop managers).
    pub fn can_manage_woocommerce(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.roles.iter().any(|r| r == "administrator" || r == "shop_manager"))
    }

    pub fn is_administrator(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.roles.iter().any(|r| r == "administrator"))
    }
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Build the application router with its middleware.
pub fn router<S: CartStore + CatalogStore + UserStore>(
    state: Arc<AppState<S>>,
    request_timeout: Duration,
) -> axum::Router {
    axum::Router::new()
        .fallback(handle::<S>)
        .with_state(state)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, request_timeout))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            tracing::error!("a request handler panicked");
            json_response(StatusCode::INTERNAL_SERVER_ERROR, &ApiError::internal(&"handler panic").body)
        }))
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(cocart_wire::php_json::to_vec(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
    response
}

fn effective_method(request_method: &Method, query: &Params, headers: &HeaderMap) -> String {
    let overridden = query
        .query
        .get("_method")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| headers.get("x-http-method-override").and_then(|v| v.to_str().ok()).map(str::to_string));
    overridden.unwrap_or_else(|| request_method.as_str().to_string()).to_ascii_uppercase()
}

fn static_method(method: &str) -> Option<&'static str> {
    Some(match method {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => return None,
    })
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}

/// Everything the response headers depend on.
struct ResponseMeta<'a> {
    config: &'a HttpConfig,
    origin: Option<HeaderValue>,
    method: &'a str,
    allow: Option<&'static [&'static str]>,
    session: Option<&'a Session>,
    cookies: Vec<String>,
    cocart_path: bool,
    /// Authenticated responses carry WordPress's no-cache headers.
    no_cache: bool,
    extra: Vec<(&'static str, String)>,
}

async fn handle<S: CartStore + CatalogStore + UserStore>(
    State(state): State<Arc<AppState<S>>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let config = &state.config;
    let now = unix_now();
    let path = parts.uri.path();
    let mut params =
        Params { query: params::parse_urlencoded(parts.uri.query().unwrap_or("").as_bytes()), ..Params::default() };
    let method_name = effective_method(&parts.method, &params, &parts.headers);
    let head = method_name == "HEAD";
    let mut meta = ResponseMeta {
        config,
        origin: parts.headers.get(header::ORIGIN).cloned(),
        method: if head { "GET" } else { static_method(&method_name).unwrap_or("GET") },
        allow: None,
        session: None,
        cookies: Vec::new(),
        cocart_path: path.starts_with("/wp-json/cocart/"),
        no_cache: false,
        extra: Vec::new(),
    };
    let rest_path = path.strip_prefix("/wp-json").unwrap_or("");
    let route = if path.starts_with("/wp-json/") { match_route(rest_path) } else { None };

    let known_method = static_method(&method_name).map(|m| if head { "GET" } else { m });
    let method = known_method.unwrap_or(&method_name);

    // Credentials are checked before routing: wrong ones fail on every path (§A.8).
    let bytes = match axum::body::to_bytes(body, config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return finish(&meta, Err(ApiError::payload_too_large()), head),
    };
    if is_form(&parts.headers) && matches!(method, "POST" | "PUT" | "PATCH" | "DELETE") {
        params.form = params::parse_urlencoded(&bytes);
    }
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    let jwt_route = matches!(route, Some(Route::JwtToken | Route::JwtValidate));
    let user = if jwt_route {
        None
    } else {
        let request = RequestView { headers: &parts.headers, params: &params, body: &bytes, uri: &parts.uri, peer };
        match authenticate(&state, &request, parts.method.as_str(), method, now).await {
            Ok(user) => user,
            Err(error) => return finish(&meta, Err(error), head),
        }
    };
    if user.is_none()
        && let Some(error) = state.auth_config.lockdown.check(method, rest_path)
    {
        return finish(&meta, Err(error), head);
    }
    // §F.5: CoCart refuses methods it does not know to anonymous clients; for a signed-in
    // client WordPress finds no route that answers them.
    let Some(method) = known_method else {
        if user.is_some() {
            return finish(&meta, Err(ApiError::no_route()), head);
        }
        let (_, body) = cocart_wire::sessions::permission_error_unknown_method(rest_path);
        let error = ApiError { with_allow: false, ..ApiError::with_body(StatusCode::UNAUTHORIZED, body) };
        return finish(&meta, Err(error), head);
    };

    let Some(route) = route else {
        return finish(&meta, Err(ApiError::no_route()), head);
    };
    if method == "OPTIONS" {
        meta.allow = Some(route.methods());
        return finish(&meta, Ok(Reply::Json(Value::Bool(true))), head);
    }
    if !route.methods().contains(&method) {
        return finish(&meta, Err(ApiError::no_route()), head);
    }
    meta.allow = Some(route.methods());
    if let Err(error) = parse_json_body(&mut params, &parts.headers, &bytes) {
        return finish(&meta, Err(error), head);
    }
    if jwt_route {
        if !auth::transport_allows_secrets(&state.auth_config, peer, &parts.headers) {
            return finish(&meta, Err(auth::tls_required()), head);
        }
        let result = jwt_auth::dispatch(&state, &route, &params, &parts.headers, client_address(peer), now).await;
        return finish(&meta, result, head);
    }

    meta.no_cache = user.is_some();
    let user_id = user.as_ref().map(|u| u.id);
    let session = match session::resolve(config, &state.carts.expiry, &params, &parts.headers, user_id, now) {
        Ok(s) => s,
        Err(error) => return finish(&meta, Err(error), head),
    };
    if let Some(envelope) = cart_key_guard(&state, &session, user_id).await {
        return envelope;
    }
    if let Some(guest_key) = &session.guest_key {
        let snapshot = state.catalog.get();
        let target = v2::cart_target(&session, user.as_deref(), &snapshot.settings);
        if let Err(error) = state.carts.merge_guest(guest_key, &target, &snapshot, now).await {
            return finish(&meta, Err(error.into()), head);
        }
    }
    if let Route::Item(key) = &route {
        params.path.insert("item_key".into(), Value::String(key.clone()));
    }
    let mut ctx = Ctx { method, route, params, session, now, user };
    let outcome = match params::validate(&ctx.params, ctx.route.args(method)) {
        Ok(()) if matches!(ctx.route, Route::V1(_)) => v1::dispatch(&state, &mut ctx).await,
        Ok(()) => v2::dispatch(&state, &mut ctx).await,
        Err(error) => Outcome::from_result(Err(error), v2::cookie_state_of_stored(&state, &ctx).await),
    };
    meta.cookies = session::response_cookies(config, &ctx.session, &outcome.cart, now);
    meta.extra = outcome.headers;
    meta.session = Some(&ctx.session);
    finish(&meta, outcome.result, head)
}

/// What authentication reads of a request.
struct RequestView<'a> {
    headers: &'a HeaderMap,
    params: &'a Params,
    body: &'a Bytes,
    uri: &'a axum::http::Uri,
    peer: Option<std::net::SocketAddr>,
}

fn client_address(peer: Option<std::net::SocketAddr>) -> std::net::IpAddr {
    peer.map(|p| p.ip()).unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// §F: the authenticated user, `None` for a guest, or the error that ends the request.
/// `sent_method` is the HTTP method on the wire (what OAuth signs); `method` the effective one.
async fn authenticate<S: CartStore + CatalogStore + UserStore>(
    state: &AppState<S>,
    request: &RequestView<'_>,
    sent_method: &str,
    method: &str,
    now: i64,
) -> Result<Option<Arc<cartd_store::User>>, ApiError> {
    use cartd_app::auth::login::{AuthOutcome, Credential};
    let (headers, peer) = (request.headers, request.peer);
    let credential = auth::credential(headers, request.params, method).or_else(|| {
        let url = || {
            let https = auth::request_is_https(&state.auth_config, peer, headers);
            auth::oauth_url(&state.config.site_url, https, request.uri.path())
        };
        let form = (sent_method == "POST" && is_form(headers)).then_some(&request.body[..]);
        auth::oauth_credential(headers, request.uri.query().unwrap_or(""), form, sent_method, url)
    });
    let Some(credential) = credential else { return Ok(None) };
    // Bearer tokens and OAuth signatures never reveal a secret; passwords and keys need TLS.
    if matches!(credential, Credential::Password { .. } | Credential::ConsumerKey { .. })
        && !auth::transport_allows_secrets(&state.auth_config, peer, headers)
    {
        return Err(auth::tls_required());
    }
    match state.auth.authenticate(state.carts.store(), credential, method, client_address(peer), now).await {
        AuthOutcome::User(user) => Ok(Some(Arc::from(user))),
        AuthOutcome::Guest => Ok(None),
        failure => Err(auth::failure(failure)),
    }
}

/// §C.1.2: a guest may not use a registered customer's id as cart key, and a customer may
/// not send their own id. Answered with WordPress's bare `wp_send_json_error` envelope.
async fn cart_key_guard<S: CartStore + CatalogStore + UserStore>(
    state: &AppState<S>,
    session: &Session,
    user_id: Option<u64>,
) -> Option<Response> {
    use cocart_wire::sessions::{already_authenticating_user, must_authenticate_user};
    let raw = session.raw_key.as_deref().map(str::trim);
    let (status, body) = match user_id {
        Some(id) if raw == Some(id.to_string().as_str()) => already_authenticating_user(),
        Some(_) => return None,
        None => {
            let key = raw.or(session.cookie_key.as_deref())?;
            if !cartd_domain::php::is_numeric(key) {
                return None;
            }
            let id = cartd_domain::php::intval(key);
            if id < 1 || !matches!(state.carts.store().user_by_id(id as u64).await, Ok(Some(_))) {
                return None;
            }
            must_authenticate_user()
        }
    };
    Some(json_response(StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN), &body))
}

/// A JSON body's parameters (§A.2): only with a JSON content type; an empty body or a
/// non-object contributes none; malformed JSON is `rest_invalid_json`.
fn parse_json_body(params: &mut Params, headers: &HeaderMap, bytes: &Bytes) -> Result<(), ApiError> {
    if !is_json(headers) || bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => params.json = map,
        Ok(_) => {}
        Err(_) => return Err(ApiError::invalid_json(4, "Syntax error")),
    }
    Ok(())
}

fn finish(meta: &ResponseMeta<'_>, result: Result<Reply, ApiError>, head: bool) -> Response {
    let (status, body, with_allow, retry_after) = match result {
        Ok(Reply::Json(value)) => (StatusCode::OK, cocart_wire::php_json::to_vec(&value), true, None),
        Ok(Reply::Raw(bytes)) => (StatusCode::OK, bytes.to_vec(), true, None),
        Ok(Reply::Encoded(bytes)) => (StatusCode::OK, bytes, true, None),
        Err(error) => (error.status, cocart_wire::php_json::to_vec(&error.body), error.with_allow, error.retry_after),
    };
    let mut response = Response::new(if head { Body::empty() } else { Body::from(body) });
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let config = meta.config;
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&format!("<{}/wp-json/>; rel=\"https://api.w.org/\"", config.site_url)) {
        headers.insert(header::LINK, v);
    }
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "X-WP-Total, X-WP-TotalPages, Link, X-CoCart-API, CoCart-API-Cart-Key, CoCart-API-Cart-Expiring, CoCart-API-Cart-Expiration",
        ),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(
            "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type, CoCart-API-Cart-Key",
        ),
    );
    if with_allow
        && let Some(methods) = meta.allow
        && let Ok(v) = HeaderValue::from_str(&methods.join(", "))
    {
        headers.insert(header::ALLOW, v);
    }
    if let Some(session) = meta.session {
        if meta.cocart_path
            && let Some(key) = &session.header_key
            && let Ok(v) = HeaderValue::from_str(key)
        {
            headers.insert(HeaderName::from_static("x-cocart-api"), v);
        }
        if let Ok(v) = HeaderValue::from_str(&session.key) {
            headers.insert(HeaderName::from_static("cocart-api-cart-key"), v);
        }
        headers.insert(HeaderName::from_static("cocart-api-cart-expiring"), HeaderValue::from(session.expiry.expiring));
        headers.insert(
            HeaderName::from_static("cocart-api-cart-expiration"),
            HeaderValue::from(session.expiry.expiration),
        );
    }
    for (name, value) in &meta.extra {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(*name, v);
        }
    }
    if meta.no_cache {
        headers.insert(header::EXPIRES, HeaderValue::from_static("Wed, 11 Jan 1984 05:00:00 GMT"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, must-revalidate, max-age=0"));
    }
    if let Some(seconds) = retry_after
        && let Ok(v) = HeaderValue::from_str(&seconds.to_string())
    {
        headers.insert(header::RETRY_AFTER, v);
    }
    apply_cors(headers, meta);
    for cookie in &meta.cookies {
        if let Ok(v) = HeaderValue::from_str(cookie) {
            headers.append(header::SET_COOKIE, v);
        }
    }
    response
}

fn apply_cors(headers: &mut HeaderMap, meta: &ResponseMeta<'_>) {
    let cors = &meta.config.cors;
    if cors.allow_all {
        let origin = cors
            .fixed_origin
            .as_deref()
            .and_then(|o| HeaderValue::from_str(o).ok())
            .or_else(|| meta.origin.clone())
            .unwrap_or_else(|| HeaderValue::from_static(""));
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST, GET, OPTIONS, PUT, DELETE, PATCH"),
        );
        headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        return;
    }
    match &meta.origin {
        Some(origin) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("OPTIONS, GET, POST, PUT, PATCH, DELETE"),
            );
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
            headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
        None if meta.method == "GET" => {
            headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
        None => {}
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body)
    }
}
