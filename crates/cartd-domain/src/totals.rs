//! WooCommerce's cart totals (CONTRACT §J.4): line subtotals and totals, taxes, shipping
//! packages and the grand total, computed in binary64 with PHP rounding exactly where
//! WooCommerce rounds. The result is the stored totals record (§D.4) plus what the v2 cart
//! shows (tax lines, packages, weights).

use indexmap::IndexMap;

use crate::cart::Cart;
use crate::catalog::{Catalog, Product, TaxStatus};
use crate::numeric::{
    Precision, RoundMode, fmt_dec, fmt_dec_fixed, minor_units, php_float_to_string, php_floatval, php_round,
    price_string,
};
use crate::settings::{Currency, Settings, TaxDisplay};
use crate::shipping::{self, FreeShippingInputs, PackageLine, RateInputs};
use crate::tax::{self, AppliedRate, RateFinder, TaxLocation, calc_tax_into, same_rates};

/// Rate id → tax amount, in rate order (an empty map prints as `[]`).
pub type TaxMap = IndexMap<u64, f64>;

/// WooCommerce's stored totals record, field by field in §D.4 order and with its mixed types.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TotalsRecord {
    /// `fmt_dec` string, e.g. `"36"`.
    pub subtotal: String,
    pub subtotal_tax: f64,
    pub shipping_total: String,
    pub shipping_tax: f64,
    pub shipping_taxes: TaxMap,
    pub discount_total: f64,
    pub discount_tax: f64,
    pub cart_contents_total: String,
    pub cart_contents_tax: f64,
    pub cart_contents_taxes: TaxMap,
    pub fee_total: String,
    pub fee_tax: f64,
    pub fee_taxes: TaxMap,
    /// `D`-decimal string, e.g. `"61.60"`.
    pub total: String,
    pub total_tax: f64,
}

/// One itemized tax line for display (J.4.10).
#[derive(Debug, Clone, PartialEq)]
pub struct TaxLine {
    /// Rate code, e.g. `US-CA-TAX-1`.
    pub code: String,
    pub label: String,
    /// Major units.
    pub amount: f64,
}

/// A shipping rate offered for a package (J.9.8).
#[derive(Debug, Clone, PartialEq)]
pub struct ShippingRate {
    /// `flat_rate:1`.
    pub id: String,
    pub method_id: String,
    pub instance_id: u64,
    pub label: String,
    /// `D`-decimal string, e.g. `"20.00"`.
    pub cost: String,
    /// Major units, each rounded to 6 decimals.
    pub taxes: TaxMap,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShippingPackage {
    /// Item keys of the lines in this package, in cart order.
    pub line_keys: Vec<String>,
    pub rates: Vec<ShippingRate>,
    /// The chosen rate id, if any rate is offered.
    pub chosen: Option<String>,
}

/// Everything a totals calculation produces besides the per-line values it writes back
/// into the cart lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CartTotals {
    pub record: TotalsRecord,
    /// Itemized tax lines, in first-seen order, zero amounts dropped.
    pub tax_lines: Vec<TaxLine>,
    /// `fmt_dec(Σ all taxes, D)` for the single-line tax display.
    pub taxes_total: String,
    pub packages: Vec<ShippingPackage>,
    pub needs_shipping: bool,
    pub needs_payment: bool,
    /// Σ weight × quantity over lines whose product has a weight.
    pub items_weight: f64,
}

impl TotalsRecord {
    /// The reset record WooCommerce stores for a cart without lines (§C.3.10): every amount
    /// an integer `0`, every map `[]`. Represented as [`TotalsRecord::default()`]: the five
    /// string fields are **empty**, which stands for PHP's integer `0` (the wire prints
    /// `"subtotal":0`, not `"0"`; [`minor_units`] reads `""` as 0, and `html=true` formats
    /// it as `"$0.00"`). A calculated record never has an empty string field.
    pub fn zero() -> Self {
        TotalsRecord::default()
    }

    /// Whether this is the reset record of an empty (or never calculated) cart.
    pub fn is_zero_record(&self) -> bool {
        self.total.is_empty()
    }

    /// CoCart's v2 `totals` (§D.1): the ten values in minor units, in wire order
    /// `subtotal, subtotal_tax, fee_total, fee_tax, discount_total, discount_tax,
    /// shipping_total, shipping_tax, total, total_tax`. Floats go through PHP's string
    /// conversion first; `total` through the formatted price (J.4.9).
    pub fn minor_unit_totals(&self, currency: &Currency) -> [String; 10] {
        let f = |x: f64| minor_units(&php_float_to_string(x), currency);
        let s = |x: &str| minor_units(x, currency);
        [
            s(&self.subtotal),
            f(self.subtotal_tax),
            s(&self.fee_total),
            f(self.fee_tax),
            f(self.discount_total),
            f(self.discount_tax),
            s(&self.shipping_total),
            f(self.shipping_tax),
            minor_units(&price_string(php_floatval(&self.total), currency), currency),
            f(self.total_tax),
        ]
    }
}

/// Rate id → amount in first-seen order: the small maps a calculation juggles.
type Taxes = Vec<(u64, f64)>;

/// PHP's `if (!isset($m[$k])) $m[$k] = 0; $m[$k] += $v;`.
fn add_tax(map: &mut Taxes, id: u64, amount: f64) {
    let slot = match map.iter().position(|t| t.0 == id) {
        Some(i) => i,
        None => {
            map.push((id, 0.0));
            map.len() - 1
        }
    };
    map[slot].1 += amount;
}

fn sum_taxes(map: &[(u64, f64)]) -> f64 {
    map.iter().fold(0.0, |acc, t| acc + t.1)
}

fn to_major_map(map: &[(u64, f64)], p: &Precision) -> TaxMap {
    map.iter().map(|&(id, c)| (id, p.major(c))).collect()
}

/// `wc_array_merge_recursive_numeric`: keys of `a` first, then new keys of `b`, sums where
/// both have one.
fn merge_numeric(a: &TaxMap, b: &TaxMap) -> TaxMap {
    let mut out = a.clone();
    for (id, v) in b {
        match out.get_mut(id) {
            Some(x) => *x += *v,
            None => {
                out.insert(*id, *v);
            }
        }
    }
    out
}

/// The per-class rate lookups of one calculation (WooCommerce caches them the same way).
struct RateCache<'a, 'c> {
    finder: RateFinder<'a>,
    entries: Vec<(&'c str, Vec<AppliedRate<'a>>)>,
}

impl<'a, 'c> RateCache<'a, 'c> {
    fn new(finder: RateFinder<'a>) -> Self {
        RateCache { finder, entries: Vec::new() }
    }

    fn index_of(&mut self, class: &'c str) -> usize {
        if let Some(i) = self.entries.iter().position(|e| e.0 == class) {
            return i;
        }
        let rates = self.finder.find(class);
        self.entries.push((class, rates));
        self.entries.len() - 1
    }

    fn rates(&self, index: usize) -> &[AppliedRate<'a>] {
        &self.entries[index].1
    }
}

/// One priced cart line while a calculation runs (WooCommerce's `$item`). Amounts in cents.
struct Item<'c> {
    /// Position of the line in `cart.lines`.
    index: usize,
    product: &'c Product,
    quantity: f64,
    tax_status: TaxStatus,
    tax_class: &'c str,
    needs_shipping: bool,
    /// Index into the customer-location rate cache.
    rates: usize,
    /// Index into the base-location rate cache (only when prices include tax).
    base_rates: Option<usize>,
    /// `price` after J.4.3 step 1.
    price: f64,
    subtotal: f64,
    subtotal_tax: f64,
    subtotal_taxes: Taxes,
    total: f64,
    total_tax: f64,
    taxes: Taxes,
}

impl Item<'_> {
    /// `$item->taxable`: the tax status alone.
    fn taxable(&self) -> bool {
        self.tax_status == TaxStatus::Taxable
    }
}

/// The discounts of J.4.4 in cents: per item (cart order of the priced items) and the two
/// cart totals. Coupons are a later feature; until then every amount is 0 and this is where
/// they plug in.
struct Discounts {
    per_item: Vec<f64>,
    total: f64,
    tax: f64,
}

impl Discounts {
    fn none(items: usize) -> Self {
        Discounts { per_item: vec![0.0; items], total: 0.0, tax: 0.0 }
    }
}

/// A line of the calculation that is not an item: a fee (J.4.7) or a chosen shipping rate
/// (J.4.6). Amounts in cents.
struct ExtraLine {
    total: f64,
    taxes: Taxes,
    total_tax: f64,
}

/// Runs WooCommerce's cart totals (J.4.1–J.4.3, J.4.5, J.4.6, J.4.8–J.4.10) over `cart`:
/// writes `line_subtotal`, `line_subtotal_tax`, `line_total`, `line_tax` and
/// `line_tax_data` into each line whose product is in the catalog (other lines are skipped),
/// stores the chosen rate per package into `cart.chosen_shipping_methods`, and returns the
/// stored record plus what the v2 cart shows.
///
/// Tax rates follow the customer's taxable address, which reads the cart's *stored* chosen
/// methods (a local-pickup choice taxes at the store base), as WooCommerce does.
///
/// A cart without lines returns the reset record: [`TotalsRecord::zero()`] (empty strings
/// standing for PHP's integer zeros), no tax lines, `taxes_total` `"0.00"`, no packages.
///
/// Not yet applied: coupons (J.4.4, every discount is 0) and fees (J.4.7, none); the
/// calculation is laid out so both plug in where WooCommerce runs them.
pub fn calculate(cart: &mut Cart, catalog: &Catalog, settings: &Settings, now: i64) -> CartTotals {
    let p = Precision::from_settings(settings);
    let decimals = p.decimals;
    if cart.lines.is_empty() {
        return CartTotals {
            record: TotalsRecord::zero(),
            taxes_total: fmt_dec_fixed(0.0, decimals),
            ..CartTotals::default()
        };
    }

    let calculate_tax = settings.tax.enabled;
    let incl = settings.tax.enabled && settings.tax.prices_include_tax;
    let location = tax::taxable_location(settings, &cart.customer, &cart.chosen_shipping_methods);
    let mut cache = RateCache::new(RateFinder::new(&settings.tax, location));
    // Only prices entered with tax look at the base location's rates.
    let mut base_cache = incl.then(|| RateCache::new(RateFinder::new(&settings.tax, TaxLocation::base(settings))));

    // J.4.2 Items.
    let mut items: Vec<Item<'_>> = Vec::with_capacity(cart.lines.len());
    for (index, line) in cart.lines.values().enumerate() {
        let Some(product) = catalog.get(line.product_ref()) else { continue };
        let tax_class = catalog.tax_class(product);
        let tax_status = catalog.tax_status(product);
        let rates = if calculate_tax { cache.index_of(tax_class) } else { usize::MAX };
        let base_rates = match base_cache.as_mut() {
            Some(base) if tax_status == TaxStatus::Taxable => Some(base.index_of(tax_class)),
            _ => None,
        };
        let price = p.cents(php_floatval(product.price(now)) * line.quantity);
        items.push(Item {
            index,
            product,
            quantity: line.quantity,
            tax_status,
            tax_class,
            needs_shipping: catalog.needs_shipping(product),
            rates,
            base_rates,
            price,
            subtotal: 0.0,
            subtotal_tax: 0.0,
            subtotal_taxes: Vec::new(),
            total: 0.0,
            total_tax: 0.0,
            taxes: Vec::new(),
        });
    }
    let no_rates: &[AppliedRate<'_>] = &[];
    let rates_of = |item: &Item<'_>| if item.rates == usize::MAX { no_rates } else { cache.rates(item.rates) };
    let product_taxable = |item: &Item<'_>| calculate_tax && item.taxable();

    // J.4.3 Subtotals.
    let mut scratch: Taxes = Vec::new();
    let mut merged_subtotal_taxes: Taxes = Vec::new();
    for item in items.iter_mut() {
        let rates = rates_of(item);
        if let (Some(base_index), Some(base_cache)) = (item.base_rates, base_cache.as_ref()) {
            // Non-VAT-exempt branch: the customer pays the base net price plus their own tax.
            let base = base_cache.rates(base_index);
            if !same_rates(rates, base) {
                calc_tax_into(item.price, base, true, decimals, &mut scratch);
                let base_tax = sum_taxes(&scratch);
                calc_tax_into(item.price - base_tax, rates, false, decimals, &mut scratch);
                let own_tax = sum_taxes(&scratch);
                item.price = item.price - base_tax + own_tax;
            }
        }
        item.subtotal = item.price;
        if product_taxable(item) {
            calc_tax_into(item.subtotal, rates, incl, decimals, &mut item.subtotal_taxes);
            item.subtotal_tax = item.subtotal_taxes.iter().fold(0.0, |acc, t| acc + p.round_line_tax(t.1));
            if incl {
                item.subtotal -= sum_taxes(&item.subtotal_taxes);
            }
            for &(id, t) in &item.subtotal_taxes {
                add_tax(&mut merged_subtotal_taxes, id, p.round_line_tax(t));
            }
        }
    }
    let items_subtotal = items.iter().fold(0.0, |acc, i| acc + p.round_item(i.subtotal));
    let items_subtotal_tax = sum_taxes(&merged_subtotal_taxes);
    let subtotal = fmt_dec(p.major(items_subtotal));
    let subtotal_tax = p.major(items_subtotal_tax);

    // J.4.4 Discounts: coupons plug in here.
    let discounts = Discounts::none(items.len());

    // J.4.5 Item totals.
    let mut merged_item_taxes: Taxes = Vec::new();
    for (item, discount) in items.iter_mut().zip(&discounts.per_item) {
        let rates = rates_of(item);
        item.total = item.price - discount;
        item.total_tax = 0.0;
        if product_taxable(item) {
            calc_tax_into(item.total, rates, incl, decimals, &mut item.taxes);
            item.total_tax = item.taxes.iter().fold(0.0, |acc, t| acc + p.round_line_tax(t.1));
            if incl {
                item.total -= sum_taxes(&item.taxes);
            }
        }
        for &(id, t) in &item.taxes {
            add_tax(&mut merged_item_taxes, id, p.round_line_tax(t));
        }
    }
    let items_total = items.iter().fold(0.0, |acc, i| acc + p.round_item(i.total));
    let cart_contents_taxes = to_major_map(&merged_item_taxes, &p);
    let cart_contents_tax = cart_contents_taxes.values().fold(0.0, |acc, t| acc + t);

    for item in &items {
        let Some((_, line)) = cart.lines.get_index_mut(item.index) else { continue };
        line.line_subtotal = p.major(item.subtotal);
        line.line_subtotal_tax = p.major(item.subtotal_tax);
        line.line_total = p.major(item.total);
        line.line_tax = p.major(item.total_tax);
        line.line_tax_data.subtotal = to_major_map(&item.subtotal_taxes, &p);
        line.line_tax_data.total = to_major_map(&item.taxes, &p);
    }

    // J.4.6 Shipping.
    let needs_shipping = shipping::needs_shipping_with(settings, items.iter().any(|i| i.needs_shipping));
    let mut packages: Vec<ShippingPackage> = Vec::new();
    let mut shipping_lines: Vec<ExtraLine> = Vec::new();
    if needs_shipping && shipping::show_shipping(settings, &cart.customer.shipping, !items.is_empty()) {
        let contents: Vec<PackageLine<'_>> = items
            .iter()
            .filter(|i| i.needs_shipping)
            .map(|i| PackageLine {
                key: cart.lines.get_index(i.index).map(|(k, _)| k.as_str()).unwrap_or(""),
                quantity: i.quantity,
                line_total: p.major(i.total),
                shipping_class: catalog.shipping_class(i.product),
            })
            .collect();
        let shipping_tax_rates = if calculate_tax {
            let classes = items
                .iter()
                .filter(|i| i.needs_shipping && matches!(i.tax_status, TaxStatus::Taxable | TaxStatus::Shipping))
                .map(|i| i.tax_class);
            tax::shipping_tax_rates(&cache.finder, classes)
        } else {
            Vec::new()
        };
        let display_incl = settings.tax.display_cart == TaxDisplay::Incl;
        let inputs = RateInputs {
            settings,
            destination: &cart.customer.shipping,
            taxes_enabled: calculate_tax,
            shipping_tax_rates: &shipping_tax_rates,
            free_shipping: FreeShippingInputs {
                displayed_subtotal: php_floatval(&subtotal) + if display_incl { subtotal_tax } else { 0.0 },
                display_incl,
                discount_total: p.major(discounts.total),
                discount_tax: p.major(discounts.tax),
                valid_free_shipping_coupon: false,
            },
        };
        let rates = shipping::package_rates(&inputs, &contents);
        let stored = cart.chosen_shipping_methods.first().map(String::as_str);
        let chosen = shipping::choose_rate(&rates, stored, false);
        if let Some(rate) = chosen.as_deref().and_then(|id| rates.iter().find(|r| r.id == id)) {
            let taxes: Taxes = rate
                .taxes
                .iter()
                .map(|(&id, &t)| (id, p.round_item(t * crate::numeric::pow10(decimals as i32))))
                .collect();
            shipping_lines.push(ExtraLine {
                total: p.cents(php_floatval(&rate.cost)),
                total_tax: sum_taxes(&taxes),
                taxes,
            });
        }
        packages.push(ShippingPackage {
            line_keys: contents.iter().map(|l| l.key.to_string()).collect(),
            rates,
            chosen,
        });
    }
    let shipping_total = shipping_lines.iter().fold(0.0, |acc, l| acc + l.total);
    let shipping_tax_total = shipping_lines.iter().fold(0.0, |acc, l| acc + l.total_tax);
    let mut merged_shipping_taxes: Taxes = Vec::new();
    for line in &shipping_lines {
        for &(id, t) in &line.taxes {
            add_tax(&mut merged_shipping_taxes, id, p.round_line_tax(t));
        }
    }

    // J.4.7 Fees: a fee feature re-adds its fees here on every calculation.
    let fees: Vec<ExtraLine> = Vec::new();
    let fees_total = fees.iter().fold(0.0, |acc, f| acc + f.total);
    let fees_total_tax = fees.iter().fold(0.0, |acc, f| acc + f.total_tax);
    let mut fee_taxes_unrounded: Taxes = Vec::new();
    let mut merged_fee_taxes: Taxes = Vec::new();
    for fee in &fees {
        for &(id, t) in &fee.taxes {
            add_tax(&mut fee_taxes_unrounded, id, t);
            add_tax(&mut merged_fee_taxes, id, p.round_line_tax(t));
        }
    }

    // J.4.8 Grand total and total tax.
    let mut merged_all: Taxes = merged_item_taxes.clone();
    for &(id, t) in merged_fee_taxes.iter().chain(&merged_shipping_taxes) {
        add_tax(&mut merged_all, id, t);
    }
    let total_cents =
        php_round(items_total + fees_total + shipping_total + sum_taxes(&merged_all), 0, RoundMode::HalfUp);
    let items_tax = cart_contents_tax;
    let mut merged_other: Taxes = merged_fee_taxes.clone();
    for &(id, t) in &merged_shipping_taxes {
        add_tax(&mut merged_other, id, t);
    }
    let other_tax =
        php_round(merged_other.iter().fold(0.0, |acc, t| acc + p.major(t.1)), decimals as i32, RoundMode::HalfUp);
    let total_tax = p.round_tax_total(items_tax + other_tax);
    let total_major = p.major(total_cents);
    let total = fmt_dec_fixed(if total_major < 0.0 { 0.0 } else { total_major }, decimals);

    let record = TotalsRecord {
        subtotal,
        subtotal_tax,
        shipping_total: fmt_dec(p.major(shipping_total)),
        shipping_tax: p.major(shipping_tax_total),
        shipping_taxes: to_major_map(&merged_shipping_taxes, &p),
        discount_total: p.major(discounts.total),
        discount_tax: p.major(discounts.tax),
        cart_contents_total: fmt_dec(p.major(items_total)),
        cart_contents_tax,
        cart_contents_taxes,
        fee_total: fmt_dec(p.major(fees_total)),
        fee_tax: p.major(fees_total_tax),
        fee_taxes: to_major_map(&fee_taxes_unrounded, &p),
        total,
        total_tax,
    };

    // J.4.10 Tax lines.
    let (tax_lines, taxes_total) = tax_lines(&record, settings, &p);

    if let Some(package) = packages.first() {
        if cart.chosen_shipping_methods.is_empty() {
            cart.chosen_shipping_methods.push(String::new());
        }
        cart.chosen_shipping_methods[0] = package.chosen.clone().unwrap_or_default();
    }

    let items_weight = cart
        .lines
        .values()
        .filter_map(|l| catalog.get(l.product_ref()).map(|prod| (prod, l.quantity)))
        .fold(0.0, |acc, (prod, qty)| match catalog.weight(prod) {
            Some(w) => acc + w * qty,
            None => acc,
        });

    CartTotals {
        needs_payment: php_floatval(&record.total) > 0.0,
        record,
        tax_lines,
        taxes_total,
        packages,
        needs_shipping,
        items_weight,
    }
}

/// `WC_Cart::get_tax_totals` and `get_taxes_total` (J.4.10) over a stored record.
pub fn tax_lines(record: &TotalsRecord, settings: &Settings, p: &Precision) -> (Vec<TaxLine>, String) {
    let all = merge_numeric(&merge_numeric(&record.shipping_taxes, &record.cart_contents_taxes), &record.fee_taxes);
    let mut lines: Vec<TaxLine> = Vec::new();
    for (&id, &amount) in &all {
        let Some(rate) = settings.tax.rates.iter().find(|r| r.id == id) else { continue };
        let code = tax::rate_code(rate);
        let mut a = amount;
        if let Some(&s) = record.shipping_taxes.get(&id) {
            a = p.round_tax_total(a - s) + php_round(s, p.decimals as i32, RoundMode::HalfUp);
        }
        let add = p.round_tax_total(a);
        match lines.iter_mut().find(|l| l.code == code) {
            Some(line) => {
                line.amount += add;
                line.label = tax::rate_label(rate).to_string();
            }
            None => lines.push(TaxLine { code, label: tax::rate_label(rate).to_string(), amount: 0.0 + add }),
        }
    }
    lines.retain(|l| l.amount != 0.0);
    let taxes_total = fmt_dec_fixed(all.values().fold(0.0, |acc, t| acc + t), p.decimals);
    (lines, taxes_total)
}
