//! WooCommerce's numeric model (CONTRACT §J.0): binary64 arithmetic with PHP 8.2's
//! pre-rounding `round()`, the precision helpers, PHP float printing and price strings.
//! Pricing uses this module and nothing else for rounding.
//!
//! Everything here reproduces a PHP or WooCommerce function operation for operation; the
//! doc comment of each item names the original. Do not replace any of it with decimal
//! arithmetic: the cents would differ.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};

use crate::settings::{Currency, CurrencyPosition, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundMode {
    /// Half away from zero (PHP_ROUND_HALF_UP).
    HalfUp,
    /// Half toward zero (PHP_ROUND_HALF_DOWN).
    HalfDown,
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// PHP's `php_intpow10`: exact `10^n` for `0 ≤ n ≤ 22`, C `pow(10, n)` otherwise.
pub fn pow10(n: i32) -> f64 {
    if (0..=22).contains(&n) { POW10[n as usize] } else { 10f64.powf(f64::from(n)) }
}

const NEG_POW10: [f64; 23] = [
    1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17,
    1e-18, 1e-19, 1e-20, 1e-21, 1e-22,
];

fn table_pow10(n: i32) -> f64 {
    if n >= 0 { POW10[n as usize] } else { NEG_POW10[(-n) as usize] }
}

/// `(int)floor(log10(a))` for a finite `a > 0`, as PHP computes it with libm. Away from the
/// powers of ten the answer is decided by comparisons; within 1e-9 (relative) of one, libm
/// itself is asked, so its rounding at the boundary is reproduced.
fn floor_log10(a: f64) -> i32 {
    if !(1e-21..1e21).contains(&a) {
        return a.log10().floor() as i32;
    }
    let binary_exp = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let mut k = (f64::from(binary_exp) * std::f64::consts::LOG10_2) as i32;
    while k > -22 && a < table_pow10(k) {
        k -= 1;
    }
    while k < 21 && a >= table_pow10(k + 1) {
        k += 1;
    }
    let (lo, hi) = (table_pow10(k), table_pow10(k + 1));
    if a - lo <= lo * 1e-9 || hi - a <= hi * 1e-9 {
        return a.log10().floor() as i32;
    }
    k
}

/// C `floor` / `ceil` without the libm call (baseline x86-64 has no rounding instruction);
/// exact for every finite input, zero signs included for the inputs `round_helper` sees.
#[inline]
fn floor_f64(x: f64) -> f64 {
    if x.abs() < 4.0e15 {
        let t = x as i64 as f64;
        let r = if t > x { t - 1.0 } else { t };
        if r == 0.0 { r.copysign(x) } else { r }
    } else {
        x.floor()
    }
}

#[inline]
fn ceil_f64(x: f64) -> f64 {
    if x.abs() < 4.0e15 {
        let t = x as i64 as f64;
        let r = if t < x { t + 1.0 } else { t };
        if r == 0.0 { r.copysign(x) } else { r }
    } else {
        x.ceil()
    }
}

/// `php_round_helper` of PHP 5.3–8.2: round to an integer, ties away from zero (HALF_UP) or
/// toward zero (HALF_DOWN), on the value as it is (no pre-rounding here).
fn round_helper(value: f64, mode: RoundMode) -> f64 {
    if value >= 0.0 {
        let r = floor_f64(value + 0.5);
        if mode == RoundMode::HalfDown && value == -0.5 + r { r - 1.0 } else { r }
    } else {
        let r = ceil_f64(value - 0.5);
        if mode == RoundMode::HalfDown && value == 0.5 + r { r + 1.0 } else { r }
    }
}

fn round_get_basic(value: f64, places: i32) -> f64 {
    let f = pow10(places.abs());
    if places >= 0 { value * f } else { value / f }
}

/// PHP 8.2 `round(value, places, mode)` (J.0.2), with the pre-rounding to 15 significant
/// digits: `round(1.005, 2) = 1.01`, `round(187.5, 0, HALF_DOWN) = 187`.
pub fn php_round(value: f64, places: i32, mode: RoundMode) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    // Fast path, exact: an integral |value| < 1e15 passes every step of the algorithm
    // unchanged for places ≥ 0 (all products and quotients involved are exact integers
    // below 2^53). Line taxes and item totals are usually whole cents already.
    if places >= 0 && value.abs() < 1e15 && (value as i64) as f64 == value {
        return value;
    }
    // -(4 * DBL_DIG) in PHP's source.
    const CLAMP: i32 = -60;
    let places = places.max(i32::MIN + 1);
    let precision_places = 14 - floor_log10(value.abs());
    let f1 = pow10(places.abs());

    let mut tmp;
    if precision_places > places && precision_places - 15 < places {
        let use_precision = precision_places.max(CLAMP);
        tmp = round_helper(round_get_basic(value, use_precision), mode);
        let back = (places - use_precision).max(CLAMP);
        tmp /= pow10(back.abs());
    } else {
        tmp = if places >= 0 { value * f1 } else { value / f1 };
        if tmp.abs() >= 1e15 {
            return value;
        }
    }

    tmp = round_helper(tmp, mode);

    if places.abs() < 23 {
        if places > 0 { tmp / f1 } else { tmp * f1 }
    } else {
        // PHP goes through snprintf("%15fe%d") and strtod for huge place counts.
        let text = format!("{tmp:.6}e{}", -places);
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => value,
        }
    }
}

/// WooCommerce's rounding precision `P = max(D + 2, 6)` (`wc_get_rounding_precision`).
pub fn rounding_precision(decimals: u32) -> i32 {
    (decimals as i32 + 2).max(6)
}

/// `wc_add_number_precision(x)`: `round(x × 10^D, P − D)`, HALF_UP.
pub fn cents(x: f64, decimals: u32) -> f64 {
    let d = decimals as i32;
    php_round(x * pow10(d), rounding_precision(decimals) - d, RoundMode::HalfUp)
}

/// `wc_remove_number_precision(c)`: `c / 10^D`, no rounding.
pub fn major(c: f64, decimals: u32) -> f64 {
    c / pow10(decimals as i32)
}

/// `WC_Tax::round(x)`: `round(x, P)`, HALF_UP.
pub fn tax_round(x: f64, decimals: u32) -> f64 {
    php_round(x, rounding_precision(decimals), RoundMode::HalfUp)
}

/// The tax rounding mode `TM` (`WC_TAX_ROUNDING_MODE`): HALF_DOWN when prices are entered
/// with tax, else HALF_UP.
pub fn tax_rounding_mode(prices_include_tax: bool) -> RoundMode {
    if prices_include_tax { RoundMode::HalfDown } else { RoundMode::HalfUp }
}

/// `wc_round_tax_total(x, places)` with the store's tax rounding mode.
pub fn wc_round_tax_total(x: f64, places: i32, mode: RoundMode) -> f64 {
    php_round(x, places, mode)
}

/// `round_line_tax(c)` of the cart totals: unchanged when rounding at subtotal, else
/// `round(c, 0, TM)`. Input in cents.
pub fn round_line_tax(c: f64, round_at_subtotal: bool, mode: RoundMode) -> f64 {
    if round_at_subtotal { c } else { php_round(c, 0, mode) }
}

/// `round_item_subtotal(c)`: unchanged when rounding at subtotal, else `round(c, 0)` HALF_UP.
pub fn round_item(c: f64, round_at_subtotal: bool) -> f64 {
    if round_at_subtotal { c } else { php_round(c, 0, RoundMode::HalfUp) }
}

/// `wc_round_discount(x, places)`: HALF_DOWN.
pub fn wc_round_discount(x: f64, places: i32) -> f64 {
    php_round(x, places, RoundMode::HalfDown)
}

/// The store's precision settings, bundled so pricing code does not pass three values around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Precision {
    /// `D`, the price decimals.
    pub decimals: u32,
    /// `TM`.
    pub tax_mode: RoundMode,
    pub round_at_subtotal: bool,
}

impl Precision {
    pub fn from_settings(settings: &Settings) -> Self {
        Precision {
            decimals: settings.currency.decimals,
            tax_mode: tax_rounding_mode(settings.tax.prices_include_tax),
            round_at_subtotal: settings.tax.round_at_subtotal,
        }
    }

    pub fn cents(&self, x: f64) -> f64 {
        cents(x, self.decimals)
    }

    pub fn major(&self, c: f64) -> f64 {
        major(c, self.decimals)
    }

    pub fn tax_round(&self, x: f64) -> f64 {
        tax_round(x, self.decimals)
    }

    /// `wc_round_tax_total(x)` to `D` decimals.
    pub fn round_tax_total(&self, x: f64) -> f64 {
        php_round(x, self.decimals as i32, self.tax_mode)
    }

    pub fn round_line_tax(&self, c: f64) -> f64 {
        round_line_tax(c, self.round_at_subtotal, self.tax_mode)
    }

    pub fn round_item(&self, c: f64) -> f64 {
        round_item(c, self.round_at_subtotal)
    }
}

// ---------------------------------------------------------------------------------------
// Strings → numbers, PHP 8 style.

fn is_php_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Length of the longest numeric prefix of `b` (sign, digits, one `.`, exponent), or 0.
/// `int_like` tells whether it has neither `.` nor an exponent.
fn numeric_prefix(b: &[u8]) -> (usize, bool) {
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    let mut int_like = true;
    if i < b.len() && b[i] == b'.' {
        let frac_start = i + 1;
        let mut j = frac_start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if digits > 0 || j > frac_start {
            digits += j - frac_start;
            i = j;
            int_like = false;
        }
    }
    if digits == 0 {
        return (0, false);
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            i = j;
            int_like = false;
        }
    }
    (i, int_like)
}

fn parse_prefix(text: &str) -> f64 {
    // Rust rejects a trailing "." only in no case we produce; fall back to 0 defensively.
    text.parse::<f64>().unwrap_or(0.0)
}

/// PHP `(float) $string` / `floatval()`: the longest leading number, 0 if none
/// (`"12abc" → 12`, `"4.8-5" → 4.8`, `"" → 0`).
pub fn php_floatval(s: &str) -> f64 {
    let b = s.as_bytes();
    let mut start = 0;
    while start < b.len() && is_php_space(b[start]) {
        start += 1;
    }
    let (len, _) = numeric_prefix(&b[start..]);
    if len == 0 { 0.0 } else { parse_prefix(&s[start..start + len]) }
}

/// A PHP numeric string's value with its PHP type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PhpNumber {
    Int(i64),
    /// A float; the `i8` is ±1 when the string was an integer too large for `i64`
    /// (PHP's `oflow`), else 0.
    Float(f64, i8),
}

impl PhpNumber {
    pub fn as_f64(self) -> f64 {
        match self {
            PhpNumber::Int(i) => i as f64,
            PhpNumber::Float(f, _) => f,
        }
    }
}

/// PHP 8 `is_numeric()` with the value: optional surrounding whitespace, a sign, decimal
/// digits with an optional fraction and exponent. `None` for anything else.
pub fn php_numeric(s: &str) -> Option<PhpNumber> {
    let b = s.as_bytes();
    let mut start = 0;
    while start < b.len() && is_php_space(b[start]) {
        start += 1;
    }
    let (len, int_like) = numeric_prefix(&b[start..]);
    if len == 0 {
        return None;
    }
    let end = start + len;
    if !b[end..].iter().all(|&c| is_php_space(c)) {
        return None;
    }
    let text = &s[start..end];
    if int_like {
        match text.parse::<i64>() {
            Ok(i) => Some(PhpNumber::Int(i)),
            Err(_) => Some(PhpNumber::Float(parse_prefix(text), if text.starts_with('-') { -1 } else { 1 })),
        }
    } else {
        Some(PhpNumber::Float(parse_prefix(text), 0))
    }
}

fn ordering_of(d: f64) -> Ordering {
    if d > 0.0 {
        Ordering::Greater
    } else if d < 0.0 {
        Ordering::Less
    } else {
        Ordering::Equal
    }
}

/// PHP 8 comparison of two strings (`zendi_smart_strcmp`): numerically when both are
/// numeric strings, else byte-wise.
pub fn php_compare_strings(a: &str, b: &str) -> Ordering {
    if let (Some(x), Some(y)) = (php_numeric(a), php_numeric(b)) {
        match (x, y) {
            (PhpNumber::Int(i), PhpNumber::Int(j)) => return i.cmp(&j),
            (PhpNumber::Float(d1, o1), PhpNumber::Float(d2, o2)) => {
                // Both overflowed the same way and look equal as doubles: PHP falls back to bytes.
                let same_overflow = o1 != 0 && o1 == o2 && d1 - d2 == 0.0;
                let both_inf = d1 == d2 && !d1.is_finite();
                if !same_overflow && !both_inf {
                    return ordering_of(d1 - d2);
                }
            }
            (PhpNumber::Int(i), PhpNumber::Float(d2, o2)) => {
                if o2 != 0 {
                    return if o2 > 0 { Ordering::Less } else { Ordering::Greater };
                }
                return ordering_of(i as f64 - d2);
            }
            (PhpNumber::Float(d1, o1), PhpNumber::Int(j)) => {
                if o1 != 0 {
                    return if o1 > 0 { Ordering::Greater } else { Ordering::Less };
                }
                return ordering_of(d1 - j as f64);
            }
        }
    }
    a.as_bytes().cmp(b.as_bytes())
}

/// PHP 8 comparison of a float with a string: numeric when the string is numeric, else the
/// float is printed (J.0.4) and the two strings are compared byte-wise.
pub fn php_compare_float_str(x: f64, s: &str) -> Ordering {
    match php_numeric(s) {
        Some(n) => x.partial_cmp(&n.as_f64()).unwrap_or(Ordering::Less),
        None => php_float_to_string(x).as_bytes().cmp(s.as_bytes()),
    }
}

/// PHP truthiness of a string: `""` and `"0"` are false.
pub fn php_truthy_str(s: &str) -> bool {
    !(s.is_empty() || s == "0")
}

// ---------------------------------------------------------------------------------------
// Numbers → strings.

/// A fixed stack buffer for `core::fmt` output, so printing digits does not allocate.
struct StackBuf {
    buf: [u8; 40],
    len: usize,
}

impl StackBuf {
    fn new() -> Self {
        StackBuf { buf: [0; 40], len: 0 }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let bytes = s.as_bytes();
        let end = self.len + bytes.len();
        if end > self.buf.len() {
            return Err(fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

/// Decimal digits of `|value|` as `zend_dtoa` gives them: no trailing zeros, and `decpt` such
/// that `|value| = 0.d1d2… × 10^decpt`. `significant = None` asks for the shortest
/// round-trip digits (mode 0), `Some(n)` for `n` correctly rounded digits (mode 2).
struct Digits {
    buf: [u8; 24],
    len: usize,
    decpt: i32,
}

impl Digits {
    fn of(value: f64, significant: Option<usize>) -> Digits {
        let mut text = StackBuf::new();
        let abs = value.abs();
        // Scientific output of a finite f64 is at most ~25 bytes; it always fits.
        let _ = match significant {
            None => write!(text, "{abs:e}"),
            Some(n) => write!(text, "{abs:.prec$e}", prec = n.saturating_sub(1)),
        };
        let bytes = text.as_bytes();
        let e_pos = bytes.iter().position(|&c| c == b'e').unwrap_or(bytes.len());
        let mut digits = Digits { buf: [0; 24], len: 0, decpt: 0 };
        for &c in &bytes[..e_pos] {
            if c.is_ascii_digit() && digits.len < digits.buf.len() {
                digits.buf[digits.len] = c;
                digits.len += 1;
            }
        }
        while digits.len > 1 && digits.buf[digits.len - 1] == b'0' {
            digits.len -= 1;
        }
        let exp = std::str::from_utf8(&bytes[(e_pos + 1).min(bytes.len())..])
            .ok()
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0);
        digits.decpt = if abs == 0.0 { 1 } else { exp + 1 };
        digits
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// `zend_gcvt` / `php_gcvt`: `%G`-style printing with `ndigit` significant digits and PHP's
/// switch to exponent form (`decpt < -3` or `decpt > ndigit`), exponent written as
/// `E-5`/`E+15` without padding.
fn gcvt(value: f64, significant: Option<usize>, ndigit: i32, exp_char: char) -> String {
    if value.is_nan() {
        return "NAN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "INF".to_string() } else { "-INF".to_string() };
    }
    let d = Digits::of(value, significant);
    let digits = d.bytes();
    let decpt = d.decpt;
    let mut out = String::with_capacity(digits.len() + 8);
    if value.is_sign_negative() {
        out.push('-');
    }
    let push_digits = |out: &mut String, ds: &[u8]| {
        for &c in ds {
            out.push(c as char);
        }
    };
    let exponential = if decpt < 0 { decpt < -3 } else { decpt > ndigit };
    if exponential {
        let exp = decpt - 1;
        out.push(digits[0] as char);
        out.push('.');
        if digits.len() == 1 {
            out.push('0');
        } else {
            push_digits(&mut out, &digits[1..]);
        }
        out.push(exp_char);
        out.push(if exp < 0 { '-' } else { '+' });
        let _ = write!(out, "{}", exp.abs());
    } else if decpt < 0 {
        out.push_str("0.");
        for _ in decpt..0 {
            out.push('0');
        }
        push_digits(&mut out, digits);
    } else {
        let int_len = decpt as usize;
        for i in 0..int_len {
            out.push(if i < digits.len() { digits[i] as char } else { '0' });
        }
        if digits.len() > int_len {
            if int_len == 0 {
                out.push('0');
            }
            out.push('.');
            push_digits(&mut out, &digits[int_len..]);
        }
    }
    out
}

/// PHP float → string with `precision = 14` (J.0.4): `36.0 → "36"`, `0.1 + 0.2 → "0.3"`,
/// `1e-5 → "1.0E-5"`, `1e15 → "1.0E+15"`. (PHP switches to the exponent form once the
/// 14-digit rounding reaches 15 integer digits, so `1e14` prints as `"1.0E+14"` too.)
pub fn php_float_to_string(value: f64) -> String {
    gcvt(value, Some(14), 14, 'E')
}

/// JSON number text the way PHP's `json_encode` prints a float (J.0.5, §A.3) with
/// `serialize_precision = -1`: shortest round-trip digits, integral values without a
/// fraction, exponent form below 1e-4 (`4.8e-5`, `-3.0e-5`) and from 1e17 on.
/// Non-finite values (which `json_encode` refuses) print as `0`.
pub fn json_float(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_string();
    }
    gcvt(value, None, 17, 'e')
}

/// `fmt_dec(x)` for a float (`wc_format_decimal($float)`): `%.6f` (correctly rounded) with
/// trailing zeros and `.` trimmed: `36.0 → "36"`, `12.3456789 → "12.345679"`.
pub fn fmt_dec(value: f64) -> String {
    // PHP's printf decides the sign with `num < 0`, so -0.0 prints unsigned.
    let value = if value == 0.0 { 0.0 } else { value };
    if value.abs() < 1e15 && (value as i64) as f64 == value {
        return (value as i64).to_string();
    }
    let mut s = format!("{value:.6}");
    if s.contains('.') {
        let trimmed = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(trimmed);
    }
    s
}

/// `fmt_dec(x, d)` = `number_format(x, d, ".", "")`, e.g. `"61.60"`.
pub fn fmt_dec_fixed(value: f64, decimals: u32) -> String {
    number_format(value, decimals, ".", "")
}

/// `wc_format_decimal($string, d)`: the store's and the locale's decimal separators become
/// `.`, characters other than digits, `.` and `-` are dropped, only the last `.` is kept,
/// then `number_format(floatval(..), d, ".", "")`. (Note: a `,` is *not* a decimal
/// separator here unless it is the store's.)
pub fn fmt_dec_str_fixed(value: &str, decimals: u32, decimal_separator: &str) -> String {
    fmt_dec_fixed(php_floatval(&clean_decimal(value, decimal_separator)), decimals)
}

/// `number_format(x, d, dec_sep, thousands_sep)` (PHP 8): `round(|x|, d)` HALF_UP, printed
/// with exactly `d` decimals; the `-` is dropped when the rounded value is zero.
pub fn number_format(value: f64, decimals: u32, decimal_separator: &str, thousand_separator: &str) -> String {
    let negative = value < 0.0;
    let rounded = php_round(value.abs(), decimals as i32, RoundMode::HalfUp);
    let negative = negative && rounded != 0.0;
    let digits = fixed_digits(rounded.abs(), decimals);
    if !rounded.is_finite() {
        return digits;
    }
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits.as_str(), None),
    };
    let mut out = String::with_capacity(digits.len() + int_part.len() / 3 * thousand_separator.len() + 4);
    if negative {
        out.push('-');
    }
    let len = int_part.len();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push_str(thousand_separator);
        }
        out.push(c);
    }
    if let Some(frac) = frac_part
        && decimals > 0
    {
        out.push_str(decimal_separator);
        out.push_str(frac);
    }
    out
}

/// `%.{d}f` of a value already rounded to `d` decimals. Below 1e15 units of the last digit
/// the printed digits are exactly `round(value × 10^d)`, so integers do the work.
fn fixed_digits(value: f64, decimals: u32) -> String {
    let scaled = value * pow10(decimals as i32);
    if decimals > 15 || scaled.is_nan() || scaled >= 1e15 {
        return format!("{:.*}", decimals as usize, value);
    }
    let units = scaled.round() as u64;
    let mut out = units.to_string();
    if decimals > 0 {
        let d = decimals as usize;
        if out.len() <= d {
            out.insert_str(0, &"0".repeat(d + 1 - out.len()));
        }
        out.insert(out.len() - d, '.');
    }
    out
}

/// Keeps what `wc_format_decimal` keeps of a string: the decimal separator(s) turned into
/// `.`, then digits, `-` and only the last `.`.
fn clean_decimal(value: &str, decimal_separator: &str) -> String {
    let mut kept = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        if !decimal_separator.is_empty() && decimal_separator != "." && rest.starts_with(decimal_separator) {
            kept.push('.');
            rest = &rest[decimal_separator.len()..];
            continue;
        }
        if c.is_ascii_digit() || c == '.' || c == '-' {
            kept.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    if let Some(last) = kept.rfind('.') {
        let mut out = String::with_capacity(kept.len());
        for (i, c) in kept.char_indices() {
            if c != '.' || i == last {
                out.push(c);
            }
        }
        out
    } else {
        kept
    }
}

/// A stored amount in minor units, as CoCart's `prepare_money_response` computes it (§D.1,
/// §J.4.9). The input is the amount as PHP would see it as a string: a float printed with
/// [`php_float_to_string`], a decimal string (`fmt_dec`), or a formatted price. Decimal
/// separators become `.`, everything but digits, `.` and `-` is dropped, only the last `.`
/// is kept, the longest leading number is parsed, multiplied by `10^D` and rounded HALF_UP
/// to an integer: `"36" → "3600"`, `"0.125" → "13"`, `"4.8E-5" → "480"`, `"" → "0"`.
pub fn minor_units(amount: &str, currency: &Currency) -> String {
    let cleaned = clean_decimal(amount, &currency.decimal_separator);
    let value = php_floatval(&cleaned) * pow10(currency.decimals as i32);
    let rounded = php_round(value, 0, RoundMode::HalfUp);
    // PHP's intval(): non-finite and out-of-range values become 0.
    let int = if rounded.is_finite() && rounded.abs() < 9.2e18 { rounded as i64 } else { 0 };
    int.to_string()
}

/// Plain-text price (J.5, `wc_price` without tags): `"$18.00"`, `"-$5.00"`, `"18,00 €"`.
/// The `-` always goes before the symbol, also when the amount rounds to zero.
pub fn price_string(value: f64, currency: &Currency) -> String {
    let negative = value < 0.0;
    let n = number_format(value.abs(), currency.decimals, &currency.decimal_separator, &currency.thousand_separator);
    let symbol = currency.symbol.as_str();
    let mut out = String::with_capacity(n.len() + symbol.len() + 3);
    if negative {
        out.push('-');
    }
    match currency.position {
        CurrencyPosition::Left => {
            out.push_str(symbol);
            out.push_str(&n);
        }
        CurrencyPosition::Right => {
            out.push_str(&n);
            out.push_str(symbol);
        }
        CurrencyPosition::LeftSpace => {
            out.push_str(symbol);
            out.push('\u{a0}');
            out.push_str(&n);
        }
        CurrencyPosition::RightSpace => {
            out.push_str(&n);
            out.push('\u{a0}');
            out.push_str(symbol);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use RoundMode::{HalfDown, HalfUp};

    #[test]
    fn round_contract_examples() {
        assert_eq!(php_round(1.005, 2, HalfUp), 1.01);
        assert_eq!(php_round(0.285, 2, HalfUp), 0.29);
        assert_eq!(php_round(100.49999999999999, 0, HalfUp), 101.0);
        assert_eq!(php_round(28.999999999999996, 0, HalfDown), 29.0);
        assert_eq!(php_round(187.5, 0, HalfDown), 187.0);
        assert_eq!(php_round(187.5, 0, HalfUp), 188.0);
        assert_eq!(php_round(-187.5, 0, HalfDown), -187.0);
        assert_eq!(php_round(-187.5, 0, HalfUp), -188.0);
        assert_eq!(php_round(-1.005, 2, HalfUp), -1.01);
        assert_eq!(php_round(499.5, 0, HalfDown), 499.0);
        assert_eq!(php_round(2497.5, 0, HalfUp), 2498.0);
        assert_eq!(php_round(209.3702625, 6, HalfUp), 209.370263);
        assert_eq!(php_round(114.8375, 0, HalfUp), 115.0);
        assert_eq!(php_round(43.2825, 0, HalfUp), 43.0);
        assert_eq!(php_round(0.0, 2, HalfUp), 0.0);
        assert!(php_round(f64::NAN, 2, HalfUp).is_nan());
        // Beyond the precision the value is returned as is.
        assert_eq!(php_round(1e20 + 0.3, 2, HalfUp), 1e20 + 0.3);
        // Negative places.
        assert_eq!(php_round(1250.0, -2, HalfUp), 1300.0);
        assert_eq!(php_round(1250.0, -2, HalfDown), 1200.0);
    }

    #[test]
    fn libm_replacements_agree() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut values: Vec<f64> = Vec::new();
        for k in -25..25 {
            let p = 10f64.powi(k);
            let mut v = p;
            for _ in 0..4 {
                v = f64::from_bits(v.to_bits() - 1);
            }
            for _ in 0..9 {
                values.push(v);
                v = f64::from_bits(v.to_bits() + 1);
            }
            values.push(p * 1.000000001);
            values.push(p * 0.999999999);
        }
        for _ in 0..200_000 {
            let r = next();
            let mantissa = (r >> 11) as f64 / (1u64 << 53) as f64;
            let exp = (next() % 50) as i32 - 25;
            values.push((1.0 + mantissa) * 10f64.powi(exp));
            values.push(f64::from_bits(0x3000_0000_0000_0000 + (r % 0x1800_0000_0000_0000)));
        }
        for &v in &values {
            let v = v.abs();
            if v == 0.0 || !v.is_finite() {
                continue;
            }
            assert_eq!(floor_log10(v), v.log10().floor() as i32, "floor_log10({v:e})");
        }
        for &v in &values {
            for w in [v, -v, v * 1e3 + 0.5, -v * 1e3 - 0.5, v.fract() - 0.5] {
                if w.is_finite() {
                    assert_eq!(floor_f64(w).to_bits(), w.floor().to_bits(), "floor({w:e})");
                    assert_eq!(ceil_f64(w).to_bits(), w.ceil().to_bits(), "ceil({w:e})");
                }
            }
        }
    }

    /// J.0.2 transcribed literally with libm, to check the optimised version against.
    fn reference_round(value: f64, places: i32, mode: RoundMode) -> f64 {
        if value == 0.0 || !value.is_finite() {
            return value;
        }
        let helper = |v: f64| {
            if v >= 0.0 {
                let r = (v + 0.5).floor();
                if mode == HalfDown && v == r - 0.5 { r - 1.0 } else { r }
            } else {
                let r = (v - 0.5).ceil();
                if mode == HalfDown && v == r + 0.5 { r + 1.0 } else { r }
            }
        };
        let p10 = |n: i32| if (0..=22).contains(&n) { POW10[n as usize] } else { 10f64.powf(f64::from(n)) };
        let pp = 14 - value.abs().log10().floor() as i32;
        let mut t;
        if pp > places && pp - places < 15 {
            t = if pp >= 0 { value * p10(pp) } else { value / p10(-pp) };
            t = helper(t);
            t /= p10(pp - places);
        } else {
            t = if places >= 0 { value * p10(places) } else { value / p10(-places) };
            if t.abs() >= 1e15 {
                return value;
            }
        }
        t = helper(t);
        if places > 0 { t / p10(places) } else { t * p10(-places) }
    }

    #[test]
    fn php_round_matches_the_literal_algorithm() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..120_000u64 {
            let r = next();
            let v = match i % 4 {
                // Ties and near-ties at cent and sub-cent scale.
                0 => ((r % 2_000_000) as f64 + 0.5) / 10f64.powi((r >> 40) as i32 % 7),
                1 => {
                    f64::from_bits(((r % 2_000_000) as f64 / 1000.0).to_bits().wrapping_add((r >> 60).wrapping_sub(8)))
                }
                2 => (r % 100_000) as f64 * 0.0725 / 100.0,
                _ => (r >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi((r % 30) as i32 - 15),
            };
            for v in [v, -v] {
                for places in [0, 2, 4, 6] {
                    for mode in [HalfUp, HalfDown] {
                        let got = php_round(v, places, mode);
                        let want = reference_round(v, places, mode);
                        assert_eq!(got.to_bits(), want.to_bits(), "round({v:e}, {places}, {mode:?})");
                    }
                }
            }
        }
    }

    #[test]
    fn precision_helpers() {
        assert_eq!(cents(18.0 * 2.0, 2), 3600.0);
        assert_eq!(cents(29.97, 2), 2997.0);
        assert_eq!(cents(php_floatval("20.00"), 2), 2000.0);
        assert_eq!(cents(php_floatval("11.48"), 2), 1148.0);
        assert_eq!(major(360.0, 2), 3.6);
        assert_eq!(tax_round(14.4275, 2), 14.4275);
        assert_eq!(round_line_tax(499.5, false, HalfDown), 499.0);
        assert_eq!(round_line_tax(499.5, true, HalfDown), 499.5);
        assert_eq!(round_item(2497.5, false), 2498.0);
        assert_eq!(round_item(2497.5, true), 2497.5);
        assert_eq!(wc_round_tax_total(0.432825, 2, HalfUp), 0.43);
        assert_eq!(wc_round_discount(82.5, 0), 82.0);
        assert_eq!(rounding_precision(2), 6);
        assert_eq!(rounding_precision(5), 7);
        assert_eq!(tax_rounding_mode(true), HalfDown);
    }

    #[test]
    fn float_to_string() {
        assert_eq!(php_float_to_string(36.0), "36");
        assert_eq!(php_float_to_string(0.1 + 0.2), "0.3");
        assert_eq!(php_float_to_string(6.48375), "6.48375");
        assert_eq!(php_float_to_string(86.45), "86.45");
        assert_eq!(php_float_to_string(1e-5), "1.0E-5");
        assert_eq!(php_float_to_string(4.8e-5), "4.8E-5");
        assert_eq!(php_float_to_string(0.0001), "0.0001");
        assert_eq!(php_float_to_string(0.00012), "0.00012");
        assert_eq!(php_float_to_string(1e15), "1.0E+15");
        assert_eq!(php_float_to_string(1.5e20), "1.5E+20");
        assert_eq!(php_float_to_string(12345678901234.0), "12345678901234");
        assert_eq!(php_float_to_string(0.0), "0");
        assert_eq!(php_float_to_string(-0.0), "-0");
        assert_eq!(php_float_to_string(-2.5), "-2.5");
        assert_eq!(php_float_to_string(0.14427500000000001), "0.144275");
        assert_eq!(php_float_to_string(1.4340000000000002), "1.434");
        assert_eq!(php_float_to_string(2.0 / 3.0), "0.66666666666667");
        assert_eq!(php_float_to_string(0.125), "0.125");
        assert_eq!(php_float_to_string(1e-10), "1.0E-10");
        assert_eq!(php_float_to_string(f64::INFINITY), "INF");
    }

    #[test]
    fn json_floats() {
        assert_eq!(json_float(36.0), "36");
        assert_eq!(json_float(3.6), "3.6");
        assert_eq!(json_float(1.4340000000000002), "1.4340000000000002");
        assert_eq!(json_float(0.14427500000000001), "0.14427500000000001");
        assert_eq!(json_float(0.7000000000000001), "0.7000000000000001");
        assert_eq!(json_float(4.8e-5), "4.8e-5");
        assert_eq!(json_float(-3.0e-5), "-3.0e-5");
        assert_eq!(json_float(0.0001), "0.0001");
        assert_eq!(json_float(0.00012), "0.00012");
        assert_eq!(json_float(0.0), "0");
        assert_eq!(json_float(-2.0), "-2");
        assert_eq!(json_float(1e16), "10000000000000000");
        assert_eq!(json_float(1e17), "1.0e+17");
        assert_eq!(json_float(1.148375), "1.148375");
    }

    #[test]
    fn format_decimal() {
        assert_eq!(fmt_dec(36.0), "36");
        assert_eq!(fmt_dec(98.4), "98.4");
        assert_eq!(fmt_dec(12.3456789), "12.345679");
        assert_eq!(fmt_dec(24.975), "24.975");
        assert_eq!(fmt_dec(0.0), "0");
        assert_eq!(fmt_dec(-0.0), "0");
        assert_eq!(fmt_dec(5.97), "5.97");
        assert_eq!(fmt_dec(100.0), "100");
        assert_eq!(fmt_dec(1e-9), "0");
        assert_eq!(fmt_dec_fixed(61.6, 2), "61.60");
        assert_eq!(fmt_dec_fixed(11.48375, 2), "11.48");
        assert_eq!(fmt_dec_fixed(1.005, 2), "1.01");
        assert_eq!(fmt_dec_fixed(0.0, 2), "0.00");
        assert_eq!(fmt_dec_fixed(-0.001, 2), "0.00");
        assert_eq!(fmt_dec_str_fixed("", 2, "."), "0.00");
        assert_eq!(fmt_dec_str_fixed("5.5", 2, "."), "5.50");
        assert_eq!(fmt_dec_str_fixed("5,5", 2, ","), "5.50");
        assert_eq!(fmt_dec_str_fixed("$1,234.50", 2, "."), "1234.50");
    }

    #[test]
    fn number_formats() {
        assert_eq!(number_format(32985.0, 2, ".", ","), "32,985.00");
        assert_eq!(number_format(3298.5, 2, ".", ","), "3,298.50");
        assert_eq!(number_format(1234567.891, 2, ",", "."), "1.234.567,89");
        assert_eq!(number_format(999.0, 2, ".", ","), "999.00");
        assert_eq!(number_format(1000.0, 0, ".", ","), "1,000");
        assert_eq!(number_format(-1234.5, 1, ".", " "), "-1 234.5");
        assert_eq!(number_format(-0.001, 2, ".", ","), "0.00");
        assert_eq!(number_format(0.285, 2, ".", ""), "0.29");
        assert_eq!(number_format(0.05, 2, ".", ""), "0.05");
        assert_eq!(number_format(0.5, 0, ".", ""), "1");
        assert_eq!(number_format(7.0, 3, ",", ""), "7,000");
        assert_eq!(number_format(1e20, 2, ".", ""), "100000000000000000000.00");
        for cents in [0u64, 1, 9, 10, 99, 100, 101, 12345, 999_999_999_999] {
            let v = cents as f64 / 100.0;
            assert_eq!(number_format(v, 2, ".", ""), format!("{v:.2}"));
        }
    }

    #[test]
    fn minor_unit_conversion() {
        let usd = Currency::default();
        assert_eq!(minor_units("18", &usd), "1800");
        assert_eq!(minor_units("8.4", &usd), "840");
        assert_eq!(minor_units("0", &usd), "0");
        assert_eq!(minor_units("32985", &usd), "3298500");
        assert_eq!(minor_units("0.125", &usd), "13");
        assert_eq!(minor_units("0.432825", &usd), "43");
        assert_eq!(minor_units("4.8E-5", &usd), "480");
        assert_eq!(minor_units(&php_float_to_string(4.8e-5), &usd), "480");
        assert_eq!(minor_units("$61.60", &usd), "6160");
        assert_eq!(minor_units("$1,234.50", &usd), "123450");
        assert_eq!(minor_units("-5", &usd), "-500");
        assert_eq!(minor_units("-0.001", &usd), "0");
        assert_eq!(minor_units("", &usd), "0");
        assert_eq!(minor_units("1.2.3", &usd), "1230");
        let eur = Currency {
            code: "EUR".into(),
            symbol: "€".into(),
            position: CurrencyPosition::RightSpace,
            thousand_separator: ".".into(),
            decimal_separator: ",".into(),
            decimals: 2,
        };
        assert_eq!(minor_units("1.234,56\u{a0}€", &eur), "123456");
        assert_eq!(minor_units("8.4", &eur), "840");
        let jpy = Currency { decimals: 0, ..Currency::default() };
        assert_eq!(minor_units("1234.5", &jpy), "1235");
    }

    #[test]
    fn price_strings() {
        let mut c = Currency::default();
        assert_eq!(price_string(18.0, &c), "$18.00");
        assert_eq!(price_string(-5.0, &c), "-$5.00");
        assert_eq!(price_string(-0.001, &c), "-$0.00");
        assert_eq!(price_string(32985.0, &c), "$32,985.00");
        c.symbol = "£".into();
        assert_eq!(price_string(123.0, &c), "£123.00");
        assert_eq!(price_string(-5.0, &c), "-£5.00");
        c.position = CurrencyPosition::Right;
        assert_eq!(price_string(5.0, &c), "5.00£");
        c.position = CurrencyPosition::LeftSpace;
        assert_eq!(price_string(5.0, &c), "£\u{a0}5.00");
        c.position = CurrencyPosition::RightSpace;
        c.symbol = "€".into();
        c.decimal_separator = ",".into();
        c.thousand_separator = ".".into();
        assert_eq!(price_string(1234.5, &c), "1.234,50\u{a0}€");
        assert_eq!(price_string(-18.0, &c), "-18,00\u{a0}€");
        c.thousand_separator = String::new();
        assert_eq!(price_string(1234.5, &c), "1234,50\u{a0}€");
    }

    #[test]
    fn php_strings_to_numbers() {
        assert_eq!(php_floatval("12abc"), 12.0);
        assert_eq!(php_floatval("4.8-5"), 4.8);
        assert_eq!(php_floatval(" 1.5"), 1.5);
        assert_eq!(php_floatval(".5"), 0.5);
        assert_eq!(php_floatval("5."), 5.0);
        assert_eq!(php_floatval("1e3"), 1000.0);
        assert_eq!(php_floatval("1e"), 1.0);
        assert_eq!(php_floatval("--5"), 0.0);
        assert_eq!(php_floatval("abc"), 0.0);
        assert_eq!(php_floatval("10.0000"), 10.0);
        assert_eq!(php_numeric("94103"), Some(PhpNumber::Int(94103)));
        assert_eq!(php_numeric(" 1.5 "), Some(PhpNumber::Float(1.5, 0)));
        assert_eq!(php_numeric("1."), Some(PhpNumber::Float(1.0, 0)));
        assert_eq!(php_numeric("SW1A"), None);
        assert_eq!(php_numeric(""), None);
        assert_eq!(php_numeric("."), None);
        assert!(matches!(php_numeric("123456789012345678901"), Some(PhpNumber::Float(_, 1))));
        assert_eq!(php_compare_strings("941031234", "94199"), Ordering::Greater);
        assert_eq!(php_compare_strings("94103", "94100"), Ordering::Greater);
        assert_eq!(php_compare_strings("10", "9"), Ordering::Greater);
        assert_eq!(php_compare_strings("SW1A", "94100"), Ordering::Greater);
        assert_eq!(php_compare_strings("abc", "abd"), Ordering::Less);
        assert_eq!(php_compare_float_str(6.48375, "1"), Ordering::Greater);
        assert_eq!(php_compare_float_str(0.5, ""), Ordering::Greater);
        assert!(php_truthy_str("7.5"));
        assert!(!php_truthy_str("0"));
    }
}
