//! The endpoints of "JWT Authentication for WP REST API" (`/jwt-auth/v1`). As in WordPress,
//! where the plugin owns its namespace, they take no part in CoCart's authentication,
//! sessions or cart headers.

use std::net::IpAddr;

use axum::http::{HeaderMap, header};
use cartd_app::auth::jwt;
use cartd_app::auth::login::AuthOutcome;
use cartd_store::{CartStore, CatalogStore, UserStore};
use serde_json::Value;

use crate::error::ApiError;
use crate::params::Params;
use crate::routes::Route;
use crate::{AppState, Reply, auth};

pub(crate) async fn dispatch<S: CartStore + CatalogStore + UserStore>(
    state: &AppState<S>,
    route: &Route,
    params: &Params,
    headers: &HeaderMap,
    address: IpAddr,
    now: i64,
) -> Result<Reply, ApiError> {
    if *route == Route::JwtValidate {
        let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        return match jwt::validate_authorization(&state.auth.jwt, authorization, now) {
            Ok(_) => Ok(Reply::Json(jwt::valid_token_response())),
            Err(e) => Err(auth::failure(AuthOutcome::Jwt(e))),
        };
    }
    let text = |name: &str| match params.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let store = state.carts.store();
    match state.auth.token_login(store, &text("username"), &text("password"), address, now).await {
        AuthOutcome::User(user) => {
            let token = jwt::issue(&state.auth.jwt, user.id, now);
            Ok(Reply::Json(jwt::token_response(&token, &user.email, &user.nicename, &user.display_name)))
        }
        failure => Err(auth::failure(failure)),
    }
}
