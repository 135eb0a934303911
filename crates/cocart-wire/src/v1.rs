//! The v1 shapes (CONTRACT §C.3, §D.8): the v1 cart (raw WooCommerce lines plus display
//! fields, keyed by item key), the v1 added item, the update status object, the bare-string
//! messages, and the totals object in its v1 "never calculated" form.
//!
//! Errors in v1 wording are in [`crate::v1_errors`] (re-exported here).

use cartd_domain::cart::{Cart, CartLine};
use cartd_domain::catalog::{Catalog, Product};
use cartd_domain::numeric::{php_float_to_string, php_floatval, price_string};
use cartd_domain::ops::QuantityChange;
use cartd_domain::settings::{Currency, Settings};
use cartd_domain::totals::TotalsRecord;
use serde_json::{Map, Value};

use crate::php_json::{float, php_object};
use crate::raw::raw_line;
use crate::totals::totals_object;

pub use crate::v1_errors::{V1Error, v1_add_error, v1_cart_error, wire_body};

/// `POST /v1/calculate` without `return` (filter `cocart_totals_calculated_message`).
pub const TOTALS_CALCULATED: &str = "Cart totals have been calculated.";
/// `POST /v1/clear`.
pub const CART_CLEARED: &str = "Cart is cleared.";
/// `DELETE /v1/item` without `return_cart`.
pub const ITEM_REMOVED: &str = "Item has been removed from cart.";
/// `GET /v1/item` (restore) without `return_cart`.
pub const ITEM_RESTORED: &str = "Item has been restored to the cart.";
/// `GET /v1/count-items` when `return` is not `"numeric"` and the count is ≤ 0.
pub const NO_ITEMS_IN_CART: &str = "There are no items in the cart!";

/// The v1 cart (§C.3.1, §D.8): item key → raw line (§D.6 order, custom item data first)
/// plus `product_name` (the variation's display name for variations), `product_title` (the
/// parent's title for variations), `product_price` (§J.5 price string of the product's
/// current price, the unit price) and, only when `thumb`, `product_image` (the product's
/// first image, a variation's parent image, else `""` — never the placeholder).
///
/// `[]` when the quantities sum to ≤ 0 or there are no lines (`cocart_return_empty_cart`).
/// `added_this_request` is the key of the line `POST /v1/add-item?return_cart=true` just
/// added: that line gets the added-line key order (`data` right after `quantity`), with the
/// get-cart naming.
///
/// Pure formatting: no recalculation (v1 get-cart shows the stored line totals). Lines whose
/// product is missing from the catalog are left out; dropping unpurchasable lines (moved to
/// the removed items with an error notice, §C.3.1) is the caller's job before calling this.
pub fn v1_cart(
    cart: &Cart,
    catalog: &Catalog,
    settings: &Settings,
    thumb: bool,
    added_this_request: Option<&str>,
    now: i64,
) -> Value {
    if cart.lines.is_empty() || cart.item_count() <= 0.0 {
        return Value::Array(Vec::new());
    }
    let mut out = Map::with_capacity(cart.lines.len());
    for (key, line) in &cart.lines {
        let Some(product) = catalog.get(line.product_ref()) else { continue };
        let added = added_this_request == Some(key.as_str());
        out.insert(key.clone(), Value::Object(cart_line(line, product, catalog, settings, thumb, added, now)));
    }
    php_object(out)
}

/// One v1 get-cart line (the value of a [`v1_cart`] entry).
pub fn v1_line(
    line: &CartLine,
    product: &Product,
    catalog: &Catalog,
    settings: &Settings,
    thumb: bool,
    now: i64,
) -> Value {
    Value::Object(cart_line(line, product, catalog, settings, thumb, false, now))
}

fn cart_line(
    line: &CartLine,
    product: &Product,
    catalog: &Catalog,
    settings: &Settings,
    thumb: bool,
    added: bool,
    now: i64,
) -> Map<String, Value> {
    let mut m = raw_line(line, added);
    m.insert("product_name".into(), Value::String(catalog.display_name(product)));
    m.insert("product_title".into(), Value::String(catalog.title(product).to_string()));
    m.insert("product_price".into(), Value::String(product_price(product, &settings.currency, now)));
    if thumb {
        m.insert("product_image".into(), Value::String(product_image(product, catalog).to_string()));
    }
    m
}

/// The v1 added item (§C.3.4 step 7, §D.8 "v1 added item"): the single line under `key`,
/// not keyed, in the added-line order (custom item data, `key`, `product_id`,
/// `variation_id`, `variation`, `quantity`, `data`, `data_hash`, `line_tax_data`, the four
/// amounts) plus `product_name`, `product_title` and `product_price`. For a variation
/// `product_name` and `product_title` are both the **parent's** name while `product_price`
/// is the variation's price. When the add merged into an existing line, that line (with its
/// merged quantity) is what `key` names.
///
/// `Value::Null` if `key` is not a current line (cannot happen after a successful add). A
/// line whose product is missing from the catalog gets empty names and a zero price.
pub fn v1_added_item(cart: &Cart, catalog: &Catalog, settings: &Settings, key: &str, now: i64) -> Value {
    let Some(line) = cart.lines.get(key) else { return Value::Null };
    let mut m = raw_line(line, true);
    let (name, price) = match catalog.get(line.product_ref()) {
        Some(product) => {
            let name = if product.is_variation() { catalog.title(product) } else { product.name.as_str() };
            (name.to_string(), product_price(product, &settings.currency, now))
        }
        None => (String::new(), price_string(0.0, &settings.currency)),
    };
    m.insert("product_name".into(), Value::String(name.clone()));
    m.insert("product_title".into(), Value::String(name));
    m.insert("product_price".into(), Value::String(price));
    Value::Object(m)
}

/// `product_price`: `wc_price(get_price())` as plain text (§J.5): `"$18.00"`. An empty
/// price reads as 0.
pub fn product_price(product: &Product, currency: &Currency, now: i64) -> String {
    price_string(php_floatval(product.price(now)), currency)
}

/// `product_image`: the product's first image (featured, else first gallery image); a
/// variation without one uses its parent's (WooCommerce's `get_image_id` in view context);
/// else `""` (v1 shows no placeholder, **[OBS]**).
pub fn product_image<'a>(product: &'a Product, catalog: &'a Catalog) -> &'a str {
    if let Some(image) = product.images.first() {
        return image;
    }
    if product.is_variation()
        && let Some(image) = catalog.parent_of(product).and_then(|p| p.images.first())
    {
        return image;
    }
    ""
}

/// `POST /v1/item` (update) without `return_cart`: `{"message": M, "quantity": Q}`, `Q` a
/// JSON number (`3`, `1.5`). See [`v1_update_message`] for `M`.
pub fn v1_update_status(message: &str, quantity: f64) -> Value {
    let mut m = Map::with_capacity(2);
    m.insert("message".into(), Value::String(message.to_string()));
    m.insert("quantity".into(), float(quantity));
    Value::Object(m)
}

/// The update message (§C.3.8 step 8, same as §C.2.8 with double quotes; the v1 docs' single
/// quotes are not what 3.0.17 sends): `The quantity for "Beanie" has increased to "3".`,
/// `… has decreased to "1".`, `… has not changed.`. `name` is the line product's display
/// name (a variation's own name); `quantity` the requested quantity, printed PHP-style.
/// With [`QuantityChange::Unchanged`] the status's `quantity` is the requested quantity too.
pub fn v1_update_message(change: QuantityChange, name: &str, quantity: f64) -> String {
    let shown = php_float_to_string(quantity);
    match change {
        QuantityChange::Increased => format!("The quantity for \"{name}\" has increased to \"{shown}\"."),
        QuantityChange::Decreased => format!("The quantity for \"{name}\" has decreased to \"{shown}\"."),
        QuantityChange::Unchanged => format!("The quantity for \"{name}\" has not changed."),
    }
}

/// The v1 totals object (`GET /v1/totals`, `POST /v1/calculate?return=true`): WooCommerce's
/// stored record exactly as [`totals_object`] prints it (§D.4). Unlike v2 there is no
/// "totals empty" error: a record that was never calculated — `TotalsRecord::default()`,
/// whose string fields are empty — already prints the §C.3.10 zero defaults
/// (`{"subtotal":0,"subtotal_tax":0,…,"shipping_taxes":[],…,"total":0,"total_tax":0}`: the
/// five string fields as integer `0`, the float fields as `0`, the maps `[]`), and with
/// `html` every value but the maps becomes `"$0.00"`. v1 does not recalculate: after a clear
/// the caller passes the stale, pre-clear record.
pub fn v1_totals(record: &TotalsRecord, html: bool, currency: &Currency) -> Value {
    totals_object(record, html, currency)
}

/// [`v1_totals`] of a cart that has never been calculated (§C.3.10; unknown `cart_key`).
pub fn v1_totals_never_calculated(html: bool, currency: &Currency) -> Value {
    totals_object(&TotalsRecord::zero(), html, currency)
}
