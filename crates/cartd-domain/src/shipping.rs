//! Shipping as WooCommerce computes it for the cart (CONTRACT §J.9): whether the cart needs
//! shipping, the single default package, the ship-to-country check, zone matching, the
//! enabled methods of the zone in order, flat rate (with its cost-expression language),
//! free shipping, local pickup, building rates with their taxes, and the chosen rate.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::cart::{Address, Cart};
use crate::catalog::Catalog;
use crate::numeric::{
    RoundMode, fmt_dec_fixed, fmt_dec_str_fixed, php_compare_float_str, php_compare_strings, php_float_to_string,
    php_floatval, php_round, php_truthy_str,
};
use crate::postcode::PostcodeMatcher;
use crate::settings::{
    FlatRateCalc, FreeShippingRequires, MethodKind, MethodTaxStatus, Settings, ShipTo, ShippingMethod,
    ShippingSettings, ShippingZone,
};
use crate::tax::{AppliedRate, calc_shipping_tax};
use crate::totals::{ShippingRate, TaxMap};

/// WooCommerce's continent of a country (`WC_Countries::get_continent_code_for_country`),
/// `""` if unknown. Cyprus is listed under Asia first, so it is `AS`.
pub fn continent_of(country: &str) -> &'static str {
    match country {
        "AO" | "BF" | "BI" | "BJ" | "BW" | "CD" | "CF" | "CG" | "CI" | "CM" | "CV" | "DJ" | "DZ" | "EG" | "EH"
        | "ER" | "ET" | "GA" | "GH" | "GM" | "GN" | "GQ" | "GW" | "KE" | "KM" | "LR" | "LS" | "LY" | "MA" | "MG"
        | "ML" | "MR" | "MU" | "MW" | "MZ" | "NA" | "NE" | "NG" | "RE" | "RW" | "SC" | "SD" | "SH" | "SL" | "SN"
        | "SO" | "SS" | "ST" | "SZ" | "TD" | "TG" | "TN" | "TZ" | "UG" | "YT" | "ZA" | "ZM" | "ZW" => "AF",
        "AQ" | "BV" | "GS" | "HM" | "TF" => "AN",
        "AE" | "AF" | "AM" | "AZ" | "BD" | "BH" | "BN" | "BT" | "CC" | "CN" | "CX" | "CY" | "GE" | "HK" | "ID"
        | "IL" | "IN" | "IO" | "IQ" | "IR" | "JO" | "JP" | "KG" | "KH" | "KP" | "KR" | "KW" | "KZ" | "LA" | "LB"
        | "LK" | "MM" | "MN" | "MO" | "MV" | "MY" | "NP" | "OM" | "PH" | "PK" | "PS" | "QA" | "SA" | "SG" | "SY"
        | "TH" | "TJ" | "TL" | "TM" | "TW" | "UZ" | "VN" | "YE" => "AS",
        "AD" | "AL" | "AT" | "AX" | "BA" | "BE" | "BG" | "BY" | "CH" | "CZ" | "DE" | "DK" | "EE" | "ES" | "FI"
        | "FO" | "FR" | "GB" | "GG" | "GI" | "GR" | "HR" | "HU" | "IE" | "IM" | "IS" | "IT" | "JE" | "LI" | "LT"
        | "LU" | "LV" | "MC" | "MD" | "ME" | "MK" | "MT" | "NL" | "NO" | "PL" | "PT" | "RO" | "RS" | "RU" | "SE"
        | "SI" | "SJ" | "SK" | "SM" | "TR" | "UA" | "VA" => "EU",
        "AG" | "AI" | "AN" | "AW" | "BB" | "BL" | "BM" | "BQ" | "BS" | "BZ" | "CA" | "CR" | "CU" | "CW" | "DM"
        | "DO" | "GD" | "GL" | "GP" | "GT" | "HN" | "HT" | "JM" | "KN" | "KY" | "LC" | "MF" | "MQ" | "MS" | "MX"
        | "NI" | "PA" | "PM" | "PR" | "SV" | "SX" | "TC" | "TT" | "US" | "VC" | "VG" | "VI" => "NA",
        "AS" | "AU" | "CK" | "FJ" | "FM" | "GU" | "KI" | "MH" | "MP" | "NC" | "NF" | "NR" | "NU" | "NZ" | "PF"
        | "PG" | "PN" | "PW" | "SB" | "TK" | "TO" | "TV" | "UM" | "VU" | "WF" | "WS" => "OC",
        "AR" | "BO" | "BR" | "CL" | "CO" | "EC" | "FK" | "GF" | "GY" | "PE" | "PY" | "SR" | "UY" | "VE" => "SA",
        _ => "",
    }
}

/// Whether WooCommerce's address form for `country` requires a state (country locale;
/// the default is "required").
fn state_required(country: &str) -> bool {
    !matches!(
        country,
        "AE" | "AF"
            | "AT"
            | "AX"
            | "BE"
            | "BH"
            | "BI"
            | "CH"
            | "CZ"
            | "DE"
            | "DK"
            | "EE"
            | "FI"
            | "FR"
            | "GB"
            | "GF"
            | "GP"
            | "GR"
            | "IL"
            | "IM"
            | "IS"
            | "KR"
            | "KW"
            | "LB"
            | "LI"
            | "LK"
            | "LU"
            | "LV"
            | "MQ"
            | "MT"
            | "NL"
            | "NO"
            | "NZ"
            | "PL"
            | "PT"
            | "RE"
            | "RS"
            | "SE"
            | "SG"
            | "SI"
            | "SK"
            | "VN"
            | "YT"
    )
}

/// Whether WooCommerce's address form for `country` requires a postcode.
fn postcode_required(country: &str) -> bool {
    !matches!(
        country,
        "AE" | "AO"
            | "BD"
            | "BH"
            | "BO"
            | "BS"
            | "CL"
            | "CO"
            | "HK"
            | "IE"
            | "MZ"
            | "NG"
            | "NP"
            | "SR"
            | "ST"
            | "UG"
            | "VN"
            | "WS"
            | "ZW"
    )
}

/// `wc_shipping_enabled()`: `woocommerce_ship_to_countries ≠ disabled`.
pub fn shipping_enabled(settings: &Settings) -> bool {
    settings.shipping.ship_to != ShipTo::Disabled
}

/// `wc_get_shipping_method_count(true)`: method instances in all zones, enabled or not.
pub fn method_count(settings: &Settings) -> usize {
    settings.shipping.zones.iter().map(|z| z.methods.len()).sum()
}

/// J.9.1 given whether some line's product needs shipping.
pub fn needs_shipping_with(settings: &Settings, some_line_needs_shipping: bool) -> bool {
    shipping_enabled(settings) && method_count(settings) > 0 && some_line_needs_shipping
}

/// `WC_Cart::needs_shipping` (J.9.1). Lines whose product is missing are ignored.
pub fn needs_shipping(cart: &Cart, catalog: &Catalog, settings: &Settings) -> bool {
    let some = cart.lines.values().filter_map(|l| catalog.get(l.product_ref())).any(|p| catalog.needs_shipping(p));
    needs_shipping_with(settings, some)
}

/// `WC_Cart::show_shipping` (J.4.6): shipping enabled, the cart has lines, and, when costs
/// require an address, a shipping country plus the state and postcode its form requires.
pub fn show_shipping(settings: &Settings, destination: &Address, cart_has_lines: bool) -> bool {
    if !shipping_enabled(settings) || !cart_has_lines {
        return false;
    }
    if settings.shipping.cost_requires_address {
        let country = destination.country.trim();
        if country.is_empty() {
            return false;
        }
        let country = country.to_ascii_uppercase();
        if state_required(&country) && destination.state.trim().is_empty() {
            return false;
        }
        if postcode_required(&country) && destination.postcode.trim().is_empty() {
            return false;
        }
    }
    true
}

/// `WC_Shipping::is_package_shippable`: an empty country is shippable; otherwise it must be
/// among the shipping countries. With `ship_to = all` every country is accepted (cartd has
/// no list of selling countries).
pub fn country_allowed(shipping: &ShippingSettings, country: &str) -> bool {
    if country.is_empty() {
        return true;
    }
    match shipping.ship_to {
        ShipTo::All => true,
        ShipTo::Specific => shipping.countries.iter().any(|c| c == country),
        ShipTo::Disabled => false,
    }
}

/// `WC_Shipping_Zone_Data_Store::get_zone_id_from_package` (J.9.3): the matching zone with
/// the lowest order then id; else zone 0 (the settings zone with id 0, if any).
pub fn match_zone<'s>(
    shipping: &'s ShippingSettings,
    country: &str,
    state: &str,
    postcode: &str,
) -> Option<&'s ShippingZone> {
    let country = country.trim().to_ascii_uppercase();
    let state = state.trim();
    let continent = continent_of(&country);
    let mut matcher: Option<PostcodeMatcher> = None;
    let mut best: Option<&ShippingZone> = None;
    for zone in shipping.zones.iter().filter(|z| z.id != 0) {
        let has_region = !(zone.countries.is_empty() && zone.states.is_empty() && zone.continents.is_empty());
        let region_ok = !has_region
            || zone.countries.iter().any(|c| c.trim().eq_ignore_ascii_case(&country))
            || zone.states.iter().any(|cs| match cs.trim().split_once(':') {
                Some((c, s)) => c.eq_ignore_ascii_case(&country) && s.eq_ignore_ascii_case(state),
                None => false,
            })
            || (!continent.is_empty() && zone.continents.iter().any(|k| k.trim().eq_ignore_ascii_case(continent)));
        if !region_ok {
            continue;
        }
        let mut patterns = zone.postcodes.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).peekable();
        if patterns.peek().is_some() {
            let m = matcher.get_or_insert_with(|| PostcodeMatcher::new(postcode, &country));
            if !patterns.any(|p| m.matches(p)) {
                continue;
            }
        }
        let better = match best {
            None => true,
            Some(b) => (zone.order, zone.id) < (b.order, b.id),
        };
        if better {
            best = Some(zone);
        }
    }
    best.or_else(|| shipping.zones.iter().find(|z| z.id == 0))
}

// ---------------------------------------------------------------------------------------
// Flat-rate cost expressions (J.9.5).

fn is_regex_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C')
}

/// `shortcode_parse_atts`, keeping the named attributes (lower-cased names; later ones win).
fn parse_shortcode_atts(text: &str) -> Vec<(String, String)> {
    let text: Cow<'_, str> = if text.contains(['\u{a0}', '\u{200b}']) {
        Cow::Owned(text.replace(['\u{a0}', '\u{200b}'], " "))
    } else {
        Cow::Borrowed(text)
    };
    let b = text.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C);
    let ends_ok = |i: usize| i >= b.len() || is_space(b[i]);
    let mut atts: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if is_space(b[i]) {
            i += 1;
            continue;
        }
        // name = value (double-quoted, single-quoted, or bare).
        let mut named: Option<(usize, usize, usize, usize, usize)> = None; // name, value span, end
        let mut j = i;
        while j < b.len() && is_word(b[j]) {
            j += 1;
        }
        if j > i {
            let name_end = j;
            let mut k = j;
            while k < b.len() && is_space(b[k]) {
                k += 1;
            }
            if k < b.len() && b[k] == b'=' {
                k += 1;
                while k < b.len() && is_space(b[k]) {
                    k += 1;
                }
                if k < b.len() && (b[k] == b'"' || b[k] == b'\'') {
                    let quote = b[k];
                    if let Some(close) = b[k + 1..].iter().position(|&c| c == quote).map(|p| k + 1 + p)
                        && ends_ok(close + 1)
                    {
                        named = Some((i, name_end, k + 1, close, close + 1));
                    }
                } else {
                    let start = k;
                    while k < b.len() && !is_space(b[k]) && b[k] != b'"' && b[k] != b'\'' {
                        k += 1;
                    }
                    if k > start && ends_ok(k) {
                        named = Some((i, name_end, start, k, k));
                    }
                }
            }
        }
        if let Some((ns, ne, vs, ve, end)) = named {
            let name = text[ns..ne].to_ascii_lowercase();
            let value = text[vs..ve].to_string();
            match atts.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = value,
                None => atts.push((name, value)),
            }
            i = end + 1;
            continue;
        }
        // Positional values ("x", 'x', or a bare run) are ignored by shortcode_atts.
        if (b[i] == b'"' || b[i] == b'\'')
            && let Some(close) = b[i + 1..].iter().position(|&c| c == b[i]).map(|p| i + 1 + p)
            && ends_ok(close + 1)
        {
            i = close + 2;
            continue;
        }
        while i < b.len() && !is_space(b[i]) {
            i += 1;
        }
        i += 1;
    }
    atts
}

/// The flat rate's `[fee percent="" min_fee="" max_fee=""]` shortcode, printed the PHP way.
fn fee_shortcode(atts_text: &str, fee_cost: f64) -> String {
    let atts = parse_shortcode_atts(atts_text);
    let get = |name: &str| atts.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or("");
    let (percent, min_fee, max_fee) = (get("percent"), get("min_fee"), get("max_fee"));
    // PHP keeps the attribute string itself when min/max applies.
    enum Fee<'x> {
        Num(f64),
        Text(&'x str),
    }
    let compare = |fee: &Fee<'_>, limit: &str| match fee {
        Fee::Num(x) => php_compare_float_str(*x, limit),
        Fee::Text(s) => php_compare_strings(s, limit),
    };
    let mut fee = Fee::Num(0.0);
    if php_truthy_str(percent) {
        fee = Fee::Num(fee_cost * (php_floatval(percent) / 100.0));
    }
    if php_truthy_str(min_fee) && compare(&fee, min_fee) == Ordering::Less {
        fee = Fee::Text(min_fee);
    }
    if php_truthy_str(max_fee) && compare(&fee, max_fee) == Ordering::Greater {
        fee = Fee::Text(max_fee);
    }
    match fee {
        Fee::Num(x) => php_float_to_string(x),
        Fee::Text(s) => s.to_string(),
    }
}

/// `do_shortcode` for the one shortcode the flat rate registers, `[fee …]` (also `[fee/]`,
/// `[fee]…[/fee]`, and the `[[fee]]` escape).
fn expand_fee_shortcodes(s: &str, fee_cost: f64) -> Cow<'_, str> {
    if !s.contains("[fee") {
        return Cow::Borrowed(s);
    }
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 8);
    let mut copied = 0;
    let mut i = 0;
    while let Some(p) = s[i..].find('[').map(|p| i + p) {
        let escaped_open = b.get(p + 1) == Some(&b'[');
        let tag = if escaped_open { p + 2 } else { p + 1 };
        let is_fee = s[tag..].starts_with("fee") && !b.get(tag + 3).is_some_and(|&c| is_word(c));
        let close = if is_fee { s[tag + 3..].find(']').map(|q| tag + 3 + q) } else { None };
        let Some(close) = close else {
            i = p + 1;
            continue;
        };
        let mut atts = &s[tag + 3..close];
        let self_closing = atts.ends_with('/');
        if self_closing {
            atts = &atts[..atts.len() - 1];
        }
        let mut end = close + 1;
        if !self_closing && let Some(q) = s[end..].find("[/fee]") {
            end += q + "[/fee]".len();
        }
        let escaped_close = b.get(end) == Some(&b']');
        if escaped_close {
            end += 1;
        }
        out.push_str(&s[copied..p]);
        if escaped_open && escaped_close {
            out.push_str(&s[p + 1..end - 1]);
        } else {
            if escaped_open {
                out.push('[');
            }
            out.push_str(&fee_shortcode(atts, fee_cost));
            if escaped_close {
                out.push(']');
            }
        }
        copied = end;
        i = end;
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

/// WC_Eval_Math's constants are these rounded values, not the real ones.
const WC_EVAL_E: f64 = 2.71;
#[allow(clippy::approx_constant)]
const WC_EVAL_PI: f64 = 3.14;

/// `WC_Eval_Math` as a recursive-descent parser: numbers, `+ - * / ^`, parentheses, unary
/// minus, implicit multiplication (`2(3)`, `2pi`), the constants `e` = 2.71 and `pi` = 3.14.
/// `^` is right-associative and binds tighter than unary minus, which binds like `* /`.
struct MathParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl MathParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn starts_operand(&self) -> bool {
        match self.peek() {
            Some(c) if c.is_ascii_alphanumeric() || c == b'(' => true,
            Some(b'.') => self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit),
            _ => false,
        }
    }

    fn expr(&mut self) -> Option<f64> {
        let mut v = self.term()?;
        loop {
            match self.peek() {
                Some(b'+') => {
                    self.i += 1;
                    v += self.term()?;
                }
                Some(b'-') => {
                    self.i += 1;
                    v -= self.term()?;
                }
                _ => return Some(v),
            }
        }
    }

    fn term(&mut self) -> Option<f64> {
        let mut v = self.unary()?;
        loop {
            match self.peek() {
                Some(b'*') => {
                    self.i += 1;
                    v *= self.unary()?;
                }
                Some(b'/') => {
                    self.i += 1;
                    let d = self.unary()?;
                    if d == 0.0 {
                        return None;
                    }
                    v /= d;
                }
                _ if self.starts_operand() => v *= self.unary()?,
                _ => return Some(v),
            }
        }
    }

    fn unary(&mut self) -> Option<f64> {
        if self.peek() == Some(b'-') {
            self.i += 1;
            return Some(-self.unary()?);
        }
        self.power()
    }

    fn power(&mut self) -> Option<f64> {
        let base = self.primary()?;
        if self.peek() == Some(b'^') {
            self.i += 1;
            let exponent = self.unary()?;
            return Some(base.powf(exponent));
        }
        Some(base)
    }

    fn primary(&mut self) -> Option<f64> {
        let start = self.i;
        match self.peek()? {
            b'(' => {
                self.i += 1;
                let v = self.expr()?;
                if self.peek() != Some(b')') {
                    return None;
                }
                self.i += 1;
                Some(v)
            }
            c if c.is_ascii_digit() || c == b'.' => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                if self.peek() == Some(b'.') {
                    self.i += 1;
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.i += 1;
                    }
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
                if text == "." {
                    return None;
                }
                text.parse::<f64>().ok()
            }
            c if c.is_ascii_alphabetic() => {
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                    self.i += 1;
                }
                match &self.s[start..self.i] {
                    b"e" => Some(WC_EVAL_E),
                    b"pi" => Some(WC_EVAL_PI),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// `WC_Eval_Math::evaluate`; `None` where it returns `false`.
fn eval_math(expr: &str) -> Option<f64> {
    let mut e = expr.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B'));
    if let Some(stripped) = e.strip_suffix(';') {
        e = stripped;
    }
    // `name = expr` assigns and returns the value (constants cannot be assigned).
    if let Some((name, rhs)) = e.split_once('=') {
        let name = name.trim();
        let valid = name.bytes().next().is_some_and(|c| c.is_ascii_lowercase())
            && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
        if !valid || name == "e" || name == "pi" || rhs.trim().is_empty() {
            return None;
        }
        e = rhs.trim();
    }
    // `_` is legal only on WC_Eval_Math's own stack; `,` never forms a valid expression.
    if !e.bytes().all(|c| c.is_ascii_alphanumeric() || b"+-*/^(). ".contains(&c)) {
        return None;
    }
    let mut parser = MathParser { s: e.as_bytes(), i: 0 };
    let v = parser.expr()?;
    (parser.i == parser.s.len()).then_some(v)
}

/// The flat rate's `evaluate_cost(expr, qty, cost)` (J.9.5): `[qty]`/`[cost]` substituted
/// (printed as PHP floats), `[fee …]` expanded, whitespace removed, the store's decimal
/// separator and `,` turned into `.`, leading `+ * /` and trailing `+ - * /` trimmed, then
/// evaluated; an empty expression, a syntax error or a division by zero gives 0.
pub fn evaluate_cost(expr: &str, qty: f64, cost: f64, decimal_separator: &str) -> f64 {
    let mut sum: Cow<'_, str> = Cow::Borrowed(expr);
    if sum.contains("[qty]") {
        sum = Cow::Owned(sum.replace("[qty]", &php_float_to_string(qty)));
    }
    if sum.contains("[cost]") {
        sum = Cow::Owned(sum.replace("[cost]", &php_float_to_string(cost)));
    }
    let sum = expand_fee_shortcodes(&sum, cost);
    let mut clean: String = sum.chars().filter(|&c| !is_regex_space(c)).collect();
    if !decimal_separator.is_empty() && decimal_separator != "." && clean.contains(decimal_separator) {
        clean = clean.replace(decimal_separator, ".");
    }
    if clean.contains(',') {
        clean = clean.replace(',', ".");
    }
    let trimmed = clean
        .trim_start_matches(['\t', '\n', '\r', '\0', '\x0B', '+', '*', '/'])
        .trim_end_matches(['\t', '\n', '\r', '\0', '\x0B', '+', '-', '*', '/']);
    if !php_truthy_str(trimmed) {
        return 0.0;
    }
    eval_math(trimmed).unwrap_or(0.0)
}

// ---------------------------------------------------------------------------------------
// Packages and rates.

/// One cart line of the package, as the shipping methods see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PackageLine<'a> {
    pub key: &'a str,
    pub quantity: f64,
    /// `line_total` after discounts, excluding tax, in major units.
    pub line_total: f64,
    /// The product's shipping class slug (`""` for none).
    pub shipping_class: &'a str,
}

/// What free shipping's requirements read from the cart (J.9.6).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FreeShippingInputs {
    /// The cart's displayed subtotal: stored `subtotal`, plus `subtotal_tax` when the cart
    /// displays prices including tax.
    pub displayed_subtotal: f64,
    /// The cart displays prices including tax.
    pub display_incl: bool,
    /// Stored `discount_total` and `discount_tax` (major units).
    pub discount_total: f64,
    pub discount_tax: f64,
    /// Some applied coupon grants free shipping and is valid (J.8.12).
    pub valid_free_shipping_coupon: bool,
}

/// Everything a package's rates depend on besides its lines.
#[derive(Debug, Clone, Copy)]
pub struct RateInputs<'a> {
    pub settings: &'a Settings,
    /// The package destination: the customer's shipping address.
    pub destination: &'a Address,
    /// `calculate_tax`: taxes enabled and the customer not VAT-exempt.
    pub taxes_enabled: bool,
    /// The rates for a per-order shipping cost (J.9.10), see [`crate::tax::shipping_tax_rates`].
    pub shipping_tax_rates: &'a [AppliedRate<'a>],
    pub free_shipping: FreeShippingInputs,
}

fn flat_rate_cost(method: &ShippingMethod, lines: &[PackageLine<'_>], settings: &Settings) -> Option<f64> {
    let dec = settings.currency.decimal_separator.as_str();
    let mut has_costs = false;
    let mut cost = 0.0;
    if !method.cost.is_empty() {
        has_costs = true;
        let qty = lines.iter().filter(|l| l.quantity > 0.0).fold(0.0, |a, l| a + l.quantity);
        let contents_cost = lines.iter().fold(0.0, |a, l| a + l.line_total);
        cost = evaluate_cost(&method.cost, qty, contents_cost, dec);
    }
    let known = &settings.shipping.classes;
    if !known.is_empty() {
        let mut groups: Vec<(&str, f64, f64)> = Vec::new();
        for l in lines {
            match groups.iter_mut().find(|g| g.0 == l.shipping_class) {
                Some(g) => {
                    g.1 += l.quantity;
                    g.2 += l.line_total;
                }
                None => groups.push((l.shipping_class, l.quantity, l.line_total)),
            }
        }
        let mut highest = 0.0;
        for (class, qty, total) in groups {
            // A class the store does not know falls back to the "no class" cost, like "".
            let setting = if !class.is_empty() && known.iter().any(|k| k == class) {
                method.class_costs.get(class).map(String::as_str).unwrap_or("")
            } else {
                method.no_class_cost.as_str()
            };
            if setting.is_empty() {
                continue;
            }
            has_costs = true;
            let c = evaluate_cost(setting, qty, total, dec);
            match method.calculation_type {
                FlatRateCalc::Class => cost += c,
                FlatRateCalc::Order => {
                    if c > highest {
                        highest = c;
                    }
                }
            }
        }
        if method.calculation_type == FlatRateCalc::Order && highest != 0.0 {
            cost += highest;
        }
    }
    has_costs.then_some(cost)
}

fn free_shipping_available(method: &ShippingMethod, fs: &FreeShippingInputs, decimals: u32) -> bool {
    let has_min = || {
        let mut t = fs.displayed_subtotal;
        if fs.display_incl {
            t -= fs.discount_tax;
        }
        if !method.ignore_discounts {
            t -= fs.discount_total;
        }
        let t = php_round(t, decimals as i32, RoundMode::HalfUp);
        php_compare_float_str(t, &method.min_amount) != Ordering::Less
    };
    let has_coupon = fs.valid_free_shipping_coupon;
    match method.requires {
        FreeShippingRequires::None => true,
        FreeShippingRequires::Coupon => has_coupon,
        FreeShippingRequires::MinAmount => has_min(),
        FreeShippingRequires::Either => has_min() || has_coupon,
        FreeShippingRequires::Both => has_min() && has_coupon,
    }
}

/// `WC_Shipping_Method::add_rate` (J.9.8): taxes on the unrounded cost when the method is
/// taxable and the cost positive, then the cost as a `D`-decimal string.
fn build_rate(
    method: &ShippingMethod,
    cost: f64,
    cost_text: String,
    with_taxes: bool,
    inputs: &RateInputs<'_>,
) -> Option<ShippingRate> {
    let label = method.title();
    if label.is_empty() {
        return None;
    }
    let taxable = inputs.taxes_enabled && method.tax_status == MethodTaxStatus::Taxable;
    let taxes = if with_taxes && taxable && cost > 0.0 {
        calc_shipping_tax(cost, inputs.shipping_tax_rates, inputs.settings.currency.decimals)
    } else {
        TaxMap::new()
    };
    Some(ShippingRate {
        id: method.rate_id(),
        method_id: method.method.as_str().to_string(),
        instance_id: method.instance_id,
        label: label.to_string(),
        cost: cost_text,
        taxes,
    })
}

fn method_rate(method: &ShippingMethod, lines: &[PackageLine<'_>], inputs: &RateInputs<'_>) -> Option<ShippingRate> {
    let settings = inputs.settings;
    let decimals = settings.currency.decimals;
    match method.method {
        MethodKind::FlatRate => {
            let cost = flat_rate_cost(method, lines, settings)?;
            build_rate(method, cost, fmt_dec_fixed(cost, decimals), true, inputs)
        }
        MethodKind::FreeShipping => {
            if !free_shipping_available(method, &inputs.free_shipping, decimals) {
                return None;
            }
            build_rate(method, 0.0, fmt_dec_fixed(0.0, decimals), false, inputs)
        }
        MethodKind::LocalPickup => {
            // The cost as entered: no expression evaluation.
            let text = fmt_dec_str_fixed(&method.cost, decimals, &settings.currency.decimal_separator);
            build_rate(method, php_floatval(&method.cost), text, true, inputs)
        }
    }
}

/// The rates of one package (J.9.2–J.9.8): none when the destination country is not a
/// shipping country; else the enabled methods of the matching zone, by method order, each
/// contributing its rate (a later rate with an id already offered is dropped).
pub fn package_rates(inputs: &RateInputs<'_>, lines: &[PackageLine<'_>]) -> Vec<ShippingRate> {
    let shipping = &inputs.settings.shipping;
    let dest = inputs.destination;
    if !country_allowed(shipping, &dest.country) {
        return Vec::new();
    }
    let Some(zone) = match_zone(shipping, &dest.country, &dest.state, &dest.postcode) else {
        return Vec::new();
    };
    let mut methods: Vec<&ShippingMethod> = zone.methods.iter().filter(|m| m.enabled).collect();
    methods.sort_by_key(|m| m.order);
    let mut rates: Vec<ShippingRate> = Vec::with_capacity(methods.len());
    for method in methods {
        if let Some(rate) = method_rate(method, lines, inputs)
            && !rates.iter().any(|r| r.id == rate.id)
        {
            rates.push(rate);
        }
    }
    rates
}

/// The chosen rate of a package (J.9.9): the stored choice if it is still offered; else the
/// first rate, or, when an applied coupon grants free shipping, the first `free_shipping…`
/// rate if there is one. `None` when nothing is offered.
pub fn choose_rate(rates: &[ShippingRate], stored: Option<&str>, free_shipping_coupon_applied: bool) -> Option<String> {
    if let Some(stored) = stored.filter(|s| !s.is_empty())
        && rates.iter().any(|r| r.id == stored)
    {
        return Some(stored.to_string());
    }
    if free_shipping_coupon_applied
        && let Some(free) =
            rates.iter().find(|r| r.id.get(..13).is_some_and(|p| p.eq_ignore_ascii_case("free_shipping")))
    {
        return Some(free.id.clone());
    }
    rates.first().map(|r| r.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{ShippingZone, TaxRate};

    #[test]
    fn expressions() {
        let ev = |e: &str| evaluate_cost(e, 3.0, 86.45, ".");
        assert_eq!(ev("20"), 20.0);
        assert_eq!(ev(""), 0.0);
        assert_eq!(ev("0"), 0.0);
        assert_eq!(ev("10 + [qty] * 2"), 16.0);
        assert_eq!(ev("[qty]*[cost]"), 3.0 * 86.45);
        assert_eq!(ev("5 + [fee percent=\"7.5\" min_fee=\"1\"]"), 5.0 + 6.48375);
        assert_eq!(ev("[fee percent='10' max_fee='5']"), 5.0);
        assert_eq!(ev("[fee percent=1 min_fee=2]"), 2.0);
        assert_eq!(ev("[fee]"), 0.0);
        assert_eq!(ev("2 ^ 3 ^ 2"), 512.0);
        assert_eq!(ev("-2^2"), -4.0);
        assert_eq!(ev("2^-1"), 0.5);
        assert_eq!(ev("(1 + 2) * 3"), 9.0);
        assert_eq!(ev("2(3)"), 6.0);
        assert_eq!(ev("2pi"), 2.0 * WC_EVAL_PI);
        assert_eq!(ev("e"), WC_EVAL_E);
        assert_eq!(ev("2 * -3"), -6.0);
        assert_eq!(ev("2--3"), 5.0);
        assert_eq!(ev("1,5 * 2"), 3.0);
        assert_eq!(ev("+5*"), 5.0);
        assert_eq!(ev("10 / 4"), 2.5);
        assert_eq!(ev("10 / 0"), 0.0);
        assert_eq!(ev("10 / (2 - 2)"), 0.0);
        assert_eq!(ev("(2"), 0.0);
        assert_eq!(ev("2)"), 0.0);
        assert_eq!(ev("abc"), 0.0);
        assert_eq!(ev("5 %"), 0.0);
        assert_eq!(ev("5;"), 5.0);
        assert_eq!(ev("[[fee]]"), 0.0);
        assert_eq!(ev("1.5.5"), 0.75);
        assert_eq!(evaluate_cost("1,5", 1.0, 0.0, ","), 1.5);
    }

    #[test]
    fn fee_attributes() {
        assert_eq!(fee_shortcode(" percent=\"7.5\" min_fee=\"1\"", 86.45), "6.48375");
        assert_eq!(fee_shortcode(" percent=\"7.5\" min_fee=\"10\"", 86.45), "10");
        assert_eq!(fee_shortcode(" PERCENT=50", 3.0), "1.5");
        assert_eq!(fee_shortcode("", 3.0), "0");
        assert_eq!(expand_fee_shortcodes("a[fee percent=10]b", 50.0), "a5b");
        assert_eq!(expand_fee_shortcodes("a[fee percent=10/]b", 50.0), "a5b");
        assert_eq!(expand_fee_shortcodes("a[fee percent=10]x[/fee]b", 50.0), "a5b");
        assert_eq!(expand_fee_shortcodes("[[fee]]", 50.0), "[fee]");
        assert_eq!(expand_fee_shortcodes("[feed]", 50.0), "[feed]");
    }

    fn zone(id: u64, order: i64) -> ShippingZone {
        ShippingZone { id, order, name: format!("z{id}"), ..ShippingZone::default() }
    }

    #[test]
    fn zones() {
        let mut s = ShippingSettings::default();
        let mut us = zone(1, 2);
        us.countries = vec!["US".into()];
        let mut ca = zone(2, 1);
        ca.states = vec!["US:CA".into()];
        let mut sf = zone(3, 0);
        sf.states = vec!["US:CA".into()];
        sf.postcodes = vec!["941*".into()];
        let mut eu = zone(4, 0);
        eu.continents = vec!["EU".into()];
        let mut range = zone(5, 5);
        range.postcodes = vec!["SW1A...SW1Z".into()];
        s.zones = vec![zone(0, 0), us, ca, sf, eu, range];
        assert_eq!(match_zone(&s, "US", "CA", "94103").map(|z| z.id), Some(3));
        assert_eq!(match_zone(&s, "us", "ca", "90210").map(|z| z.id), Some(2));
        assert_eq!(match_zone(&s, "US", "NY", "").map(|z| z.id), Some(1));
        assert_eq!(match_zone(&s, "FR", "", "").map(|z| z.id), Some(4));
        assert_eq!(match_zone(&s, "GB", "", "sw1a 1aa").map(|z| z.id), Some(4));
        assert_eq!(match_zone(&s, "JP", "", "sw1a 1aa").map(|z| z.id), Some(5));
        assert_eq!(match_zone(&s, "JP", "", "").map(|z| z.id), Some(0));
        s.zones.remove(0);
        assert!(match_zone(&s, "JP", "", "").is_none());
        assert_eq!(continent_of("CY"), "AS");
        assert_eq!(continent_of("XX"), "");
    }

    fn rate_ids(rates: &[ShippingRate]) -> Vec<&str> {
        rates.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn rates_of_a_zone() {
        let mut settings = Settings::default();
        settings.tax.enabled = true;
        let tax_rate = TaxRate { id: 1, country: "US".into(), rate: "10".into(), ..TaxRate::default() };
        let mut z = zone(0, 0);
        z.methods = vec![
            ShippingMethod {
                instance_id: 3,
                method: MethodKind::LocalPickup,
                order: 3,
                cost: "5".into(),
                ..Default::default()
            },
            ShippingMethod {
                instance_id: 1,
                method: MethodKind::FlatRate,
                order: 1,
                cost: "20".into(),
                ..Default::default()
            },
            ShippingMethod {
                instance_id: 2,
                method: MethodKind::FreeShipping,
                order: 2,
                requires: FreeShippingRequires::MinAmount,
                min_amount: "50".into(),
                ..Default::default()
            },
            ShippingMethod {
                instance_id: 4,
                method: MethodKind::FlatRate,
                order: 0,
                enabled: false,
                cost: "1".into(),
                ..Default::default()
            },
            ShippingMethod { instance_id: 5, method: MethodKind::FlatRate, order: 0, ..Default::default() },
        ];
        settings.shipping.zones = vec![z];
        let dest = Address { country: "US".into(), state: "CA".into(), ..Address::default() };
        let tax_rates = [AppliedRate::new(&tax_rate)];
        let mut inputs = RateInputs {
            settings: &settings,
            destination: &dest,
            taxes_enabled: true,
            shipping_tax_rates: &tax_rates,
            free_shipping: FreeShippingInputs { displayed_subtotal: 36.0, ..Default::default() },
        };
        let lines = [PackageLine { key: "a", quantity: 2.0, line_total: 36.0, shipping_class: "" }];
        let rates = package_rates(&inputs, &lines);
        assert_eq!(rate_ids(&rates), vec!["flat_rate:1", "local_pickup:3"]);
        assert_eq!(rates[0].cost, "20.00");
        assert_eq!(rates[0].taxes[&1], 2.0);
        assert_eq!(rates[0].label, "Flat rate");
        assert_eq!(rates[1].cost, "5.00");
        assert_eq!(rates[1].taxes[&1], 0.5);
        inputs.free_shipping.displayed_subtotal = 50.0;
        let rates = package_rates(&inputs, &lines);
        assert_eq!(rate_ids(&rates), vec!["flat_rate:1", "free_shipping:2", "local_pickup:3"]);
        assert!(rates[1].taxes.is_empty());
        assert_eq!(rates[1].cost, "0.00");
        assert_eq!(choose_rate(&rates, None, false).as_deref(), Some("flat_rate:1"));
        assert_eq!(choose_rate(&rates, Some("local_pickup:3"), false).as_deref(), Some("local_pickup:3"));
        assert_eq!(choose_rate(&rates, Some("gone:9"), true).as_deref(), Some("free_shipping:2"));
        assert_eq!(choose_rate(&[], Some("flat_rate:1"), false), None);
        // Not a shipping country: no rates.
        let mut elsewhere = settings.clone();
        elsewhere.shipping.ship_to = ShipTo::Specific;
        elsewhere.shipping.countries = vec!["CA".into()];
        inputs.settings = &elsewhere;
        assert!(package_rates(&inputs, &lines).is_empty());
    }

    #[test]
    fn class_costs() {
        let mut settings = Settings::default();
        settings.shipping.classes = vec!["bulky".into(), "small".into()];
        let mut m = ShippingMethod {
            instance_id: 1,
            cost: "2".into(),
            no_class_cost: "1 * [qty]".into(),
            ..Default::default()
        };
        m.class_costs.insert("bulky".into(), "10 * [qty]".into());
        let lines = [
            PackageLine { key: "a", quantity: 2.0, line_total: 10.0, shipping_class: "bulky" },
            PackageLine { key: "b", quantity: 3.0, line_total: 10.0, shipping_class: "" },
            PackageLine { key: "c", quantity: 1.0, line_total: 10.0, shipping_class: "small" },
            PackageLine { key: "d", quantity: 1.0, line_total: 10.0, shipping_class: "unknown" },
        ];
        // 2 + bulky 20 + none 3 + small "" (skipped) + unknown → no-class 1.
        assert_eq!(flat_rate_cost(&m, &lines, &settings), Some(26.0));
        m.calculation_type = FlatRateCalc::Order;
        assert_eq!(flat_rate_cost(&m, &lines, &settings), Some(22.0));
        let empty = ShippingMethod::default();
        assert_eq!(flat_rate_cost(&empty, &lines, &settings), None);
    }

    #[test]
    fn show_shipping_requires_address() {
        let mut settings = Settings::default();
        let mut dest = Address { country: "US".into(), state: "CA".into(), ..Address::default() };
        assert!(show_shipping(&settings, &dest, true));
        assert!(!show_shipping(&settings, &dest, false));
        settings.shipping.cost_requires_address = true;
        assert!(!show_shipping(&settings, &dest, true));
        dest.postcode = "94103".into();
        assert!(show_shipping(&settings, &dest, true));
        let gb = Address { country: "GB".into(), postcode: "SW1A 1AA".into(), ..Address::default() };
        assert!(show_shipping(&settings, &gb, true));
        settings.shipping.ship_to = ShipTo::Disabled;
        assert!(!show_shipping(&settings, &dest, true));
    }
}
