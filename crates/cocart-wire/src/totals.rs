//! The stored totals object (§D.4): `GET cart/totals`, v1 `totals`, v1 `calculate?return`.

use cartd_domain::numeric::{php_floatval, price_string};
use cartd_domain::settings::Currency;
use cartd_domain::totals::TotalsRecord;
use serde_json::{Map, Value};

use crate::php_json::{float, tax_map};

/// WooCommerce's totals record with its mixed types: `subtotal`, `shipping_total`,
/// `cart_contents_total`, `fee_total` and `total` as the stored strings, the other amounts as
/// numbers, the three `*_taxes` maps as `{rate id: amount}` or `[]`. With `html`, every value
/// except the maps becomes a plain-text price (`"$206.00"`).
///
/// A record that was never calculated (empty strings, as `TotalsRecord::default()`) prints
/// WooCommerce's defaults: integer `0` for the string fields.
pub fn totals_object(record: &TotalsRecord, html: bool, currency: &Currency) -> Value {
    let text = |v: &str| -> Value {
        if html {
            Value::String(price_string(php_floatval(v), currency))
        } else if v.is_empty() {
            Value::from(0)
        } else {
            Value::String(v.to_string())
        }
    };
    let num = |v: f64| -> Value { if html { Value::String(price_string(v, currency)) } else { float(v) } };
    let mut m = Map::with_capacity(15);
    m.insert("subtotal".into(), text(&record.subtotal));
    m.insert("subtotal_tax".into(), num(record.subtotal_tax));
    m.insert("shipping_total".into(), text(&record.shipping_total));
    m.insert("shipping_tax".into(), num(record.shipping_tax));
    m.insert("shipping_taxes".into(), tax_map(&record.shipping_taxes));
    m.insert("discount_total".into(), num(record.discount_total));
    m.insert("discount_tax".into(), num(record.discount_tax));
    m.insert("cart_contents_total".into(), text(&record.cart_contents_total));
    m.insert("cart_contents_tax".into(), num(record.cart_contents_tax));
    m.insert("cart_contents_taxes".into(), tax_map(&record.cart_contents_taxes));
    m.insert("fee_total".into(), text(&record.fee_total));
    m.insert("fee_tax".into(), num(record.fee_tax));
    m.insert("fee_taxes".into(), tax_map(&record.fee_taxes));
    m.insert("total".into(), text(&record.total));
    m.insert("total_tax".into(), num(record.total_tax));
    Value::Object(m)
}
