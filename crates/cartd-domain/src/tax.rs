//! Tax rates and tax arithmetic (CONTRACT §J.10, §J.4.11, §J.9.10): the customer's taxable
//! address, WooCommerce's rate lookup (`WC_Tax::find_rates` with its sort and one rate per
//! priority), rate codes and labels, `calc_tax` inclusive and exclusive, and the rates that
//! apply to shipping.

use std::cell::OnceCell;
use std::cmp::Ordering;

use crate::cart::{Address, Customer};
use crate::numeric::{RoundMode, php_floatval, php_round, rounding_precision};
use crate::php::sanitize_title;
use crate::postcode::PostcodeMatcher;
use crate::settings::{Settings, TaxBasedOn, TaxRate, TaxSettings};
use crate::totals::TaxMap;

/// An address as tax matching sees it: country, state, postcode, city (J.10.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxLocation<'a> {
    pub country: &'a str,
    pub state: &'a str,
    pub postcode: &'a str,
    pub city: &'a str,
}

impl<'a> TaxLocation<'a> {
    /// The store base: `woocommerce_default_country` split, store postcode and city.
    pub fn base(settings: &'a Settings) -> Self {
        TaxLocation {
            country: settings.base_country(),
            state: settings.base_state(),
            postcode: &settings.store.address.postcode,
            city: &settings.store.address.city,
        }
    }

    pub fn of(address: &'a Address) -> Self {
        TaxLocation {
            country: &address.country,
            state: &address.state,
            postcode: &address.postcode,
            city: &address.city,
        }
    }
}

/// Whether a chosen rate id belongs to a local-pickup method (`local_pickup:3`).
pub fn is_local_pickup(rate_id: &str) -> bool {
    let method = rate_id.split(':').next().unwrap_or("");
    method == "local_pickup" || method == "legacy_local_pickup"
}

/// `WC_Customer::get_taxable_address` (J.10.1). `chosen_methods` is the cart's *stored*
/// choice (from the previous calculation, as WooCommerce reads it from the session): any
/// local-pickup choice forces the store base.
pub fn taxable_location<'a>(
    settings: &'a Settings,
    customer: &'a Customer,
    chosen_methods: &[String],
) -> TaxLocation<'a> {
    let based_on =
        if chosen_methods.iter().any(|m| is_local_pickup(m)) { TaxBasedOn::Base } else { settings.tax.based_on };
    match based_on {
        TaxBasedOn::Base => TaxLocation::base(settings),
        TaxBasedOn::Billing => TaxLocation::of(&customer.billing),
        TaxBasedOn::Shipping => TaxLocation::of(&customer.shipping),
    }
}

/// A matched rate: the settings row plus its percentage as a float (`(float) "10.0000"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AppliedRate<'a> {
    pub rate: &'a TaxRate,
    pub percent: f64,
}

impl<'a> AppliedRate<'a> {
    pub fn new(rate: &'a TaxRate) -> Self {
        AppliedRate { rate, percent: php_floatval(&rate.rate) }
    }

    pub fn id(&self) -> u64 {
        self.rate.id
    }

    pub fn compound(&self) -> bool {
        self.rate.compound
    }

    pub fn shipping(&self) -> bool {
        self.rate.shipping
    }

    pub fn label(&self) -> &'a str {
        rate_label(self.rate)
    }
}

/// Same rate ids in the same order (J.4.3 step 1's "identical" test; rows with equal ids are
/// the same settings row, so their fields are equal too).
pub fn same_rates(a: &[AppliedRate<'_>], b: &[AppliedRate<'_>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.id() == y.id() && x.percent.to_bits() == y.percent.to_bits())
}

/// `*` is how WooCommerce's importer writes "any"; it is stored as `""`.
fn any_if_star(s: &str) -> &str {
    let t = s.trim();
    if t == "*" { "" } else { t }
}

/// `WC_Tax::get_rate_code`: upper-case `country-state-name-priority`, empty (and `"0"`) parts
/// left out, a missing name as `TAX`: `US-TAX-1`, `US-CA-TAX-1`, `CA-QC-QST-2`.
pub fn rate_code(rate: &TaxRate) -> String {
    let priority = rate.priority.to_string();
    let name = if rate.name.is_empty() { "TAX" } else { rate.name.as_str() };
    let parts = [any_if_star(&rate.country), any_if_star(&rate.state), name, priority.as_str()];
    let mut code = String::with_capacity(24);
    for part in parts.into_iter().filter(|p| !p.is_empty() && *p != "0") {
        if !code.is_empty() {
            code.push('-');
        }
        code.push_str(part);
    }
    code.make_ascii_uppercase();
    code
}

/// `WC_Tax::get_rate_label`: the rate's name; a nameless rate is labelled "Tax".
pub fn rate_label(rate: &TaxRate) -> &str {
    if rate.name.is_empty() { "Tax" } else { &rate.name }
}

/// Whether `slug` names a tax class of the store (`""`, the standard class, always does).
pub fn class_exists(tax: &TaxSettings, slug: &str) -> bool {
    slug.is_empty() || tax.classes.iter().any(|name| sanitize_title(name) == slug)
}

fn eq_ci(stored: &str, wanted: &str) -> bool {
    stored.eq_ignore_ascii_case(wanted)
        || (!(stored.is_ascii() && wanted.is_ascii())
            && stored.chars().flat_map(char::to_uppercase).eq(wanted.chars().flat_map(char::to_uppercase)))
}

/// One customer location prepared for rate lookups of any class (J.10.2).
#[derive(Debug, Clone)]
pub struct RateFinder<'a> {
    tax: &'a TaxSettings,
    country: &'a str,
    state: &'a str,
    city: &'a str,
    postcode_raw: &'a str,
    /// Built on first use: most rates have no postcode rows.
    postcode: OnceCell<PostcodeMatcher>,
}

struct Candidate<'a> {
    rate: &'a TaxRate,
    country: &'a str,
    state: &'a str,
    matches: u64,
}

impl<'a> RateFinder<'a> {
    pub fn new(tax: &'a TaxSettings, location: TaxLocation<'a>) -> Self {
        // SQL collation: case-insensitive, trailing spaces ignored, leading ones significant.
        let country = location.country.trim_end();
        RateFinder {
            tax,
            country,
            state: location.state.trim_end(),
            city: location.city.trim_end(),
            postcode_raw: location.postcode,
            postcode: OnceCell::new(),
        }
    }

    fn postcode(&self) -> &PostcodeMatcher {
        self.postcode.get_or_init(|| PostcodeMatcher::new(self.postcode_raw, &self.country.to_ascii_uppercase()))
    }

    pub fn location_country(&self) -> &'a str {
        self.country
    }

    /// `WC_Tax::find_rates` for a tax class (a slug or a class name; `""` = standard). No
    /// country → no rates; a class the store does not have → no rates (J.10.6).
    pub fn find(&self, class: &str) -> Vec<AppliedRate<'a>> {
        if self.country.is_empty() {
            return Vec::new();
        }
        let slug = if class.is_empty() { String::new() } else { sanitize_title(class) };
        if !class_exists(self.tax, &slug) {
            return Vec::new();
        }
        let mut found: Vec<Candidate<'a>> = Vec::new();
        for rate in &self.tax.rates {
            if !rate.class.eq_ignore_ascii_case(&slug) {
                continue;
            }
            let country = any_if_star(&rate.country);
            let state = any_if_star(&rate.state);
            if !(country.is_empty() || eq_ci(country, self.country)) || !(state.is_empty() || eq_ci(state, self.state))
            {
                continue;
            }
            let (mut postcode_rows, mut postcode_hits) = (0u64, 0u64);
            for pattern in &rate.postcodes {
                let p = pattern.trim();
                if p.is_empty() || p == "*" {
                    continue;
                }
                postcode_rows += 1;
                if self.postcode().matches(p) {
                    postcode_hits += 1;
                }
            }
            let (mut city_rows, mut city_hits) = (0u64, 0u64);
            for city in &rate.cities {
                let c = city.trim();
                if c.is_empty() || c == "*" {
                    continue;
                }
                city_rows += 1;
                if eq_ci(c, self.city) {
                    city_hits += 1;
                }
            }
            // The counts WooCommerce's double LEFT JOIN produces (J.10.2 step 3).
            let (ok, matches) = match (postcode_rows, city_rows) {
                (0, 0) => (true, 0),
                (p, 0) => (postcode_hits > 0, postcode_hits * p),
                (0, c) => (city_hits > 0, city_hits * c),
                _ => (postcode_hits > 0 && city_hits > 0, postcode_hits * city_hits),
            };
            if ok {
                found.push(Candidate { rate, country, state, matches });
            }
        }
        found.sort_by(compare_candidates);
        let mut out: Vec<AppliedRate<'a>> = Vec::with_capacity(found.len());
        for c in found {
            if out.iter().any(|r| r.rate.priority == c.rate.priority) {
                continue;
            }
            out.push(AppliedRate::new(c.rate));
        }
        out
    }

    /// `WC_Tax::find_shipping_rates`: `find` keeping only rates marked "shipping". The
    /// one-rate-per-priority rule applies first.
    pub fn find_shipping(&self, class: &str) -> Vec<AppliedRate<'a>> {
        let mut rates = self.find(class);
        rates.retain(AppliedRate::shipping);
        rates
    }
}

/// `WC_Tax::sort_rates_callback`.
fn compare_candidates(a: &Candidate<'_>, b: &Candidate<'_>) -> Ordering {
    let by_presence = |x: &str, y: &str| {
        if x == y {
            Ordering::Equal
        } else if x.is_empty() {
            Ordering::Greater
        } else if y.is_empty() {
            Ordering::Less
        } else {
            x.as_bytes().cmp(y.as_bytes())
        }
    };
    a.rate
        .priority
        .cmp(&b.rate.priority)
        .then_with(|| by_presence(a.country, b.country))
        .then_with(|| by_presence(a.state, b.state))
        .then_with(|| b.matches.cmp(&a.matches))
        .then_with(|| a.rate.id.cmp(&b.rate.id))
}

/// Convenience: [`RateFinder::find`] for one lookup.
pub fn find_rates<'a>(tax: &'a TaxSettings, location: TaxLocation<'a>, class: &str) -> Vec<AppliedRate<'a>> {
    RateFinder::new(tax, location).find(class)
}

/// `WC_Tax::calc_tax(price, rates, incl)` (J.4.11) into `out` (cleared first), as rate id →
/// tax, each passed through `tax_round` (`P` decimals, HALF_UP). `price` and the taxes are
/// in the same unit (cents in the cart, major units for shipping). Key order: inclusive =
/// rate order; exclusive = non-compound rates, then compound ones.
pub fn calc_tax_into(price: f64, rates: &[AppliedRate<'_>], incl: bool, decimals: u32, out: &mut Vec<(u64, f64)>) {
    out.clear();
    if incl {
        for r in rates {
            out.push((r.id(), 0.0));
        }
        let mut non_compound_price = price;
        for (i, r) in rates.iter().enumerate().rev() {
            if r.compound() {
                let t = non_compound_price - non_compound_price / (1.0 + r.percent / 100.0);
                out[i].1 += t;
                non_compound_price -= t;
            }
        }
        let regular_sum = rates.iter().filter(|r| !r.compound()).fold(0.0, |acc, r| acc + r.percent);
        let regular_rate = 1.0 + regular_sum / 100.0;
        for (i, r) in rates.iter().enumerate() {
            if !r.compound() {
                let the_rate = (r.percent / 100.0) / regular_rate;
                // Written as WooCommerce does (price − net), not as the_rate × ncp.
                let net_price = price - the_rate * non_compound_price;
                out[i].1 += price - net_price;
            }
        }
    } else {
        for r in rates.iter().filter(|r| !r.compound()) {
            out.push((r.id(), price * (r.percent / 100.0)));
        }
        let mut pre_compound = out.iter().fold(0.0, |acc, t| acc + t.1);
        for r in rates.iter().filter(|r| r.compound()) {
            out.push((r.id(), (price + pre_compound) * (r.percent / 100.0)));
            pre_compound = out.iter().fold(0.0, |acc, t| acc + t.1);
        }
    }
    let precision = rounding_precision(decimals);
    for t in out.iter_mut() {
        t.1 = php_round(t.1, precision, RoundMode::HalfUp);
    }
}

/// `WC_Tax::calc_tax(price, rates, incl)` as a map (see [`calc_tax_into`]).
pub fn calc_tax(price: f64, rates: &[AppliedRate<'_>], incl: bool, decimals: u32) -> TaxMap {
    let mut out = Vec::with_capacity(rates.len());
    calc_tax_into(price, rates, incl, decimals, &mut out);
    out.into_iter().collect()
}

/// `WC_Tax::calc_shipping_tax`: the exclusive form, in major units.
pub fn calc_shipping_tax(price: f64, rates: &[AppliedRate<'_>], decimals: u32) -> TaxMap {
    calc_tax(price, rates, false, decimals)
}

/// The tax rates for a per-order shipping cost (`WC_Tax::get_shipping_tax_rates`, J.9.10).
/// `cart_classes` are the tax classes of the cart lines that need shipping and whose tax
/// status is `taxable` or `shipping`, in cart order (duplicates allowed).
pub fn shipping_tax_rates<'a, 'c>(
    finder: &RateFinder<'a>,
    cart_classes: impl IntoIterator<Item = &'c str>,
) -> Vec<AppliedRate<'a>> {
    let tax = finder.tax;
    let mut rates = Vec::new();
    if tax.shipping_tax_class != "inherit" {
        rates = finder.find_shipping(&tax.shipping_tax_class);
    } else {
        let mut classes: Vec<&str> = Vec::new();
        for class in cart_classes {
            if !classes.contains(&class) {
                classes.push(class);
            }
        }
        if classes.is_empty() {
            return Vec::new();
        }
        if classes.len() > 1 && !classes.contains(&"") {
            // The first of the store's classes, by name, that occurs in the cart.
            let mut names: Vec<&String> = tax.classes.iter().collect();
            names.sort_by_key(|n| n.to_lowercase());
            if let Some(slug) = names.iter().map(|n| sanitize_title(n)).find(|slug| classes.iter().any(|c| c == slug)) {
                rates = finder.find_shipping(&slug);
            }
        } else if classes.len() == 1 {
            rates = finder.find_shipping(classes[0]);
        }
    }
    if rates.is_empty() {
        rates = finder.find_shipping("");
    }
    rates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(id: u64, country: &str, state: &str, pct: &str, name: &str, priority: u32) -> TaxRate {
        TaxRate {
            id,
            country: country.into(),
            state: state.into(),
            rate: pct.into(),
            name: name.into(),
            priority,
            ..TaxRate::default()
        }
    }

    fn loc<'a>(country: &'a str, state: &'a str, postcode: &'a str, city: &'a str) -> TaxLocation<'a> {
        TaxLocation { country, state, postcode, city }
    }

    fn ids(rates: &[AppliedRate<'_>]) -> Vec<u64> {
        rates.iter().map(|r| r.id()).collect()
    }

    #[test]
    fn codes_and_labels() {
        assert_eq!(rate_code(&rate(1, "US", "", "10", "Tax", 1)), "US-TAX-1");
        assert_eq!(rate_code(&rate(1, "US", "CA", "10", "Tax", 1)), "US-CA-TAX-1");
        assert_eq!(rate_code(&rate(1, "CA", "QC", "9.975", "QST", 2)), "CA-QC-QST-2");
        assert_eq!(rate_code(&rate(1, "", "", "20", "VAT", 1)), "VAT-1");
        assert_eq!(rate_code(&rate(1, "GB", "", "20", "vat", 0)), "GB-VAT");
        assert_eq!(rate_code(&rate(1, "GB", "", "20", "", 1)), "GB-TAX-1");
        assert_eq!(rate_label(&rate(1, "GB", "", "20", "", 1)), "Tax");
    }

    #[test]
    fn one_rate_per_priority_most_specific_first() {
        let tax = TaxSettings {
            rates: vec![
                rate(1, "", "", "5", "World", 1),
                rate(2, "US", "", "6", "US", 1),
                rate(3, "US", "CA", "7", "CA", 1),
                rate(4, "US", "", "1", "County", 2),
                rate(5, "GB", "", "20", "VAT", 1),
            ],
            ..TaxSettings::default()
        };
        assert_eq!(ids(&find_rates(&tax, loc("US", "CA", "", ""), "")), vec![3, 4]);
        assert_eq!(ids(&find_rates(&tax, loc("us", "ny", "", ""), "")), vec![2, 4]);
        assert_eq!(ids(&find_rates(&tax, loc("FR", "", "", ""), "")), vec![1]);
        assert!(find_rates(&tax, loc("", "", "", ""), "").is_empty());
    }

    #[test]
    fn postcodes_cities_and_match_counts() {
        let mut tax = TaxSettings::default();
        let mut sf = rate(1, "US", "CA", "8.5", "SF", 1);
        sf.postcodes = vec!["941*".into()];
        let mut la = rate(2, "US", "CA", "9.5", "LA", 1);
        la.cities = vec!["LOS ANGELES".into()];
        let mut both = rate(3, "US", "CA", "9", "Both", 1);
        both.postcodes = vec!["94103".into(), "94104".into()];
        both.cities = vec!["SAN FRANCISCO".into()];
        let mut many = rate(4, "US", "CA", "8", "Many", 1);
        many.postcodes = vec!["94100...94199".into(), "90001".into(), "90002".into()];
        let plain = rate(5, "US", "CA", "7.25", "State", 1);
        tax.rates = vec![sf, la, both, many, plain];
        // Postcode-only rates score hits × rows: rate 4 (1 × 3) beats rate 1 (1 × 1).
        assert_eq!(ids(&find_rates(&tax, loc("US", "CA", "94103", ""), "")), vec![4]);
        assert_eq!(ids(&find_rates(&tax, loc("US", "CA", "94103", "San Francisco"), "")), vec![4]);
        assert_eq!(ids(&find_rates(&tax, loc("US", "CA", "90210", "los angeles  "), "")), vec![2]);
        // A city with leading spaces does not match.
        assert_eq!(ids(&find_rates(&tax, loc("US", "CA", "90210", "  los angeles"), "")), vec![5]);
        // Default guest: no postcode, no city → only the plain rate.
        assert_eq!(ids(&find_rates(&tax, loc("US", "CA", "", ""), "")), vec![5]);
    }

    #[test]
    fn classes() {
        let mut tax = TaxSettings::default();
        let mut reduced = rate(2, "GB", "", "5", "Reduced", 1);
        reduced.class = "reduced-rate".into();
        let mut ghost = rate(3, "GB", "", "1", "Ghost", 1);
        ghost.class = "ghost".into();
        tax.rates = vec![rate(1, "GB", "", "20", "VAT", 1), reduced, ghost];
        assert_eq!(ids(&find_rates(&tax, loc("GB", "", "", ""), "")), vec![1]);
        assert_eq!(ids(&find_rates(&tax, loc("GB", "", "", ""), "reduced-rate")), vec![2]);
        assert_eq!(ids(&find_rates(&tax, loc("GB", "", "", ""), "Reduced rate")), vec![2]);
        assert!(find_rates(&tax, loc("GB", "", "", ""), "zero-rate").is_empty());
        // A class the store does not have has no rates, even if rows exist for it.
        assert!(find_rates(&tax, loc("GB", "", "", ""), "ghost").is_empty());
    }

    #[test]
    fn exclusive_and_compound() {
        let gst = rate(1, "CA", "", "5", "GST", 1);
        let mut qst = rate(2, "CA", "QC", "9.975", "QST", 2);
        qst.compound = true;
        let rates = [AppliedRate::new(&qst), AppliedRate::new(&gst)];
        let t = calc_tax(10000.0, &rates, false, 2);
        assert_eq!(t.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), vec![(1, 500.0), (2, 1047.375)]);
        let t = calc_tax(1999.0, &rates, false, 2);
        assert_eq!(t[&1], 99.95);
        assert_eq!(t[&2], 209.370263);
        let t = calc_shipping_tax(20.0, &rates, 2);
        assert_eq!(t[&1], 1.0);
        assert_eq!(t[&2], 2.09475);
    }

    #[test]
    fn inclusive() {
        let vat = rate(1, "", "", "20", "VAT", 1);
        let t = calc_tax(2997.0, &[AppliedRate::new(&vat)], true, 2);
        assert_eq!(t[&1], 499.5);
        let t = calc_tax(1200.0, &[AppliedRate::new(&vat)], true, 2);
        assert_eq!(t[&1], 200.0);
        let gst = rate(1, "CA", "", "5", "GST", 1);
        let mut qst = rate(2, "CA", "QC", "9.975", "QST", 2);
        qst.compound = true;
        let rates = [AppliedRate::new(&gst), AppliedRate::new(&qst)];
        let t = calc_tax(11547.375, &rates, true, 2);
        assert_eq!(t.keys().copied().collect::<Vec<_>>(), vec![1, 2]);
        assert!((t[&1] - 500.0).abs() < 1e-6 && (t[&2] - 1047.375).abs() < 1e-6);
    }

    #[test]
    fn shipping_rates_by_class() {
        let mut tax = TaxSettings::default();
        let mut reduced = rate(2, "GB", "", "5", "Reduced", 1);
        reduced.class = "reduced-rate".into();
        let mut zero = rate(3, "GB", "", "0", "Zero", 1);
        zero.class = "zero-rate".into();
        let mut product_only = rate(4, "GB", "", "20", "Goods", 2);
        product_only.shipping = false;
        tax.rates = vec![rate(1, "GB", "", "20", "VAT", 1), reduced, zero, product_only];
        let finder = RateFinder::new(&tax, loc("GB", "", "", ""));
        assert!(shipping_tax_rates(&finder, []).is_empty());
        assert_eq!(ids(&shipping_tax_rates(&finder, ["reduced-rate"])), vec![2]);
        assert_eq!(ids(&shipping_tax_rates(&finder, ["reduced-rate", ""])), vec![1]);
        // Several, none standard: the first class by name ("Reduced rate" < "Zero rate").
        assert_eq!(ids(&shipping_tax_rates(&finder, ["zero-rate", "reduced-rate"])), vec![2]);
        let mut fixed = tax.clone();
        fixed.shipping_tax_class = "zero-rate".into();
        let finder = RateFinder::new(&fixed, loc("GB", "", "", ""));
        assert_eq!(ids(&shipping_tax_rates(&finder, ["reduced-rate"])), vec![3]);
    }

    #[test]
    fn taxable_address() {
        let mut settings = Settings::default();
        settings.store.address.postcode = "94103".into();
        let mut customer = Customer::default_for(&settings);
        customer.shipping.country = "US".into();
        customer.shipping.state = "NY".into();
        customer.billing.state = "WA".into();
        let chosen: Vec<String> = vec!["flat_rate:1".into()];
        assert_eq!(taxable_location(&settings, &customer, &chosen).state, "NY");
        settings.tax.based_on = TaxBasedOn::Billing;
        assert_eq!(taxable_location(&settings, &customer, &chosen).state, "WA");
        settings.tax.based_on = TaxBasedOn::Shipping;
        let pickup: Vec<String> = vec!["local_pickup:3".into()];
        let base = taxable_location(&settings, &customer, &pickup);
        assert_eq!((base.country, base.state, base.postcode), ("US", "CA", "94103"));
    }
}
