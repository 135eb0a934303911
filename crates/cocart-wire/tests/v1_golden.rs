//! Golden tests for the v1 shapes (§C.3, §D.8), the session summary (§D.9), the login
//! object (§C.2.14) and the v1/auth/session error bodies (ERRORS.md §2, §6, §7), against the
//! contract examples and the [OBS] lines quoted in CONTRACT §D.8.

use std::path::PathBuf;

use cartd_domain::cart::{Cart, CartLine, LineTaxData};
use cartd_domain::catalog::{Attribute, AttributeOption, Catalog, Product, ProductType};
use cartd_domain::errors::CartError;
use cartd_domain::ops::QuantityChange;
use cartd_domain::settings::{Currency, Settings};
use cartd_domain::totals::{TaxMap, TotalsRecord};
use cocart_wire::php_json;
use cocart_wire::sessions::{self, SessionRow};
use cocart_wire::v1::{self, V1Error, v1_add_error, v1_cart_error, wire_body};
use indexmap::IndexMap;
use serde_json::{Value, json};

const NOW: i64 = 1_700_000_000;
const BEANIE_KEY: &str = "d3d9446802a44259755d38e6d163e820";
const SIMPLE_HASH: &str = "b5c1d5ca8bae6d4896cf1807cdf763f0";
const VNECK_KEY: &str = "f7a4710b2f7e4e063e28e791a9763cbe";

fn examples_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/cocart-contract/examples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: contract examples not found at {}", dir.display());
        None
    }
}

fn example_value(name: &str) -> Option<Value> {
    let path = examples_dir()?.join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).unwrap())
}

/// The example re-encoded through php_json: comparisons are on the compact PHP bytes.
fn example(name: &str) -> Option<String> {
    example_value(name).map(|v| php_json::to_string(&v))
}

fn enc(value: &Value) -> String {
    php_json::to_string(value)
}

fn taxes(pairs: &[(u64, f64)]) -> TaxMap {
    pairs.iter().copied().collect()
}

fn gbp() -> Currency {
    Currency { code: "GBP".into(), symbol: "£".into(), ..Currency::default() }
}

fn gbp_settings() -> Settings {
    Settings { currency: gbp(), ..Settings::default() }
}

#[allow(clippy::too_many_arguments)]
fn line(
    key: &str,
    product_id: u64,
    variation_id: u64,
    quantity: f64,
    hash: &str,
    rate: Option<u64>,
    subtotal: f64,
    total: f64,
    tax: f64,
) -> CartLine {
    let tax_map = rate.map_or_else(TaxMap::new, |id| taxes(&[(id, tax)]));
    CartLine {
        key: key.into(),
        product_id,
        variation_id,
        variation: IndexMap::new(),
        quantity,
        data_hash: hash.into(),
        item_data: IndexMap::new(),
        line_tax_data: LineTaxData { subtotal: tax_map.clone(), total: tax_map },
        line_subtotal: subtotal,
        line_subtotal_tax: tax,
        line_total: total,
        line_tax: tax,
    }
}

fn cart_of(lines: Vec<CartLine>) -> Cart {
    let mut cart = Cart::default();
    for l in lines {
        cart.lines.insert(l.key.clone(), l);
    }
    cart
}

/// The reference install's products: Beanie (10, $18) and the V-Neck T-Shirt (16) with its
/// red/Small variation 17 ($20) and a blue/any variation 19 ($15).
fn reference_catalog() -> Catalog {
    let mut beanie = Product::new(10, ProductType::Simple, "Beanie");
    beanie.regular_price = "18".into();
    let mut tshirt = Product::new(16, ProductType::Variable, "V-Neck T-Shirt");
    tshirt.images = vec!["http://127.0.0.1:8080/wp-content/uploads/vneck-tee.jpg".into()];
    tshirt.attributes = vec![
        Attribute {
            label: "Color".into(),
            slug: "pa_color".into(),
            taxonomy: true,
            options: vec![
                AttributeOption { slug: "blue".into(), name: "Blue".into() },
                AttributeOption { slug: "red".into(), name: "Red".into() },
            ],
            visible: true,
            used_for_variations: true,
        },
        Attribute {
            label: "Size".into(),
            slug: "size".into(),
            taxonomy: false,
            options: vec![
                AttributeOption { slug: "Small".into(), name: "Small".into() },
                AttributeOption { slug: "Large".into(), name: "Large".into() },
            ],
            visible: true,
            used_for_variations: true,
        },
    ];
    let mut red_small = Product::new(17, ProductType::Variation, "V-Neck T-Shirt - Red, Small");
    red_small.parent_id = 16;
    red_small.regular_price = "20".into();
    red_small.variation_attributes.insert("attribute_pa_color".into(), "red".into());
    red_small.variation_attributes.insert("attribute_size".into(), "Small".into());
    let mut blue = Product::new(19, ProductType::Variation, "V-Neck T-Shirt - Blue");
    blue.parent_id = 16;
    blue.regular_price = "15".into();
    blue.images = vec!["http://127.0.0.1:8080/wp-content/uploads/vneck-blue.jpg".into()];
    blue.variation_attributes.insert("attribute_pa_color".into(), "blue".into());
    blue.variation_attributes.insert("attribute_size".into(), "".into());
    Catalog::new([beanie, tshirt, red_small, blue])
}

fn beanie_line() -> CartLine {
    line(BEANIE_KEY, 10, 0, 1.0, SIMPLE_HASH, Some(1), 18.0, 18.0, 1.8)
}

fn vneck_line() -> CartLine {
    let mut l = line(VNECK_KEY, 16, 17, 2.0, "c302a9fd0fd0d21304d297fba2220acc", Some(1), 40.0, 40.0, 4.0);
    l.variation.insert("attribute_pa_color".into(), "red".into());
    l.variation.insert("attribute_size".into(), "Small".into());
    l
}

const BEANIE_OBS: &str = r#"{"key":"d3d9446802a44259755d38e6d163e820","product_id":10,"variation_id":0,"variation":[],"quantity":1,"data_hash":"b5c1d5ca8bae6d4896cf1807cdf763f0","line_tax_data":{"subtotal":{"1":1.8},"total":{"1":1.8}},"line_subtotal":18,"line_subtotal_tax":1.8,"line_total":18,"line_tax":1.8,"data":{},"product_name":"Beanie","product_title":"Beanie","product_price":"$18.00"}"#;

const VNECK_ADDED_OBS: &str = r#"{"key":"f7a4710b2f7e4e063e28e791a9763cbe","product_id":16,"variation_id":17,"variation":{"attribute_pa_color":"red","attribute_size":"Small"},"quantity":2,"data":{},"data_hash":"c302a9fd0fd0d21304d297fba2220acc","line_tax_data":{"subtotal":{"1":4},"total":{"1":4}},"line_subtotal":40,"line_subtotal_tax":4,"line_total":40,"line_tax":4,"product_name":"V-Neck T-Shirt","product_title":"V-Neck T-Shirt","product_price":"$20.00"}"#;

// ---------------------------------------------------------------------------------------
// v1 cart
// ---------------------------------------------------------------------------------------

#[test]
fn v1_cart_beanie_line_matches_observed() {
    let catalog = reference_catalog();
    let settings = Settings::default();
    let cart = cart_of(vec![beanie_line()]);
    let got = v1::v1_cart(&cart, &catalog, &settings, false, None, NOW);
    assert_eq!(enc(&got), format!("{{\"{BEANIE_KEY}\":{BEANIE_OBS}}}"));
}

#[test]
fn v1_cart_variation_uses_variation_name_and_parent_title() {
    let catalog = reference_catalog();
    let settings = Settings::default();
    let cart = cart_of(vec![beanie_line(), vneck_line()]);
    let got = v1::v1_cart(&cart, &catalog, &settings, false, None, NOW);
    let vneck = &got[VNECK_KEY];
    assert_eq!(vneck["product_name"], "V-Neck T-Shirt - Red, Small");
    assert_eq!(vneck["product_title"], "V-Neck T-Shirt");
    assert_eq!(vneck["product_price"], "$20.00");
    // get-cart order: data last, then the display fields.
    let keys: Vec<&str> = vneck.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "key",
            "product_id",
            "variation_id",
            "variation",
            "quantity",
            "data_hash",
            "line_tax_data",
            "line_subtotal",
            "line_subtotal_tax",
            "line_total",
            "line_tax",
            "data",
            "product_name",
            "product_title",
            "product_price"
        ]
    );
    // Lines keep the cart's order.
    let order: Vec<&str> = got.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(order, [BEANIE_KEY, VNECK_KEY]);
}

#[test]
fn v1_cart_return_cart_reorders_only_the_added_line() {
    let catalog = reference_catalog();
    let settings = Settings::default();
    let cart = cart_of(vec![beanie_line(), vneck_line()]);
    let got = v1::v1_cart(&cart, &catalog, &settings, false, Some(VNECK_KEY), NOW);
    // The Beanie line keeps the get-cart order.
    assert_eq!(enc(&got[BEANIE_KEY]), BEANIE_OBS);
    // The added line: `data` right after `quantity`, get-cart naming.
    let expected = VNECK_ADDED_OBS
        .replace(r#""product_name":"V-Neck T-Shirt""#, r#""product_name":"V-Neck T-Shirt - Red, Small""#);
    assert_eq!(enc(&got[VNECK_KEY]), expected);
}

#[test]
fn v1_cart_thumb_adds_product_image_without_placeholder() {
    let catalog = reference_catalog();
    let settings = Settings::default();
    let mut blue = line("b1", 16, 19, 1.0, "h", None, 15.0, 15.0, 0.0);
    blue.variation.insert("attribute_pa_color".into(), "blue".into());
    blue.variation.insert("attribute_size".into(), "Large".into());
    let cart = cart_of(vec![beanie_line(), vneck_line(), blue]);
    let got = v1::v1_cart(&cart, &catalog, &settings, true, None, NOW);
    // No image and no placeholder.
    assert_eq!(got[BEANIE_KEY]["product_image"], "");
    // A variation without its own image shows the parent's; with one, its own.
    assert_eq!(got[VNECK_KEY]["product_image"], "http://127.0.0.1:8080/wp-content/uploads/vneck-tee.jpg");
    assert_eq!(got["b1"]["product_image"], "http://127.0.0.1:8080/wp-content/uploads/vneck-blue.jpg");
    // product_image is the last key.
    assert_eq!(got[BEANIE_KEY].as_object().unwrap().keys().next_back().unwrap(), "product_image");
    assert_eq!(enc(&got[BEANIE_KEY]), format!("{},\"product_image\":\"\"}}", &BEANIE_OBS[..BEANIE_OBS.len() - 1]));
    // thumb off: no key at all.
    let off = v1::v1_cart(&cart, &catalog, &settings, false, None, NOW);
    assert!(off[BEANIE_KEY].get("product_image").is_none());
}

#[test]
fn v1_cart_empty_forms() {
    let catalog = reference_catalog();
    let settings = Settings::default();
    assert_eq!(enc(&v1::v1_cart(&Cart::default(), &catalog, &settings, false, None, NOW)), "[]");
    // Only removed items: still [].
    let mut removed_only = Cart::default();
    removed_only.removed.insert(BEANIE_KEY.into(), beanie_line());
    assert_eq!(enc(&v1::v1_cart(&removed_only, &catalog, &settings, true, None, NOW)), "[]");
    // A zero-quantity line (v1 update to 0) sums to 0: [].
    let mut zero = beanie_line();
    zero.quantity = 0.0;
    assert_eq!(enc(&v1::v1_cart(&cart_of(vec![zero]), &catalog, &settings, false, None, NOW)), "[]");
    // A line whose product is gone is left out; nothing left gives [].
    let ghost = line("ghost", 999, 0, 1.0, SIMPLE_HASH, None, 1.0, 1.0, 0.0);
    assert_eq!(enc(&v1::v1_cart(&cart_of(vec![ghost.clone()]), &catalog, &settings, false, None, NOW)), "[]");
    let both = v1::v1_cart(&cart_of(vec![ghost, beanie_line()]), &catalog, &settings, false, None, NOW);
    assert_eq!(both.as_object().unwrap().len(), 1);
}

#[test]
fn v1_cart_sale_price_and_empty_price() {
    let mut beanie = Product::new(10, ProductType::Simple, "Beanie");
    beanie.regular_price = "20".into();
    beanie.sale_price = "18".into();
    let mut free = Product::new(11, ProductType::Simple, "Free & Easy");
    free.regular_price = String::new();
    let catalog = Catalog::new([beanie, free]);
    let cart = cart_of(vec![beanie_line(), line("f", 11, 0, 1.0, SIMPLE_HASH, None, 0.0, 0.0, 0.0)]);
    let got = v1::v1_cart(&cart, &catalog, &Settings::default(), false, None, NOW);
    assert_eq!(got[BEANIE_KEY]["product_price"], "$18.00");
    assert_eq!(got["f"]["product_price"], "$0.00");
    // Names are not escaped in v1.
    assert_eq!(got["f"]["product_name"], "Free & Easy");
}

/// `examples/v1-get-cart*.json`: the documented lines, except that the docs print
/// `"£18"` where 3.0.17's `wc_price` keeps the trailing zeros (`"£18.00"`, §J.5).
#[test]
fn v1_get_cart_documented_examples() {
    let mut vneck = Product::new(36, ProductType::Simple, "Vneck Tshirt");
    vneck.regular_price = "18".into();
    vneck.images = vec!["https://example.com/wp-content/uploads/2019/06/vneck-tee.jpg".into()];
    let catalog = Catalog::new([vneck]);
    let settings = gbp_settings();
    let key = "19ca14e7ea6328a42e0eb13d585e4c22";
    let cart = cart_of(vec![line(key, 36, 0, 1.0, SIMPLE_HASH, Some(12), 18.0, 14.4, 8.4)]);
    for (file, thumb) in
        [("v1-get-cart.json", false), ("v1-get-cart-thumb.json", true), ("v1-get-cart-in-session.json", false)]
    {
        let Some(mut expected) = example_value(file) else { return };
        assert_eq!(expected[key]["product_price"], "£18", "{file}: the documented (stale) price form");
        expected[key]["product_price"] = json!("£18.00");
        let got = v1::v1_cart(&cart, &catalog, &settings, thumb, None, NOW);
        assert_eq!(enc(&got), enc(&expected), "{file}");
    }
}

// ---------------------------------------------------------------------------------------
// v1 added item
// ---------------------------------------------------------------------------------------

#[test]
fn v1_added_item_variation_matches_observed() {
    let catalog = reference_catalog();
    let cart = cart_of(vec![beanie_line(), vneck_line()]);
    let got = v1::v1_added_item(&cart, &catalog, &Settings::default(), VNECK_KEY, NOW);
    assert_eq!(enc(&got), VNECK_ADDED_OBS);
}

#[test]
fn v1_added_item_simple_and_missing_key() {
    let catalog = reference_catalog();
    let cart = cart_of(vec![beanie_line()]);
    let got = v1::v1_added_item(&cart, &catalog, &Settings::default(), BEANIE_KEY, NOW);
    assert_eq!(
        enc(&got),
        r#"{"key":"d3d9446802a44259755d38e6d163e820","product_id":10,"variation_id":0,"variation":[],"quantity":1,"data":{},"data_hash":"b5c1d5ca8bae6d4896cf1807cdf763f0","line_tax_data":{"subtotal":{"1":1.8},"total":{"1":1.8}},"line_subtotal":18,"line_subtotal_tax":1.8,"line_total":18,"line_tax":1.8,"product_name":"Beanie","product_title":"Beanie","product_price":"$18.00"}"#
    );
    assert_eq!(v1::v1_added_item(&cart, &catalog, &Settings::default(), "nope", NOW), Value::Null);
}

/// `examples/v1-add-item-custom-data.json` and `v1-add-item-name-your-price.json`: custom
/// item data first, `data` after `quantity`, byte for byte.
#[test]
fn v1_added_item_documented_custom_data_examples() {
    let mut ring = Product::new(3008, ProductType::Simple, "Silver Ring");
    ring.regular_price = "80".into();
    let mut nyp = Product::new(129, ProductType::Simple, "Name your price");
    nyp.regular_price = "24".into();
    let catalog = Catalog::new([ring, nyp]);
    let settings = gbp_settings();

    let mut ring_line = line("b440b5368da5b3e3a6eb1f40fa666279", 3008, 0, 1.0, SIMPLE_HASH, Some(13), 42.0, 42.0, 8.4);
    ring_line.item_data.insert("engraved_name".into(), json!("Sébastien Dumont"));
    ring_line.item_data.insert("engraved_size".into(), json!("Medium"));
    let mut nyp_line = line("1dc5e4af26b22d63451acb95d2b9deba", 129, 0, 1.0, SIMPLE_HASH, None, 24.0, 24.0, 0.0);
    nyp_line.item_data.insert("nyp".into(), json!("24"));
    let cart = cart_of(vec![ring_line, nyp_line]);

    for (file, key) in [
        ("v1-add-item-custom-data.json", "b440b5368da5b3e3a6eb1f40fa666279"),
        ("v1-add-item-name-your-price.json", "1dc5e4af26b22d63451acb95d2b9deba"),
    ] {
        let Some(expected) = example(file) else { return };
        assert_eq!(enc(&v1::v1_added_item(&cart, &catalog, &settings, key, NOW)), expected, "{file}");
    }
}

/// `examples/v1-add-item-variation.json`: the documented shape and order; the docs name the
/// line "T-shirt - Red", 3.0.17 sends the parent's name in both fields (§D.8 [OBS]).
#[test]
fn v1_added_item_documented_variation_example() {
    let mut parent = Product::new(1722, ProductType::Variable, "T-shirt");
    parent.attributes = vec![
        Attribute {
            label: "Colours".into(),
            slug: "colours".into(),
            taxonomy: false,
            options: vec![AttributeOption { slug: "Red".into(), name: "Red".into() }],
            visible: true,
            used_for_variations: true,
        },
        Attribute {
            label: "Size".into(),
            slug: "pa_size".into(),
            taxonomy: true,
            options: vec![AttributeOption { slug: "2x-large".into(), name: "2X-Large".into() }],
            visible: true,
            used_for_variations: true,
        },
    ];
    let mut variation = Product::new(1820, ProductType::Variation, "T-shirt - Red");
    variation.parent_id = 1722;
    variation.regular_price = "12".into();
    variation.variation_attributes.insert("attribute_colours".into(), "Red".into());
    variation.variation_attributes.insert("attribute_pa_size".into(), "".into());
    let catalog = Catalog::new([parent, variation]);
    let key = "2c698d686c6cd8872e825fd9b05bd322";
    let mut l = line(key, 1722, 1820, 1.0, "89f41c195ac99955ca64fafcc1225796", None, 12.0, 12.0, 0.0);
    l.variation.insert("attribute_colours".into(), "Red".into());
    l.variation.insert("attribute_pa_size".into(), "2x-large".into());
    let cart = cart_of(vec![l]);

    let Some(mut expected) = example_value("v1-add-item-variation.json") else { return };
    assert_eq!(expected["product_name"], "T-shirt - Red", "the documented (pre-3.0.17) name");
    expected["product_name"] = json!("T-shirt");
    let got = v1::v1_added_item(&cart, &catalog, &gbp_settings(), key, NOW);
    assert_eq!(enc(&got), enc(&expected));
    // The same line in get-cart carries the variation's own name.
    let in_cart = v1::v1_cart(&cart, &catalog, &gbp_settings(), false, None, NOW);
    assert_eq!(in_cart[key]["product_name"], "T-shirt - Red");
}

// ---------------------------------------------------------------------------------------
// update status, bare strings, totals
// ---------------------------------------------------------------------------------------

#[test]
fn v1_update_status_and_messages() {
    let inc = v1::v1_update_message(QuantityChange::Increased, "Beanie", 3.0);
    assert_eq!(
        enc(&v1::v1_update_status(&inc, 3.0)),
        r#"{"message":"The quantity for \"Beanie\" has increased to \"3\".","quantity":3}"#
    );
    let dec = v1::v1_update_message(QuantityChange::Decreased, "V-Neck T-Shirt - Red, Small", 1.5);
    assert_eq!(
        enc(&v1::v1_update_status(&dec, 1.5)),
        r#"{"message":"The quantity for \"V-Neck T-Shirt - Red, Small\" has decreased to \"1.5\".","quantity":1.5}"#
    );
    let zero = v1::v1_update_message(QuantityChange::Decreased, "Beanie", 0.0);
    assert_eq!(zero, "The quantity for \"Beanie\" has decreased to \"0\".");
    assert_eq!(
        v1::v1_update_message(QuantityChange::Unchanged, "Beanie", 3.0),
        "The quantity for \"Beanie\" has not changed."
    );
    // The documented example uses single quotes; 3.0.17 sends double quotes.
    let Some(doc) = example_value("v1-item-update.json") else { return };
    let doc_message = doc["message"].as_str().unwrap().replace('\'', "\"");
    let ours = v1::v1_update_message(QuantityChange::Increased, "Woo T-Shirt", 2.0);
    assert_eq!(ours, doc_message);
    assert_eq!(enc(&v1::v1_update_status(&ours, 2.0)), enc(&json!({"message": doc_message, "quantity": 2})));
}

#[test]
fn bare_string_messages_match_examples() {
    for (file, message) in [
        ("v1-calculate.json", v1::TOTALS_CALCULATED),
        ("v1-clear.json", v1::CART_CLEARED),
        ("v1-item-remove.json", v1::ITEM_REMOVED),
        ("v1-item-restore.json", v1::ITEM_RESTORED),
        ("v2-session-delete.json", sessions::CART_DELETED),
        ("derived/v2-items-count-no-items-message.json", v1::NO_ITEMS_IN_CART),
    ] {
        let Some(expected) = example(file) else { return };
        assert_eq!(enc(&json!(message)), expected, "{file}");
    }
}

#[test]
fn v1_totals_never_calculated_forms() {
    let currency = Currency::default();
    let Some(expected) = example("derived/v1-totals-never-calculated.json") else { return };
    assert_eq!(enc(&v1::v1_totals_never_calculated(false, &currency)), expected);
    assert_eq!(enc(&v1::v1_totals(&TotalsRecord::default(), false, &currency)), expected);
    assert_eq!(
        enc(&v1::v1_totals_never_calculated(true, &currency)),
        r#"{"subtotal":"$0.00","subtotal_tax":"$0.00","shipping_total":"$0.00","shipping_tax":"$0.00","shipping_taxes":[],"discount_total":"$0.00","discount_tax":"$0.00","cart_contents_total":"$0.00","cart_contents_tax":"$0.00","cart_contents_taxes":[],"fee_total":"$0.00","fee_tax":"$0.00","fee_taxes":[],"total":"$0.00","total_tax":"$0.00"}"#
    );
}

/// `examples/v1-totals-html.json` byte for byte; `v1-totals.json` has the documented
/// fixed-decimal strings (`"123.00"`) that 3.0.17 does not send, so only its types are
/// checked.
#[test]
fn v1_totals_documented_examples() {
    let record = TotalsRecord {
        subtotal: "123".into(),
        subtotal_tax: 8.4,
        shipping_total: "33".into(),
        shipping_tax: 6.6,
        shipping_taxes: taxes(&[(12, 6.6)]),
        discount_total: 24.6,
        discount_tax: 0.0,
        cart_contents_total: "98.4".into(),
        cart_contents_tax: 8.4,
        cart_contents_taxes: taxes(&[(12, 8.4)]),
        fee_total: "0".into(),
        fee_tax: 0.0,
        fee_taxes: TaxMap::new(),
        total: "146.40".into(),
        total_tax: 15.0,
    };
    let Some(html) = example("v1-totals-html.json") else { return };
    assert_eq!(enc(&v1::v1_totals(&record, true, &gbp())), html);
    let Some(doc) = example_value("v1-totals.json") else { return };
    let got = v1::v1_totals(&record, false, &gbp());
    for (k, v) in doc.as_object().unwrap() {
        let ours = &got[k];
        assert_eq!(std::mem::discriminant(ours), std::mem::discriminant(v), "{k}");
        if !v.is_string() {
            assert_eq!(enc(ours), enc(v), "{k}");
        }
    }
    assert_eq!(got["subtotal"], "123");
    assert_eq!(got["total"], "146.40");
}

// ---------------------------------------------------------------------------------------
// sessions and login
// ---------------------------------------------------------------------------------------

#[test]
fn sessions_list_matches_documented_example() {
    let rows = [
        SessionRow {
            cart_id: 4038,
            cart_key: "afa399e3a0647fe660438409d9ad7eb9",
            created: 1_619_164_019,
            expiry: 1_619_768_920,
            source: "woocommerce",
            billing_first_name: "John",
            billing_last_name: "Snow",
            billing_email: "",
        },
        SessionRow {
            cart_id: 4335,
            cart_key: "8f36f08beca94f2b51faedcb7c6864b8",
            created: 1_619_352_849,
            expiry: 1_619_957_645,
            source: "cocart",
            billing_first_name: "Clark",
            billing_last_name: "Kent",
            billing_email: "clark@dailyplanet.wb",
        },
    ];
    let Some(expected) = example("v2-sessions.json") else { return };
    assert_eq!(enc(&sessions::sessions_list(&rows, "https://example.com")), expected);
    assert_eq!(enc(&sessions::sessions_list(&rows, "https://example.com/")), expected);
}

#[test]
fn session_summary_observed_and_name_rule() {
    let row = SessionRow {
        cart_id: 47,
        cart_key: "2",
        created: 1_795_380_997,
        expiry: 1_795_985_798,
        source: "cocart",
        billing_first_name: "Demo",
        billing_last_name: "Customer",
        billing_email: "demo@example.com",
    };
    assert_eq!(
        enc(&sessions::session_summary(&row, "http://127.0.0.1:8080")),
        r#"{"cart_id":"47","cart_key":"2","customers_name":"Demo Customer","customers_email":"demo@example.com","cart_created":"11\/22\/2026 20:56:37","cart_expiry":"11\/29\/2026 20:56:38","cart_source":"cocart","link":"http:\/\/127.0.0.1:8080\/wp-json\/cocart\/v2\/session\/2"}"#
    );
    let name = |first: &str, last: &str| {
        let r = SessionRow { billing_first_name: first, billing_last_name: last, ..row };
        sessions::session_summary(&r, "x")["customers_name"].as_str().unwrap().to_string()
    };
    assert_eq!(name("John", ""), "John ");
    assert_eq!(name("", "Snow"), " Snow");
    assert_eq!(name("", ""), "");
    assert_eq!(name("0", "0"), "");
    let no_email = SessionRow { billing_email: "", ..row };
    assert_eq!(sessions::session_summary(&no_email, "x")["customers_email"], "");
    // Eight keys, in order, on every element.
    let keys: Vec<String> = sessions::session_summary(&row, "x").as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "cart_id",
            "cart_key",
            "customers_name",
            "customers_email",
            "cart_created",
            "cart_expiry",
            "cart_source",
            "link"
        ]
    );
}

#[test]
fn gmdate_format() {
    assert_eq!(sessions::gmdate_mdy_his(1_619_164_019), "04/23/2021 07:46:59");
    assert_eq!(sessions::gmdate_mdy_his(0), "01/01/1970 00:00:00");
    assert_eq!(sessions::gmdate_mdy_his(1_709_164_800), "02/29/2024 00:00:00");
    assert_eq!(sessions::gmdate_mdy_his(1_735_689_599), "12/31/2024 23:59:59");
    assert_eq!(sessions::gmdate_mdy_his(-86_400), "12/31/1969 00:00:00");
}

#[test]
fn login_object_examples() {
    let Some(expected) = example("v2-login.json") else { return };
    assert_eq!(enc(&sessions::login_object(5143, "sebastien", &["customer"])), expected);
    assert_eq!(
        enc(&sessions::login_object(2, "Demo Customer", &["customer"])),
        r#"{"user_id":"2","display_name":"Demo Customer","role":"Customer","dev_note":"Don't forget to store the users login information in order to authenticate all other routes with CoCart."}"#
    );
    let admin = sessions::login_object(1, "O'Brien & <Co> &amp;", &["administrator", "shop_manager"]);
    assert_eq!(admin["role"], "Administrator, Shop_manager");
    assert_eq!(admin["display_name"], "O&#039;Brien &amp; &lt;Co&gt; &amp;");
    assert_eq!(sessions::login_object(3, "x", &[])["role"], "");
}

// ---------------------------------------------------------------------------------------
// error bodies
// ---------------------------------------------------------------------------------------

fn body(status: u16, code: &str, message: &str) -> String {
    enc(&json!({"code": code, "message": message, "data": {"status": status}}))
}

#[test]
fn auth_and_session_error_bodies() {
    for (file, (status, built)) in [
        ("derived/error-authentication-invalid.json", sessions::authentication_error()),
        ("derived/error-login-unauthenticated.json", sessions::rest_not_authorized()),
        ("derived/error-sessions-unauthenticated.json", sessions::rest_cannot_view(false)),
        ("derived/error-must-authenticate-user.json", sessions::must_authenticate_user()),
        ("derived/error-already-authenticating-user.json", sessions::already_authenticating_user()),
    ] {
        let Some(expected) = example(file) else { return };
        assert_eq!(enc(&built), expected, "{file}");
        let data_status = built["data"]["status"].as_u64().map_or(403, |s| s as u16);
        assert_eq!(status, data_status, "{file}");
    }
    type Case<'a> = ((u16, Value), (u16, &'a str, &'a str));
    let cases: [Case; 10] = [
        (sessions::rest_cannot_view(true), (403, "cocart_rest_cannot_view", "Sorry, you cannot list resources.")),
        (sessions::cart_key_missing(), (404, "cocart_cart_key_missing", "Cart Key is required!")),
        (
            sessions::cart_in_session_not_valid(),
            (404, "cocart_cart_in_session_not_valid", "Cart in session is not valid!"),
        ),
        (sessions::no_carts_in_session(), (404, "cocart_no_carts_in_session", "No carts in session!")),
        (sessions::cart_not_deleted(), (500, "cocart_cart_not_deleted", "Cart could not be deleted!")),
        (
            sessions::permission_error_read("/cocart/v2/cart"),
            (
                401,
                "cocart_rest_permission_error",
                "Permission to READ /cocart/v2/cart is only permitted if the user is authenticated.",
            ),
        ),
        (
            sessions::permission_error_write("/cocart/v2/cart/add-item"),
            (
                401,
                "cocart_rest_permission_error",
                "Permission to WRITE /cocart/v2/cart/add-item is only permitted if the user is authenticated.",
            ),
        ),
        (
            sessions::permission_error_unknown_method("/cocart/v2/store"),
            (401, "cocart_rest_permission_error", "Unknown request method for /cocart/v2/store."),
        ),
        (sessions::authentication_error(), (401, "cocart_authentication_error", "Authentication is invalid.")),
        (sessions::rest_not_authorized(), (401, "cocart_rest_not_authorized", "Sorry, you are not authorized.")),
    ];
    for ((status, built), (want_status, code, message)) in cases {
        assert_eq!(status, want_status, "{code}");
        assert_eq!(enc(&built), body(want_status, code, message), "{code}");
    }
    // The slash in a route is escaped like every other string.
    assert!(enc(&sessions::permission_error_read("/cocart/v2/cart").1).contains(r"READ \/cocart\/v2\/cart"));
}

#[test]
fn v1_error_bodies_errors_md_section_7() {
    let name = || "Beanie".to_string();
    let cases: Vec<(V1Error, u16, &str, &str)> = vec![
        (V1Error::CartKeyMissing, 404, "cocart_cart_key_missing", "Cart Key is required!"),
        (V1Error::CartInSessionNotValid, 404, "cocart_cart_in_session_not_valid", "Cart in session is not valid!"),
        (V1Error::CustomerMissing, 404, "cocart_customer_missing", "Customer ID is required!"),
        (V1Error::CannotReadCart, 401, "cocart_cannot_read_cart", "Cannot read cart!"),
        (V1Error::ProductIdRequired, 404, "cocart_product_id_required", "Product ID number is required!"),
        (V1Error::ProductDoesNotExist, 404, "cocart_product_does_not_exist", "This product does not exist!"),
        (
            V1Error::ProductNoLongerExists { name: name() },
            404,
            "cocart_product_does_not_exist",
            "Product \"Beanie\" no longer exists!",
        ),
        (
            V1Error::CannotAddProductType { name: "Logo Collection".into(), product_type: "grouped".into() },
            403,
            "cocart_cannot_add_product_type_to_cart",
            "You cannot add \"Logo Collection\" to your cart as it is an \"grouped\" product.",
        ),
        (V1Error::NoVariationFound, 400, "cocart_no_variation_found", "No matching variation found."),
        (V1Error::ProductFailedValidation, 404, "cocart_product_failed_validation", "Product did not pass validation!"),
        (V1Error::CannotBePurchased, 403, "cocart_cannot_be_purchased", "Sorry, this product cannot be purchased."),
        (
            V1Error::OutOfStock { name: name() },
            404,
            "cocart_product_out_of_stock",
            "You cannot add \"Beanie\" to the cart because the product is out of stock.",
        ),
        (
            V1Error::NotEnoughInStock { quantity: 6.0, name: "Cap".into(), stock: 5.0 },
            403,
            "cocart_not_enough_in_stock",
            "You cannot add a quantity of 6 for \"Cap\" to the cart because there is not enough stock. - only 5 remaining!",
        ),
        (
            V1Error::NotEnoughStockRemaining { stock: 5.0, in_cart: 3.0 },
            403,
            "cocart_not_enough_stock_remaining",
            "You cannot add that amount to the cart &mdash; we have 5 in stock and you already have 3 in your cart.",
        ),
        (
            V1Error::NotOkToAddItem { message: None },
            403,
            "cocart_not_ok_to_add_item",
            "This item can not be added to the cart.",
        ),
        (
            V1Error::NotOkToAddItem { message: Some("Members only.".into()) },
            403,
            "cocart_not_ok_to_add_item",
            "Members only.",
        ),
        (
            V1Error::CannotAddToCart { name: name() },
            403,
            "cocart_cannot_add_to_cart",
            "You cannot add \"Beanie\" to your cart.",
        ),
        (
            V1Error::ProductSoldIndividually { name: "Album".into() },
            403,
            "cocart_product_sold_individually",
            "You cannot add another \"Album\" to your cart.",
        ),
        (V1Error::NoItems, 404, "cocart_no_items", "No items in cart."),
        (V1Error::CartItemKeyRequired, 404, "cocart_cart_item_key_required", "Cart item key is required!"),
        (V1Error::ItemNotInCart, 404, "cocart_item_not_in_cart", "Item specified does not exist in cart."),
        (
            V1Error::CanNotIncreaseQuantity { name: "Album".into() },
            403,
            "cocart_can_not_increase_quantity",
            "You can only have 1 Album in your cart.",
        ),
        (V1Error::CanNotRestoreItem, 403, "cocart_can_not_restore_item", "Unable to restore item to the cart."),
        (
            V1Error::FgcUpdateQuantity { name: name() },
            404,
            "cocart_fgc_update_quantity",
            "You are not allowed to modify the quantity of your Beanie gift.",
        ),
    ];
    for (err, status, code, message) in cases {
        assert_eq!(err.status(), status, "{code}");
        assert_eq!(enc(&err.body()), body(status, code, message), "{code}: {err:?}");
    }
}

#[test]
fn domain_errors_in_v1_wording() {
    let check = |e: CartError, status: u16, code: &str, message: &str| {
        let w = v1_cart_error(&e);
        assert_eq!((w.status, w.code, w.message.as_str()), (status, code, message), "{e:?}");
    };
    check(CartError::UnknownProductId, 404, "cocart_product_id_required", "Product ID number is required!");
    check(CartError::ProductIdRequired, 404, "cocart_product_id_required", "Product ID number is required!");
    check(CartError::InvalidProduct, 404, "cocart_product_does_not_exist", "This product does not exist!");
    check(
        CartError::CannotAddExternal { name: "WordPress Pennant".into() },
        403,
        "cocart_cannot_add_product_type_to_cart",
        "You cannot add \"WordPress Pennant\" to your cart as it is an \"external\" product.",
    );
    check(CartError::NoVariationFound, 400, "cocart_no_variation_found", "No matching variation found.");
    check(
        CartError::MissingVariationData { labels: vec!["Color".into(), "Size".into()] },
        400,
        "cocart_missing_variation_data",
        "Missing variation data for variable product. Color and Size are required fields.",
    );
    check(
        CartError::MissingVariationData { labels: vec!["Size".into()] },
        400,
        "cocart_missing_variation_data",
        "Missing variation data for variable product. Size is a required field.",
    );
    check(
        CartError::InvalidVariationData { label: "Color".into(), allowed: vec!["blue".into(), "red".into()] },
        400,
        "cocart_invalid_variation_data",
        "Invalid value posted for Color. Allowed values: blue, red",
    );
    check(
        CartError::CannotBePurchased { name: String::new() },
        403,
        "cocart_cannot_be_purchased",
        "Sorry, this product cannot be purchased.",
    );
    check(
        CartError::OutOfStock { name: "Cap".into() },
        404,
        "cocart_product_out_of_stock",
        "You cannot add \"Cap\" to the cart because the product is out of stock.",
    );
    check(
        CartError::NotEnoughInStock { quantity: 6.0, name: "Cap".into(), stock: 5.0 },
        403,
        "cocart_not_enough_in_stock",
        "You cannot add a quantity of 6 for \"Cap\" to the cart because there is not enough stock. - only 5 remaining!",
    );
    check(
        CartError::NotEnoughInStockForUpdate { quantity: 7.0, name: "Cap".into(), stock: 5.0 },
        403,
        "cocart_not_enough_in_stock",
        "You cannot add a quantity of 7 for \"Cap\" to the cart because there is not enough stock. - only 5 remaining!",
    );
    check(
        CartError::NotEnoughStockRemaining { name: "Cap".into(), stock: 5.0, in_cart: 3.0 },
        403,
        "cocart_not_enough_stock_remaining",
        "You cannot add that amount to the cart &mdash; we have 5 in stock and you already have 3 in your cart.",
    );
    check(
        CartError::CanNotIncreaseQuantity { name: "Album".into() },
        403,
        "cocart_can_not_increase_quantity",
        "You can only have 1 Album in your cart.",
    );
    check(CartError::CartItemKeyRequired, 404, "cocart_cart_item_key_required", "Cart item key is required!");
    for e in
        [CartError::ItemNotInCart, CartError::ItemAlreadyRemoved { name: "Beanie".into() }, CartError::ItemDoesNotExist]
    {
        check(e, 404, "cocart_item_not_in_cart", "Item specified does not exist in cart.");
    }
    check(CartError::NoItems, 404, "cocart_no_items", "No items in cart.");
    for e in [
        CartError::CanNotRestoreItem,
        CartError::ItemAlreadyRestored { name: None },
        CartError::ItemAlreadyRestored { name: Some("Beanie".into()) },
    ] {
        check(e, 403, "cocart_can_not_restore_item", "Unable to restore item to the cart.");
    }
    // Not reachable on v1 routes: the v2 wording.
    check(CartError::ItemNotFound, 404, "cocart_item_not_found", "Item specified was not found in cart.");

    // Sold individually (second add) — the captured v1 body.
    let sold = v1_cart_error(&CartError::SoldIndividually { name: "Beanie".into() });
    if let Some(expected) = example("derived/error-sold-individually-v1.json") {
        assert_eq!(enc(&wire_body(&sold)), expected);
    }

    // add-item: the errors that need the product's name.
    let grouped =
        v1_add_error(&CartError::CannotAddGrouped { route: "/cocart/v2/cart/add-items".into() }, "Logo Collection");
    assert_eq!(
        (grouped.status, grouped.code, grouped.message.as_str()),
        (
            403,
            "cocart_cannot_add_product_type_to_cart",
            "You cannot add \"Logo Collection\" to your cart as it is an \"grouped\" product."
        )
    );
    let zero = v1_add_error(&CartError::QuantityInvalidAmount { min: 1.0 }, "Beanie");
    assert_eq!(
        (zero.status, zero.code, zero.message.as_str()),
        (403, "cocart_cannot_add_to_cart", "You cannot add \"Beanie\" to your cart.")
    );
    assert_eq!(v1_add_error(&CartError::InvalidProduct, "x"), v1_cart_error(&CartError::InvalidProduct));
}
