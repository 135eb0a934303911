//! The administrators' session routes (CONTRACT §C.2.16–C.2.19, POLICY F4): list stored
//! carts, view one as the full cart, view its items, delete it. Administrators and shop
//! managers only.

use std::sync::Arc;

use axum::http::StatusCode;
use cartd_domain::php::php_empty;
use cartd_store::{CartRecord, CartStore, CatalogStore};
use cocart_wire::sessions::{
    CART_DELETED, SessionRow, cart_in_session_not_valid, cart_key_missing, no_carts_in_session, rest_cannot_view,
    session_summary,
};
use serde_json::Value;

use crate::error::ApiError;
use crate::session::CartCookieState;
use crate::{AppState, Ctx, Outcome, Reply};

/// Rows per page when the client asks for paging without `per_page`.
const DEFAULT_PER_PAGE: u64 = 100;

fn error((status, body): (u16, Value), with_allow: bool) -> ApiError {
    ApiError { with_allow, ..ApiError::with_body(StatusCode::from_u16(status).unwrap_or(StatusCode::NOT_FOUND), body) }
}

fn permission(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.can_manage_woocommerce() { Ok(()) } else { Err(error(rest_cannot_view(ctx.user.is_some()), false)) }
}

/// The stored cart a session route names: the path key, overridden by a `cart_key` query
/// parameter (§A.2); stored keys are lower-case, so the lookup ignores case.
async fn stored<S: CartStore + CatalogStore>(
    state: &Arc<AppState<S>>,
    ctx: &Ctx,
    path_key: &str,
) -> Result<CartRecord, ApiError> {
    let key = ctx.params.query.get("cart_key").and_then(Value::as_str).unwrap_or(path_key);
    if php_empty(&Value::String(key.to_string())) {
        return Err(error(cart_key_missing(), true));
    }
    match state.carts.load(&key.to_ascii_lowercase(), ctx.now).await? {
        Some(record) => Ok(record),
        None => Err(error(cart_in_session_not_valid(), true)),
    }
}

fn outcome(result: Result<Reply, ApiError>) -> Outcome {
    Outcome::from_result(result, CartCookieState::default())
}

/// `GET session/{key}`: the stored cart rendered like `GET cart` (POLICY F4), read-only.
pub(crate) async fn session<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx, key: &str) -> Outcome {
    let result = async {
        permission(ctx)?;
        let mut record = stored(state, ctx, key).await?;
        let snapshot = state.catalog.get();
        let cart = &mut record.cart;
        if cart.is_empty() {
            return Ok(Reply::Json(Value::Array(Vec::new())));
        }
        let totals = cartd_domain::totals::calculate(cart, &snapshot.catalog, &snapshot.settings, ctx.now);
        if ctx.params.bool_or("default", false) {
            return Ok(Reply::Json(cocart_wire::cart::raw_cart(cart, None)));
        }
        let hash = cartd_domain::keys::cart_hash(cart, &totals.record.total);
        let view = cocart_wire::cart::CartView {
            cart,
            totals: &totals,
            catalog: &snapshot.catalog,
            settings: &snapshot.settings,
            cart_key: &record.cart_key,
            cart_hash: &hash,
            thumb: ctx.params.bool_or("thumb", true),
            notices: &cart.notices,
            cross_sells: &[],
            now: ctx.now,
        };
        Ok(Reply::Encoded(cocart_wire::cart::full_cart_bytes(&view)))
    }
    .await;
    outcome(result)
}

/// `GET session/{key}/items`: the stored lines keyed by item key, `[]` when none.
pub(crate) async fn session_items<S: CartStore + CatalogStore>(
    state: &Arc<AppState<S>>,
    ctx: &Ctx,
    key: &str,
) -> Outcome {
    let result = async {
        permission(ctx)?;
        let mut record = stored(state, ctx, key).await?;
        let snapshot = state.catalog.get();
        let cart = &mut record.cart;
        if cart.lines.is_empty() {
            return Ok(Reply::Json(Value::Array(Vec::new())));
        }
        let totals = cartd_domain::totals::calculate(cart, &snapshot.catalog, &snapshot.settings, ctx.now);
        let notices = Default::default();
        let view = cocart_wire::cart::CartView {
            cart,
            totals: &totals,
            catalog: &snapshot.catalog,
            settings: &snapshot.settings,
            cart_key: &record.cart_key,
            cart_hash: "",
            thumb: ctx.params.bool_or("thumb", true),
            notices: &notices,
            cross_sells: &[],
            now: ctx.now,
        };
        let with_image = view.thumb;
        Ok(Reply::Encoded(cocart_wire::cart::items_by_key_bytes(&view, with_image)))
    }
    .await;
    outcome(result)
}

/// `DELETE session/{key}`.
pub(crate) async fn delete_session<S: CartStore + CatalogStore>(
    state: &Arc<AppState<S>>,
    ctx: &Ctx,
    key: &str,
) -> Outcome {
    let result = async {
        permission(ctx)?;
        let record = stored(state, ctx, key).await?;
        state.carts.delete(&record.cart_key).await?;
        Ok(Reply::Json(Value::String(CART_DELETED.into())))
    }
    .await;
    outcome(result)
}

/// `GET sessions`: every stored row in `cart_id` order. `page`/`per_page` page it, with
/// `X-WP-Total` and `X-WP-TotalPages`; without them the whole table comes back, as in CoCart.
pub(crate) async fn sessions<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let mut headers = Vec::new();
    let result = async {
        permission(ctx)?;
        let store = state.carts.store();
        let total = store.count_carts().await?;
        if total == 0 {
            return Err(error(no_carts_in_session(), true));
        }
        let paged = ctx.params.get("page").is_some() || ctx.params.get("per_page").is_some();
        let per_page = if paged {
            ctx.params.number_or("per_page", DEFAULT_PER_PAGE as f64).clamp(1.0, 1000.0) as u64
        } else {
            total
        };
        let page = ctx.params.number_or("page", 1.0).max(1.0) as u64;
        let rows = store.list_carts((page - 1) * per_page, per_page).await?;
        headers.push(("x-wp-total", total.to_string()));
        headers.push(("x-wp-totalpages", total.div_ceil(per_page).to_string()));
        let site_url = &state.config.site_url;
        let list = rows
            .iter()
            .map(|row| {
                let billing = &row.cart.customer.billing;
                session_summary(
                    &SessionRow {
                        cart_id: row.cart_id,
                        cart_key: &row.cart_key,
                        created: row.created,
                        expiry: row.expiry,
                        source: &row.source,
                        billing_first_name: &billing.first_name,
                        billing_last_name: &billing.last_name,
                        billing_email: &billing.email,
                    },
                    site_url,
                )
            })
            .collect();
        Ok(Reply::Json(Value::Array(list)))
    }
    .await;
    Outcome { headers, ..outcome(result) }
}
