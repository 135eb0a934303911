//! WooCommerce's cart totals (CONTRACT §J.4): line subtotals and totals, taxes, shipping
//! packages and the grand total, computed in binary64 with PHP rounding exactly where
//! WooCommerce rounds. The result is the stored totals record (§D.4) plus what the v2 cart
//! shows (tax lines, packages, weights).

use indexmap::IndexMap;

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
