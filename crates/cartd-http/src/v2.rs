//! CoCart API v2 handlers (CONTRACT §C.2.1–C.2.13). Each extracts its parameters, runs the
//! cart transaction with the domain operation, and picks the wire shape.

use std::sync::Arc;

use cartd_app::carts::{CartTarget, CartTx};
use cartd_domain::cart::{Customer, NoticeKind};
use cartd_domain::catalog::ProductId;
use cartd_domain::errors::CartError;
use cartd_domain::numeric::php_float_to_string;
use cartd_domain::ops::{
    self, AddRequest, QuantityChange, added_message, clean_id, removed_message, resolve_product_id,
};
use cartd_domain::php::{floatval, php_trim, strip_tags};
use cartd_domain::totals::CartTotals;
use cartd_store::{CartStore, CatalogStore, UserStore};
use rand::seq::SliceRandom;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::session::CartCookieState;
use crate::{AppState, Ctx, Outcome, Reply, Route};

pub(crate) async fn dispatch<S: CartStore + CatalogStore + UserStore>(
    state: &Arc<AppState<S>>,
    ctx: &mut Ctx,
) -> Outcome {
    match (&ctx.route, ctx.method) {
        (Route::V2Index, _) => {
            let body = cocart_wire::index::v2_index(&state.config.site_url);
            Outcome::from_result(Ok(Reply::Raw(body)), cookie_state_of_stored(state, ctx).await)
        }
        (Route::Store, _) => {
            let snapshot = state.catalog.get();
            let body = cocart_wire::store::store_object(&snapshot.settings, &state.config.cocart_version);
            Outcome::from_result(Ok(Reply::Json(body)), cookie_state_of_stored(state, ctx).await)
        }
        (Route::Cart, _) => get_cart(state, ctx).await,
        (Route::AddItem, _) => add_item(state, ctx).await,
        (Route::AddItems, _) => add_items(state, ctx).await,
        (Route::Item(_), "GET") => get_item(state, ctx).await,
        (Route::Item(_), "POST") => update_item(state, ctx).await,
        (Route::Item(_), "DELETE") => remove_item(state, ctx).await,
        (Route::Item(_), _) => restore_item(state, ctx).await,
        (Route::Items, _) => get_items(state, ctx).await,
        (Route::ItemsCount, _) => count_items(state, ctx).await,
        (Route::Calculate, _) => calculate(state, ctx).await,
        (Route::Clear, _) => clear(state, ctx).await,
        (Route::Totals, _) => totals(state, ctx).await,
        (Route::Login, _) => login(state, ctx).await,
        (Route::Logout, _) => logout(state, ctx).await,
        (Route::Session(key), "DELETE") => crate::admin::delete_session(state, ctx, &key.clone()).await,
        (Route::Session(key), _) => crate::admin::session(state, ctx, &key.clone()).await,
        (Route::SessionItems(key), _) => crate::admin::session_items(state, ctx, &key.clone()).await,
        (Route::Sessions, _) => crate::admin::sessions(state, ctx).await,
        (Route::V1(_), _) => crate::v1::dispatch(state, ctx).await,
        // Answered before sessions, by `jwt_auth`.
        (Route::JwtToken | Route::JwtValidate, _) => {
            Outcome::from_result(Err(ApiError::no_route()), CartCookieState::default())
        }
    }
}

/// The request's cart; a signed-in customer's carries their addresses.
pub(crate) fn cart_target(
    session: &crate::session::Session,
    user: Option<&cartd_store::User>,
    settings: &cartd_domain::settings::Settings,
) -> CartTarget {
    CartTarget {
        key: session.key.clone(),
        expiration: session.expiry.expiration,
        source: "cocart",
        customer: user.map(|u| Customer::for_account(&u.billing, &u.shipping, &u.email, settings)),
    }
}

/// Run a cart transaction whose closure answers the request; the cookie state is read from
/// the cart as the transaction leaves it.
pub(crate) async fn with_cart<S: CartStore + CatalogStore>(
    state: &Arc<AppState<S>>,
    ctx: &Ctx,
    mut apply: impl FnMut(&mut CartTx<'_>, &Ctx) -> Result<Reply, ApiError> + Send + 'static,
) -> Outcome {
    let snapshot = state.catalog.get();
    // The operation may run on another request's task (the cart's queue leader).
    let shared = Arc::new(ctx.clone());
    let result = state
        .carts
        .transact(&cart_target(&ctx.session, ctx.user.as_deref(), &snapshot.settings), &snapshot, ctx.now, move |tx| {
            let reply = apply(tx, &shared);
            (reply, cookie_state(tx))
        })
        .await;
    match result {
        Ok((reply, cart)) => Outcome::from_result(reply, cart),
        Err(error) => Outcome::from_result(Err(error.into()), CartCookieState::default()),
    }
}

fn cookie_state(tx: &mut CartTx<'_>) -> CartCookieState {
    if tx.cart.lines.is_empty() {
        return CartCookieState::default();
    }
    CartCookieState { non_empty: true, cart_hash: tx.cart_hash().to_string(), delete_session_cookie: false }
}

/// The cookie state of a route that does not otherwise touch the cart.
pub(crate) async fn cookie_state_of_stored<S: CartStore + CatalogStore>(
    state: &Arc<AppState<S>>,
    ctx: &Ctx,
) -> CartCookieState {
    let Ok(Some(record)) = state.carts.load(&ctx.session.key, ctx.now).await else {
        return CartCookieState::default();
    };
    if record.cart.lines.is_empty() {
        return CartCookieState::default();
    }
    CartCookieState { non_empty: true, cart_hash: record.cart_hash, delete_session_cookie: false }
}

fn cross_sells(tx: &CartTx<'_>) -> Vec<ProductId> {
    let catalog = &tx.snapshot.catalog;
    let in_cart: Vec<ProductId> = tx.cart.lines.values().flat_map(|l| [l.product_id, l.variation_id]).collect();
    let mut ids: Vec<ProductId> = Vec::new();
    for line in tx.cart.lines.values() {
        let Some(product) = catalog.get(line.product_ref()) else { continue };
        for id in catalog.cross_sells(product) {
            let visible = catalog.get(*id).is_some_and(|p| {
                p.status == cartd_domain::catalog::PostStatus::Publish && p.catalog_visibility != "hidden"
            });
            if visible && !in_cart.contains(id) && !ids.contains(id) {
                ids.push(*id);
            }
        }
    }
    if ids.len() > 1 {
        ids.shuffle(&mut rand::rng());
    }
    ids.truncate(3);
    ids
}

/// §C.1.3: recalculate, consume the notice queue, apply the empty rule, then the raw cart
/// (`default`) or the v2 cart.
fn full_cart(tx: &mut CartTx<'_>, ctx: &Ctx, thumb: bool, default: bool) -> Reply {
    let totals: CartTotals = tx.calculate().clone();
    let notices = std::mem::take(&mut tx.cart.notices);
    if tx.cart.is_empty() {
        return Reply::Json(Value::Array(Vec::new()));
    }
    if default {
        return Reply::Json(cocart_wire::cart::raw_cart(tx.cart, None));
    }
    let hash = tx.cart_hash().to_string();
    let cross_sells = cross_sells(tx);
    let view = cocart_wire::cart::CartView {
        cart: tx.cart,
        totals: &totals,
        catalog: &tx.snapshot.catalog,
        settings: &tx.snapshot.settings,
        cart_key: &ctx.session.echo_key,
        cart_hash: &hash,
        thumb,
        notices: &notices,
        cross_sells: &cross_sells,
        now: ctx.now,
    };
    Reply::Encoded(cocart_wire::cart::full_cart_bytes(&view))
}

/// Build something from a view of the cart for item-level answers (images always filled).
fn with_item_view<R>(tx: &mut CartTx<'_>, ctx: &Ctx, build: impl FnOnce(&cocart_wire::cart::CartView<'_>) -> R) -> R {
    let totals = tx.totals().clone();
    let notices = Default::default();
    let view = cocart_wire::cart::CartView {
        cart: tx.cart,
        totals: &totals,
        catalog: &tx.snapshot.catalog,
        settings: &tx.snapshot.settings,
        cart_key: &ctx.session.echo_key,
        cart_hash: "",
        thumb: true,
        notices: &notices,
        cross_sells: &[],
        now: ctx.now,
    };
    build(&view)
}

fn item_value(tx: &mut CartTx<'_>, ctx: &Ctx, key: &str) -> Option<Value> {
    with_item_view(tx, ctx, |view| view.cart.lines.get(key).map(|line| cocart_wire::cart::item(view, line, true)))
}

fn items_object(tx: &mut CartTx<'_>, ctx: &Ctx) -> Reply {
    with_item_view(tx, ctx, |view| Reply::Encoded(cocart_wire::cart::items_by_key_bytes(view, true)))
}

fn thumb(ctx: &Ctx) -> bool {
    ctx.params.bool_or("thumb", true)
}

fn default_flag(ctx: &Ctx) -> bool {
    ctx.params.bool_or("default", false)
}

async fn get_cart<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, ctx| {
        ops::queue_stock_notices(tx.cart, &tx.snapshot.catalog);
        if ctx.params.truthy("raw") {
            return Ok(Reply::Json(cocart_wire::cart::raw_cart(tx.cart, None)));
        }
        Ok(full_cart(tx, ctx, thumb(ctx), default_flag(ctx)))
    })
    .await
}

fn add_items_route(ctx: &Ctx) -> String {
    ctx.route.name().replace("add-item", "add-items")
}

async fn add_item<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let request = AddRequest {
        id: clean_id(ctx.params.str_or("id", "")),
        quantity: ctx.params.number_or("quantity", 1.0),
        variation: ctx.params.object("variation"),
        item_data: ctx.params.object("item_data"),
    };
    let route = add_items_route(ctx);
    with_cart(state, ctx, move |tx, ctx| {
        let added = ops::add_item(tx.cart, &tx.snapshot.catalog, &request, &route, tx.now)?;
        tx.cart.notices.push(NoticeKind::Success, added_message(std::slice::from_ref(&added.title)));
        if ctx.params.bool_or("return_item", false) {
            return item_value(tx, ctx, &added.key).map(Reply::Json).ok_or_else(|| CartError::ItemNotFound.into());
        }
        if default_flag(ctx) {
            tx.calculate();
            tx.cart.notices.clear();
            return Ok(Reply::Json(cocart_wire::cart::raw_cart(tx.cart, Some(&added.key))));
        }
        Ok(full_cart(tx, ctx, thumb(ctx), false))
    })
    .await
}

/// §C.2.4: the container id goes through the v1 product-id rules.
fn validate_container(tx: &CartTx<'_>, id: Option<&str>) -> Result<(), CartError> {
    let raw = id.map(|s| php_trim(&strip_tags(s)).to_string()).unwrap_or_default();
    if raw.is_empty() || raw == "0" {
        return Err(CartError::ProductIdRequired);
    }
    let id = resolve_product_id(&tx.snapshot.catalog, &raw).map_err(|_| CartError::ProductIdRequired)?;
    match tx.snapshot.catalog.get(id.max(0) as u64) {
        Some(p) if p.status != cartd_domain::catalog::PostStatus::Trash => Ok(()),
        _ => Err(CartError::InvalidProduct),
    }
}

async fn add_items<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let quantities = ctx.params.object("quantity");
    let container = ctx.params.get("id").and_then(Value::as_str).map(str::to_string);
    with_cart(state, ctx, move |tx, ctx| {
        validate_container(tx, container.as_deref())?;
        if quantities.is_empty() {
            return Err(CartError::GroupedProductEmpty.into());
        }
        let mut added = Vec::new();
        for (child, qty) in &quantities {
            let qty = match qty {
                Value::Number(n) => n.as_f64().unwrap_or(0.0),
                Value::String(s) => floatval(s),
                _ => 0.0,
            };
            if qty <= 0.0 {
                continue;
            }
            // Earlier children stay added when a later one fails (CoCart has no rollback).
            match ops::add_grouped_child(tx.cart, &tx.snapshot.catalog, child, qty, tx.now) {
                Ok(a) => added.push(a),
                Err(error) => return Err(error.into()),
            }
        }
        if added.is_empty() {
            return Err(CartError::GroupedProductFailed.into());
        }
        let titles: Vec<String> = added.iter().map(|a| a.title.clone()).collect();
        tx.cart.notices.push(NoticeKind::Success, added_message(&titles));
        if ctx.params.bool_or("return_items", false) {
            let items: Vec<Value> = added.iter().filter_map(|a| item_value(tx, ctx, &a.key)).collect();
            return Ok(Reply::Json(Value::Array(items)));
        }
        Ok(full_cart(tx, ctx, thumb(ctx), default_flag(ctx)))
    })
    .await
}

fn item_key(ctx: &Ctx) -> String {
    php_trim(&strip_tags(ctx.params.str_or("item_key", ""))).to_string()
}

async fn get_item<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let key = item_key(ctx);
    with_cart(state, ctx, move |tx, ctx| {
        item_value(tx, ctx, &key).map(Reply::Json).ok_or_else(|| CartError::ItemNotFound.into())
    })
    .await
}

async fn get_items<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, ctx| {
        if tx.cart.lines.is_empty() {
            return Ok(Reply::Json(json!("No items in the cart.")));
        }
        Ok(items_object(tx, ctx))
    })
    .await
}

async fn count_items<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, ctx| {
        let count =
            if ctx.params.bool_or("removed_items", false) { tx.cart.removed_count() } else { tx.cart.item_count() };
        if ctx.params.str_or("return", "numeric") != "numeric" && count <= 0.0 {
            return Ok(Reply::Json(json!("There are no items in the cart!")));
        }
        Ok(Reply::Json(cartd_domain::keys::float(count)))
    })
    .await
}

/// Remove, shared by DELETE and an update to quantity 0 (§C.2.9).
fn remove_line(tx: &mut CartTx<'_>, ctx: &Ctx, key: &str) -> Result<Reply, ApiError> {
    let title = ops::remove_item(tx.cart, &tx.snapshot.catalog, key)?;
    let cart = full_cart(tx, ctx, thumb(ctx), default_flag(ctx));
    let message = removed_message(&title);
    tx.cart.notices.push(NoticeKind::Success, message.clone());
    if ctx.params.bool_or("return_status", false) {
        return Ok(Reply::Json(Value::String(message)));
    }
    Ok(cart)
}

async fn update_item<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let key = item_key(ctx);
    let quantity = ctx.params.number_or("quantity", 1.0);
    with_cart(state, ctx, move |tx, ctx| {
        if key == "0" {
            return Err(CartError::CartItemKeyRequired.into());
        }
        if quantity == 0.0 {
            return remove_line(tx, ctx, &key);
        }
        let (change, name) = ops::update_quantity(tx.cart, &tx.snapshot.catalog, &key, quantity)?;
        let cart = full_cart(tx, ctx, thumb(ctx), default_flag(ctx));
        if !ctx.params.bool_or("return_status", false) {
            return Ok(cart);
        }
        let shown = php_float_to_string(quantity);
        let message = match change {
            QuantityChange::Increased => format!("The quantity for \"{name}\" has increased to \"{shown}\"."),
            QuantityChange::Decreased => format!("The quantity for \"{name}\" has decreased to \"{shown}\"."),
            QuantityChange::Unchanged => format!("The quantity for \"{name}\" has not changed."),
        };
        let mut body = Map::new();
        body.insert("message".into(), Value::String(message));
        body.insert("quantity".into(), cartd_domain::keys::float(quantity));
        Ok(Reply::Json(Value::Object(body)))
    })
    .await
}

async fn remove_item<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let key = item_key(ctx);
    with_cart(state, ctx, move |tx, ctx| remove_line(tx, ctx, &key)).await
}

async fn restore_item<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let key = item_key(ctx);
    with_cart(state, ctx, move |tx, ctx| {
        ops::restore_item(tx.cart, &tx.snapshot.catalog, &key)?;
        let cart = full_cart(tx, ctx, thumb(ctx), default_flag(ctx));
        if ctx.params.bool_or("return_item", false) {
            return item_value(tx, ctx, &key).map(Reply::Json).ok_or_else(|| CartError::ItemNotFound.into());
        }
        Ok(cart)
    })
    .await
}

async fn calculate<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let site_url = state.config.site_url.clone();
    with_cart(state, ctx, move |tx, ctx| {
        if ctx.params.bool_or("return", false) {
            tx.calculate();
            if tx.cart.lines.is_empty() {
                return Err(CartError::CartTotalsEmpty.into());
            }
            let totals = tx.calculate().record.clone();
            return Ok(Reply::Json(cocart_wire::totals::totals_object(&totals, false, &tx.snapshot.settings.currency)));
        }
        // `thumb` and `default` are not declared here: PHP truthiness applies (§C.2.11).
        let cart = full_cart(tx, ctx, ctx.params.truthy("thumb"), ctx.params.truthy("default"));
        if cart.is_empty_array() {
            let message = format!(
                "Request returned nothing for \"{site_url}/wp-json/cocart/v2/cart/calculate/\"! Please seek assistance."
            );
            return Err(ApiError::new(400, "cocart_response_returned_empty", &message));
        }
        Ok(cart)
    })
    .await
}

async fn clear<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, ctx| {
        ops::clear(tx.cart, ctx.params.bool_or("keep_removed_items", false));
        Ok(Reply::Json(json!("Cart is cleared.")))
    })
    .await
}

/// POLICY F6: totals are always those of the cart as it is now.
async fn totals<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    with_cart(state, ctx, move |tx, ctx| {
        if tx.cart.lines.is_empty() {
            return Err(CartError::CartTotalsEmpty.into());
        }
        let record = tx.calculate().record.clone();
        let html = ctx.params.bool_or("html", false);
        Ok(Reply::Json(cocart_wire::totals::totals_object(&record, html, &tx.snapshot.settings.currency)))
    })
    .await
}

/// §C.2.14: "login" only confirms the credentials sent with the request.
async fn login<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &Ctx) -> Outcome {
    let cart = cookie_state_of_stored(state, ctx).await;
    let Some(user) = &ctx.user else {
        let (status, body) = cocart_wire::sessions::rest_not_authorized();
        let error = ApiError {
            with_allow: false,
            ..ApiError::with_body(
                axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::UNAUTHORIZED),
                body,
            )
        };
        return Outcome::from_result(Err(error), cart);
    };
    let roles: Vec<&str> = user.roles.iter().map(String::as_str).collect();
    let body = cocart_wire::sessions::login_object(user.id, &user.display_name, &roles);
    Outcome::from_result(Ok(Reply::Json(body)), cart)
}

/// §C.2.15: destroy the session's stored cart and its cookie.
async fn logout<S: CartStore + CatalogStore>(state: &Arc<AppState<S>>, ctx: &mut Ctx) -> Outcome {
    if let Err(error) = state.carts.delete(&ctx.session.key).await {
        return Outcome::from_result(Err(error.into()), CartCookieState::default());
    }
    ctx.session.key = crate::session::new_guest_key();
    let cart = CartCookieState { delete_session_cookie: true, ..CartCookieState::default() };
    Outcome::from_result(Ok(Reply::Json(Value::Bool(true))), cart)
}
