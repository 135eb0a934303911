//! Postcodes as WooCommerce compares them (CONTRACT §J.10.3): normalisation, the per-country
//! format, the wildcard candidate list, and range patterns. Used by tax-rate matching and by
//! shipping-zone matching alike.

use std::cmp::Ordering;

use crate::numeric::{php_compare_strings, php_numeric};

/// PHP `trim()`'s default set.
fn php_trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B'))
}

/// `wc_normalize_postcode`: upper-case, trimmed, whitespace and `-` removed
/// (`" 941 03"` → `94103`, `sw1a-1aa` → `SW1A1AA`).
pub fn normalize(postcode: &str) -> String {
    let mut out = String::with_capacity(postcode.len());
    for c in postcode.chars() {
        if c == '-' || matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C') {
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_uppercase());
        } else {
            out.extend(c.to_uppercase());
        }
    }
    let trimmed = php_trim(&out);
    if trimmed.len() != out.len() { trimmed.to_string() } else { out }
}

/// Largest char boundary ≤ `i` (PHP works on bytes; postcodes are ASCII in practice).
fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// PHP `substr_replace($s, $ins, $start, 0)` with its clamping of out-of-range starts.
fn insert_at(s: &str, start: isize, ins: &str) -> String {
    let len = s.len() as isize;
    let mut pos = if start < 0 { len + start } else { start };
    pos = pos.clamp(0, len);
    let pos = floor_boundary(s, pos as usize);
    let mut out = String::with_capacity(s.len() + ins.len());
    out.push_str(&s[..pos]);
    out.push_str(ins);
    out.push_str(&s[pos..]);
    out
}

/// `wc_format_postcode($postcode, $country)`: the postcode normalised, then formatted the
/// way the country writes it (`SW1A 1AA`, `94103-1234`, `LV-1010`), then trimmed.
pub fn format(postcode: &str, country: &str) -> String {
    let pn = normalize(postcode);
    let formatted = match country {
        "CA" | "GB" => insert_at(&pn, -3, " "),
        "IE" => insert_at(&pn, 3, " "),
        "BR" | "PL" => insert_at(&pn, -3, "-"),
        "JP" => insert_at(&pn, 3, "-"),
        "PT" => insert_at(&pn, 4, "-"),
        "PR" | "US" => {
            let mut s = insert_at(&pn, 5, "-");
            let keep = s.trim_end_matches('-').len();
            s.truncate(keep);
            s
        }
        "NL" => insert_at(&pn, 4, " "),
        // `(?:LV)?-?(\d+)`: the first run of ASCII digits.
        "LV" => match pn.find(|c: char| c.is_ascii_digit()) {
            Some(start) => {
                let rest = &pn[start..];
                let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
                format!("LV-{}", &rest[..end])
            }
            None => pn,
        },
        _ => pn,
    };
    let trimmed = php_trim(&formatted);
    if trimmed.len() != formatted.len() { trimmed.to_string() } else { formatted }
}

/// `wc_make_numeric_postcode`: each digit → `0d`, each letter → its alphabet position as two
/// digits, anything else → `00`. Lower-case letters count as upper-case because stored
/// patterns are upper-cased.
fn make_numeric(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        let (hi, lo) = match b {
            b'0'..=b'9' => (0, b - b'0'),
            b'A'..=b'Z' => ((b - b'A' + 1) / 10, (b - b'A' + 1) % 10),
            b'a'..=b'z' => ((b - b'a' + 1) / 10, (b - b'a' + 1) % 10),
            _ => (0, 0),
        };
        out.push((b'0' + hi) as char);
        out.push((b'0' + lo) as char);
    }
    out
}

fn pad_zeros(mut s: String, len: usize) -> String {
    while s.len() < len {
        s.push('0');
    }
    s
}

fn eq_upper(stored: &str, candidate: &str) -> bool {
    stored.eq_ignore_ascii_case(candidate)
        || (!stored.is_ascii() && stored.chars().flat_map(char::to_uppercase).eq(candidate.chars()))
}

/// A customer postcode prepared once for matching against many stored patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostcodeMatcher {
    normalized: String,
    formatted: String,
}

impl PostcodeMatcher {
    /// `postcode` as the customer entered it; `country` the upper-case country code.
    pub fn new(postcode: &str, country: &str) -> Self {
        let normalized = normalize(postcode);
        let formatted = format(&normalized, country);
        PostcodeMatcher { normalized, formatted }
    }

    /// `Pn`.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// `F`, the country-formatted postcode.
    pub fn formatted(&self) -> &str {
        &self.formatted
    }

    /// `wc_get_wildcard_postcodes`: `Pn`, `F`, `F*`, then `F` with its last 1, 2, …
    /// characters removed followed by `*` (ending with `*` alone).
    pub fn candidates(&self) -> Vec<String> {
        let f = &self.formatted;
        let mut list = vec![self.normalized.clone(), f.clone(), format!("{f}*")];
        let ends: Vec<usize> = f.char_indices().map(|(i, _)| i).collect();
        for &end in ends.iter().rev() {
            list.push(format!("{}*", &f[..end]));
        }
        list
    }

    /// Whether a stored pattern (exact, wildcard `941*`, or range `90210...99000`) matches.
    /// Stored patterns are compared upper-cased and trimmed, as WooCommerce stores them.
    pub fn matches(&self, pattern: &str) -> bool {
        let pattern = php_trim(pattern);
        if pattern.contains("...") {
            return self.range_matches(pattern);
        }
        // Membership in the candidate list, without building it: the wildcard entries are
        // exactly the char prefixes of F (full length down to empty) followed by `*`.
        if eq_upper(pattern, &self.normalized) || eq_upper(pattern, &self.formatted) {
            return true;
        }
        match pattern.strip_suffix('*') {
            Some(prefix) => {
                prefix.len() <= self.formatted.len()
                    && self.formatted.is_char_boundary(prefix.len())
                    && eq_upper(prefix, &self.formatted[..prefix.len()])
            }
            None => false,
        }
    }

    fn range_matches(&self, pattern: &str) -> bool {
        let mut parts = pattern.split("...");
        let (Some(min), Some(max), None) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        let (min, max) = (php_trim(min), php_trim(max));
        let pn = self.normalized.as_str();
        if php_numeric(min).is_some() && php_numeric(max).is_some() {
            php_compare_strings(pn, min) != Ordering::Less && php_compare_strings(pn, max) != Ordering::Greater
        } else {
            let compare = make_numeric(pn);
            let min = pad_zeros(make_numeric(min), compare.len());
            let max = pad_zeros(make_numeric(max), compare.len());
            php_compare_strings(&compare, &min) != Ordering::Less
                && php_compare_strings(&compare, &max) != Ordering::Greater
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize(" 941 03"), "94103");
        assert_eq!(normalize("sw1a-1aa"), "SW1A1AA");
        assert_eq!(normalize("h2x 1y4"), "H2X1Y4");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn formats_per_country() {
        assert_eq!(format("sw1a1aa", "GB"), "SW1A 1AA");
        assert_eq!(format("H2X1Y4", "CA"), "H2X 1Y4");
        assert_eq!(format("D02X285", "IE"), "D02 X285");
        assert_eq!(format("01310100", "BR"), "01310-100");
        assert_eq!(format("00950", "PL"), "00-950");
        assert_eq!(format("1000001", "JP"), "100-0001");
        assert_eq!(format("1000001", "PT"), "1000-001");
        assert_eq!(format("941031234", "US"), "94103-1234");
        assert_eq!(format("94103", "US"), "94103");
        assert_eq!(format("941", "US"), "941");
        assert_eq!(format("00901", "PR"), "00901");
        assert_eq!(format("1012AB", "NL"), "1012 AB");
        assert_eq!(format("lv-1010", "LV"), "LV-1010");
        assert_eq!(format("1010", "LV"), "LV-1010");
        assert_eq!(format("75001", "FR"), "75001");
        // Short codes: PHP clamps the insertion point, then trims.
        assert_eq!(format("AB", "GB"), "AB");
        assert_eq!(format("D2", "IE"), "D2");
    }

    #[test]
    fn candidate_list() {
        let m = PostcodeMatcher::new("94103", "US");
        assert_eq!(m.candidates(), vec!["94103", "94103", "94103*", "9410*", "941*", "94*", "9*", "*"]);
        let gb = PostcodeMatcher::new("sw1a1aa", "GB");
        assert_eq!(gb.candidates()[..4], ["SW1A1AA", "SW1A 1AA", "SW1A 1AA*", "SW1A 1A*"]);
    }

    #[test]
    fn wildcards() {
        let m = PostcodeMatcher::new("94103", "US");
        assert!(m.matches("941*"));
        assert!(m.matches("9*"));
        assert!(m.matches("94103"));
        assert!(m.matches(" 94103 "));
        assert!(!m.matches("94104"));
        assert!(!m.matches("942*"));
        let long = PostcodeMatcher::new("941031234", "US");
        assert!(long.matches("94103*"));
        assert!(long.matches("941031234"));
        assert!(long.matches("94103-1234"));
        assert!(!long.matches("941031*"));
        let gb = PostcodeMatcher::new("sw1a1aa", "GB");
        assert!(gb.matches("SW1A 1*"));
        assert!(gb.matches("SW1A*"));
        assert!(gb.matches("SW1A1AA"));
        assert!(gb.matches("sw1a 1aa"));
        assert!(!gb.matches("SW1A1*"));
    }

    #[test]
    fn ranges() {
        let m = PostcodeMatcher::new("94103", "US");
        assert!(m.matches("94100...94199"));
        assert!(m.matches("94100 ... 94199"));
        assert!(m.matches("94103...94103"));
        assert!(!m.matches("94104...94199"));
        assert!(!m.matches("1...2...3"));
        // Numeric bounds, postcode numeric but longer: compared as numbers.
        assert!(!PostcodeMatcher::new("941031234", "US").matches("94100...94199"));
        // Alphanumeric bounds: converted to digit strings, padded, compared as numbers.
        let gb = PostcodeMatcher::new("SW1A 1AA", "GB");
        assert!(gb.matches("SW1A...SW1Z"));
        assert!(gb.matches("SW1...SW2"));
        assert!(!gb.matches("SX...SZ"));
        let ca = PostcodeMatcher::new("H2X 1Y4", "CA");
        assert!(ca.matches("H2A...H2Z"));
        assert!(!ca.matches("H3A...H3Z"));
    }
}
