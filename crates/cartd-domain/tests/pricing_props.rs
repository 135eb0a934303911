//! Property tests of the totals calculation (CONTRACT §J.4) over random stores and carts.

use cartd_domain::cart::{Cart, CartLine, LineTaxData};
use cartd_domain::catalog::{Catalog, Product, ProductType, TaxStatus};
use cartd_domain::numeric::{minor_units, php_float_to_string};
use cartd_domain::settings::{MethodKind, Settings, ShippingMethod, ShippingZone, TaxRate};
use cartd_domain::totals::{CartTotals, calculate};
use indexmap::IndexMap;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct StoreSpec {
    incl: bool,
    round_at_subtotal: bool,
    /// (percent in hundredths, compound, priority, US-only, California-only)
    rates: Vec<(u32, bool, u32, bool, bool)>,
    shipping_cents: Option<u32>,
    /// The customer ships to New York instead of the base state (California).
    customer_in_ny: bool,
}

#[derive(Debug, Clone)]
struct LineSpec {
    price_cents: u32,
    quantity: u32,
    is_virtual: bool,
    taxable: bool,
}

fn store() -> impl Strategy<Value = StoreSpec> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((0u32..3000, any::<bool>(), 1u32..4, any::<bool>(), any::<bool>()), 0..4),
        prop::option::of(0u32..10_000),
        any::<bool>(),
    )
        .prop_map(|(incl, round_at_subtotal, rates, shipping_cents, customer_in_ny)| StoreSpec {
            incl,
            round_at_subtotal,
            rates,
            shipping_cents,
            customer_in_ny,
        })
}

fn lines() -> impl Strategy<Value = Vec<LineSpec>> {
    prop::collection::vec(
        (1u32..200_000, 1u32..8, any::<bool>(), prop::bool::weighted(0.85)).prop_map(
            |(price_cents, quantity, is_virtual, taxable)| LineSpec { price_cents, quantity, is_virtual, taxable },
        ),
        1..6,
    )
}

fn settings_of(spec: &StoreSpec) -> Settings {
    let mut s = Settings::default();
    s.tax.enabled = true;
    s.tax.prices_include_tax = spec.incl;
    s.tax.round_at_subtotal = spec.round_at_subtotal;
    s.tax.rates = spec
        .rates
        .iter()
        .enumerate()
        .map(|(i, &(pct, compound, priority, us, ca))| TaxRate {
            id: i as u64 + 1,
            country: if us || ca { "US".into() } else { String::new() },
            state: if ca { "CA".into() } else { String::new() },
            rate: format!("{}.{:02}", pct / 100, pct % 100),
            name: format!("R{i}"),
            priority,
            compound,
            ..TaxRate::default()
        })
        .collect();
    if let Some(c) = spec.shipping_cents {
        s.shipping.zones = vec![ShippingZone {
            id: 0,
            methods: vec![ShippingMethod {
                instance_id: 1,
                method: MethodKind::FlatRate,
                cost: format!("{}.{:02}", c / 100, c % 100),
                ..Default::default()
            }],
            ..ShippingZone::default()
        }];
    }
    s
}

fn catalog_of(lines: &[LineSpec]) -> Catalog {
    Catalog::new(lines.iter().enumerate().map(|(i, l)| {
        let mut p = Product::new(i as u64 + 1, ProductType::Simple, &format!("P{i}"));
        p.regular_price = format!("{}.{:02}", l.price_cents / 100, l.price_cents % 100);
        p.is_virtual = l.is_virtual;
        p.tax_status = if l.taxable { TaxStatus::Taxable } else { TaxStatus::None };
        p
    }))
}

fn cart_of(settings: &Settings, lines: &[LineSpec], order: &[usize], customer_in_ny: bool) -> Cart {
    let mut cart = Cart::new(settings);
    if customer_in_ny {
        cart.customer.shipping.state = "NY".into();
    }
    for &i in order {
        let key = format!("k{i}");
        cart.lines.insert(
            key.clone(),
            CartLine {
                key,
                product_id: i as u64 + 1,
                variation_id: 0,
                variation: IndexMap::new(),
                quantity: f64::from(lines[i].quantity),
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
    cart
}

fn run(spec: &StoreSpec, lines: &[LineSpec], order: &[usize]) -> (Settings, Cart, CartTotals) {
    let settings = settings_of(spec);
    let catalog = catalog_of(lines);
    let mut cart = cart_of(&settings, lines, order, spec.customer_in_ny);
    let totals = calculate(&mut cart, &catalog, &settings, 0);
    (settings, cart, totals)
}

fn cents(x: &str) -> i64 {
    x.parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn totals_do_not_depend_on_line_order(
        spec in store(),
        (lines, order) in lines().prop_flat_map(|l| {
            let n = l.len();
            (Just(l), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        }),
    ) {
        let natural: Vec<usize> = (0..lines.len()).collect();
        let (settings, _, a) = run(&spec, &lines, &natural);
        let (_, _, b) = run(&spec, &lines, &order);
        prop_assert_eq!(a.record.minor_unit_totals(&settings.currency), b.record.minor_unit_totals(&settings.currency));
        let tax_lines = |t: &CartTotals| {
            let mut v: Vec<(String, String)> = t
                .tax_lines
                .iter()
                .map(|l| (l.code.clone(), minor_units(&php_float_to_string(l.amount), &settings.currency)))
                .collect();
            v.sort();
            v
        };
        prop_assert_eq!(tax_lines(&a), tax_lines(&b));
    }

    #[test]
    fn line_taxes_add_up_to_cart_contents_tax(spec in store(), lines in lines()) {
        let order: Vec<usize> = (0..lines.len()).collect();
        let (_, cart, t) = run(&spec, &lines, &order);
        let line_sum = cart.lines.values().fold(0.0, |acc, l| acc + l.line_tax);
        if spec.round_at_subtotal {
            prop_assert!((line_sum - t.record.cart_contents_tax).abs() < 1e-9,
                "Σ line_tax {} vs cart_contents_tax {}", line_sum, t.record.cart_contents_tax);
        } else {
            let line_cents: i64 = cart.lines.values().map(|l| (l.line_tax * 100.0).round() as i64).sum();
            prop_assert_eq!(line_cents, (t.record.cart_contents_tax * 100.0).round() as i64);
            for l in cart.lines.values() {
                prop_assert!(((l.line_tax * 100.0) - (l.line_tax * 100.0).round()).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn total_is_subtotal_plus_shipping_plus_taxes(spec in store(), lines in lines()) {
        let spec = StoreSpec { round_at_subtotal: false, ..spec };
        let order: Vec<usize> = (0..lines.len()).collect();
        let (settings, _, t) = run(&spec, &lines, &order);
        let m = t.record.minor_unit_totals(&settings.currency);
        // subtotal, shipping_total, total, total_tax
        prop_assert_eq!(cents(&m[8]), cents(&m[0]) + cents(&m[6]) + cents(&m[9]), "{:?}", m);
        // The tax parts agree with the whole: item taxes + shipping taxes = total tax.
        prop_assert_eq!(cents(&m[9]), cents(&m[1]) + cents(&m[7]), "{:?}", m);
        prop_assert_eq!(t.needs_payment, cents(&m[8]) > 0);
    }
}
