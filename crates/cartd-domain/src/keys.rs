//! WooCommerce's identifiers (CONTRACT §J.1): the cart item key, the product data hash and
//! the cart hash, byte for byte.

use indexmap::IndexMap;
use md5::{Digest, Md5};
use serde_json::{Map, Value};

use crate::cart::{Cart, CartLine};
use crate::catalog::{Product, ProductType};
use crate::php::{http_build_query, json_encode, php_trim, scalar_to_string};
use crate::totals::TaxMap;

pub fn md5_hex(input: &[u8]) -> String {
    hex::encode(Md5::digest(input))
}

/// `generate_cart_id`: md5 of `product_id[_variation_id][_variation][_item data]`.
pub fn item_key(
    product_id: u64,
    variation_id: u64,
    variation: &IndexMap<String, String>,
    item_data: &IndexMap<String, Value>,
) -> String {
    let mut parts = vec![product_id.to_string()];
    if variation_id != 0 {
        parts.push(variation_id.to_string());
    }
    if !variation.is_empty() {
        let mut joined = String::new();
        for (k, v) in variation {
            joined.push_str(php_trim(k));
            joined.push_str(php_trim(v));
        }
        parts.push(joined);
    }
    if !item_data.is_empty() {
        let mut joined = String::new();
        for (k, v) in item_data {
            let value = scalar_to_string(v).unwrap_or_else(|| http_build_query(v));
            joined.push_str(php_trim(k));
            joined.push_str(php_trim(&value));
        }
        parts.push(joined);
    }
    md5_hex(parts.join("_").as_bytes())
}

/// `md5(json_encode({type, attributes}))` with the variation's stored attributes (`""` for
/// "any") or `""` for non-variations.
pub fn data_hash(product: &Product) -> String {
    let attributes = if product.product_type == ProductType::Variation {
        Value::Object(product.variation_attributes.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
    } else {
        Value::String(String::new())
    };
    let mut object = Map::new();
    object.insert("type".into(), Value::String(product.product_type.as_str().into()));
    object.insert("attributes".into(), attributes);
    md5_hex(json_encode(&Value::Object(object)).as_bytes())
}

fn php_array_or_object<K: ToString>(map: impl ExactSizeIterator<Item = (K, Value)>) -> Value {
    if map.len() == 0 {
        Value::Array(Vec::new())
    } else {
        Value::Object(map.map(|(k, v)| (k.to_string(), v)).collect())
    }
}

pub fn tax_map_value(map: &TaxMap) -> Value {
    php_array_or_object(map.iter().map(|(k, v)| (k, float(*v))))
}

pub fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
}

/// A line as WooCommerce keeps it in the session (`get_cart_for_session`): custom item
/// data first, then the standard fields, without the product object.
pub fn session_line(line: &CartLine) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in &line.item_data {
        m.insert(k.clone(), v.clone());
    }
    m.insert("key".into(), Value::String(line.key.clone()));
    m.insert("product_id".into(), Value::from(line.product_id));
    m.insert("variation_id".into(), Value::from(line.variation_id));
    m.insert(
        "variation".into(),
        php_array_or_object(line.variation.iter().map(|(k, v)| (k, Value::String(v.clone())))),
    );
    m.insert("quantity".into(), float(line.quantity));
    m.insert("data_hash".into(), Value::String(line.data_hash.clone()));
    let mut tax_data = Map::new();
    tax_data.insert("subtotal".into(), tax_map_value(&line.line_tax_data.subtotal));
    tax_data.insert("total".into(), tax_map_value(&line.line_tax_data.total));
    m.insert("line_tax_data".into(), Value::Object(tax_data));
    m.insert("line_subtotal".into(), float(line.line_subtotal));
    m.insert("line_subtotal_tax".into(), float(line.line_subtotal_tax));
    m.insert("line_total".into(), float(line.line_total));
    m.insert("line_tax".into(), float(line.line_tax));
    m
}

/// `md5(json_encode(cart lines) . total)`, or `""` for a cart without lines.
pub fn cart_hash(cart: &Cart, total: &str) -> String {
    if cart.lines.is_empty() {
        return String::new();
    }
    let lines: Map<String, Value> =
        cart.lines.iter().map(|(k, line)| (k.clone(), Value::Object(session_line(line)))).collect();
    let mut text = json_encode(&Value::Object(lines));
    text.push_str(total);
    md5_hex(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::LineTaxData;
    use serde_json::json;

    #[test]
    fn item_keys_match_woocommerce() {
        let none = IndexMap::new();
        assert_eq!(item_key(36, 0, &none, &IndexMap::new()), "19ca14e7ea6328a42e0eb13d585e4c22");
        let mut data = IndexMap::new();
        data.insert("nyp".to_string(), json!(24));
        assert_eq!(item_key(129, 0, &none, &data), "1dc5e4af26b22d63451acb95d2b9deba");
        let mut variation = IndexMap::new();
        variation.insert("attribute_pa_color".to_string(), "blue".to_string());
        variation.insert("attribute_size".to_string(), "Large".to_string());
        assert_eq!(item_key(16, 19, &variation, &IndexMap::new()), "0c19e5b65939334a31236b0ad052f589");
    }

    #[test]
    fn data_hashes_match_woocommerce() {
        let simple = Product::new(10, ProductType::Simple, "Beanie");
        assert_eq!(data_hash(&simple), "b5c1d5ca8bae6d4896cf1807cdf763f0");
        let mut variation = Product::new(19, ProductType::Variation, "V");
        variation.variation_attributes.insert("attribute_pa_color".into(), "blue".into());
        variation.variation_attributes.insert("attribute_size".into(), "".into());
        assert_eq!(data_hash(&variation), "ef86a0c9db2d8b9ee4fba6793f8011e5");
    }

    #[test]
    fn cart_hash_matches_reference() {
        let mut cart = Cart::default();
        let mut tax = TaxMap::new();
        tax.insert(1, 3.6);
        cart.lines.insert(
            "d3d9446802a44259755d38e6d163e820".into(),
            CartLine {
                key: "d3d9446802a44259755d38e6d163e820".into(),
                product_id: 10,
                variation_id: 0,
                variation: IndexMap::new(),
                quantity: 2.0,
                data_hash: "b5c1d5ca8bae6d4896cf1807cdf763f0".into(),
                item_data: IndexMap::new(),
                line_tax_data: LineTaxData { subtotal: tax.clone(), total: tax },
                line_subtotal: 36.0,
                line_subtotal_tax: 3.6,
                line_total: 36.0,
                line_tax: 3.6,
            },
        );
        assert_eq!(cart_hash(&cart, "61.60"), "26408f9406f0b4519a612603c36a5de9");
    }
}
