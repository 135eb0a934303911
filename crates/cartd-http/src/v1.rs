//! CoCart API v1 handlers (CONTRACT §B.2, §C.3; POLICY F6, F10). Each extracts its
//! parameters, runs the cart transaction with the v1 domain operation, and picks the v1 wire
//! shape (§D.8). v1 routes neither consume nor discard the notice queue (§C.1.5), and their
//! errors use v1 wording (ERRORS.md §7).
use crate::v2::with_cart;

use std::sync::Arc;

use axum::http::StatusCode;
use cartd_app::carts::CartTx;
use cartd_domain::cart::Cart;
use cartd_domain::errors::CartError;
use cartd_domain::ops::{self, QuantityChange, V1AddError, V1AddRequest, clean_id};
use cartd_domain::php::{intval, php_empty, php_trim, scalar_to_string, strip_tags};
use cartd_domain::session::{CleanKey, clean_cart_key};
use cartd_store::{CartStore, CatalogStore};
use cocart_wire::cart_errors::WireError;
use cocart_wire::v1::{self as wire, V1Error, v1_add_error, v1_cart_error};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::routes::V1Route;
use crate::session::{CartCookieState, new_guest_key};
use crate::v2::cookie_state_of_stored;
use crate::{AppState, Ctx, Outcome, Reply, Route};

pub(crate) async fn dispatch<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &mut Ctx) -> Outcome {
    let Route::V1(route) = ctx.route.clone() else {
        return Outcome::from_result(Err(ApiError::no_route()), CartCookieState::default());
    };
    match (route, ctx.method) {
        (V1Route::Index, _) => {
            let body = cocart_wire::index::v1_index(&state.config.site_url);
            Outcome::from_result(Ok(Reply::Raw(body)), cookie_state_of_stored(state, ctx).await)
        }
        (V1Route::GetCart, _) => get_cart(state, ctx).await,
        (V1Route::CartInSession(id), _) => cart_in_session(state, ctx, &id).await,
        (V1Route::CustomerCart(id), _) => customer_cart(state, ctx, &id).await,
        (V1Route::AddItem, _) => add_item(state, ctx).await,
        (V1Route::Item, "GET") => restore_item(state, ctx).await,
        (V1Route::Item, "POST") => update_item(state, ctx).await,
        (V1Route::Item, _) => remove_item(state, ctx).await,
        (V1Route::CountItems, _) => count_items(state, ctx).await,
        (V1Route::Totals, _) => totals(state, ctx).await,
        (V1Route::Calculate, _) => calculate(state, ctx).await,
        (V1Route::Clear, _) => clear(state, ctx).await,
        (V1Route::Logout, _) => logout(state, ctx).await,
    }
}

fn wire_error(e: WireError) -> ApiError {
    ApiError::new(e.status, e.code, &e.message)
}

fn v1_error(e: V1Error) -> ApiError {
    wire_error(e.wire())
}

/// A domain error in v1 wording.
fn cart_error(e: CartError) -> ApiError {
    wire_error(v1_cart_error(&e))
}

fn add_error(e: V1AddError) -> ApiError {
    match e {
        V1AddError::Cart { error, product_name } => wire_error(v1_add_error(&error, &product_name)),
        V1AddError::NoLongerExists { name } => v1_error(V1Error::ProductNoLongerExists { name }),
        V1AddError::Refused { name } => v1_error(V1Error::CannotAddToCart { name }),
    }
}

/// The v1 cart (§C.3.1) of the transaction's cart, as its line totals stand.
fn cart_reply(tx: &CartTx<'_>, thumb: bool, added: Option<&str>) -> Reply {
    let snapshot = tx.snapshot;
    Reply::Json(wire::v1_cart(&*tx.cart, &snapshot.catalog, &snapshot.settings, thumb, added, tx.now))
}

/// `thumb` where it is not declared (the `return_cart` answers): PHP truthiness.
fn undeclared_thumb(ctx: &Ctx) -> bool {
    ctx.params.truthy("thumb")
}

fn return_cart(ctx: &Ctx) -> bool {
    ctx.params.bool_or("return_cart", false)
}

/// §C.3.1.
async fn get_cart<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, ctx| Ok(cart_reply(tx, ctx.params.bool_or("thumb", false), None))).await
}

/// A stored cart in v1 shape, as loading it would leave it (§C.1.1), without touching it.
fn stored_cart_reply<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx, mut cart: Cart) -> Reply {
    let snapshot = state.catalog.get();
    ops::drop_invalid_lines(&mut cart, &snapshot.catalog);
    let thumb = ctx.params.bool_or("thumb", false);
    Reply::Json(wire::v1_cart(&cart, &snapshot.catalog, &snapshot.settings, thumb, None, ctx.now))
}

/// The `id` path parameter, unless a request parameter of that name overrides it (§A.2).
fn id_param(ctx: &Ctx, path_id: &str) -> String {
    match ctx.params.get("id") {
        Some(value) => scalar_to_string(value).unwrap_or_default(),
        None => path_id.to_string(),
    }
}

/// §C.3.2 with POLICY F10: only administrators and shop managers may read a cart by key.
async fn cart_in_session<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx, id: &str) -> Outcome {
    let result = read_cart_in_session(state, ctx, id).await;
    Outcome::from_result(result, cookie_state_of_stored(state, ctx).await)
}

async fn read_cart_in_session<S: CartStore + CatalogStore>(
    state: &Arc<AppState<S>>,
    ctx: &Ctx,
    id: &str,
) -> Result<Reply, ApiError> {
    if !ctx.can_manage_woocommerce() {
        let (status, body) = cocart_wire::sessions::rest_cannot_view(ctx.user.is_some());
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED);
        return Err(ApiError { with_allow: false, ..ApiError::with_body(status, body) });
    }
    let id = id_param(ctx, id);
    if php_empty(&Value::String(id.clone())) {
        return Err(v1_error(V1Error::CartKeyMissing));
    }
    // Keys are stored cleaned (lower-case), so the lookup is case-insensitive.
    let CleanKey::Key(key) = clean_cart_key(&id) else {
        return Err(v1_error(V1Error::CartInSessionNotValid));
    };
    match state.carts.load(&key, ctx.now).await? {
        Some(record) => Ok(stored_cart_reply(state, ctx, record.cart)),
        None => Err(v1_error(V1Error::CartInSessionNotValid)),
    }
}

/// §C.3.3: administrators only; the cart stored under the user id, else the caller's own.
async fn customer_cart<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx, id: &str) -> Outcome {
    if !ctx.is_administrator() {
        let error = ApiError { with_allow: false, ..v1_error(V1Error::CannotReadCart) };
        return Outcome::from_result(Err(error), cookie_state_of_stored(state, ctx).await);
    }
    let id = id_param(ctx, id);
    if php_empty(&Value::String(id.clone())) {
        return Outcome::from_result(Err(v1_error(V1Error::CustomerMissing)), cookie_state_of_stored(state, ctx).await);
    }
    // `absint` (`"007"` is user 7); a user's cart is stored under their id.
    let user_id = intval(&id).unsigned_abs();
    if user_id != 0 {
        match state.carts.load(&user_id.to_string(), ctx.now).await {
            Ok(Some(record)) if !record.cart.lines.is_empty() => {
                let reply = stored_cart_reply(state, ctx, record.cart);
                return Outcome::from_result(Ok(reply), cookie_state_of_stored(state, ctx).await);
            }
            Ok(_) => {}
            Err(error) => return Outcome::from_result(Err(error.into()), CartCookieState::default()),
        }
    }
    // [QUIRK] 3.0.17 answers with the requesting administrator's own cart.
    get_cart(state, ctx).await
}

/// `variation_id` (`absint`).
fn variation_id(ctx: &Ctx) -> u64 {
    match ctx.params.get("variation_id") {
        Some(Value::Number(n)) => n.as_i64().map(i64::unsigned_abs).or_else(|| n.as_u64()).unwrap_or(0),
        Some(Value::String(s)) => intval(s).unsigned_abs(),
        _ => 0,
    }
}

/// §C.3.4.
async fn add_item<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let request = V1AddRequest {
        product_id: clean_id(ctx.params.str_or("product_id", "")),
        variation_id: variation_id(ctx),
        quantity: ctx.params.number_or("quantity", 1.0),
        variation: ctx.params.object("variation"),
        item_data: ctx.params.object("cart_item_data"),
        cart_url: format!("{}/cart/", state.config.site_url),
    };
    with_cart(state, ctx, move |tx, ctx| {
        let added = ops::add_item_v1(tx.cart, &tx.snapshot.catalog, &request).map_err(add_error)?;
        tx.calculate();
        if return_cart(ctx) {
            return Ok(cart_reply(tx, undeclared_thumb(ctx), Some(&added.key)));
        }
        let snapshot = tx.snapshot;
        Ok(Reply::Json(wire::v1_added_item(tx.cart, &snapshot.catalog, &snapshot.settings, &added.key, tx.now)))
    })
    .await
}

/// `cart_item_key` from the query string, a form or a JSON body; `"0"` when absent; tags
/// stripped and trimmed.
fn cart_item_key(ctx: &Ctx) -> String {
    php_trim(&strip_tags(ctx.params.str_or("cart_item_key", "0"))).to_string()
}

/// DELETE `item`, also a negative update quantity (§C.3.8).
fn remove_line(tx: &mut CartTx<'_>, ctx: &Ctx, key: &str) -> Result<Reply, ApiError> {
    ops::remove_item_v1(tx.cart, key).map_err(cart_error)?;
    tx.calculate();
    if return_cart(ctx) {
        return Ok(cart_reply(tx, undeclared_thumb(ctx), None));
    }
    Ok(Reply::Json(json!(wire::ITEM_REMOVED)))
}

async fn remove_item<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let key = cart_item_key(ctx);
    with_cart(state, ctx, move |tx, ctx| remove_line(tx, ctx, &key)).await
}

/// GET `item`: restore (§C.3.8).
async fn restore_item<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let key = cart_item_key(ctx);
    with_cart(state, ctx, move |tx, ctx| {
        ops::restore_item_v1(tx.cart, &key).map_err(cart_error)?;
        tx.calculate();
        if return_cart(ctx) {
            return Ok(cart_reply(tx, undeclared_thumb(ctx), None));
        }
        Ok(Reply::Json(json!(wire::ITEM_RESTORED)))
    })
    .await
}

/// POST `item`: update (§C.3.8). A negative quantity removes the line [DEVIATION].
async fn update_item<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let key = cart_item_key(ctx);
    let quantity = ctx.params.number_or("quantity", 1.0);
    with_cart(state, ctx, move |tx, ctx| {
        if quantity < 0.0 {
            return remove_line(tx, ctx, &key);
        }
        let (change, name) =
            ops::update_quantity_v1(tx.cart, &tx.snapshot.catalog, &key, quantity).map_err(cart_error)?;
        if change != QuantityChange::Unchanged {
            tx.calculate();
        }
        if return_cart(ctx) {
            return Ok(cart_reply(tx, undeclared_thumb(ctx), None));
        }
        let message = wire::v1_update_message(change, &name, quantity);
        Ok(Reply::Json(wire::v1_update_status(&message, quantity)))
    })
    .await
}

/// §C.3.7.
async fn count_items<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, ctx| {
        let count = tx.cart.item_count();
        if ctx.params.str_or("return", "numeric") != "numeric" && count <= 0.0 {
            return Ok(Reply::Json(json!(wire::NO_ITEMS_IN_CART)));
        }
        Ok(Reply::Json(cartd_domain::keys::float(count)))
    })
    .await
}

/// §C.3.10 with POLICY F6: the totals of the cart as it is now (after a clear, the empty
/// cart's zero defaults); never an error.
async fn totals<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, ctx| {
        let record = tx.calculate().record.clone();
        let html = ctx.params.bool_or("html", false);
        Ok(Reply::Json(wire::v1_totals(&record, html, &tx.snapshot.settings.currency)))
    })
    .await
}

/// §C.3.5: `html` is not declared here, so any truthy raw value counts.
async fn calculate<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, ctx| {
        let record = tx.calculate().record.clone();
        if ctx.params.bool_or("return", false) {
            let html = ctx.params.truthy("html");
            return Ok(Reply::Json(wire::v1_totals(&record, html, &tx.snapshot.settings.currency)));
        }
        Ok(Reply::Json(json!(wire::TOTALS_CALCULATED)))
    })
    .await
}

/// §C.3.6: removed items are always cleared; queued notices stay.
async fn clear<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, _| {
        ops::clear(tx.cart, false);
        Ok(Reply::Json(json!(wire::CART_CLEARED)))
    })
    .await
}

/// §C.3.9 / §C.2.15: destroy the session's stored cart and delete the CoCart cookie.
/// A fresh key is generated but not saved.
async fn logout<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &mut Ctx) -> Outcome {
    if let Err(error) = state.carts.delete(&ctx.session.key).await {
        return Outcome::from_result(Err(error.into()), CartCookieState::default());
    }
    ctx.session.key = new_guest_key();
    let cart = CartCookieState { delete_session_cookie: true, ..CartCookieState::default() };
    Outcome::from_result(Ok(Reply::Json(Value::Bool(true))), cart)
}
