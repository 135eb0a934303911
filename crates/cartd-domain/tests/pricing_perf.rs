//! Rough timing of one totals calculation for a typical 3-line cart (taxes on, a zone with
//! flat rate + free shipping + local pickup, a postcode-specific rate). Run with
//! `cargo test --release -p cartd-domain --test pricing_perf -- --ignored --nocapture`.

use std::hint::black_box;
use std::time::Instant;

use cartd_domain::cart::{Cart, CartLine, LineTaxData};
use cartd_domain::catalog::{Catalog, Product, ProductType};
use cartd_domain::settings::{FreeShippingRequires, MethodKind, Settings, ShippingMethod, ShippingZone, TaxRate};
use cartd_domain::totals::calculate;
use indexmap::IndexMap;

#[test]
#[ignore = "timing; run in release"]
fn three_line_cart_timing() {
    let mut settings = Settings::default();
    settings.tax.enabled = true;
    settings.tax.rates = vec![
        TaxRate { id: 1, country: "US".into(), rate: "10.0000".into(), name: "Tax".into(), ..TaxRate::default() },
        TaxRate {
            id: 2,
            country: "US".into(),
            state: "CA".into(),
            postcodes: vec!["941*".into()],
            rate: "1.2500".into(),
            name: "City".into(),
            priority: 2,
            ..TaxRate::default()
        },
    ];
    settings.shipping.zones = vec![ShippingZone {
        id: 0,
        methods: vec![
            ShippingMethod {
                instance_id: 1,
                method: MethodKind::FlatRate,
                cost: "5 + [qty] * 2".into(),
                ..Default::default()
            },
            ShippingMethod {
                instance_id: 2,
                method: MethodKind::FreeShipping,
                order: 1,
                requires: FreeShippingRequires::MinAmount,
                min_amount: "100".into(),
                ..Default::default()
            },
            ShippingMethod { instance_id: 3, method: MethodKind::LocalPickup, order: 2, ..Default::default() },
        ],
        ..ShippingZone::default()
    }];
    let products = (1..=3).map(|i| {
        let mut p = Product::new(i, ProductType::Simple, "P");
        p.regular_price = format!("{}.99", i * 7);
        p.weight = "0.5".into();
        p
    });
    let catalog = Catalog::new(products);
    let mut cart = Cart::new(&settings);
    cart.customer.shipping.postcode = "94103".into();
    for i in 1..=3u64 {
        let key = format!("key{i}");
        cart.lines.insert(
            key.clone(),
            CartLine {
                key,
                product_id: i,
                variation_id: 0,
                variation: IndexMap::new(),
                quantity: i as f64,
                data_hash: String::new(),
                item_data: IndexMap::new(),
                line_tax_data: LineTaxData::default(),
                line_subtotal: 0.0,
                line_subtotal_tax: 0.0,
                line_total: 0.0,
                line_tax: 0.0,
            },
        );
    }
    for _ in 0..1_000 {
        black_box(calculate(&mut cart, &catalog, &settings, 0));
    }
    let n = 20_000;
    let start = Instant::now();
    for _ in 0..n {
        black_box(calculate(black_box(&mut cart), &catalog, &settings, 0));
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    println!("calculate(3 lines): {per:.2} µs per call");
    let t = calculate(&mut cart, &catalog, &settings, 0);
    println!("{:?}", t.record);
}
