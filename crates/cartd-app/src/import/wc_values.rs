//! How WooCommerce's importers read individual cells: the exporter's escapes, comma lists,
//! `wc_clean`, booleans, decimals, dates, and tax-location normalisation. Shared by both
//! importers and by the settings-file validation.

/// Undo the exporter's formula-injection escape: a `'` in front of `=`, `+`, `-` or `@`.
pub(crate) fn unescape(value: &str) -> &str {
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some('\''), Some('=' | '+' | '-' | '@')) => &value[1..],
        _ => value,
    }
}

/// PHP `trim()` default character set.
pub(crate) fn php_trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B'))
}

/// `explode_values()`: split on `separator` except where it is escaped as `\,`, trim each part.
pub(crate) fn explode_values(value: &str, separator: char) -> Vec<String> {
    const MARK: &str = "\u{0}::separator::\u{0}";
    let protected = value.replace("\\,", MARK);
    protected.split(separator).map(|part| php_trim(&part.replace(MARK, ",")).to_string()).collect()
}

/// `wc_clean()` (WordPress `sanitize_text_field`): tags stripped, whitespace runs (including
/// line breaks and tabs) collapsed to one space, percent-encoded octets removed, trimmed.
pub(crate) fn wc_clean(value: &str) -> String {
    let mut stripped = String::with_capacity(value.len());
    let mut in_tag = false;
    for c in value.chars() {
        match c {
            '<' if !in_tag => {
                // A lone `<` not starting a tag is kept as text, as WordPress does.
                in_tag = true;
                stripped.push('\u{1}');
            }
            '>' if in_tag => {
                in_tag = false;
                if let Some(pos) = stripped.rfind('\u{1}') {
                    stripped.truncate(pos);
                }
            }
            _ => stripped.push(c),
        }
    }
    let stripped = stripped.replace('\u{1}', "<");
    let mut out = String::with_capacity(stripped.len());
    let mut space = false;
    for c in stripped.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    if out.contains('%') {
        let b = out.as_bytes();
        let mut cleaned = String::with_capacity(out.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' && is_octet(b, i) {
                i += 3;
                continue;
            }
            let ch = out[i..].chars().next().unwrap_or_default();
            cleaned.push(ch);
            i += ch.len_utf8().max(1);
        }
        let collapsed: Vec<&str> = cleaned.split(' ').filter(|s| !s.is_empty()).collect();
        return collapsed.join(" ");
    }
    out
}

fn is_octet(b: &[u8], i: usize) -> bool {
    i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()
}

/// A yes/no cell: `1`/`yes`/`true` or `0`/`no`/`false`/empty (WooCommerce treats anything
/// else as "no"; cartd refuses it).
pub(crate) fn parse_bool(value: &str) -> Result<bool, String> {
    match php_trim(value).to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" => Ok(true),
        "" | "0" | "no" | "false" => Ok(false),
        _ => Err(format!("\"{value}\" is not a yes/no value (use 1 or 0)")),
    }
}

/// A plain decimal number as WooCommerce stores prices: optional `-`, digits, one optional
/// `.` (`"20"`, `"11.05"`, `".5"`). Returns the trimmed text and its value.
pub(crate) fn parse_decimal(value: &str) -> Result<(String, f64), String> {
    let t = php_trim(value);
    let body = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let ok = !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    match (ok, t.parse::<f64>()) {
        (true, Ok(v)) if v.is_finite() => Ok((t.to_string(), v)),
        _ => Err(format!("\"{value}\" is not a number")),
    }
}

/// A PHP numeric string (`floatval` input WooCommerce accepts: exponents allowed).
pub(crate) fn parse_number(value: &str) -> Result<f64, String> {
    let t = php_trim(value);
    let plain = t.strip_prefix(['+', '-']).unwrap_or(t);
    let looks_numeric = !plain.is_empty()
        && plain.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && plain.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.');
    match t.parse::<f64>() {
        Ok(v) if looks_numeric && v.is_finite() => Ok(v),
        _ => Err(format!("\"{value}\" is not a number")),
    }
}

/// `wc_format_decimal(float)`: `%.6f` with trailing zeros and a trailing `.` removed.
pub(crate) fn format_float(value: f64) -> String {
    let s = format!("{value:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// Round a decimal string half away from zero to `places` decimals and print exactly that
/// many (`number_format($v, places, '.', '')` for the values a rate table holds).
pub(crate) fn round_decimal(value: f64, places: usize) -> String {
    // Shortest round-trip digits, then decimal rounding on those digits: this is what PHP's
    // pre-rounding round() does for any value entered with at most 15 significant digits.
    let text = format!("{}", value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().chain(std::iter::repeat(b'0')).take(places)).collect();
    let round_up = frac.as_bytes().get(places).is_some_and(|&d| d >= b'5');
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - places;
    let mut out = String::new();
    if value < 0.0 && digits.iter().any(|&d| d != b'0') {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(&digits[..split]).unwrap_or("0"));
    if places > 0 {
        out.push('.');
        out.push_str(std::str::from_utf8(&digits[split..]).unwrap_or(""));
    }
    out
}

/// A sale date cell: `YYYY-MM-DD`, optionally followed by a time (`2024-05-01 10:30:00`,
/// `2024-05-01T10:30:00`). Like WooCommerce's importer, only the date is kept; the result is
/// midnight UTC of that day, in Unix seconds.
pub(crate) fn parse_date(value: &str) -> Result<i64, String> {
    let t = php_trim(value);
    let bad = || format!("\"{value}\" is not a date (use YYYY-MM-DD)");
    if t.len() < 10 || !t.is_char_boundary(10) {
        return Err(bad());
    }
    let (date, rest) = t.split_at(10);
    let rest_ok = rest.is_empty()
        || ((rest.starts_with(' ') || rest.starts_with('T'))
            && rest[1..].bytes().all(|b| b.is_ascii_digit() || matches!(b, b':' | b'.' | b'+' | b'-' | b'Z' | b' ')));
    let parts: Vec<&str> = date.split('-').collect();
    if !rest_ok || parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return Err(bad());
    }
    let num = |s: &str| if s.bytes().all(|b| b.is_ascii_digit()) { s.parse::<i64>().ok() } else { None };
    let (Some(y), Some(m), Some(d)) = (num(parts[0]), num(parts[1]), num(parts[2])) else { return Err(bad()) };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d < 1 || d > days_in_month {
        return Err(bad());
    }
    Ok(days_from_civil(y, m, d) * 86_400)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A stored postcode pattern the way WooCommerce saves it: trimmed, upper-cased, `…` → `...`.
pub(crate) fn normalize_postcode(pattern: &str) -> String {
    php_trim(&pattern.replace('…', "...")).to_uppercase()
}

/// Why a (normalised) postcode pattern is unusable, if it is: a range must be `min...max`
/// with both bounds present, and numeric bounds in order.
pub(crate) fn postcode_problem(pattern: &str) -> Option<String> {
    if !pattern.contains("...") {
        return None;
    }
    let parts: Vec<&str> = pattern.split("...").map(str::trim).collect();
    if parts.len() != 2 || parts[0].is_empty() || parts[1].is_empty() {
        return Some(format!("postcode range \"{pattern}\" must be written min...max"));
    }
    let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if numeric(parts[0]) && numeric(parts[1]) {
        let (lo, hi) = (parts[0].parse::<u128>().ok(), parts[1].parse::<u128>().ok());
        if let (Some(lo), Some(hi)) = (lo, hi)
            && lo > hi
        {
            return Some(format!("postcode range \"{pattern}\" has its bounds the wrong way round"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(unescape("'-5"), "-5");
        assert_eq!(unescape("'abc"), "'abc");
        assert_eq!(explode_values("a, b\\, c ,d", ','), vec!["a", "b, c", "d"]);
        assert_eq!(wc_clean("  <b>Red</b>\n  shirt \t"), "Red shirt");
        assert_eq!(wc_clean("a < b"), "a < b");
        assert_eq!(wc_clean("ABC%20X"), "ABCX");
        assert_eq!(format_float(0.5), "0.5");
        assert_eq!(format_float(2.0), "2");
        assert_eq!(round_decimal(10.0, 4), "10.0000");
        assert_eq!(round_decimal(7.12345, 4), "7.1235");
        assert_eq!(round_decimal(9.99995, 4), "10.0000");
        assert_eq!(round_decimal(0.0, 4), "0.0000");
        assert!(parse_decimal("abc").is_err());
        assert!(parse_decimal("1,5").is_err());
        assert_eq!(parse_decimal(" .5 ").unwrap().0, ".5");
        assert_eq!(parse_number("1e3").unwrap(), 1000.0);
        assert!(parse_number("12abc").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("2024-03-01 10:00:00"), Ok(1_709_251_200));
        assert_eq!(parse_date("2024-02-29T23:59:59"), Ok(1_709_164_800));
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("01/02/2024").is_err());
    }

    #[test]
    fn postcodes() {
        assert_eq!(normalize_postcode(" sw1a 1aa "), "SW1A 1AA");
        assert_eq!(normalize_postcode("90210…99000"), "90210...99000");
        assert!(postcode_problem("90210...99000").is_none());
        assert!(postcode_problem("99000...90210").is_some());
        assert!(postcode_problem("...5").is_some());
        assert!(postcode_problem("1...2...3").is_some());
    }
}
