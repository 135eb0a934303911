//! PHP and WordPress string semantics that CoCart's behaviour depends on: `is_numeric`,
//! `(int)`/`floatval` casts, `sanitize_key`, `sanitize_title`, `http_build_query`, the
//! compact `json_encode` used inside hashes, and the value → string conversions.

use serde_json::Value;

use crate::numeric::{json_float, php_float_to_string};

/// PHP 8 `is_numeric` for a string: optional leading and trailing whitespace around a
/// decimal literal with optional sign, fraction and exponent.
pub fn is_numeric(s: &str) -> bool {
    crate::numeric::php_numeric(s).is_some()
}

/// PHP `floatval` of a string: the leading numeric part, 0 if none.
pub fn floatval(s: &str) -> f64 {
    crate::numeric::php_floatval(s)
}

/// PHP `(int)` of a string: `"71.9"` → 71, `"1e3"` → 1000, `"010"` → 10, `"+10"` → 10.
pub fn intval(s: &str) -> i64 {
    let v = floatval(s);
    if v.is_finite() { v.trunc().clamp(i64::MIN as f64, i64::MAX as f64) as i64 } else { 0 }
}

/// WordPress `sanitize_key`: lower-case, keep `[a-z0-9_-]`.
pub fn sanitize_key(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = c.to_ascii_lowercase();
            (c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-').then_some(c)
        })
        .collect()
}

pub use crate::wp_sanitize::sanitize_title;

/// Remove HTML tags (`wp_strip_all_tags` without the whitespace collapsing).
pub fn strip_tags(s: &str) -> String {
    if !s.contains('<') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// PHP `trim` default character set.
pub fn php_trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B'))
}

/// PHP string conversion of a JSON value: `true` → "1", `false`/`null` → "", numbers as
/// PHP prints them. Arrays and objects have no scalar form here (`None`).
pub fn scalar_to_string(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => String::new(),
        Value::Bool(true) => "1".into(),
        Value::Bool(false) => String::new(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => match n.as_u64() {
                Some(u) => u.to_string(),
                None => php_float_to_string(n.as_f64().unwrap_or(0.0)),
            },
        },
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

/// PHP `empty()` of a JSON value: `""`, `"0"`, `0`, `0.0`, `null`, `false`, `[]`, `{}`.
pub fn php_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty() || s == "0",
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// PHP `urlencode`: space → `+`, everything but `[A-Za-z0-9_.-]` percent-encoded.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// PHP `http_build_query` of an array or object value (nested keys as `a[b]`, encoded).
pub fn http_build_query(value: &Value) -> String {
    let mut pairs = Vec::new();
    build_query(value, None, &mut pairs);
    pairs.join("&")
}

fn build_query(value: &Value, prefix: Option<&str>, pairs: &mut Vec<String>) {
    let entries: Vec<(String, &Value)> = match value {
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        _ => return,
    };
    for (key, v) in entries {
        let name = match prefix {
            Some(p) => format!("{p}[{key}]"),
            None => key,
        };
        match v {
            Value::Null => {}
            Value::Array(_) | Value::Object(_) => build_query(v, Some(&name), pairs),
            Value::Bool(b) => pairs.push(format!("{}={}", urlencode(&name), if *b { "1" } else { "0" })),
            other => {
                let s = scalar_to_string(other).unwrap_or_default();
                pairs.push(format!("{}={}", urlencode(&name), urlencode(&s)));
            }
        }
    }
}

/// Compact PHP `json_encode` (as used inside WooCommerce's hashes): floats the PHP way,
/// `/` escaped, non-ASCII as `\uXXXX`, empty arrays and objects as given.
pub fn json_encode(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}

pub fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (_, Some(u)) => out.push_str(&u.to_string()),
            _ => out.push_str(&json_float(n.as_f64().unwrap_or(0.0))),
        },
        Value::String(s) => write_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(v, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// WordPress `esc_html` without double-encoding existing entities.
pub fn esc_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let c = bytes[i];
        match c {
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'"' => out.push_str("&quot;"),
            b'\'' => out.push_str("&#039;"),
            b'&' => {
                if is_entity_at(&s[i..]) {
                    out.push('&');
                } else {
                    out.push_str("&amp;");
                }
            }
            _ => {
                let ch = s[i..].chars().next().unwrap_or('\u{FFFD}');
                out.push(ch);
                i += ch.len_utf8();
                continue;
            }
        }
        i += 1;
    }
    out
}

fn is_entity_at(s: &str) -> bool {
    let Some(end) = s[1..].find(';') else { return false };
    let body = &s[1..=end];
    !body.is_empty()
        && body.len() <= 10
        && (body.chars().all(|c| c.is_ascii_alphanumeric())
            || (body.starts_with('#') && body[1..].chars().all(|c| c.is_ascii_alphanumeric())))
}

/// WordPress title texturizing as it affects product titles in messages: `'` → `&#8217;`,
/// a bare `&` → `&#038;`.
pub fn texturize_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '\'' => out.push_str("&#8217;"),
            '&' if !is_entity_at(&s[i..]) => out.push_str("&#038;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numeric_strings() {
        for s in ["1", " 1", "1.5", "2e0", "-1", "+10", "010", ".5", "1.", " 2 "] {
            assert!(is_numeric(s), "{s:?}");
        }
        for s in ["", "abc", "1a", "e1", ".", "-", "1e", "0x1A"] {
            assert!(!is_numeric(s), "{s:?}");
        }
        assert_eq!(intval("71.9"), 71);
        assert_eq!(intval("1e3"), 1000);
        assert_eq!(intval("010"), 10);
        assert_eq!(intval("+10"), 10);
        assert_eq!(intval("10.9"), 10);
        assert_eq!(intval("-10"), -10);
    }

    #[test]
    fn keys_and_titles() {
        assert_eq!(sanitize_key("Not A Key!"), "notakey");
        assert_eq!(sanitize_key("A538D6"), "a538d6");
        assert_eq!(sanitize_title("Color"), "color");
        assert_eq!(sanitize_title("V-Neck T-Shirt"), "v-neck-t-shirt");
        assert_eq!(sanitize_title("Hoodie with Logo"), "hoodie-with-logo");
        assert_eq!(sanitize_title("Sébastien  Dumont"), "sebastien-dumont");
        assert_eq!(sanitize_title("Women's"), "womens");
    }

    #[test]
    fn query_building() {
        assert_eq!(http_build_query(&json!({"a": [1, 2]})), "a%5B0%5D=1&a%5B1%5D=2");
        assert_eq!(http_build_query(&json!({"line1": "A B", "line2": "B"})), "line1=A+B&line2=B");
    }

    #[test]
    fn json_like_php() {
        assert_eq!(json_encode(&json!({"type": "simple", "attributes": ""})), r#"{"type":"simple","attributes":""}"#);
        assert_eq!(json_encode(&json!("a/b é")), r#""a\/b \u00e9""#);
    }

    #[test]
    fn html_escaping() {
        assert_eq!(esc_html("&ldquo;A&rdquo; & B"), "&ldquo;A&rdquo; &amp; B");
        assert_eq!(texturize_title("Tom's & Co"), "Tom&#8217;s &#038; Co");
    }
}
