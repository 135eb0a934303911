//! The raw WooCommerce cart (§D.6): `default=true` responses and the base of the v1 cart.

use cartd_domain::cart::{Cart, CartLine};
use serde_json::{Map, Value};

use crate::php_json::{float, php_map, php_object, php_value, tax_map};

/// One raw line, keys in WooCommerce's order: custom item data first, then `key`,
/// `product_id`, `variation_id`, `variation`, `quantity`, `data_hash`, `line_tax_data`, the
/// four line amounts, and `data` (`{}`) last. For a line added during this request, `data`
/// comes right after `quantity` instead.
///
/// Returned as a map so the v1 builders can append `product_name` and friends.
pub fn raw_line(line: &CartLine, added_this_request: bool) -> Map<String, Value> {
    let mut m = Map::with_capacity(line.item_data.len() + 16);
    for (k, v) in &line.item_data {
        m.insert(k.clone(), php_value(v));
    }
    m.insert("key".into(), Value::String(line.key.clone()));
    m.insert("product_id".into(), Value::from(line.product_id));
    m.insert("variation_id".into(), Value::from(line.variation_id));
    m.insert("variation".into(), php_map(line.variation.iter().map(|(k, v)| (k, Value::String(v.clone())))));
    m.insert("quantity".into(), float(line.quantity));
    if added_this_request {
        m.insert("data".into(), Value::Object(Map::new()));
    }
    m.insert("data_hash".into(), Value::String(line.data_hash.clone()));
    let mut tax_data = Map::with_capacity(2);
    tax_data.insert("subtotal".into(), tax_map(&line.line_tax_data.subtotal));
    tax_data.insert("total".into(), tax_map(&line.line_tax_data.total));
    m.insert("line_tax_data".into(), Value::Object(tax_data));
    m.insert("line_subtotal".into(), float(line.line_subtotal));
    m.insert("line_subtotal_tax".into(), float(line.line_subtotal_tax));
    m.insert("line_total".into(), float(line.line_total));
    m.insert("line_tax".into(), float(line.line_tax));
    if !added_this_request {
        m.insert("data".into(), Value::Object(Map::new()));
    }
    m
}

/// The raw cart: item key → raw line (§D.6), `[]` when there are no lines.
/// `added_this_request` is the key of the line added by this request, if any.
pub fn raw_cart(cart: &Cart, added_this_request: Option<&str>) -> Value {
    let mut m = Map::with_capacity(cart.lines.len());
    for (key, line) in &cart.lines {
        let added = added_this_request == Some(key.as_str());
        m.insert(key.clone(), Value::Object(raw_line(line, added)));
    }
    php_object(m)
}
