//! The v2 full cart (§D.1, §C.1.3) and the v2 item (§D.2): pure formatting of a cart whose
//! totals are already calculated and whose notice queue the caller has already taken.
//!
//! Each shape is written once against a private `Sink` trait, and comes out either as a `Value`
//! ([`full_cart`], [`item`], …) or as the response bytes ([`full_cart_bytes`],
//! [`items_by_key_bytes`]), which skip the intermediate tree and are several times faster.

use cartd_domain::cart::{Cart, CartLine, Notices};
use cartd_domain::catalog::{Catalog, Product, ProductId};
use cartd_domain::numeric::{
    RoundMode, minor_units, number_format, php_float_to_string, php_floatval, php_round, price_string,
};
use cartd_domain::settings::{Currency, CurrencyPosition, Settings, TaxBasedOn, TaxDisplay, TaxTotalDisplay};
use cartd_domain::totals::{CartTotals, ShippingPackage, ShippingRate};
use serde_json::Value;

use crate::address;
use crate::php_json::{php_empty, php_str_increment};
use crate::sink::{BytesSink, Sink, ValueSink};

pub use crate::raw::{raw_cart, raw_line};

/// Builds a JSON object from `"key" => value` pairs, keeping their order.
macro_rules! obj {
    ($($k:literal => $v:expr),* $(,)?) => {{
        let mut m = ::serde_json::Map::with_capacity([$($k),*].len());
        $( m.insert(::std::string::String::from($k), $v); )*
        ::serde_json::Value::Object(m)
    }};
}
pub(crate) use obj;

/// A coupon applied to the cart, as the totals calculation reports it (§D.1 Coupon, §J.8.11).
#[derive(Debug, Clone, PartialEq)]
pub struct CouponSaving {
    /// The coupon code as applied (normalised to lower case on output).
    pub code: String,
    /// `get_coupon_discount_amount(code, ex_tax)`: the discount in major units, already
    /// rounded with `wc_round_discount(x, D)`; including its tax when the cart displays
    /// prices including tax.
    pub amount: f64,
    /// The coupon grants free shipping.
    pub free_shipping: bool,
}

/// Everything the v2 cart object shows, borrowed for one response.
#[derive(Debug, Clone, Copy)]
pub struct CartView<'a> {
    /// The session cart: lines (with their calculated line totals), removed lines, customer.
    pub cart: &'a Cart,
    /// The result of the totals calculation for `cart`.
    pub totals: &'a CartTotals,
    pub catalog: &'a Catalog,
    pub settings: &'a Settings,
    /// The `cart_key` to echo (§D.1: the raw request value, the user id, or the session key).
    pub cart_key: &'a str,
    /// WooCommerce's cart hash (`""` when the cart has no lines).
    pub cart_hash: &'a str,
    /// Whether item images are requested (`thumb`); `false` gives `"featured_image": ""`.
    pub thumb: bool,
    /// The notices taken off the session queue for this response (§C.1.5).
    pub notices: &'a Notices,
    /// Cross-sell products to show, already chosen and ordered by the caller (at most 3,
    /// visible, not in the cart). Unknown ids are skipped.
    pub cross_sells: &'a [ProductId],
    /// Unix seconds, for sale prices.
    pub now: i64,
}

/// The 17-key v2 cart object of §D.1. The §C.1.3 empty rule (`[]` for a cart without lines
/// and without removed items) is the caller's: this always builds the object.
///
/// Lines whose product is missing from the catalog are left out of `items` and
/// `removed_items` (§C.1.4); the caller removes them from the cart and queues the notice.
pub fn full_cart(view: &CartView) -> Value {
    let mut sink = ValueSink::new();
    write_full_cart(&mut sink, view);
    sink.finish()
}

/// [`full_cart`] encoded as the response body (identical to
/// `php_json::to_vec(&full_cart(view))`, without building the tree).
pub fn full_cart_bytes(view: &CartView) -> Vec<u8> {
    let mut out = Vec::with_capacity(2048 + 1024 * (view.cart.lines.len() + view.cart.removed.len()));
    write_full_cart(&mut BytesSink::new(&mut out), view);
    out
}

/// One v2 item (§D.2) for a current line. A line whose product is missing from the catalog
/// is built from the line alone (empty names, slug and SKU, price `0`).
pub fn item(view: &CartView, line: &CartLine, with_image: bool) -> Value {
    let mut sink = ValueSink::new();
    write_item(&mut sink, view, line, view.catalog.get(line.product_ref()), with_image, false);
    sink.finish()
}

/// One v2 removed item: as [`item`] with `quantity` a plain number.
pub fn removed_item(view: &CartView, line: &CartLine, with_image: bool) -> Value {
    let mut sink = ValueSink::new();
    write_item(&mut sink, view, line, view.catalog.get(line.product_ref()), with_image, true);
    sink.finish()
}

/// The current items keyed by item key (`GET cart/items`, `session/{key}/items`); `[]` when
/// there are none. Lines with a missing product are left out.
pub fn items_by_key(view: &CartView, with_image: bool) -> Value {
    let mut sink = ValueSink::new();
    write_items_by_key(&mut sink, view, with_image);
    sink.finish()
}

/// [`items_by_key`] encoded as the response body.
pub fn items_by_key_bytes(view: &CartView, with_image: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024 * view.cart.lines.len() + 2);
    write_items_by_key(&mut BytesSink::new(&mut out), view, with_image);
    out
}

fn write_items_by_key<S: Sink>(sink: &mut S, view: &CartView, with_image: bool) {
    let mut lines = view.cart.lines.iter().filter_map(|(k, l)| Some((k, l, view.catalog.get(l.product_ref())?)));
    let Some(first) = lines.next() else { return sink.empty_array() };
    sink.begin_object(view.cart.lines.len());
    for (key, line, product) in std::iter::once(first).chain(lines) {
        sink.key(key);
        write_item(sink, view, line, Some(product), with_image, false);
    }
    sink.end_object();
}

fn write_full_cart<S: Sink>(sink: &mut S, view: &CartView) {
    let settings = view.settings;
    let catalog = view.catalog;
    let currency = &settings.currency;
    sink.begin_object(17);
    sink.field_str("cart_hash", view.cart_hash);
    sink.field_str("cart_key", view.cart_key);
    sink.key_lit("currency");
    write_currency(sink, currency);
    sink.key_lit("customer");
    address::write_customer(sink, &view.cart.customer, settings);

    sink.key_lit("items");
    sink.begin_array();
    for line in view.cart.lines.values() {
        if let Some(product) = catalog.get(line.product_ref()) {
            write_item(sink, view, line, Some(product), view.thumb, false);
        }
    }
    sink.end_array();

    // PHP sums from +0 (`array_sum`, `$weight = 0.0`); a Rust float sum of nothing is -0.0.
    sink.field_f64("item_count", view.cart.item_count() + 0.0);
    sink.field_f64("items_weight", view.totals.items_weight + 0.0);
    // Coupons are not applied yet (a later feature): always `[]`. [`coupon`] builds an entry.
    sink.key_lit("coupons");
    sink.empty_array();
    sink.field_bool("needs_payment", view.totals.needs_payment);
    sink.field_bool("needs_shipping", view.totals.needs_shipping);
    sink.key_lit("shipping");
    write_shipping(sink, view);
    sink.key_lit("fees");
    sink.empty_array();
    sink.key_lit("taxes");
    write_taxes(sink, view);
    sink.key_lit("totals");
    write_cart_totals(sink, view.totals, currency);

    sink.key_lit("removed_items");
    sink.begin_array();
    for line in view.cart.removed.values() {
        if let Some(product) = catalog.get(line.product_ref()) {
            write_item(sink, view, line, Some(product), view.thumb, true);
        }
    }
    sink.end_array();

    sink.key_lit("cross_sells");
    sink.begin_array();
    for product in view.cross_sells.iter().filter_map(|id| catalog.get(*id)) {
        write_cross_sell(sink, catalog, product, settings, view.now);
    }
    sink.end_array();
    sink.key_lit("notices");
    write_notices(sink, view.notices);
    sink.end_object();
}

/// `currency` (§D.1).
pub fn currency_block(currency: &Currency) -> Value {
    let mut sink = ValueSink::new();
    write_currency(&mut sink, currency);
    sink.finish()
}

fn write_currency<S: Sink>(sink: &mut S, currency: &Currency) {
    let symbol = currency.symbol.as_str();
    let mut spaced = String::new();
    let (prefix, suffix) = match currency.position {
        CurrencyPosition::Left => (symbol, ""),
        CurrencyPosition::Right => ("", symbol),
        CurrencyPosition::LeftSpace => {
            spaced.push_str(symbol);
            spaced.push(' ');
            (spaced.as_str(), "")
        }
        CurrencyPosition::RightSpace => {
            spaced.push(' ');
            spaced.push_str(symbol);
            ("", spaced.as_str())
        }
    };
    sink.begin_object(7);
    sink.field_str("currency_code", &currency.code);
    sink.field_str("currency_symbol", symbol);
    sink.field_u64("currency_minor_unit", u64::from(currency.decimals));
    sink.field_str("currency_decimal_separator", &currency.decimal_separator);
    sink.field_str("currency_thousand_separator", &currency.thousand_separator);
    sink.field_str("currency_prefix", prefix);
    sink.field_str("currency_suffix", suffix);
    sink.end_object();
}

/// `notices`: kind → messages in the order error, success, notice, info; `[]` when none.
pub fn notices(notices: &Notices) -> Value {
    let mut sink = ValueSink::new();
    write_notices(&mut sink, notices);
    sink.finish()
}

fn write_notices<S: Sink>(sink: &mut S, notices: &Notices) {
    if notices.is_empty() {
        return sink.empty_array();
    }
    sink.begin_object(4);
    for (kind, list) in notices.by_kind() {
        sink.key(kind);
        sink.begin_array();
        for message in list {
            sink.str(message);
        }
        sink.end_array();
    }
    sink.end_object();
}

/// `wc_format_decimal(price, D)`: exactly `D` decimals, `.`, no grouping.
fn decimal_price(value: f64, currency: &Currency) -> String {
    number_format(value, currency.decimals, ".", "")
}

fn write_item<S: Sink>(
    sink: &mut S,
    view: &CartView,
    line: &CartLine,
    product: Option<&Product>,
    with_image: bool,
    removed: bool,
) {
    let catalog = view.catalog;
    let settings = view.settings;
    let currency = &settings.currency;
    let parent = product.and_then(|p| if p.is_variation() { catalog.parent_of(p) } else { None });
    let decimals = currency.decimals as i32;

    sink.begin_object(13);
    sink.field_str("item_key", &line.key);
    sink.field_u64("id", line.product_ref());
    match product {
        Some(p) => {
            if p.is_variation() {
                sink.field_str("name", &catalog.display_name(p));
            } else {
                sink.field_str("name", &p.name);
            }
            sink.field_str("title", catalog.title(p));
            sink.field_str("price", &decimal_price(php_floatval(p.price(view.now)), currency));
        }
        None => {
            sink.field_str("name", "");
            sink.field_str("title", "");
            sink.field_str("price", &decimal_price(0.0, currency));
        }
    }

    sink.key_lit("quantity");
    if removed {
        sink.f64(line.quantity);
    } else {
        sink.begin_object(3);
        sink.field_f64("value", line.quantity);
        sink.field_u64("min_purchase", 1);
        sink.field_f64("max_purchase", product.map_or(-1.0, |p| catalog.max_purchase(p)));
        sink.end_object();
    }

    sink.key_lit("tax_data");
    sink.begin_object(2);
    sink.key_lit("subtotal");
    sink.tax_map(&line.line_tax_data.subtotal);
    sink.key_lit("total");
    sink.tax_map(&line.line_tax_data.total);
    sink.end_object();

    sink.key_lit("totals");
    sink.begin_object(4);
    sink.field_f64("subtotal", line.line_subtotal);
    sink.field_f64("subtotal_tax", php_round(line.line_subtotal_tax, decimals, RoundMode::HalfUp));
    sink.field_f64("total", line.line_total);
    sink.field_f64("tax", php_round(line.line_tax, decimals, RoundMode::HalfUp));
    sink.end_object();

    sink.field_str("slug", product.map_or("", |p| &parent.unwrap_or(p).slug));
    sink.key_lit("meta");
    write_meta(sink, view, line, product, parent);
    let backorders = product.is_some_and(|p| catalog.backorder_notification(p, line.quantity));
    sink.field_str("backorders", if backorders { "Available on backorder" } else { "" });
    sink.key_lit("cart_item_data");
    write_cart_item_data(sink, line);
    let image = if with_image { featured_image(product, parent, settings) } else { "" };
    sink.field_str("featured_image", image);
    sink.end_object();
}

/// Variation-inherited product field: the variation's own value, else its parent's.
fn inherited<'p>(own: &'p str, parent: Option<&'p Product>, pick: fn(&Product) -> &str) -> &'p str {
    if own.is_empty()
        && let Some(parent) = parent
    {
        return pick(parent);
    }
    own
}

fn write_meta<S: Sink>(
    sink: &mut S,
    view: &CartView,
    line: &CartLine,
    product: Option<&Product>,
    parent: Option<&Product>,
) {
    let (product_type, sku, length, width, height) = match product {
        Some(p) => (
            p.product_type.as_str(),
            inherited(&p.sku, parent, |q| &q.sku),
            inherited(&p.length, parent, |q| &q.length),
            inherited(&p.width, parent, |q| &q.width),
            inherited(&p.height, parent, |q| &q.height),
        ),
        None => ("", "", "", "", ""),
    };
    // wc_get_weight((float) weight * (int) quantity): an f64 product, never below 0.
    let unit_weight = product.and_then(|p| view.catalog.weight(p)).unwrap_or(0.0);
    let weight = (unit_weight * line.quantity.trunc()).max(0.0);

    sink.begin_object(5);
    sink.field_str("product_type", product_type);
    sink.field_str("sku", sku);
    sink.key_lit("dimensions");
    sink.begin_object(4);
    sink.field_str("length", length);
    sink.field_str("width", width);
    sink.field_str("height", height);
    sink.field_str("unit", &view.settings.units.dimension);
    sink.end_object();
    sink.field_f64("weight", weight);
    sink.key_lit("variation");
    write_variation_labels(sink, line, parent);
    sink.end_object();
}

/// `meta.variation`: attribute label → value; term names for global attributes, the posted
/// value for custom ones; `[]` when the line has no variation data.
fn write_variation_labels<S: Sink>(sink: &mut S, line: &CartLine, parent: Option<&Product>) {
    if line.variation.is_empty() {
        return sink.empty_array();
    }
    sink.begin_object(line.variation.len());
    for (key, value) in &line.variation {
        let slug = key.strip_prefix("attribute_").unwrap_or(key);
        match parent.and_then(|p| p.attributes.iter().find(|a| a.slug == slug)) {
            Some(a) => {
                sink.key(&a.label);
                sink.str(if a.taxonomy { a.option_name(value) } else { value });
            }
            None => {
                sink.key(slug);
                sink.str(value);
            }
        }
    }
    sink.end_object();
}

/// `cart_item_data`: the custom item data without PHP-empty values, `[]` when none is left.
fn write_cart_item_data<S: Sink>(sink: &mut S, line: &CartLine) {
    if !line.item_data.values().any(|v| !php_empty(v)) {
        return sink.empty_array();
    }
    sink.begin_object(line.item_data.len());
    for (k, v) in &line.item_data {
        if !php_empty(v) {
            sink.key(k);
            sink.php_value(v);
        }
    }
    sink.end_object();
}

/// The item thumbnail: the product's first image, a variation's parent image, else the
/// store placeholder.
fn featured_image<'a>(product: Option<&'a Product>, parent: Option<&'a Product>, settings: &'a Settings) -> &'a str {
    product
        .and_then(|p| p.images.first())
        .or_else(|| parent.and_then(|p| p.images.first()))
        .map_or(settings.placeholder_image.as_str(), String::as_str)
}

/// A v2 cart `coupons[]` entry (§D.1 Coupon).
pub fn coupon(coupon: &CouponSaving, currency: &Currency) -> Value {
    let mut sink = ValueSink::new();
    write_coupon(&mut sink, coupon, currency);
    sink.finish()
}

fn write_coupon<S: Sink>(sink: &mut S, coupon: &CouponSaving, currency: &Currency) {
    let code = coupon.code.to_lowercase();
    let mut label = String::with_capacity(code.len() + 8);
    label.push_str("Coupon: ");
    address::push_esc(&mut label, &code);
    sink.begin_object(4);
    sink.field_str("coupon", &code);
    sink.field_str("label", &label);
    if coupon.free_shipping && coupon.amount == 0.0 {
        sink.field_str("saving", "Free shipping coupon");
        sink.field_str("saving_html", "Free shipping coupon");
    } else {
        let mut saving = String::from("-");
        saving.push_str(&minor_units(&php_float_to_string(coupon.amount), currency));
        sink.field_str("saving", &saving);
        let mut html = String::from("-");
        html.push_str(&price_string(coupon.amount, currency));
        sink.field_str("saving_html", &html);
    }
    sink.end_object();
}

/// A `cross_sells[]` entry (§D.1 CrossSell). `image` is the product image (a variation's
/// parent image) or the placeholder; `average_rating` is `""` (the catalog has no ratings).
pub fn cross_sell(catalog: &Catalog, product: &Product, settings: &Settings, now: i64) -> Value {
    let mut sink = ValueSink::new();
    write_cross_sell(&mut sink, catalog, product, settings, now);
    sink.finish()
}

fn write_cross_sell<S: Sink>(sink: &mut S, catalog: &Catalog, product: &Product, settings: &Settings, now: i64) {
    let parent = if product.is_variation() { catalog.parent_of(product) } else { None };
    let on_sale = product.sale_active(now);
    sink.begin_object(11);
    sink.field_u64("id", product.id);
    sink.field_str("name", &catalog.display_name(product));
    sink.field_str("title", catalog.title(product));
    sink.field_str("slug", &parent.unwrap_or(product).slug);
    sink.field_str("price", product.price(now));
    sink.field_str("regular_price", &product.regular_price);
    sink.field_str("sale_price", if on_sale { &product.sale_price } else { "" });
    sink.field_str("image", featured_image(Some(product), parent, settings));
    sink.field_str("average_rating", "");
    sink.field_bool("on_sale", on_sale);
    sink.field_str("type", product.product_type.as_str());
    sink.end_object();
}

fn money_f<S: Sink>(sink: &mut S, key: &'static str, value: f64, currency: &Currency) {
    sink.field_str(key, &minor_units(&php_float_to_string(value), currency));
}

fn money_s<S: Sink>(sink: &mut S, key: &'static str, value: &str, currency: &Currency) {
    sink.field_str(key, &minor_units(value, currency));
}

/// The v2 cart `totals` block: ten minor-unit strings (§D.1).
pub fn cart_totals(totals: &CartTotals, currency: &Currency) -> Value {
    let mut sink = ValueSink::new();
    write_cart_totals(&mut sink, totals, currency);
    sink.finish()
}

fn write_cart_totals<S: Sink>(sink: &mut S, totals: &CartTotals, currency: &Currency) {
    let r = &totals.record;
    sink.begin_object(10);
    money_s(sink, "subtotal", &r.subtotal, currency);
    money_f(sink, "subtotal_tax", r.subtotal_tax, currency);
    money_s(sink, "fee_total", &r.fee_total, currency);
    money_f(sink, "fee_tax", r.fee_tax, currency);
    money_f(sink, "discount_total", r.discount_total, currency);
    money_f(sink, "discount_tax", r.discount_tax, currency);
    money_s(sink, "shipping_total", &r.shipping_total, currency);
    money_f(sink, "shipping_tax", r.shipping_tax, currency);
    money_s(sink, "total", &price_string(php_floatval(&r.total), currency), currency);
    money_f(sink, "total_tax", r.total_tax, currency);
    sink.end_object();
}

/// `taxes` (§D.1, §J.4.10): `[]` unless taxes are on and the cart shows prices excluding tax;
/// itemized `{code: {name, price}}`, or the single `{label, total}` form.
fn write_taxes<S: Sink>(sink: &mut S, view: &CartView) {
    let settings = view.settings;
    let currency = &settings.currency;
    if !settings.tax.enabled || settings.tax.display_cart != TaxDisplay::Excl {
        return sink.empty_array();
    }
    match settings.tax.total_display {
        TaxTotalDisplay::Itemized => {
            let lines = &view.totals.tax_lines;
            if lines.is_empty() {
                return sink.empty_array();
            }
            sink.begin_object(lines.len());
            for line in lines {
                sink.key(&line.code);
                sink.begin_object(2);
                sink.field_str("name", &line.label);
                money_f(sink, "price", line.amount, currency);
                sink.end_object();
            }
            sink.end_object();
        }
        TaxTotalDisplay::Single => {
            let mut label = String::from(if address::uses_vat(settings.base_country()) { "VAT" } else { "Tax" });
            let customer = &view.cart.customer;
            let (country, state) = match settings.tax.based_on {
                TaxBasedOn::Shipping => (customer.shipping.country.as_str(), customer.shipping.state.as_str()),
                TaxBasedOn::Billing => (customer.billing.country.as_str(), customer.billing.state.as_str()),
                TaxBasedOn::Base => (settings.base_country(), settings.base_state()),
            };
            // is_customer_outside_base() && !has_calculated_shipping() (never calculated here).
            let base_state = settings.base_state();
            let outside = !country.is_empty()
                && (country != settings.base_country() || (!base_state.is_empty() && base_state != state));
            if outside {
                label.push_str(" (estimated for ");
                label.push_str(address::estimated_for_prefix(country));
                label.push_str(address::country_name(country).unwrap_or(country));
                label.push(')');
            }
            sink.begin_object(2);
            sink.field_str("label", &label);
            money_s(sink, "total", &view.totals.taxes_total, currency);
            sink.end_object();
        }
    }
}

/// `shipping` (§D.1).
fn write_shipping<S: Sink>(sink: &mut S, view: &CartView) {
    let packages = &view.totals.packages;
    sink.begin_object(4);
    sink.field_u64("total_packages", packages.len() as u64);
    sink.field_bool("show_package_details", packages.len() > 1);
    sink.field_bool("has_calculated_shipping", false);
    sink.key_lit("packages");
    if packages.is_empty() {
        sink.empty_array();
    } else {
        let destination = address::formatted_destination(&view.cart.customer.shipping, view.settings);
        sink.begin_object(packages.len());
        let mut key = String::from("default");
        for (index, package) in packages.iter().enumerate() {
            if index > 0 {
                key = php_str_increment(&key);
            }
            sink.key(&key);
            write_package(sink, view, index, package, packages.len(), &destination);
        }
        sink.end_object();
    }
    sink.end_object();
}

fn write_package<S: Sink>(
    sink: &mut S,
    view: &CartView,
    index: usize,
    package: &ShippingPackage,
    count: usize,
    destination: &str,
) {
    let chosen = package.chosen.as_deref().unwrap_or("");
    sink.begin_object(6);
    if index == 0 {
        sink.field_str("package_name", "");
    } else {
        sink.field_str("package_name", &format!("Shipping #{}", index + 1));
    }
    sink.key_lit("rates");
    if package.rates.is_empty() {
        sink.empty_array();
    } else {
        sink.begin_object(package.rates.len());
        for rate in &package.rates {
            sink.key(&rate.id);
            write_rate(sink, view.settings, rate, rate.id == chosen);
        }
        sink.end_object();
    }
    let mut details = String::new();
    if count > 1 {
        for key in &package.line_keys {
            let Some(line) = view.cart.lines.get(key) else { continue };
            if !details.is_empty() {
                details.push_str(", ");
            }
            if let Some(p) = view.catalog.get(line.product_ref()) {
                details.push_str(&view.catalog.display_name(p));
            }
            details.push_str(" x");
            details.push_str(&php_float_to_string(line.quantity));
        }
    }
    sink.field_str("package_details", &details);
    sink.field_u64("index", index as u64);
    sink.field_str("chosen_method", chosen);
    sink.field_str("formatted_destination", destination);
    sink.end_object();
}

/// A package rate (§D.1 Rate). `html` is WooCommerce's method label with the price, tags
/// stripped (`"Flat rate: $20.00"`; just the label when the cost is 0).
pub fn shipping_rate(settings: &Settings, rate: &ShippingRate, chosen: bool) -> Value {
    let mut sink = ValueSink::new();
    write_rate(&mut sink, settings, rate, chosen);
    sink.finish()
}

fn write_rate<S: Sink>(sink: &mut S, settings: &Settings, rate: &ShippingRate, chosen: bool) {
    let currency = &settings.currency;
    let cost = php_floatval(&rate.cost);
    let tax: f64 = rate.taxes.values().sum();
    let mut html = String::with_capacity(rate.label.len() + 24);
    html.push_str(&rate.label);
    if cost > 0.0 {
        let vat = address::uses_vat(settings.base_country());
        html.push_str(": ");
        if settings.tax.display_cart == TaxDisplay::Incl {
            html.push_str(&price_string(cost + tax, currency));
            if tax > 0.0 && !settings.tax.prices_include_tax {
                html.push_str(if vat { " (incl. VAT)" } else { " (incl. tax)" });
            }
        } else {
            html.push_str(&price_string(cost, currency));
            if tax > 0.0 && settings.tax.prices_include_tax {
                html.push_str(if vat { " (ex. VAT)" } else { " (ex. tax)" });
            }
        }
    }
    sink.begin_object(8);
    sink.field_str("key", &rate.id);
    sink.field_str("method_id", &rate.method_id);
    sink.field_u64("instance_id", rate.instance_id);
    sink.field_str("label", &rate.label);
    sink.field_str("cost", &rate.cost);
    sink.field_str("html", &html);
    sink.key_lit("taxes");
    sink.tax_map(&rate.taxes);
    sink.field_bool("chosen_method", chosen);
    sink.end_object();
}
