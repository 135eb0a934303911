//! Rough timing of the hot path (run with `cargo test --release -p cocart-wire --test perf -- --ignored --nocapture`).

use std::time::Instant;

use cartd_domain::cart::{Cart, CartLine, LineTaxData, Notices};
use cartd_domain::catalog::{Catalog, Product, ProductType};
use cartd_domain::settings::Settings;
use cartd_domain::totals::{CartTotals, ShippingPackage, ShippingRate, TaxLine, TaxMap};
use cocart_wire::CartView;
use indexmap::IndexMap;

#[test]
#[ignore]
fn full_cart_three_lines() {
    let mut settings = Settings::default();
    settings.tax.enabled = true;
    let mut products = Vec::new();
    let mut cart = Cart::new(&settings);
    let tax: TaxMap = [(1u64, 3.6)].into_iter().collect();
    for id in 10..13u64 {
        let mut p = Product::new(id, ProductType::Simple, "Beanie");
        p.slug = "beanie".into();
        p.sku = format!("woo-{id}");
        p.regular_price = "18".into();
        p.weight = "0.2".into();
        products.push(p);
        let key = format!("{id:032x}");
        cart.lines.insert(
            key.clone(),
            CartLine {
                key,
                product_id: id,
                variation_id: 0,
                variation: IndexMap::new(),
                quantity: 2.0,
                data_hash: "b5c1d5ca8bae6d4896cf1807cdf763f0".into(),
                item_data: IndexMap::new(),
                line_tax_data: LineTaxData { subtotal: tax.clone(), total: tax.clone() },
                line_subtotal: 36.0,
                line_subtotal_tax: 3.6,
                line_total: 36.0,
                line_tax: 3.6,
            },
        );
    }
    let catalog = Catalog::new(products);
    let totals = CartTotals {
        tax_lines: vec![TaxLine { code: "US-TAX-1".into(), label: "Tax".into(), amount: 12.8 }],
        packages: vec![ShippingPackage {
            line_keys: cart.lines.keys().cloned().collect(),
            rates: vec![ShippingRate {
                id: "flat_rate:1".into(),
                method_id: "flat_rate".into(),
                instance_id: 1,
                label: "Flat rate".into(),
                cost: "20.00".into(),
                taxes: [(1u64, 2.0)].into_iter().collect(),
            }],
            chosen: Some("flat_rate:1".into()),
        }],
        needs_payment: true,
        needs_shipping: true,
        items_weight: 1.2,
        ..CartTotals::default()
    };
    let notices = Notices::default();
    let view = CartView {
        cart: &cart,
        totals: &totals,
        catalog: &catalog,
        settings: &settings,
        cart_key: "a538d645578e18cf3bcb6e37749e74e0",
        cart_hash: "26408f9406f0b4519a612603c36a5de9",
        thumb: true,
        notices: &notices,
        cross_sells: &[],
        now: 0,
    };
    // PERF_MODE=value|bytes|encode|none: a fixed loop for `perf stat -e instructions`.
    if let Ok(mode) = std::env::var("PERF_MODE") {
        let v = cocart_wire::full_cart(&view);
        let mut total = 0usize;
        for _ in 0..10_000 {
            total += match mode.as_str() {
                "value" => cocart_wire::full_cart(&view).as_object().map_or(0, |m| m.len()),
                "bytes" => cocart_wire::full_cart_bytes(&view).len(),
                "encode" => cocart_wire::to_vec(&v).len(),
                _ => 0,
            };
        }
        println!("{mode}: {total}");
        return;
    }
    // Minimum over batches: the build machine is shared and noisy.
    fn best(mut f: impl FnMut() -> usize) -> (std::time::Duration, usize) {
        let mut best = std::time::Duration::MAX;
        let mut size = 0;
        for _ in 0..20 {
            let start = Instant::now();
            for _ in 0..1000 {
                size = std::hint::black_box(f());
            }
            best = best.min(start.elapsed() / 1000);
        }
        (best, size)
    }
    let (build, _) = best(|| cocart_wire::full_cart(&view).as_object().map_or(0, |m| m.len()));
    let v = cocart_wire::full_cart(&view);
    let (encode, size) = best(|| cocart_wire::to_vec(&v).len());
    let (direct, _) = best(|| cocart_wire::full_cart_bytes(&view).len());
    println!(
        "full_cart (3 lines, {size} bytes): Value build {build:?} + encode {encode:?}; full_cart_bytes {direct:?}"
    );
}
