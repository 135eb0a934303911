//! Cart operations with CoCart 3.0.17's rules: the add pipeline (§C.1.6, §C.1.7, §J.2,
//! §J.3), update, remove, restore and clear (§C.2.8–C.2.12), and the checks run when a
//! stored cart is loaded (§C.1.1, §C.2.2).

use indexmap::IndexMap;
use serde_json::Value;

use crate::cart::{Cart, CartLine, LineTaxData, NoticeKind};
use crate::catalog::{Catalog, PostStatus, Product, ProductType};
use crate::errors::CartError;
use crate::keys::{data_hash, item_key};
use crate::numeric::php_float_to_string;
use crate::php::{intval, is_numeric, php_trim, sanitize_title, strip_tags};

/// Line fields that WooCommerce sets itself; same-named item data is overridden by them.
const RESERVED_LINE_FIELDS: [&str; 12] = [
    "key",
    "product_id",
    "variation_id",
    "variation",
    "quantity",
    "data",
    "data_hash",
    "line_tax_data",
    "line_subtotal",
    "line_subtotal_tax",
    "line_total",
    "line_tax",
];

/// The minimum quantity of an add or update (`cocart_quantity_minimum_requirement`).
pub const MIN_QUANTITY: f64 = 1.0;

/// What the caller asked to add.
#[derive(Debug, Clone, Default)]
pub struct AddRequest {
    /// The `id` parameter: a product or variation id, or a SKU.
    pub id: String,
    pub quantity: f64,
    /// Posted `variation`, unchanged (values keep their JSON type).
    pub variation: IndexMap<String, Value>,
    pub item_data: IndexMap<String, Value>,
}

/// A successful add.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub key: String,
    /// The post title of the line's `product_id` (the parent for variations), for notices.
    pub title: String,
}

/// Resolve the `id` parameter (§C.1.6 step 3): a SKU when non-numeric, else PHP `(int)`.
pub fn resolve_product_id(catalog: &Catalog, id: &str) -> Result<i64, CartError> {
    if !is_numeric(id) {
        return catalog.by_sku(id).map(|p| p.id as i64).ok_or(CartError::UnknownProductId);
    }
    if id == "0" || id.is_empty() {
        return Err(CartError::ProductIdRequired);
    }
    let value = intval(id);
    if value == 0 { Err(CartError::ProductIdRequired) } else { Ok(value) }
}

/// `id` cleaned as CoCart does: tags stripped, trimmed.
pub fn clean_id(raw: &str) -> String {
    php_trim(&strip_tags(raw)).to_string()
}

/// The v2 add-item pipeline. `add_items_route` is the route to name when a grouped product
/// is sent here. On success the earlier notice queue has been discarded (§C.1.5).
pub fn add_item(
    cart: &mut Cart,
    catalog: &Catalog,
    request: &AddRequest,
    add_items_route: &str,
    now: i64,
) -> Result<Added, CartError> {
    let product_id = resolve_product_id(catalog, &request.id)?;
    if request.quantity == 0.0 || request.quantity < MIN_QUANTITY {
        return Err(CartError::QuantityInvalidAmount { min: MIN_QUANTITY });
    }
    let product = lookup(catalog, product_id)?;
    match product.product_type {
        ProductType::External => return Err(CartError::CannotAddExternal { name: catalog.display_name(product) }),
        ProductType::Grouped => return Err(CartError::CannotAddGrouped { route: add_items_route.to_string() }),
        _ => {}
    }
    add_validated(cart, catalog, product, request, false, now)
}

/// One child of `add-items`: no minimum-quantity rule, grouped handler semantics.
pub fn add_grouped_child(
    cart: &mut Cart,
    catalog: &Catalog,
    child_id: &str,
    quantity: f64,
    now: i64,
) -> Result<Added, CartError> {
    let id = resolve_product_id(catalog, child_id).map_err(|_| CartError::InvalidProduct)?;
    let product = lookup(catalog, id)?;
    let request = AddRequest { id: child_id.to_string(), quantity, ..AddRequest::default() };
    add_validated(cart, catalog, product, &request, true, now)
}

/// The product for a resolved id; a negative id reaches the purchasable check with no name.
fn lookup(catalog: &Catalog, product_id: i64) -> Result<&Product, CartError> {
    if product_id < 0 {
        return Err(CartError::CannotBePurchased { name: String::new() });
    }
    match catalog.get(product_id as u64) {
        Some(p) if p.status != PostStatus::Trash => Ok(p),
        _ => Err(CartError::InvalidProduct),
    }
}

/// §C.1.6 step 7 onwards, for a product that exists and may be added by this route.
fn add_validated(
    cart: &mut Cart,
    catalog: &Catalog,
    product: &Product,
    request: &AddRequest,
    grouped_child: bool,
    now: i64,
) -> Result<Added, CartError> {
    let _ = now;
    let (parent, variation) = match product.product_type {
        ProductType::Variation => {
            let parent = catalog.parent_of(product).ok_or(CartError::InvalidProduct)?;
            (parent, Some(product))
        }
        ProductType::Variable => {
            if grouped_child {
                return Err(CartError::NoVariationFound);
            }
            let found =
                find_matching_variation(catalog, product, &request.variation).ok_or(CartError::NoVariationFound)?;
            (product, Some(found))
        }
        _ => (product, None),
    };
    if let Some(variation) = variation {
        validate_variation_attributes(parent, variation, &request.variation)?;
    }

    let sold_individually = catalog.sold_individually(variation.unwrap_or(product));
    let quantity = if sold_individually { 1.0 } else { request.quantity };

    // Past product and variation validation: earlier notices are discarded (§C.1.5).
    cart.notices.clear();

    // Purchasable and stock checks run on the loaded product (the parent when a parent id was sent).
    let name = catalog.display_name(product);
    if !catalog.is_purchasable(product) {
        return Err(CartError::CannotBePurchased { name });
    }
    if !catalog.is_in_stock(product) {
        return Err(CartError::OutOfStock { name });
    }
    if !catalog.has_enough_stock(product, quantity) {
        return Err(CartError::NotEnoughInStock { quantity, name, stock: catalog.stock_quantity(product) });
    }
    if catalog.managing_stock(product) && !catalog.backorders_allowed(product) {
        let owner = catalog.stock_owner(product).id;
        let in_cart = quantity_of_stock_owner(cart, catalog, owner);
        if in_cart > 0.0 && !catalog.has_enough_stock(product, in_cart + quantity) {
            return Err(CartError::NotEnoughStockRemaining { name, stock: catalog.stock_quantity(product), in_cart });
        }
    }

    let line_product = variation.unwrap_or(product);
    let variation_map = match variation {
        Some(v) => normalise_variation(parent, v, &request.variation),
        None => IndexMap::new(),
    };
    let product_id = if variation.is_some() { parent.id } else { product.id };
    let variation_id = variation.map(|v| v.id).unwrap_or(0);
    let key = item_key(product_id, variation_id, &variation_map, &request.item_data);

    if let Some(existing) = cart.lines.get_mut(&key) {
        if sold_individually && existing.quantity > 0.0 {
            return Err(CartError::SoldIndividually { name: catalog.display_name(line_product) });
        }
        existing.quantity += quantity;
    } else {
        let line = new_line(&key, product_id, variation_id, variation_map, quantity, line_product, &request.item_data);
        cart.lines.insert(key.clone(), line);
    }
    let title = catalog.get(product_id).map(|p| p.name.clone()).unwrap_or_default();
    Ok(Added { key, title })
}

/// A new cart line; standard fields win over same-named item data (§C.2.3).
fn new_line(
    key: &str,
    product_id: u64,
    variation_id: u64,
    variation: IndexMap<String, String>,
    quantity: f64,
    product: &Product,
    item_data: &IndexMap<String, Value>,
) -> CartLine {
    let mut item_data = item_data.clone();
    item_data.retain(|k, _| !RESERVED_LINE_FIELDS.contains(&k.as_str()));
    CartLine {
        key: key.to_string(),
        product_id,
        variation_id,
        variation,
        quantity,
        data_hash: data_hash(product),
        item_data,
        line_tax_data: LineTaxData::default(),
        line_subtotal: 0.0,
        line_subtotal_tax: 0.0,
        line_total: 0.0,
        line_tax: 0.0,
    }
}

fn quantity_of_stock_owner(cart: &Cart, catalog: &Catalog, owner: u64) -> f64 {
    cart.lines
        .values()
        .filter(|l| catalog.get(l.product_ref()).is_some_and(|p| catalog.stock_owner(p).id == owner))
        .map(|l| l.quantity)
        .sum()
}

fn posted_string<'a>(posted: &'a IndexMap<String, Value>, key: &str) -> Option<Option<&'a str>> {
    posted.get(key).map(|v| v.as_str())
}

/// §J.2: the first published variation (menu order, id) whose stored attributes accept the
/// posted values exactly.
pub fn find_matching_variation<'a>(
    catalog: &'a Catalog,
    parent: &Product,
    posted: &IndexMap<String, Value>,
) -> Option<&'a Product> {
    let keys: Vec<String> =
        parent.attributes.iter().filter(|a| a.used_for_variations).map(|a| a.variation_key()).collect();
    catalog.variations_of(parent.id).filter(|v| v.status == PostStatus::Publish).find(|v| {
        let mut stored_any = false;
        for key in &keys {
            let Some(stored) = v.variation_attributes.get(key) else { continue };
            stored_any = true;
            if stored.is_empty() {
                continue;
            }
            match posted_string(posted, key) {
                Some(Some(given)) if given == stored => {}
                _ => return false,
            }
        }
        stored_any
    })
}

/// §C.1.7: every attribute of the parent used for variations must be fixed by the variation
/// or posted with an allowed value.
fn validate_variation_attributes(
    parent: &Product,
    variation: &Product,
    posted: &IndexMap<String, Value>,
) -> Result<(), CartError> {
    let mut missing = Vec::new();
    for attribute in parent.attributes.iter().filter(|a| a.used_for_variations) {
        let key = attribute.variation_key();
        let expected = variation.variation_attributes.get(&key).map(String::as_str).unwrap_or("");
        match posted.get(&key) {
            Some(given) => {
                let given = given.as_str();
                let accepted =
                    given == Some(expected) || (expected.is_empty() && given.is_some_and(|g| attribute.has_option(g)));
                if !accepted {
                    return Err(CartError::InvalidVariationData {
                        label: attribute.label.clone(),
                        allowed: attribute.options.iter().map(|o| o.slug.clone()).collect(),
                    });
                }
            }
            None if expected.is_empty() => missing.push(attribute.label.clone()),
            None => {}
        }
    }
    if missing.is_empty() { Ok(()) } else { Err(CartError::MissingVariationData { labels: missing }) }
}

/// §J.3 step 3: the line's `variation` map — fixed values overridden by posted ones, in
/// parent attribute order.
fn normalise_variation(
    parent: &Product,
    variation: &Product,
    posted: &IndexMap<String, Value>,
) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    for attribute in parent.attributes.iter().filter(|a| a.used_for_variations) {
        let key = attribute.variation_key();
        let posted_value = posted
            .get(&key)
            .and_then(Value::as_str)
            .map(|v| if attribute.taxonomy { sanitize_title(v) } else { php_trim(&strip_tags(v)).to_string() });
        let value = match posted_value {
            Some(v) if !v.is_empty() || v == "0" => v,
            _ => variation.variation_attributes.get(&key).cloned().unwrap_or_default(),
        };
        if !value.is_empty() {
            out.insert(key, value);
        }
    }
    out
}

/// The name used in remove/restore messages: the line's `product_id` product (the parent
/// for variations).
pub fn line_title(catalog: &Catalog, line: &CartLine) -> String {
    catalog.get(line.product_id).map(|p| p.name.clone()).unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityChange {
    Increased,
    Decreased,
    Unchanged,
}

/// §C.2.8 steps 2 and 4–9 (quantity 0 is the caller's remove). Returns the change and the
/// line product's display name.
pub fn update_quantity(
    cart: &mut Cart,
    catalog: &Catalog,
    key: &str,
    quantity: f64,
) -> Result<(QuantityChange, String), CartError> {
    if key == "0" {
        return Err(CartError::CartItemKeyRequired);
    }
    if quantity < MIN_QUANTITY {
        return Err(CartError::QuantityInvalidAmount { min: MIN_QUANTITY });
    }
    set_line_quantity(cart, catalog, key, quantity)
}

/// The checks both API versions share once the key and quantity are acceptable: the line
/// exists, stock allows the quantity, a sold-individually product stays at one.
fn set_line_quantity(
    cart: &mut Cart,
    catalog: &Catalog,
    key: &str,
    quantity: f64,
) -> Result<(QuantityChange, String), CartError> {
    let line = cart.lines.get_mut(key).ok_or(CartError::ItemNotInCart)?;
    let product = catalog.get(line.product_ref()).ok_or(CartError::ItemNotInCart)?;
    let name = catalog.display_name(product);
    if !catalog.has_enough_stock(product, quantity) {
        return Err(CartError::NotEnoughInStockForUpdate { quantity, name, stock: catalog.stock_quantity(product) });
    }
    if catalog.sold_individually(product) && quantity > 1.0 {
        return Err(CartError::CanNotIncreaseQuantity { name });
    }
    let change = if quantity > line.quantity {
        QuantityChange::Increased
    } else if quantity < line.quantity {
        QuantityChange::Decreased
    } else {
        QuantityChange::Unchanged
    };
    line.quantity = quantity;
    Ok((change, name))
}

/// §C.2.9: move a line to the removed items. Returns the quoted title for the notice.
pub fn remove_item(cart: &mut Cart, catalog: &Catalog, key: &str) -> Result<String, CartError> {
    if key == "0" {
        return Err(CartError::CartItemKeyRequired);
    }
    if cart.is_empty() {
        return Err(CartError::NoItems);
    }
    let Some(line) = cart.lines.shift_remove(key) else {
        return Err(match cart.removed.get(key) {
            Some(removed) => CartError::ItemAlreadyRemoved { name: line_title(catalog, removed) },
            None => CartError::ItemDoesNotExist,
        });
    };
    let title = format!("\"{}\"", line_title(catalog, &line));
    cart.removed.insert(key.to_string(), line);
    Ok(title)
}

/// The notice queued after a successful remove.
pub fn removed_message(title: &str) -> String {
    format!("{title} has been removed from cart.")
}

/// §C.2.10: put a removed line back at the end of the cart.
pub fn restore_item(cart: &mut Cart, catalog: &Catalog, key: &str) -> Result<(), CartError> {
    if key == "0" {
        return Err(CartError::CartItemKeyRequired);
    }
    if cart.removed.is_empty() {
        return Err(CartError::ItemAlreadyRestored { name: cart.lines.get(key).map(|l| line_title(catalog, l)) });
    }
    let line = cart.removed.shift_remove(key).ok_or(CartError::CanNotRestoreItem)?;
    cart.lines.insert(key.to_string(), line);
    Ok(())
}

/// §C.2.12: empty the cart; notices, address and shipping choice stay.
pub fn clear(cart: &mut Cart, keep_removed_items: bool) {
    cart.lines.clear();
    if !keep_removed_items {
        cart.removed.clear();
    }
    cart.applied_coupons.clear();
}

/// The success notice of an add (§J.6): `&ldquo;A&rdquo; and &ldquo;B&rdquo; have been added to your cart.`
pub fn added_message(titles: &[String]) -> String {
    let quoted: Vec<String> = titles
        .iter()
        .map(|t| format!("&ldquo;{}&rdquo;", crate::php::esc_html(&crate::php::texturize_title(&strip_tags(t)))))
        .collect();
    let list = format_list(&quoted);
    if titles.len() == 1 {
        format!("{list} has been added to your cart.")
    } else {
        format!("{list} have been added to your cart.")
    }
}

/// `wc_format_list_of_items`: "A", "A and B", "A, B and C".
pub fn format_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// A quantity printed the PHP way (`2`, `1.5`).
pub fn php_number(value: f64) -> String {
    php_float_to_string(value)
}

/// §C.1.1: drop lines whose product is gone, whose quantity is not positive, that can no
/// longer be purchased, or whose product changed shape. Returns whether anything changed.
pub fn drop_invalid_lines(cart: &mut Cart, catalog: &Catalog) -> bool {
    let before = cart.lines.len();
    let mut notices = Vec::new();
    cart.lines.retain(|_, line| {
        let Some(product) = catalog.get(line.product_ref()) else { return false };
        if product.status == PostStatus::Trash || line.quantity <= 0.0 {
            return false;
        }
        let name = catalog.display_name(product);
        if !catalog.is_purchasable(product) {
            notices.push((NoticeKind::Error, format!(
                "{name} has been removed from your cart because it can no longer be purchased. Please contact us if you need assistance."
            )));
            return false;
        }
        if data_hash(product) != line.data_hash {
            notices.push((NoticeKind::Notice, format!(
                "{name} has been removed from your cart because it has since been modified. You can add it back to your cart <a href=\"{}\">here</a>.",
                product.slug
            )));
            return false;
        }
        true
    });
    for (kind, message) in notices {
        cart.notices.push(kind, message);
    }
    cart.lines.len() != before
}

/// §C.2.2: the stock validators of `GET cart`, queuing error notices.
pub fn queue_stock_notices(cart: &mut Cart, catalog: &Catalog) {
    let mut messages = Vec::new();
    let mut owners: IndexMap<u64, f64> = IndexMap::new();
    for line in cart.lines.values() {
        if let Some(p) = catalog.get(line.product_ref()) {
            *owners.entry(catalog.stock_owner(p).id).or_default() += line.quantity;
        }
    }
    for line in cart.lines.values() {
        let Some(product) = catalog.get(line.product_ref()) else { continue };
        let name = catalog.display_name(product);
        if !catalog.is_in_stock(product) {
            messages.push(format!(
                "Sorry, \"{name}\" is not in stock. Please edit your cart and try again. We apologize for any inconvenience caused."
            ));
            continue;
        }
        let owner = catalog.stock_owner(product);
        if owner.manage_stock && !catalog.backorders_allowed(product) {
            let in_cart = owners.get(&owner.id).copied().unwrap_or(0.0);
            let stock = catalog.stock_quantity(product);
            if stock < in_cart {
                messages.push(format!(
                    "Sorry, we do not have enough \"{name}\" in stock to fulfill your order ({} available). We apologize for any inconvenience caused.",
                    php_number(stock)
                ));
            }
        }
    }
    for m in messages {
        cart.notices.push(NoticeKind::Error, m);
    }
}

// ---------------------------------------------------------------------------------------
// CoCart API v1 (CONTRACT §C.3.4, §C.3.8). v1 keeps the 2.x order of checks: no minimum
// quantity, the attribute check of a variable parent before matching, stock checks worded
// for v1 by the caller, and the notice queue left alone (§C.1.5).
// ---------------------------------------------------------------------------------------

/// What `POST /cocart/v1/add-item` asked to add.
#[derive(Debug, Clone, Default)]
pub struct V1AddRequest {
    /// `product_id`, cleaned (tags stripped, trimmed): an id or a SKU.
    pub product_id: String,
    /// `variation_id` (`absint`), 0 when not sent.
    pub variation_id: u64,
    pub quantity: f64,
    /// Posted `variation`, unchanged.
    pub variation: IndexMap<String, Value>,
    /// Posted `cart_item_data`.
    pub item_data: IndexMap<String, Value>,
    /// The store's cart page (`wc_get_cart_url()`), linked from WooCommerce's own notices.
    pub cart_url: String,
}

/// Why a v1 add failed.
#[derive(Debug, Clone, PartialEq)]
pub enum V1AddError {
    /// A domain error, with the `get_name()` of the product being added (the posted
    /// product, or the `variation_id` product) for the v1 messages that name it.
    Cart { error: CartError, product_name: String },
    /// The product (or variation) is trashed: "Product "{name}" no longer exists!".
    NoLongerExists { name: String },
    /// WooCommerce's add-to-cart refused the line (`cocart_cannot_add_to_cart`): a quantity
    /// ≤ 0, a second sold-individually line, a matched variation WooCommerce rejects. Any
    /// notice WooCommerce queued for it is already in the cart's queue.
    Refused { name: String },
}

/// v1 `product_id` (§C.3.4 step 2): a non-numeric value is looked up as a SKU; anything
/// else — including an unknown SKU — is cast the PHP `(int)` way (`"11abc"` → 11, `"abc"` → 0).
pub fn v1_resolve_product_id(catalog: &Catalog, raw: &str) -> i64 {
    if !is_numeric(raw)
        && let Some(product) = catalog.by_sku(raw)
    {
        return product.id as i64;
    }
    intval(raw)
}

/// §C.1.7 against a variable parent itself (v1 checks the parent before matching): every
/// attribute used for variations counts as "any", so each must be posted with one of its
/// options.
fn v1_validate_parent_attributes(parent: &Product, posted: &IndexMap<String, Value>) -> Result<(), CartError> {
    let mut missing = Vec::new();
    for attribute in parent.attributes.iter().filter(|a| a.used_for_variations) {
        match posted.get(&attribute.variation_key()) {
            Some(given) if given.as_str().is_some_and(|g| attribute.has_option(g)) => {}
            Some(_) => {
                return Err(CartError::InvalidVariationData {
                    label: attribute.label.clone(),
                    allowed: attribute.options.iter().map(|o| o.slug.clone()).collect(),
                });
            }
            None => missing.push(attribute.label.clone()),
        }
    }
    if missing.is_empty() { Ok(()) } else { Err(CartError::MissingVariationData { labels: missing }) }
}

/// The v1 add pipeline (§C.3.4 steps 2–6). Queues no success notice and leaves earlier
/// notices alone; WooCommerce's own error notice for a refused line is queued (step 6).
pub fn add_item_v1(cart: &mut Cart, catalog: &Catalog, request: &V1AddRequest) -> Result<Added, V1AddError> {
    let plain = |error: CartError| V1AddError::Cart { error, product_name: String::new() };
    let product_id = v1_resolve_product_id(catalog, &request.product_id);
    if product_id == 0 {
        return Err(plain(CartError::ProductIdRequired));
    }
    if product_id < 0 {
        return Err(plain(CartError::CannotBePurchased { name: String::new() }));
    }
    let posted = catalog.get(product_id as u64).ok_or_else(|| plain(CartError::InvalidProduct))?;
    let named =
        |error: CartError, product: &Product| V1AddError::Cart { error, product_name: catalog.display_name(product) };
    match posted.product_type {
        ProductType::External => {
            return Err(named(CartError::CannotAddExternal { name: catalog.display_name(posted) }, posted));
        }
        ProductType::Grouped => return Err(named(CartError::CannotAddGrouped { route: String::new() }, posted)),
        _ => {}
    }

    // Step 5.1: the variation when one is named, else the posted product.
    let loaded = if request.variation_id != 0 {
        catalog.get(request.variation_id).ok_or_else(|| plain(CartError::InvalidProduct))?
    } else {
        posted
    };
    let name = catalog.display_name(loaded);
    if loaded.status == PostStatus::Trash {
        return Err(V1AddError::NoLongerExists { name });
    }

    // Steps 5.2–5.3.
    let (parent, variation) = match loaded.product_type {
        ProductType::Variation => {
            let parent = catalog.parent_of(loaded).ok_or_else(|| plain(CartError::InvalidProduct))?;
            validate_variation_attributes(parent, loaded, &request.variation).map_err(|e| named(e, loaded))?;
            (parent, Some(loaded))
        }
        ProductType::Variable => {
            v1_validate_parent_attributes(loaded, &request.variation).map_err(|e| named(e, loaded))?;
            let found = find_matching_variation(catalog, loaded, &request.variation)
                .ok_or_else(|| named(CartError::NoVariationFound, loaded))?;
            validate_variation_attributes(loaded, found, &request.variation).map_err(|e| named(e, loaded))?;
            (loaded, Some(found))
        }
        _ => (loaded, None),
    };

    // Step 5.6: sold individually adds exactly one.
    let sold_individually = catalog.sold_individually(loaded);
    let quantity = if sold_individually { 1.0 } else { request.quantity };

    // Steps 5.7–5.10, on the loaded product (the parent when a parent id was sent).
    if !catalog.is_purchasable(loaded) {
        return Err(named(CartError::CannotBePurchased { name: name.clone() }, loaded));
    }
    if !catalog.is_in_stock(loaded) {
        return Err(named(CartError::OutOfStock { name: name.clone() }, loaded));
    }
    if !catalog.has_enough_stock(loaded, quantity) {
        let stock = catalog.stock_quantity(loaded);
        return Err(named(CartError::NotEnoughInStock { quantity, name: name.clone(), stock }, loaded));
    }
    if catalog.managing_stock(loaded) {
        let in_cart = quantity_of_stock_owner(cart, catalog, catalog.stock_owner(loaded).id);
        if in_cart > 0.0 && !catalog.has_enough_stock(loaded, in_cart + quantity) {
            let stock = catalog.stock_quantity(loaded);
            return Err(named(CartError::NotEnoughStockRemaining { name: name.clone(), stock, in_cart }, loaded));
        }
    }

    // Step 6: WooCommerce's add-to-cart (§J.3), which refuses with a notice or silently.
    if quantity <= 0.0 {
        return Err(V1AddError::Refused { name });
    }
    let line_product = variation.unwrap_or(loaded);
    if line_product.id != loaded.id {
        let line_name = catalog.display_name(line_product);
        let refusal = if !catalog.is_purchasable(line_product) {
            Some("Sorry, this product cannot be purchased.".to_string())
        } else if !catalog.is_in_stock(line_product) {
            Some(format!("You cannot add &quot;{line_name}&quot; to the cart because the product is out of stock."))
        } else if !catalog.has_enough_stock(line_product, quantity) {
            Some(format!(
                "You cannot add that amount of &quot;{line_name}&quot; to the cart because there is not enough stock ({} remaining).",
                php_number(catalog.stock_quantity(line_product))
            ))
        } else {
            None
        };
        if let Some(message) = refusal {
            cart.notices.push(NoticeKind::Error, message);
            return Err(V1AddError::Refused { name });
        }
    }
    let variation_map = match variation {
        Some(v) => normalise_variation(parent, v, &request.variation),
        None => IndexMap::new(),
    };
    let product_id = if variation.is_some() { parent.id } else { loaded.id };
    let variation_id = variation.map(|v| v.id).unwrap_or(0);
    let key = item_key(product_id, variation_id, &variation_map, &request.item_data);
    if let Some(existing) = cart.lines.get_mut(&key) {
        if sold_individually && existing.quantity > 0.0 {
            cart.notices.push(
                NoticeKind::Error,
                format!(
                    "<a href=\"{}\" class=\"button wc-forward\">View cart</a> You cannot add another \"{}\" to your cart.",
                    request.cart_url,
                    catalog.display_name(line_product)
                ),
            );
            return Err(V1AddError::Refused { name });
        }
        existing.quantity += quantity;
    } else {
        let line = new_line(&key, product_id, variation_id, variation_map, quantity, line_product, &request.item_data);
        cart.lines.insert(key.clone(), line);
    }
    let title = catalog.get(product_id).map(|p| p.name.clone()).unwrap_or_default();
    Ok(Added { key, title })
}

/// v1 update (§C.3.8 POST steps 2–7; a negative quantity is the caller's remove). No
/// minimum: a quantity of 0 is stored as 0 and the line is dropped, silently, on the next
/// load (§C.1.1). Returns the change and the line product's display name.
pub fn update_quantity_v1(
    cart: &mut Cart,
    catalog: &Catalog,
    key: &str,
    quantity: f64,
) -> Result<(QuantityChange, String), CartError> {
    if key == "0" {
        return Err(CartError::CartItemKeyRequired);
    }
    set_line_quantity(cart, catalog, key, quantity)
}

/// v1 remove (§C.3.8 DELETE steps 1–4): "no items" is checked before the key, and a key
/// that is not a current line — removed or unknown — is `ItemNotInCart`.
pub fn remove_item_v1(cart: &mut Cart, key: &str) -> Result<(), CartError> {
    if cart.lines.is_empty() || cart.item_count() <= 0.0 {
        return Err(CartError::NoItems);
    }
    if key == "0" {
        return Err(CartError::CartItemKeyRequired);
    }
    let line = cart.lines.shift_remove(key).ok_or(CartError::ItemNotInCart)?;
    cart.removed.insert(key.to_string(), line);
    Ok(())
}

/// v1 restore (§C.3.8 GET steps 1–3): any key that is not among the removed items is
/// `CanNotRestoreItem`.
pub fn restore_item_v1(cart: &mut Cart, key: &str) -> Result<(), CartError> {
    if key == "0" {
        return Err(CartError::CartItemKeyRequired);
    }
    let line = cart.removed.shift_remove(key).ok_or(CartError::CanNotRestoreItem)?;
    cart.lines.insert(key.to_string(), line);
    Ok(())
}

/// POLICY §2 merge: a guest cart joins a customer's. Lines are a union by item key — the
/// customer's first, in order, then the guest's new ones — and for an equal key the guest's
/// line replaces the customer's in place (quantities are not summed, WooCommerce's rule).
/// The guest's coupons, removed items and shipping choice come along.
pub fn merge_guest_cart(customer: &mut Cart, guest: &Cart) {
    for (key, line) in &guest.lines {
        customer.lines.insert(key.clone(), line.clone());
    }
    customer.removed = guest.removed.clone();
    customer.applied_coupons = guest.applied_coupons.clone();
    if !guest.chosen_shipping_methods.is_empty() {
        customer.chosen_shipping_methods = guest.chosen_shipping_methods.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Attribute, AttributeOption};
    use serde_json::json;

    fn option(slug: &str, name: &str) -> AttributeOption {
        AttributeOption { slug: slug.into(), name: name.into() }
    }

    fn catalog() -> Catalog {
        let mut beanie = Product::new(10, ProductType::Simple, "Beanie");
        beanie.regular_price = "18".into();
        beanie.sku = "woo-beanie".into();
        let mut album = Product::new(11, ProductType::Simple, "Album");
        album.regular_price = "15".into();
        album.sold_individually = true;
        let mut cap = Product::new(12, ProductType::Simple, "Cap");
        cap.regular_price = "16".into();
        cap.manage_stock = true;
        cap.stock_quantity = Some(5.0);
        let mut tee = Product::new(16, ProductType::Variable, "V-Neck T-Shirt");
        tee.attributes = vec![
            Attribute {
                label: "Color".into(),
                slug: "pa_color".into(),
                taxonomy: true,
                options: vec![option("blue", "Blue"), option("red", "Red")],
                visible: true,
                used_for_variations: true,
            },
            Attribute {
                label: "Size".into(),
                slug: "size".into(),
                taxonomy: false,
                options: vec![option("Small", "Small"), option("Large", "Large")],
                visible: true,
                used_for_variations: true,
            },
        ];
        let mut red_small = Product::new(17, ProductType::Variation, "V-Neck T-Shirt - Red, Small");
        red_small.parent_id = 16;
        red_small.regular_price = "20".into();
        red_small.variation_attributes.insert("attribute_pa_color".into(), "red".into());
        red_small.variation_attributes.insert("attribute_size".into(), "Small".into());
        let mut blue_any = Product::new(19, ProductType::Variation, "V-Neck T-Shirt - Blue");
        blue_any.parent_id = 16;
        blue_any.regular_price = "15".into();
        blue_any.variation_attributes.insert("attribute_pa_color".into(), "blue".into());
        blue_any.variation_attributes.insert("attribute_size".into(), "".into());
        Catalog::new([beanie, album, cap, tee, red_small, blue_any])
    }

    fn add(cart: &mut Cart, c: &Catalog, id: &str, qty: f64, variation: serde_json::Value) -> Result<Added, CartError> {
        let variation = variation.as_object().map(|m| m.clone().into_iter().collect()).unwrap_or_default();
        add_item(
            cart,
            c,
            &AddRequest { id: id.into(), quantity: qty, variation, item_data: IndexMap::new() },
            "/cocart/v2/cart/add-items",
            0,
        )
    }

    #[test]
    fn adds_merge_by_key() {
        let c = catalog();
        let mut cart = Cart::default();
        let a = add(&mut cart, &c, "10", 2.0, json!({})).unwrap();
        assert_eq!(a.key, "d3d9446802a44259755d38e6d163e820");
        add(&mut cart, &c, "WOO-BEANIE", 1.0, json!({})).unwrap();
        assert_eq!(cart.lines[&a.key].quantity, 3.0);
    }

    #[test]
    fn variations_by_id_and_by_attributes() {
        let c = catalog();
        let mut cart = Cart::default();
        let a = add(&mut cart, &c, "17", 1.0, json!({})).unwrap();
        assert_eq!(a.key, "f7a4710b2f7e4e063e28e791a9763cbe");
        assert_eq!(a.title, "V-Neck T-Shirt");
        let b =
            add(&mut cart, &c, "16", 1.0, json!({"attribute_pa_color": "blue", "attribute_size": "Large"})).unwrap();
        assert_eq!(b.key, "0c19e5b65939334a31236b0ad052f589");
        assert_eq!(
            add(&mut cart, &c, "19", 1.0, json!({})),
            Err(CartError::MissingVariationData { labels: vec!["Size".into()] })
        );
        assert_eq!(
            add(&mut cart, &c, "16", 1.0, json!({"attribute_pa_color": "Red"})),
            Err(CartError::NoVariationFound)
        );
        assert!(matches!(
            add(&mut cart, &c, "17", 1.0, json!({"attribute_size": "small"})),
            Err(CartError::InvalidVariationData { .. })
        ));
    }

    #[test]
    fn id_rules() {
        let c = catalog();
        let mut cart = Cart::default();
        assert_eq!(add(&mut cart, &c, "", 1.0, json!({})), Err(CartError::UnknownProductId));
        assert_eq!(add(&mut cart, &c, "0", 1.0, json!({})), Err(CartError::ProductIdRequired));
        assert_eq!(
            add(&mut cart, &c, "-10", 1.0, json!({})),
            Err(CartError::CannotBePurchased { name: String::new() })
        );
        assert_eq!(add(&mut cart, &c, "999", 1.0, json!({})), Err(CartError::InvalidProduct));
        assert_eq!(add(&mut cart, &c, "10", 0.5, json!({})), Err(CartError::QuantityInvalidAmount { min: 1.0 }));
        assert!(add(&mut cart, &c, "10.9", 1.5, json!({})).is_ok());
    }

    #[test]
    fn stock_and_sold_individually() {
        let c = catalog();
        let mut cart = Cart::default();
        add(&mut cart, &c, "11", 3.0, json!({})).unwrap();
        assert_eq!(cart.item_count(), 1.0);
        assert_eq!(add(&mut cart, &c, "11", 1.0, json!({})), Err(CartError::SoldIndividually { name: "Album".into() }));
        assert_eq!(
            add(&mut cart, &c, "12", 6.0, json!({})),
            Err(CartError::NotEnoughInStock { quantity: 6.0, name: "Cap".into(), stock: 5.0 })
        );
        add(&mut cart, &c, "12", 3.0, json!({})).unwrap();
        assert_eq!(
            add(&mut cart, &c, "12", 3.0, json!({})),
            Err(CartError::NotEnoughStockRemaining { name: "Cap".into(), stock: 5.0, in_cart: 3.0 })
        );
    }

    #[test]
    fn remove_restore_update() {
        let c = catalog();
        let mut cart = Cart::default();
        let a = add(&mut cart, &c, "10", 2.0, json!({})).unwrap();
        assert_eq!(update_quantity(&mut cart, &c, &a.key, 3.0).unwrap().0, QuantityChange::Increased);
        assert_eq!(remove_item(&mut cart, &c, &a.key).unwrap(), "\"Beanie\"");
        assert_eq!(remove_item(&mut cart, &c, &a.key), Err(CartError::ItemAlreadyRemoved { name: "Beanie".into() }));
        assert_eq!(restore_item(&mut cart, &c, "nope"), Err(CartError::CanNotRestoreItem));
        restore_item(&mut cart, &c, &a.key).unwrap();
        assert_eq!(cart.lines[&a.key].quantity, 3.0);
        assert_eq!(
            restore_item(&mut cart, &c, &a.key),
            Err(CartError::ItemAlreadyRestored { name: Some("Beanie".into()) })
        );
        clear(&mut cart, false);
        assert!(cart.is_empty());
    }

    #[test]
    fn merging_a_guest_cart() {
        let c = catalog();
        let mut customer = Cart::default();
        let beanie = add(&mut customer, &c, "10", 5.0, json!({})).unwrap();
        let cap = add(&mut customer, &c, "12", 1.0, json!({})).unwrap();
        let mut guest = Cart::default();
        add(&mut guest, &c, "17", 1.0, json!({})).unwrap();
        add(&mut guest, &c, "10", 2.0, json!({})).unwrap();
        let album = add(&mut guest, &c, "11", 1.0, json!({})).unwrap();
        remove_item(&mut guest, &c, &album.key).unwrap();
        guest.applied_coupons = vec!["summer".into()];
        guest.chosen_shipping_methods = vec!["local_pickup:4".into()];
        customer.applied_coupons = vec!["old".into()];
        customer.chosen_shipping_methods = vec!["flat_rate:1".into()];
        merge_guest_cart(&mut customer, &guest);
        let keys: Vec<&String> = customer.lines.keys().collect();
        assert_eq!(keys, [&beanie.key, &cap.key, &"f7a4710b2f7e4e063e28e791a9763cbe".to_string()]);
        assert_eq!(customer.lines[&beanie.key].quantity, 2.0, "the guest line wins, not summed");
        assert_eq!(customer.removed.keys().collect::<Vec<_>>(), [&album.key], "removed items come from the guest");
        assert_eq!(customer.applied_coupons, ["summer"], "so do coupons");
        assert_eq!(customer.chosen_shipping_methods, ["local_pickup:4"], "and the chosen shipping");
        // A guest who chose no shipping leaves the customer's choice alone.
        merge_guest_cart(&mut customer, &Cart::default());
        assert_eq!(customer.chosen_shipping_methods, ["local_pickup:4"]);
    }

    #[test]
    fn messages() {
        assert_eq!(added_message(&["Beanie".into()]), "&ldquo;Beanie&rdquo; has been added to your cart.");
        assert_eq!(
            added_message(&["Beanie".into(), "Hoodie with Logo".into()]),
            "&ldquo;Beanie&rdquo; and &ldquo;Hoodie with Logo&rdquo; have been added to your cart."
        );
    }
}
