//! HTTP-level errors: a status plus a CoCart/WordPress error body. Internal failures are
//! logged with their cause and answered with a generic body — never echoed.

use axum::http::StatusCode;
use cartd_domain::errors::CartError;
use cocart_wire::cart_errors::cart_error;
use serde_json::Value;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
    /// Whether the `Allow` header of the matched route goes with this error (parameter and
    /// handler errors yes; routing, auth and guard errors no).
    pub with_allow: bool,
    /// Seconds for a `Retry-After` header (rate limiting).
    pub retry_after: Option<i64>,
}

impl ApiError {
    /// An error with a prepared body; the route's `Allow` header goes with it.
    pub fn with_body(status: StatusCode, body: Value) -> ApiError {
        ApiError { status, body, with_allow: true, retry_after: None }
    }

    pub fn new(status: u16, code: &str, message: &str) -> ApiError {
        ApiError::with_body(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            cocart_wire::errors::error(code, message, status),
        )
    }

    pub fn no_route() -> ApiError {
        ApiError {
            with_allow: false,
            ..ApiError::new(404, "rest_no_route", "No route was found matching the URL and request method.")
        }
    }

    pub fn missing_params(names: &[&str]) -> ApiError {
        ApiError::with_body(StatusCode::BAD_REQUEST, cocart_wire::errors::missing_params(names))
    }

    /// `failures`: parameter name and, for type errors, the type message (validator
    /// failures have none).
    pub fn invalid_params(failures: &[(&str, Option<String>)]) -> ApiError {
        ApiError::with_body(StatusCode::BAD_REQUEST, cocart_wire::errors::invalid_params(failures))
    }

    pub fn invalid_json(code: i64, message: &str) -> ApiError {
        ApiError::with_body(StatusCode::BAD_REQUEST, cocart_wire::errors::invalid_json(code, message))
    }

    pub fn payload_too_large() -> ApiError {
        ApiError { with_allow: false, ..ApiError::new(413, "rest_request_too_large", "The request body is too large.") }
    }

    pub fn cart_key_too_long() -> ApiError {
        ApiError {
            with_allow: false,
            ..ApiError::new(400, "cocart_cart_key_too_long", "The cart key must not be longer than 42 characters.")
        }
    }

    /// An internal failure: logged here, answered generically.
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "internal error while serving a request");
        ApiError {
            with_allow: false,
            ..ApiError::new(500, "cartd_internal_error", "The server could not complete the request. Please try again.")
        }
    }

    pub fn unavailable() -> ApiError {
        ApiError {
            with_allow: false,
            ..ApiError::new(503, "cartd_busy", "The cart is busy with other changes. Please retry.")
        }
    }
}

impl From<CartError> for ApiError {
    fn from(error: CartError) -> Self {
        let e = cart_error(&error);
        ApiError::new(e.status, e.code, &e.message)
    }
}

impl From<cartd_app::carts::CartTxError> for ApiError {
    fn from(error: cartd_app::carts::CartTxError) -> Self {
        match error {
            cartd_app::carts::CartTxError::Contended => ApiError::unavailable(),
            cartd_app::carts::CartTxError::Store(e) => ApiError::internal(&e),
        }
    }
}

impl From<cartd_store::StoreError> for ApiError {
    fn from(error: cartd_store::StoreError) -> Self {
        ApiError::internal(&error)
    }
}
