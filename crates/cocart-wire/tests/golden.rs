//! Golden tests: the wire builders against the examples captured from CoCart 3.0.17
//! (`shared/cocart-contract/examples`) and the [OBS] examples quoted in CONTRACT §D.

use std::path::PathBuf;

use cartd_domain::cart::{Cart, CartLine, LineTaxData, Notices};
use cartd_domain::catalog::{Attribute, AttributeOption, Catalog, Product, ProductType};
use cartd_domain::settings::{Settings, ShippingMethod, ShippingZone, TaxRate};
use cartd_domain::totals::{CartTotals, ShippingPackage, ShippingRate, TaxLine, TaxMap, TotalsRecord};
use cocart_wire::php_json::{self, float, php_map, tax_map};
use cocart_wire::{CartView, ParamFailure};
use indexmap::IndexMap;
use serde_json::{Value, json};

const BEANIE_KEY: &str = "d3d9446802a44259755d38e6d163e820";
const SINGLE_KEY: &str = "9bf31c7ff062936a96d3c8bd1f8f2ff3";
const SIMPLE_HASH: &str = "b5c1d5ca8bae6d4896cf1807cdf763f0";

fn examples_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/cocart-contract/examples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: contract examples not found at {}", dir.display());
        None
    }
}

/// The example file re-encoded through php_json (so the comparison is byte for byte on the
/// compact PHP form).
fn example(name: &str) -> Option<String> {
    let path = examples_dir()?.join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = serde_json::from_str(&text).unwrap();
    Some(php_json::to_string(&value))
}

fn enc(value: &Value) -> String {
    php_json::to_string(value)
}

/// The full cart as a Value, after checking that the direct byte encoder agrees with it.
fn full(view: &CartView) -> Value {
    let value = cocart_wire::full_cart(view);
    let bytes = String::from_utf8(cocart_wire::full_cart_bytes(view)).unwrap();
    assert_eq!(bytes, enc(&value), "full_cart_bytes disagrees with full_cart");
    value
}

fn taxes(pairs: &[(u64, f64)]) -> TaxMap {
    pairs.iter().copied().collect()
}

fn reference_settings() -> Settings {
    let mut settings = Settings::default();
    settings.tax.enabled = true;
    settings.tax.rates.push(TaxRate {
        id: 1,
        country: "US".into(),
        rate: "10.0000".into(),
        name: "Tax".into(),
        ..TaxRate::default()
    });
    settings.shipping.zones.push(ShippingZone {
        id: 1,
        name: "US".into(),
        countries: vec!["US".into()],
        methods: vec![ShippingMethod { instance_id: 1, cost: "20".into(), ..ShippingMethod::default() }],
        ..ShippingZone::default()
    });
    settings
}

fn reference_catalog() -> Catalog {
    let mut beanie = Product::new(10, ProductType::Simple, "Beanie");
    beanie.slug = "beanie".into();
    beanie.sku = "woo-beanie".into();
    beanie.regular_price = "18".into();
    beanie.weight = "0.2".into();
    let mut single = Product::new(15, ProductType::Simple, "Single");
    single.slug = "single".into();
    single.sku = "woo-single".into();
    single.regular_price = "1".into();
    single.is_virtual = true;
    single.downloadable = true;

    let mut tshirt = Product::new(16, ProductType::Variable, "V-Neck T-Shirt");
    tshirt.slug = "v-neck-t-shirt".into();
    tshirt.sku = "woo-vneck-tee".into();
    tshirt.images = vec!["http://127.0.0.1:8080/wp-content/uploads/vneck-tee.jpg".into()];
    tshirt.attributes = vec![
        Attribute {
            label: "Color".into(),
            slug: "pa_color".into(),
            taxonomy: true,
            options: vec![
                AttributeOption { slug: "red".into(), name: "Red".into() },
                AttributeOption { slug: "blue".into(), name: "Blue".into() },
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
    let mut blue = Product::new(19, ProductType::Variation, "V-Neck T-Shirt - Blue");
    blue.parent_id = 16;
    blue.regular_price = "15".into();
    blue.variation_attributes.insert("attribute_pa_color".into(), "blue".into());
    blue.variation_attributes.insert("attribute_size".into(), "".into());
    Catalog::new([beanie, single, tshirt, blue])
}

fn line(key: &str, product_id: u64, quantity: f64, unit: f64, tax: f64) -> CartLine {
    CartLine {
        key: key.into(),
        product_id,
        variation_id: 0,
        variation: IndexMap::new(),
        quantity,
        data_hash: SIMPLE_HASH.into(),
        item_data: IndexMap::new(),
        line_tax_data: LineTaxData { subtotal: taxes(&[(1, tax)]), total: taxes(&[(1, tax)]) },
        line_subtotal: unit * quantity,
        line_subtotal_tax: tax,
        line_total: unit * quantity,
        line_tax: tax,
    }
}

/// §J.4.9 "Observed for Beanie ×2".
fn beanie_totals() -> CartTotals {
    CartTotals {
        record: TotalsRecord {
            subtotal: "36".into(),
            subtotal_tax: 3.6,
            shipping_total: "20".into(),
            shipping_tax: 2.0,
            shipping_taxes: taxes(&[(1, 2.0)]),
            discount_total: 0.0,
            discount_tax: 0.0,
            cart_contents_total: "36".into(),
            cart_contents_tax: 3.6,
            cart_contents_taxes: taxes(&[(1, 3.6)]),
            fee_total: "0".into(),
            fee_tax: 0.0,
            fee_taxes: TaxMap::new(),
            total: "61.60".into(),
            total_tax: 5.6,
        },
        tax_lines: vec![TaxLine { code: "US-TAX-1".into(), label: "Tax".into(), amount: 5.6 }],
        taxes_total: "5.60".into(),
        packages: vec![ShippingPackage {
            line_keys: vec![BEANIE_KEY.into()],
            rates: vec![ShippingRate {
                id: "flat_rate:1".into(),
                method_id: "flat_rate".into(),
                instance_id: 1,
                label: "Flat rate".into(),
                cost: "20.00".into(),
                taxes: taxes(&[(1, 2.0)]),
            }],
            chosen: Some("flat_rate:1".into()),
        }],
        needs_shipping: true,
        needs_payment: true,
        items_weight: 0.4,
    }
}

fn zero_totals() -> CartTotals {
    CartTotals {
        record: TotalsRecord {
            subtotal: "0".into(),
            shipping_total: "0".into(),
            cart_contents_total: "0".into(),
            fee_total: "0".into(),
            total: "0.00".into(),
            ..TotalsRecord::default()
        },
        taxes_total: "0.00".into(),
        ..CartTotals::default()
    }
}

fn view<'a>(
    cart: &'a Cart,
    totals: &'a CartTotals,
    catalog: &'a Catalog,
    settings: &'a Settings,
    notices: &'a Notices,
    cart_hash: &'a str,
) -> CartView<'a> {
    CartView {
        cart,
        totals,
        catalog,
        settings,
        cart_key: "a538d645578e18cf3bcb6e37749e74e0",
        cart_hash,
        thumb: true,
        notices,
        cross_sells: &[],
        now: 1_700_000_000,
    }
}

#[test]
fn full_cart_after_add_item_matches_reference() {
    let Some(expected) = example("derived/v2-cart-after-add-item-3.0.17-shape.json") else { return };
    let settings = reference_settings();
    let catalog = reference_catalog();
    let mut cart = Cart::new(&settings);
    cart.lines.insert(BEANIE_KEY.into(), line(BEANIE_KEY, 10, 2.0, 18.0, 3.6));
    let totals = beanie_totals();
    let mut notices = Notices::default();
    notices.success.push("&ldquo;Beanie&rdquo; has been added to your cart.".into());
    let v = view(&cart, &totals, &catalog, &settings, &notices, "26408f9406f0b4519a612603c36a5de9");
    assert_eq!(enc(&full(&v)), expected);
}

#[test]
fn full_cart_with_only_removed_items_matches_reference() {
    let Some(expected) = example("derived/v2-cart-only-removed-items-3.0.17-shape.json") else { return };
    let settings = reference_settings();
    let catalog = reference_catalog();
    let mut cart = Cart::new(&settings);
    cart.removed.insert(SINGLE_KEY.into(), line(SINGLE_KEY, 15, 1.0, 1.0, 0.1));
    cart.removed.insert(BEANIE_KEY.into(), line(BEANIE_KEY, 10, 3.0, 18.0, 5.4));
    let totals = zero_totals();
    let mut notices = Notices::default();
    notices.success.push("\"Beanie\" has been removed from cart.".into());
    let v = view(&cart, &totals, &catalog, &settings, &notices, "");
    assert_eq!(enc(&full(&v)), expected);
}

#[test]
fn full_cart_top_level_keys_and_thumb_off() {
    let settings = reference_settings();
    let catalog = reference_catalog();
    let mut cart = Cart::new(&settings);
    cart.lines.insert(BEANIE_KEY.into(), line(BEANIE_KEY, 10, 2.0, 18.0, 3.6));
    let totals = beanie_totals();
    let notices = Notices::default();
    let mut v = view(&cart, &totals, &catalog, &settings, &notices, "x");
    v.thumb = false;
    let out = full(&v);
    let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "cart_hash",
            "cart_key",
            "currency",
            "customer",
            "items",
            "item_count",
            "items_weight",
            "coupons",
            "needs_payment",
            "needs_shipping",
            "shipping",
            "fees",
            "taxes",
            "totals",
            "removed_items",
            "cross_sells",
            "notices"
        ]
    );
    assert_eq!(out["items"][0]["featured_image"], "");
    assert_eq!(enc(&out["notices"]), "[]");
    assert_eq!(enc(&out["fees"]), "[]");
}

#[test]
fn variation_item_meta_and_custom_data() {
    let settings = reference_settings();
    let catalog = reference_catalog();
    let mut cart = Cart::new(&settings);
    let mut l = line("0c19e5b65939334a31236b0ad052f589", 16, 3.5, 15.0, 5.25);
    l.variation_id = 19;
    l.variation.insert("attribute_pa_color".into(), "blue".into());
    l.variation.insert("attribute_size".into(), "Large".into());
    l.item_data.insert("gift_note".into(), json!("Happy birthday"));
    l.item_data.insert("empty".into(), json!(""));
    l.item_data.insert("zero".into(), json!("0"));
    l.item_data.insert("nested".into(), json!({"a": {}}));
    l.item_data.insert("nothing".into(), json!({}));
    l.line_tax_data = LineTaxData { subtotal: taxes(&[(1, 0.125)]), total: taxes(&[(1, 0.115)]) };
    l.line_subtotal_tax = 0.125;
    l.line_tax = 0.115;
    cart.lines.insert(l.key.clone(), l.clone());
    let totals = CartTotals::default();
    let notices = Notices::default();
    let v = view(&cart, &totals, &catalog, &settings, &notices, "");
    let item = cocart_wire::item(&v, &l, true);
    assert_eq!(
        enc(&item),
        concat!(
            r#"{"item_key":"0c19e5b65939334a31236b0ad052f589","id":19,"name":"V-Neck T-Shirt - Blue","#,
            r#""title":"V-Neck T-Shirt","price":"15.00","quantity":{"value":3.5,"min_purchase":1,"max_purchase":-1},"#,
            r#""tax_data":{"subtotal":{"1":0.125},"total":{"1":0.115}},"#,
            r#""totals":{"subtotal":52.5,"subtotal_tax":0.13,"total":52.5,"tax":0.12},"slug":"v-neck-t-shirt","#,
            r#""meta":{"product_type":"variation","sku":"woo-vneck-tee","dimensions":{"length":"","width":"","height":"","unit":"cm"},"#,
            r#""weight":0,"variation":{"Color":"Blue","Size":"Large"}},"backorders":"","#,
            r#""cart_item_data":{"gift_note":"Happy birthday","nested":{"a":[]}},"#,
            r#""featured_image":"http:\/\/127.0.0.1:8080\/wp-content\/uploads\/vneck-tee.jpg"}"#
        )
    );
    let removed = cocart_wire::removed_item(&v, &l, false);
    assert_eq!(removed["quantity"], json!(3.5));
    assert_eq!(removed["featured_image"], "");
    let by_key = cocart_wire::items_by_key(&v, true);
    assert_eq!(by_key["0c19e5b65939334a31236b0ad052f589"], item);
    assert_eq!(String::from_utf8(cocart_wire::items_by_key_bytes(&v, true)).unwrap(), enc(&by_key));
    assert_eq!(full(&v)["items"][0], item);
    let empty = Cart::new(&settings);
    let v2 = CartView { cart: &empty, ..v };
    assert_eq!(enc(&cocart_wire::items_by_key(&v2, true)), "[]");
    assert_eq!(cocart_wire::items_by_key_bytes(&v2, true), b"[]");
}

#[test]
fn item_weight_uses_integer_part_of_quantity() {
    let settings = reference_settings();
    let catalog = reference_catalog();
    let mut cart = Cart::new(&settings);
    let l = line(BEANIE_KEY, 10, 3.5, 18.0, 6.3);
    cart.lines.insert(BEANIE_KEY.into(), l.clone());
    let totals = CartTotals { items_weight: 0.2 * 3.5, ..CartTotals::default() };
    let notices = Notices::default();
    let v = view(&cart, &totals, &catalog, &settings, &notices, "");
    let item = cocart_wire::item(&v, &l, true);
    assert_eq!(enc(&item["meta"]["weight"]), "0.6000000000000001");
    let cart_json = full(&v);
    assert_eq!(enc(&cart_json["items_weight"]), "0.7000000000000001");
    assert_eq!(enc(&cart_json["item_count"]), "3.5");
}

#[test]
fn shipping_packages_keys_and_details() {
    let settings = reference_settings();
    let catalog = reference_catalog();
    let mut cart = Cart::new(&settings);
    cart.lines.insert(BEANIE_KEY.into(), line(BEANIE_KEY, 10, 2.0, 18.0, 3.6));
    cart.customer.shipping.address_1 = "1 Infinite Loop".into();
    cart.customer.shipping.city = "Cupertino".into();
    cart.customer.shipping.postcode = "95014".into();
    let mut totals = beanie_totals();
    let mut second = totals.packages[0].clone();
    second.rates[0].cost = "0.00".into();
    second.rates[0].taxes = TaxMap::new();
    totals.packages.push(second.clone());
    totals.packages.push(ShippingPackage { rates: vec![], chosen: None, ..second });
    let notices = Notices::default();
    let v = view(&cart, &totals, &catalog, &settings, &notices, "");
    let out = full(&v);
    let shipping = &out["shipping"];
    assert_eq!(shipping["total_packages"], 3);
    assert_eq!(shipping["show_package_details"], true);
    let keys: Vec<&str> = shipping["packages"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["default", "defaulu", "defaulv"]);
    let p0 = &shipping["packages"]["default"];
    assert_eq!(p0["package_name"], "");
    assert_eq!(p0["package_details"], "Beanie x2");
    assert_eq!(p0["formatted_destination"], "1 Infinite Loop, Cupertino, CA 95014");
    let p1 = &shipping["packages"]["defaulu"];
    assert_eq!(p1["package_name"], "Shipping #2");
    assert_eq!(p1["index"], 1);
    assert_eq!(p1["rates"]["flat_rate:1"]["html"], "Flat rate");
    assert_eq!(enc(&p1["rates"]["flat_rate:1"]["taxes"]), "[]");
    let p2 = &shipping["packages"]["defaulv"];
    assert_eq!(enc(&p2["rates"]), "[]");
    assert_eq!(p2["chosen_method"], "");
}

#[test]
fn taxes_block_forms() {
    let mut settings = reference_settings();
    let catalog = reference_catalog();
    let mut cart = Cart::new(&settings);
    cart.lines.insert(BEANIE_KEY.into(), line(BEANIE_KEY, 10, 2.0, 18.0, 3.6));
    let totals = beanie_totals();
    let notices = Notices::default();

    settings.tax.display_cart = cartd_domain::settings::TaxDisplay::Incl;
    let out = full(&view(&cart, &totals, &catalog, &settings, &notices, ""));
    assert_eq!(enc(&out["taxes"]), "[]");
    assert_eq!(out["shipping"]["packages"]["default"]["rates"]["flat_rate:1"]["html"], "Flat rate: $22.00 (incl. tax)");

    settings.tax.display_cart = cartd_domain::settings::TaxDisplay::Excl;
    settings.tax.total_display = cartd_domain::settings::TaxTotalDisplay::Single;
    let out = full(&view(&cart, &totals, &catalog, &settings, &notices, ""));
    assert_eq!(out["taxes"]["label"], "Tax");
    assert_eq!(out["taxes"]["total"], "560");

    cart.customer.shipping.country = "GB".into();
    cart.customer.shipping.state = String::new();
    let out = full(&view(&cart, &totals, &catalog, &settings, &notices, ""));
    assert_eq!(out["taxes"]["label"], "Tax (estimated for the United Kingdom (UK))");

    settings.tax.enabled = false;
    let out = full(&view(&cart, &totals, &catalog, &settings, &notices, ""));
    assert_eq!(enc(&out["taxes"]), "[]");
}

#[test]
fn coupons_and_cross_sells() {
    let settings = reference_settings();
    let currency = &settings.currency;
    let c = cocart_wire::CouponSaving { code: "FLAT5".into(), amount: 5.0, free_shipping: false };
    assert_eq!(
        enc(&cocart_wire::cart::coupon(&c, currency)),
        r#"{"coupon":"flat5","label":"Coupon: flat5","saving":"-500","saving_html":"-$5.00"}"#
    );
    let free = cocart_wire::CouponSaving { code: "ship".into(), amount: 0.0, free_shipping: true };
    assert_eq!(cocart_wire::cart::coupon(&free, currency)["saving"], "Free shipping coupon");

    let catalog = reference_catalog();
    let beanie = catalog.get(10).unwrap();
    assert_eq!(
        enc(&cocart_wire::cart::cross_sell(&catalog, beanie, &settings, 0)),
        concat!(
            r#"{"id":10,"name":"Beanie","title":"Beanie","slug":"beanie","price":"18","regular_price":"18","sale_price":"","#,
            r#""image":"http:\/\/127.0.0.1:8080\/wp-content\/uploads\/woocommerce-placeholder.png","average_rating":"","#,
            r#""on_sale":false,"type":"simple"}"#
        )
    );
}

#[test]
fn currency_block_positions() {
    use cartd_domain::settings::{Currency, CurrencyPosition};
    let euro = Currency {
        code: "EUR".into(),
        symbol: "€".into(),
        position: CurrencyPosition::RightSpace,
        thousand_separator: ".".into(),
        decimal_separator: ",".into(),
        decimals: 2,
    };
    assert_eq!(
        enc(&cocart_wire::cart::currency_block(&euro)),
        r#"{"currency_code":"EUR","currency_symbol":"€","currency_minor_unit":2,"currency_decimal_separator":",","currency_thousand_separator":".","currency_prefix":"","currency_suffix":" €"}"#
    );
    let left_space = Currency { position: CurrencyPosition::LeftSpace, ..Currency::default() };
    assert_eq!(cocart_wire::cart::currency_block(&left_space)["currency_prefix"], "$ ");
}

#[test]
fn raw_cart_line_orders() {
    let mut cart = Cart::default();
    cart.lines.insert(BEANIE_KEY.into(), line(BEANIE_KEY, 10, 3.0, 18.0, 5.4));
    // §D.6 example line (loaded from the session).
    let loaded = r#"{"key":"d3d9446802a44259755d38e6d163e820","product_id":10,"variation_id":0,"variation":[],"quantity":3,"data_hash":"b5c1d5ca8bae6d4896cf1807cdf763f0","line_tax_data":{"subtotal":{"1":5.4},"total":{"1":5.4}},"line_subtotal":54,"line_subtotal_tax":5.4,"line_total":54,"line_tax":5.4,"data":{}}"#;
    assert_eq!(enc(&cocart_wire::raw_cart(&cart, None)), format!("{{\"{BEANIE_KEY}\":{loaded}}}"));

    let mut l = line("f7a4710b2f7e4e063e28e791a9763cbe", 16, 2.0, 20.0, 4.0);
    l.variation_id = 17;
    l.data_hash = "c302a9fd0fd0d21304d297fba2220acc".into();
    l.variation.insert("attribute_pa_color".into(), "red".into());
    l.variation.insert("attribute_size".into(), "Small".into());
    l.item_data.insert("gift_note".into(), json!("Happy birthday"));
    l.item_data.insert("nyp".into(), json!("24"));
    let added = Value::Object(cocart_wire::raw_line(&l, true));
    assert_eq!(
        enc(&added),
        r#"{"gift_note":"Happy birthday","nyp":"24","key":"f7a4710b2f7e4e063e28e791a9763cbe","product_id":16,"variation_id":17,"variation":{"attribute_pa_color":"red","attribute_size":"Small"},"quantity":2,"data":{},"data_hash":"c302a9fd0fd0d21304d297fba2220acc","line_tax_data":{"subtotal":{"1":4},"total":{"1":4}},"line_subtotal":40,"line_subtotal_tax":4,"line_total":40,"line_tax":4}"#
    );
    assert_eq!(enc(&cocart_wire::raw_cart(&Cart::default(), None)), "[]");
}

#[test]
fn raw_cart_matches_documented_default_example() {
    let Some(expected) = example("v2-cart-default.json") else { return };
    let key = "7647966b7343c29048673252e490f736";
    let mut l = line(key, 89, 1.0, 12.0, 0.0);
    l.line_tax_data = LineTaxData::default();
    let mut cart = Cart::default();
    cart.lines.insert(key.into(), l);
    assert_eq!(enc(&cocart_wire::raw_cart(&cart, None)), expected);
}

/// §D.4 "Example [OBS]".
fn observed_record() -> TotalsRecord {
    TotalsRecord {
        subtotal: "206".into(),
        subtotal_tax: 20.6,
        shipping_total: "20".into(),
        shipping_tax: 2.0,
        shipping_taxes: taxes(&[(1, 2.0)]),
        discount_total: 0.0,
        discount_tax: 0.0,
        cart_contents_total: "206".into(),
        cart_contents_tax: 20.6,
        cart_contents_taxes: taxes(&[(1, 20.6)]),
        fee_total: "0".into(),
        fee_tax: 0.0,
        fee_taxes: TaxMap::new(),
        total: "248.60".into(),
        total_tax: 22.6,
    }
}

#[test]
fn totals_object_observed_examples() {
    let currency = Settings::default().currency;
    let record = observed_record();
    assert_eq!(
        enc(&cocart_wire::totals_object(&record, false, &currency)),
        r#"{"subtotal":"206","subtotal_tax":20.6,"shipping_total":"20","shipping_tax":2,"shipping_taxes":{"1":2},"discount_total":0,"discount_tax":0,"cart_contents_total":"206","cart_contents_tax":20.6,"cart_contents_taxes":{"1":20.6},"fee_total":"0","fee_tax":0,"fee_taxes":[],"total":"248.60","total_tax":22.6}"#
    );
    assert_eq!(
        enc(&cocart_wire::totals_object(&record, true, &currency)),
        r#"{"subtotal":"$206.00","subtotal_tax":"$20.60","shipping_total":"$20.00","shipping_tax":"$2.00","shipping_taxes":{"1":2},"discount_total":"$0.00","discount_tax":"$0.00","cart_contents_total":"$206.00","cart_contents_tax":"$20.60","cart_contents_taxes":{"1":20.6},"fee_total":"$0.00","fee_tax":"$0.00","fee_taxes":[],"total":"$248.60","total_tax":"$22.60"}"#
    );
    let trimmed = TotalsRecord { subtotal: "19.5".into(), subtotal_tax: 0.13, ..observed_record() };
    let html = cocart_wire::totals_object(&trimmed, true, &currency);
    assert_eq!(html["subtotal"], "$19.50");
    assert_eq!(html["subtotal_tax"], "$0.13");
}

#[test]
fn totals_object_never_calculated() {
    let Some(expected) = example("derived/v1-totals-never-calculated.json") else { return };
    let currency = Settings::default().currency;
    assert_eq!(enc(&cocart_wire::totals_object(&TotalsRecord::default(), false, &currency)), expected);
}

#[test]
fn totals_object_documented_example_types() {
    // The documented v2-totals.json uses fixed decimals ("123.00") that 3.0.17 trims; with the
    // stored strings as documented, the shape and types must match exactly.
    let Some(expected) = example("v2-totals.json") else { return };
    let record = TotalsRecord {
        subtotal: "123.00".into(),
        subtotal_tax: 8.4,
        shipping_total: "33.00".into(),
        shipping_tax: 6.6,
        shipping_taxes: taxes(&[(12, 6.6)]),
        discount_total: 24.6,
        discount_tax: 0.0,
        cart_contents_total: "98.40".into(),
        cart_contents_tax: 8.4,
        cart_contents_taxes: taxes(&[(12, 8.4)]),
        fee_total: "0.00".into(),
        fee_tax: 0.0,
        fee_taxes: TaxMap::new(),
        total: "146.40".into(),
        total_tax: 15.0,
    };
    let currency = Settings::default().currency;
    assert_eq!(enc(&cocart_wire::totals_object(&record, false, &currency)), expected);
    let Some(expected_html) = example("v2-totals-html.json") else { return };
    let pound = cartd_domain::settings::Currency { code: "GBP".into(), symbol: "£".into(), ..currency };
    assert_eq!(enc(&cocart_wire::totals_object(&record, true, &pound)), expected_html);
}

#[test]
fn store_object_matches_observed_and_documented_shape() {
    let mut settings = Settings::default();
    settings.store.title = "CoCart Reference".into();
    settings.store.description = "Just another WordPress site".into();
    settings.store.address.address = "123 Main Street".into();
    settings.store.address.city = "San Francisco".into();
    settings.store.address.postcode = "94103".into();
    let out = enc(&cocart_wire::store_object(&settings, "3.0.17"));
    assert!(out.starts_with(concat!(
        r#"{"version":"3.0.17","title":"CoCart Reference","description":"Just another WordPress site","#,
        r#""home_url":"http:\/\/127.0.0.1:8080","language":"en-US","gmt_offset":"0","timezone_string":"","#,
        r#""store_address":{"address":"123 Main Street","address_2":"","city":"San Francisco","country":"US:CA","postcode":"94103"},"#,
        r#""routes":{"cart":"http:\/\/127.0.0.1:8080\/wp-json\/cocart\/v2\/cart","#
    )));
    assert!(out.ends_with(r#""_links":{"help":[{"href":"https:\/\/docs.cocart.xyz\/"}]}}"#));

    let Some(path) = examples_dir().map(|d| d.join("v2-store.json")) else { return };
    let mut documented: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // 3.0.17 sends the stored option string, not the documented number.
    documented["gmt_offset"] = json!("2");
    let mut settings = Settings::default();
    settings.store.title = "My Awesome Swag Store".into();
    settings.store.description = "Collect my new swag for 2021. Forget about 2020.".into();
    settings.store.home_url = "https://example.com/".into();
    settings.store.gmt_offset = "2".into();
    settings.store.timezone = "Europe/Paris".into();
    settings.store.address.address = "Somewhere".into();
    settings.store.address.address_2 = "warm".into();
    settings.store.address.city = "TimeCity".into();
    settings.store.address.country = "FR".into();
    settings.store.address.postcode = "11400".into();
    assert_eq!(enc(&cocart_wire::store_object(&settings, "3.0.0")), enc(&documented));
}

#[test]
fn namespace_indexes_serve_captured_bytes() {
    for (name, ns) in [("derived/v2-index-3.0.17.json", "v2"), ("derived/v1-index-3.0.17.json", "v1")] {
        let Some(captured) = example(name) else { return };
        let site = "http://127.0.0.1:8080";
        let body = if ns == "v2" { cocart_wire::v2_index(site) } else { cocart_wire::v1_index(site) };
        let expected = captured.replace(r"https:\/\/example.com", r"http:\/\/127.0.0.1:8080");
        assert_eq!(std::str::from_utf8(body).unwrap(), expected);
        assert!(expected.starts_with(&format!(r#"{{"namespace":"cocart\/{ns}","routes":{{"\/cocart\/{ns}":{{"#)));
        assert!(!expected.contains("example.com"));
        assert!(expected.ends_with(r#""_links":{"up":[{"href":"http:\/\/127.0.0.1:8080\/wp-json\/"}]}}"#));
        // Cached: the same slice on the second call.
        let again = if ns == "v2" { cocart_wire::v2_index(site) } else { cocart_wire::v1_index(site) };
        assert!(std::ptr::eq(body, again));
    }
    let idx = cocart_wire::NamespaceIndexes::new("https://shop.example.org/");
    let text = std::str::from_utf8(idx.v2()).unwrap();
    assert!(text.contains(r#""href":"https:\/\/shop.example.org\/wp-json\/cocart\/v2\/cart""#));
    assert!(text.contains(r#""\/cocart\/v2\/cart\/item\/(?P<item_key>[\\w]+)""#));
}

#[test]
fn error_bodies_match_reference() {
    let cases: [(&str, Value); 6] = [
        (
            "derived/error-no-route.json",
            cocart_wire::error("rest_no_route", "No route was found matching the URL and request method.", 404),
        ),
        ("derived/error-rest-missing-param-id.json", cocart_wire::missing_params(&["id"])),
        (
            "derived/error-rest-invalid-param-quantity-not-numeric.json",
            cocart_wire::invalid_params(&[("quantity", ParamFailure::Rejected)]),
        ),
        (
            "derived/error-rest-invalid-param-quantity-number.json",
            cocart_wire::invalid_params(&[("quantity", ParamFailure::not_of_type("quantity", "string"))]),
        ),
        (
            "derived/error-must-authenticate-user.json",
            cocart_wire::guard_envelope(
                "cocart_must_authenticate_user",
                "Must authenticate customer as the cart key provided is a registered customer.",
            ),
        ),
        (
            "derived/error-already-authenticating-user.json",
            cocart_wire::guard_envelope(
                "cocart_already_authenticating_user",
                "You are already authenticating as the customer. Cannot set cart key as the user.",
            ),
        ),
    ];
    for (file, built) in cases {
        let Some(expected) = example(file) else { return };
        assert_eq!(enc(&built), expected, "{file}");
    }
    assert_eq!(
        enc(&cocart_wire::invalid_json(4, "Syntax error")),
        r#"{"code":"rest_invalid_json","message":"Invalid JSON body passed.","data":{"status":400,"json_error_code":4,"json_error_message":"Syntax error"}}"#
    );
    assert_eq!(
        enc(&cocart_wire::missing_params(&["id", "quantity"])),
        r#"{"code":"rest_missing_callback_param","message":"Missing parameter(s): id, quantity","data":{"status":400,"params":["id","quantity"]}}"#
    );
    let mixed = cocart_wire::invalid_params(&[
        ("quantity", ParamFailure::Rejected),
        ("thumb", ParamFailure::not_of_type("thumb", "boolean")),
    ]);
    assert_eq!(
        enc(&mixed),
        r#"{"code":"rest_invalid_param","message":"Invalid parameter(s): quantity, thumb","data":{"status":400,"params":{"quantity":"Invalid parameter.","thumb":"thumb is not of type boolean."},"details":{"thumb":{"code":"rest_invalid_type","message":"thumb is not of type boolean.","data":{"param":"thumb"}}}}}"#
    );
}

#[test]
fn json_float_edge_cases() {
    // §A.3 / §J.0.5.
    let cases: [(f64, &str); 12] = [
        (1.0, "1"),
        (36.0, "36"),
        (-1.0, "-1"),
        (1.5, "1.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (0.14427500000000001, "0.14427500000000001"),
        (143.4 / 100.0, "1.4340000000000002"),
        (0.0001, "0.0001"),
        (0.00012, "0.00012"),
        (4.8e-5, "4.8e-5"),
        (-3.0e-5, "-3.0e-5"),
        (1e-10, "1.0e-10"),
    ];
    for (value, expected) in cases {
        assert_eq!(enc(&float(value)), expected, "{value:e}");
    }
    assert_eq!(enc(&json!({"a": [float(2.0), float(0.5)]})), r#"{"a":[2,0.5]}"#);
}

#[test]
fn php_map_edge_cases() {
    assert_eq!(enc(&php_map(Vec::<(u64, Value)>::new())), "[]");
    assert_eq!(enc(&php_map([("US-TAX-1", json!({"name": "Tax"}))])), r#"{"US-TAX-1":{"name":"Tax"}}"#);
    assert_eq!(enc(&tax_map(&TaxMap::new())), "[]");
    assert_eq!(enc(&tax_map(&taxes(&[(1, 1.148375), (2, 0.0)]))), r#"{"1":1.148375,"2":0}"#);
}

#[test]
fn minor_unit_totals_edge_cases() {
    // §D.1 / §J.4.9: floats go through PHP's 14-digit string form first.
    let currency = Settings::default().currency;
    let totals = CartTotals {
        record: TotalsRecord {
            subtotal: "32985".into(),
            subtotal_tax: 0.432825,
            shipping_total: "20".into(),
            shipping_tax: 4.8e-5,
            discount_total: 0.0,
            discount_tax: 0.125,
            fee_total: "0".into(),
            total: "36305.50".into(),
            total_tax: 22.6,
            ..TotalsRecord::default()
        },
        ..CartTotals::default()
    };
    let out = cocart_wire::cart::cart_totals(&totals, &currency);
    assert_eq!(
        enc(&out),
        r#"{"subtotal":"3298500","subtotal_tax":"43","fee_total":"0","fee_tax":"0","discount_total":"0","discount_tax":"13","shipping_total":"2000","shipping_tax":"480","total":"3630550","total_tax":"2260"}"#
    );
    // A right-positioned euro store: the formatted total is still read back correctly.
    let euro = cartd_domain::settings::Currency {
        code: "EUR".into(),
        symbol: "€".into(),
        position: cartd_domain::settings::CurrencyPosition::RightSpace,
        thousand_separator: ".".into(),
        decimal_separator: ",".into(),
        decimals: 2,
    };
    assert_eq!(cocart_wire::cart::cart_totals(&totals, &euro)["total"], "3630550");
}

#[test]
fn totals_object_html_thousands() {
    let currency = Settings::default().currency;
    let record = TotalsRecord { subtotal: "32985".into(), subtotal_tax: 3298.5, ..observed_record() };
    let html = cocart_wire::totals_object(&record, true, &currency);
    assert_eq!(html["subtotal"], "$32,985.00");
    assert_eq!(html["subtotal_tax"], "$3,298.50");
    let plain = cocart_wire::totals_object(&record, false, &currency);
    assert_eq!(enc(&plain["subtotal_tax"]), "3298.5");
}

#[test]
fn empty_cart_counts_print_as_zero() {
    // Rust sums an empty f64 iterator to -0.0; PHP's array_sum gives 0.
    let settings = reference_settings();
    let catalog = reference_catalog();
    let cart = Cart::new(&settings);
    let totals = CartTotals { items_weight: -0.0, ..zero_totals() };
    let notices = Notices::default();
    let out = full(&view(&cart, &totals, &catalog, &settings, &notices, ""));
    assert_eq!(enc(&out["item_count"]), "0");
    assert_eq!(enc(&out["items_weight"]), "0");
}
