//! CONTRACT §J.11 worked examples 1, 5, 6, 7, 8 and 10, field by field. (Examples 2, 3, 4
//! and 9 need coupons, which are not applied yet.)

use cartd_domain::cart::{Cart, CartLine, LineTaxData};
use cartd_domain::catalog::{Catalog, Product, ProductType};
use cartd_domain::numeric::{json_float, php_float_to_string};
use cartd_domain::settings::{MethodKind, Settings, ShippingMethod, ShippingZone, TaxRate};
use cartd_domain::totals::{CartTotals, TaxMap, calculate};
use indexmap::IndexMap;

fn product(id: u64, name: &str, price: &str, is_virtual: bool) -> Product {
    let mut p = Product::new(id, ProductType::Simple, name);
    p.regular_price = price.into();
    p.is_virtual = is_virtual;
    p
}

fn line(key: &str, product_id: u64, quantity: f64) -> CartLine {
    CartLine {
        key: key.into(),
        product_id,
        variation_id: 0,
        variation: IndexMap::new(),
        quantity,
        data_hash: String::new(),
        item_data: IndexMap::new(),
        line_tax_data: LineTaxData::default(),
        line_subtotal: 0.0,
        line_subtotal_tax: 0.0,
        line_total: 0.0,
        line_tax: 0.0,
    }
}

fn cart_of(settings: &Settings, lines: &[(&str, u64, f64)]) -> Cart {
    let mut cart = Cart::new(settings);
    for &(key, id, qty) in lines {
        cart.lines.insert(key.to_string(), line(key, id, qty));
    }
    cart
}

fn tax_rate(id: u64, country: &str, state: &str, rate: &str, name: &str, priority: u32) -> TaxRate {
    TaxRate {
        id,
        country: country.into(),
        state: state.into(),
        rate: rate.into(),
        name: name.into(),
        priority,
        ..TaxRate::default()
    }
}

fn flat_rate_zone(cost: &str) -> ShippingZone {
    ShippingZone {
        id: 0,
        methods: vec![ShippingMethod {
            instance_id: 1,
            method: MethodKind::FlatRate,
            cost: cost.into(),
            ..Default::default()
        }],
        ..ShippingZone::default()
    }
}

fn map(entries: &[(u64, f64)]) -> TaxMap {
    entries.iter().copied().collect()
}

fn minor(totals: &CartTotals, settings: &Settings) -> [String; 10] {
    totals.record.minor_unit_totals(&settings.currency)
}

fn expect_minor(totals: &CartTotals, settings: &Settings, expected: [&str; 10]) {
    assert_eq!(minor(totals, settings), expected.map(String::from));
}

/// Tax lines as (code, label, minor units).
fn tax_lines(totals: &CartTotals, settings: &Settings) -> Vec<(String, String, String)> {
    totals
        .tax_lines
        .iter()
        .map(|l| {
            let m = cartd_domain::numeric::minor_units(&php_float_to_string(l.amount), &settings.currency);
            (l.code.clone(), l.label.clone(), m)
        })
        .collect()
}

fn owned(v: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    v.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect()
}

fn reference_store() -> Settings {
    let mut s = Settings::default();
    s.tax.enabled = true;
    s.tax.rates = vec![tax_rate(1, "US", "", "10.0000", "Tax", 1)];
    s.shipping.zones = vec![flat_rate_zone("20")];
    s
}

#[test]
fn example_1_baseline() {
    let settings = reference_store();
    let catalog = Catalog::new([product(15, "Beanie", "18", false)]);
    let mut cart = cart_of(&settings, &[("beanie", 15, 2.0)]);
    let t = calculate(&mut cart, &catalog, &settings, 0);

    let l = &cart.lines["beanie"];
    assert_eq!((l.line_subtotal, l.line_subtotal_tax, l.line_total, l.line_tax), (36.0, 3.6, 36.0, 3.6));
    assert_eq!(l.line_tax_data.subtotal, map(&[(1, 3.6)]));
    assert_eq!(l.line_tax_data.total, map(&[(1, 3.6)]));

    let r = &t.record;
    assert_eq!(r.subtotal, "36");
    assert_eq!(r.subtotal_tax, 3.6);
    assert_eq!(r.shipping_total, "20");
    assert_eq!(r.shipping_tax, 2.0);
    assert_eq!(r.shipping_taxes, map(&[(1, 2.0)]));
    assert_eq!((r.discount_total, r.discount_tax), (0.0, 0.0));
    assert_eq!(r.cart_contents_total, "36");
    assert_eq!(r.cart_contents_tax, 3.6);
    assert_eq!(r.cart_contents_taxes, map(&[(1, 3.6)]));
    assert_eq!((r.fee_total.as_str(), r.fee_tax), ("0", 0.0));
    assert!(r.fee_taxes.is_empty());
    assert_eq!(r.total, "61.60");
    assert_eq!(r.total_tax, 5.6);

    expect_minor(&t, &settings, ["3600", "360", "0", "0", "0", "0", "2000", "200", "6160", "560"]);
    assert_eq!(tax_lines(&t, &settings), owned(&[("US-TAX-1", "Tax", "560")]));
    assert_eq!(t.taxes_total, "5.60");

    assert!(t.needs_shipping && t.needs_payment);
    assert_eq!(t.packages.len(), 1);
    let pkg = &t.packages[0];
    assert_eq!(pkg.line_keys, vec!["beanie".to_string()]);
    assert_eq!(pkg.chosen.as_deref(), Some("flat_rate:1"));
    assert_eq!(pkg.rates.len(), 1);
    let rate = &pkg.rates[0];
    assert_eq!((rate.id.as_str(), rate.method_id.as_str(), rate.instance_id), ("flat_rate:1", "flat_rate", 1));
    assert_eq!((rate.label.as_str(), rate.cost.as_str()), ("Flat rate", "20.00"));
    assert_eq!(rate.taxes, map(&[(1, 2.0)]));
    assert_eq!(cart.chosen_shipping_methods, vec!["flat_rate:1".to_string()]);
}

fn example_5_store(round_at_subtotal: bool) -> (Settings, Catalog, Cart) {
    let mut settings = Settings::default();
    settings.tax.enabled = true;
    settings.tax.round_at_subtotal = round_at_subtotal;
    settings.tax.rates = vec![tax_rate(1, "US", "CA", "7.25", "Tax", 1)];
    let catalog =
        Catalog::new([product(1, "X", "1.99", true), product(2, "Y", "1.99", true), product(3, "Z", "1.99", true)]);
    let cart = cart_of(&settings, &[("x", 1, 1.0), ("y", 2, 1.0), ("z", 3, 1.0)]);
    (settings, catalog, cart)
}

#[test]
fn example_5_rounding_per_line() {
    let (settings, catalog, mut cart) = example_5_store(false);
    let t = calculate(&mut cart, &catalog, &settings, 0);
    for l in cart.lines.values() {
        assert_eq!(l.line_subtotal, 1.99);
        assert_eq!(json_float(l.line_tax_data.total[&1]), "0.14427500000000001");
        assert_eq!(json_float(l.line_tax_data.subtotal[&1]), "0.14427500000000001");
        assert_eq!((l.line_subtotal_tax, l.line_tax), (0.14, 0.14));
    }
    assert_eq!(t.record.subtotal, "5.97");
    assert_eq!(t.record.subtotal_tax, 0.42);
    assert_eq!(t.record.total, "6.39");
    assert_eq!(t.record.total_tax, 0.42);
    expect_minor(&t, &settings, ["597", "42", "0", "0", "0", "0", "0", "0", "639", "42"]);
    assert_eq!(tax_lines(&t, &settings), owned(&[("US-CA-TAX-1", "Tax", "42")]));
    assert!(!t.needs_shipping);
    assert!(t.packages.is_empty());
}

#[test]
fn example_5_rounding_at_subtotal() {
    let (settings, catalog, mut cart) = example_5_store(true);
    let t = calculate(&mut cart, &catalog, &settings, 0);
    for l in cart.lines.values() {
        assert_eq!(json_float(l.line_tax), "0.14427500000000001");
        assert_eq!(json_float(l.line_subtotal_tax), "0.14427500000000001");
        assert_eq!(json_float(l.line_tax_data.total[&1]), "0.14427500000000001");
    }
    assert_eq!(t.record.subtotal, "5.97");
    assert_eq!(php_float_to_string(t.record.subtotal_tax), "0.432825");
    assert_eq!(php_float_to_string(t.record.cart_contents_tax), "0.432825");
    assert_eq!(t.record.total, "6.40");
    assert_eq!(t.record.total_tax, 0.43);
    expect_minor(&t, &settings, ["597", "43", "0", "0", "0", "0", "0", "0", "640", "43"]);
    assert_eq!(tax_lines(&t, &settings), owned(&[("US-CA-TAX-1", "Tax", "43")]));
}

#[test]
fn example_6_prices_include_tax_half_down() {
    let mut settings = Settings::default();
    settings.tax.enabled = true;
    settings.tax.prices_include_tax = true;
    settings.tax.rates = vec![tax_rate(7, "", "", "20", "VAT", 1)];
    let catalog = Catalog::new([product(1, "T", "9.99", true)]);
    let mut cart = cart_of(&settings, &[("t", 1, 3.0)]);
    let t = calculate(&mut cart, &catalog, &settings, 0);

    let l = &cart.lines["t"];
    assert_eq!((l.line_subtotal, l.line_subtotal_tax, l.line_total, l.line_tax), (24.975, 4.99, 24.975, 4.99));
    assert_eq!(l.line_tax_data.subtotal, map(&[(7, 4.995)]));
    assert_eq!(l.line_tax_data.total, map(&[(7, 4.995)]));
    assert_eq!(t.record.subtotal, "24.98");
    assert_eq!(t.record.total, "29.97");
    expect_minor(&t, &settings, ["2498", "499", "0", "0", "0", "0", "0", "0", "2997", "499"]);
    assert_eq!(tax_lines(&t, &settings), owned(&[("VAT-1", "VAT", "499")]));

    // HALF_UP (prices entered without tax, same inclusive arithmetic) would give 500 tax.
    assert_eq!(cartd_domain::numeric::php_round(499.5, 0, cartd_domain::numeric::RoundMode::HalfUp), 500.0);
}

#[test]
fn example_7_compound_rate() {
    let mut settings = Settings::default();
    settings.tax.enabled = true;
    let gst = tax_rate(1, "CA", "", "5", "GST", 1);
    let mut qst = tax_rate(2, "CA", "QC", "9.975", "QST", 2);
    qst.compound = true;
    settings.tax.rates = vec![gst, qst];
    settings.shipping.zones = vec![flat_rate_zone("20")];
    let catalog = Catalog::new([product(1, "A", "100.00", false), product(2, "B", "19.99", false)]);
    let mut cart = cart_of(&settings, &[("a", 1, 1.0), ("b", 2, 1.0)]);
    for address in [&mut cart.customer.shipping, &mut cart.customer.billing] {
        address.country = "CA".into();
        address.state = "QC".into();
        address.postcode = "H2X 1Y4".into();
    }
    let t = calculate(&mut cart, &catalog, &settings, 0);

    let a = &cart.lines["a"];
    assert_eq!(a.line_tax_data.total, map(&[(1, 5.0), (2, 10.47375)]));
    assert_eq!((a.line_subtotal, a.line_tax), (100.0, 15.47));
    let b = &cart.lines["b"];
    assert_eq!(b.line_tax_data.total, map(&[(1, 0.9995), (2, 2.09370263)]));
    assert_eq!((b.line_subtotal, b.line_tax), (19.99, 3.09));

    let rate = &t.packages[0].rates[0];
    assert_eq!(rate.cost, "20.00");
    assert_eq!(rate.taxes, map(&[(1, 1.0), (2, 2.09475)]));
    assert_eq!(t.record.shipping_taxes, map(&[(1, 1.0), (2, 2.09)]));
    assert_eq!(t.record.total, "161.64");
    assert_eq!(t.record.total_tax, 21.65);

    expect_minor(&t, &settings, ["11999", "1856", "0", "0", "0", "0", "2000", "309", "16164", "2165"]);
    assert_eq!(tax_lines(&t, &settings), owned(&[("CA-GST-1", "GST", "700"), ("CA-QC-QST-2", "QST", "1465")]));
}

#[test]
fn example_8_inclusive_price_outside_base() {
    let mut settings = Settings::default();
    settings.tax.enabled = true;
    settings.tax.prices_include_tax = true;
    settings.tax.rates = vec![tax_rate(1, "US", "CA", "20", "CA Tax", 1), tax_rate(2, "US", "NY", "10", "NY Tax", 1)];
    let catalog = Catalog::new([product(1, "S", "12.00", false)]);
    let mut cart = cart_of(&settings, &[("s", 1, 1.0)]);
    cart.customer.shipping.state = "NY".into();
    let t = calculate(&mut cart, &catalog, &settings, 0);

    let l = &cart.lines["s"];
    assert_eq!((l.line_subtotal, l.line_subtotal_tax, l.line_total, l.line_tax), (10.0, 1.0, 10.0, 1.0));
    assert_eq!(l.line_tax_data.total, map(&[(2, 1.0)]));
    assert_eq!(t.record.total, "11.00");
    assert!(!t.needs_shipping, "no shipping methods exist");
    expect_minor(&t, &settings, ["1000", "100", "0", "0", "0", "0", "0", "0", "1100", "100"]);
    assert_eq!(tax_lines(&t, &settings), owned(&[("US-NY-NY TAX-1", "NY Tax", "100")]));
}

#[test]
fn example_10_flat_rate_expression() {
    let mut settings = reference_store();
    settings.shipping.zones = vec![flat_rate_zone("5 + [fee percent=\"7.5\" min_fee=\"1\"]")];
    let catalog = Catalog::new([product(1, "G", "86.45", false)]);
    let mut cart = cart_of(&settings, &[("g", 1, 1.0)]);
    let t = calculate(&mut cart, &catalog, &settings, 0);

    let rate = &t.packages[0].rates[0];
    assert_eq!(rate.cost, "11.48");
    assert_eq!(rate.taxes, map(&[(1, 1.148375)]));
    assert_eq!(json_float(rate.taxes[&1]), "1.148375");
    assert_eq!(t.record.shipping_total, "11.48");
    assert_eq!(t.record.shipping_tax, 1.15);
    assert_eq!(cart.lines["g"].line_tax, 8.65);
    assert_eq!(t.record.total, "107.73");
    assert_eq!(t.record.total_tax, 9.8);
    expect_minor(&t, &settings, ["8645", "865", "0", "0", "0", "0", "1148", "115", "10773", "980"]);
}

#[test]
fn empty_cart_is_the_reset_record() {
    let settings = reference_store();
    let catalog = Catalog::new([product(15, "Beanie", "18", false)]);
    let mut cart = Cart::new(&settings);
    let t = calculate(&mut cart, &catalog, &settings, 0);
    assert!(t.record.is_zero_record());
    assert_eq!(t.record.subtotal, "");
    expect_minor(&t, &settings, ["0"; 10]);
    assert!(t.tax_lines.is_empty() && t.packages.is_empty());
    assert!(!t.needs_payment && !t.needs_shipping);
    assert_eq!(t.items_weight, 0.0);
}

#[test]
fn weights_missing_products_and_local_pickup() {
    let mut settings = reference_store();
    settings.shipping.zones[0].methods.push(ShippingMethod {
        instance_id: 2,
        method: MethodKind::LocalPickup,
        order: 1,
        ..Default::default()
    });
    let mut beanie = product(15, "Beanie", "18", false);
    beanie.weight = "0.2".into();
    let catalog = Catalog::new([beanie]);
    let mut cart = cart_of(&settings, &[("beanie", 15, 3.5), ("gone", 99, 1.0)]);
    let t = calculate(&mut cart, &catalog, &settings, 0);
    assert_eq!(t.items_weight, 0.7000000000000001);
    assert_eq!(cart.lines["gone"].line_total, 0.0, "lines without a product are left alone");
    assert_eq!(t.packages[0].line_keys, vec!["beanie".to_string()]);
    let ids: Vec<&str> = t.packages[0].rates.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["flat_rate:1", "local_pickup:2"]);
    assert_eq!(t.packages[0].rates[1].cost, "0.00");

    // A stored local-pickup choice is kept, and taxes then follow the store base.
    cart.chosen_shipping_methods = vec!["local_pickup:2".into()];
    cart.customer.shipping.country = "GB".into();
    let t = calculate(&mut cart, &catalog, &settings, 0);
    assert_eq!(t.packages[0].chosen.as_deref(), Some("local_pickup:2"));
    assert_eq!(t.record.cart_contents_tax, 6.3, "US base rate applies although the customer ships to GB");
    assert_eq!(t.record.shipping_total, "0");
    assert_eq!(t.record.total, "69.30");
}
