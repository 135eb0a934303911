//! PHP `json_encode` as CoCart's responses use it (CONTRACT §A.3, §J.0.5): compact output,
//! floats printed the PHP way (integral values without a fraction, shortest round-trip
//! digits, exponent form below 1e-4), `/` escaped as `\/`. Plus the PHP-array helpers that
//! turn empty maps into `[]`.
//!
//! The encoder is a [`serde_json::ser::Formatter`], so it runs at serde_json's speed.

use std::io;

use cartd_domain::numeric::json_float;
use cartd_domain::totals::TaxMap;
use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};
use serde_json::{Map, Value};

use crate::sink::{fmt_u64, itoa_buf};

/// The `json_encode` formatter. `escape_unicode` selects PHP's exact default (non-ASCII as
/// `\uXXXX`), which matters only for hashing; responses keep UTF-8 (§A.3 item 4).
#[derive(Debug, Clone, Copy, Default)]
pub struct PhpFormatter {
    pub escape_unicode: bool,
}

impl Formatter for PhpFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        // Fast path: integral values print as integers (PHP and `json_float` agree; -0.0 and
        // large magnitudes go through `json_float`).
        let magnitude = value.abs();
        if value.fract() == 0.0 && magnitude < 1e15 && !(value == 0.0 && value.is_sign_negative()) {
            return self.write_i64(writer, value as i64);
        }
        // In the plain-notation range PHP prints the shortest round-trip digits, which is
        // exactly Rust's `Display` (§J.0.5); only the exponent forms need `json_float`.
        if (1e-4..1e15).contains(&magnitude) {
            return write!(writer, "{value}");
        }
        writer.write_all(json_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }

    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        let mut start = 0;
        if self.escape_unicode {
            for (i, c) in fragment.char_indices() {
                if c == '/' {
                    writer.write_all(&bytes[start..i])?;
                    writer.write_all(b"\\/")?;
                    start = i + 1;
                } else if !c.is_ascii() {
                    writer.write_all(&bytes[start..i])?;
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        write_u_escape(writer, *unit)?;
                    }
                    start = i + c.len_utf8();
                }
            }
        } else {
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'/' {
                    writer.write_all(&bytes[start..i])?;
                    writer.write_all(b"\\/")?;
                    start = i + 1;
                }
            }
        }
        writer.write_all(&bytes[start..])
    }

    fn write_char_escape<W: ?Sized + io::Write>(&mut self, writer: &mut W, char_escape: CharEscape) -> io::Result<()> {
        let s: &[u8] = match char_escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"\\/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => return write_u_escape(writer, u16::from(byte)),
        };
        writer.write_all(s)
    }
}

fn write_u_escape<W: ?Sized + io::Write>(writer: &mut W, unit: u16) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let buf = [
        b'\\',
        b'u',
        HEX[(unit >> 12) as usize & 0xf],
        HEX[(unit >> 8) as usize & 0xf],
        HEX[(unit >> 4) as usize & 0xf],
        HEX[unit as usize & 0xf],
    ];
    writer.write_all(&buf)
}

/// Appends the compact PHP JSON of `value` to `out` (UTF-8 kept, `/` escaped).
pub fn write_to(out: &mut Vec<u8>, value: &Value) {
    let mut ser = serde_json::Serializer::with_formatter(out, PhpFormatter::default());
    // Writing a Value into a Vec cannot fail.
    value.serialize(&mut ser).expect("serializing a JSON value into memory");
}

/// Compact PHP JSON of `value`, as CoCart sends it.
pub fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    write_to(&mut out, value);
    out
}

/// [`to_vec`] as a `String`.
pub fn to_string(value: &Value) -> String {
    // The formatter only writes valid UTF-8 (input strings plus ASCII escapes).
    String::from_utf8(to_vec(value)).expect("php_json writes UTF-8")
}

/// PHP's exact default `json_encode` bytes: like [`to_vec`], and non-ASCII as `\uXXXX`
/// (UTF-16 units). Use it where the bytes are hashed.
pub fn to_vec_ascii(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PhpFormatter { escape_unicode: true });
    value.serialize(&mut ser).expect("serializing a JSON value into memory");
    out
}

/// A PHP associative array: an object, or `[]` when there are no entries (§A.3 item 1).
pub fn php_map<K: ToString>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
    let iter = entries.into_iter();
    let mut map = Map::with_capacity(iter.size_hint().0);
    for (k, v) in iter {
        map.insert(k.to_string(), v);
    }
    php_object(map)
}

/// An already built map as a PHP array: `[]` when empty.
pub fn php_object(map: Map<String, Value>) -> Value {
    if map.is_empty() { Value::Array(Vec::new()) } else { Value::Object(map) }
}

/// Rate id → amount map (`{"1": 3.6}`), `[]` when empty.
pub fn tax_map(map: &TaxMap) -> Value {
    if map.is_empty() {
        return Value::Array(Vec::new());
    }
    let mut out = Map::with_capacity(map.len());
    for (id, amount) in map {
        out.insert(id.to_string(), float(*amount));
    }
    Value::Object(out)
}

/// A PHP float as a JSON number (non-finite values, which PHP cannot encode, become `null`).
#[inline]
pub fn float(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A JSON value as it comes back out of PHP after `json_decode(…, true)`: objects are PHP
/// arrays, so an empty object prints as `[]` and an object keyed `"0"`, `"1"`, … in order
/// prints as a list. Applied recursively to posted custom item data.
pub fn php_value(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            if map.is_empty() {
                return Value::Array(Vec::new());
            }
            if is_sequential(map) {
                return Value::Array(map.values().map(php_value).collect());
            }
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                out.insert(k.clone(), php_value(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(php_value).collect()),
        other => other.clone(),
    }
}

pub(crate) fn is_sequential(map: &Map<String, Value>) -> bool {
    let mut buf = itoa_buf();
    map.keys().enumerate().all(|(i, k)| k == fmt_u64(&mut buf, i as u64))
}

pub use cartd_domain::php::php_empty;

/// PHP's `$s++` on a string (Perl-style increment): `"default"` → `"defaulu"`, `"az"` →
/// `"ba"`, `"zz"` → `"aaa"`, `"a9"` → `"b0"`. Used for shipping package keys.
pub fn php_str_increment(s: &str) -> String {
    if s.is_empty() {
        return "1".to_string();
    }
    let mut bytes = s.as_bytes().to_vec();
    let mut i = bytes.len();
    loop {
        if i == 0 {
            // Carried past the first character: prepend according to its class.
            let first = match bytes[0] {
                b'0' => b'1',
                b'a' => b'a',
                b'A' => b'A',
                _ => b'1',
            };
            bytes.insert(0, first);
            break;
        }
        i -= 1;
        let c = bytes[i];
        match c {
            b'z' => bytes[i] = b'a',
            b'Z' => bytes[i] = b'A',
            b'9' => bytes[i] = b'0',
            b'a'..=b'y' | b'A'..=b'Y' | b'0'..=b'8' => {
                bytes[i] = c + 1;
                break;
            }
            // PHP stops at the first non-alphanumeric character.
            _ => break,
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn enc(v: &Value) -> String {
        to_string(v)
    }

    #[test]
    fn floats_print_like_php() {
        assert_eq!(enc(&json!([1.0, 18.0, 36.0, -1.0, 0.0])), "[1,18,36,-1,0]");
        assert_eq!(enc(&json!([1.5, 8.4, 9.7013, 3.6])), "[1.5,8.4,9.7013,3.6]");
        assert_eq!(enc(&float(0.2 * 3.0)), "0.6000000000000001");
        assert_eq!(enc(&float(0.2 * 3.5)), "0.7000000000000001");
        assert_eq!(enc(&float(143.4 / 100.0)), "1.4340000000000002");
        assert_eq!(enc(&json!({"a": 1, "b": u64::MAX, "c": -5})), format!("{{\"a\":1,\"b\":{},\"c\":-5}}", u64::MAX));
    }

    #[test]
    fn fast_float_paths_agree_with_json_float() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let check = |x: f64| {
            let mut out = Vec::new();
            PhpFormatter::default().write_f64(&mut out, x).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), json_float(x), "{x:e}");
        };
        for _ in 0..200_000 {
            let bits = next();
            let x = f64::from_bits(bits);
            if x.is_finite() {
                check(x);
            }
            // Money-like values: cents and tax fractions, sums and products of them.
            let cents = (bits % 10_000_000) as f64 / 100.0;
            check(cents);
            check(-cents);
            check(cents * 0.1);
            check(cents / 3.0);
            check((bits % 1000) as f64 * 1e-6);
            check(1e15 - cents);
        }
        for x in [0.0, -0.0, 1e-4, 9.99e-5, 1e15, 1e17, 123456789012345.6, 0.1 + 0.2, 5e-324, f64::MAX] {
            check(x);
        }
    }

    #[test]
    fn slashes_escaped_unicode_kept() {
        assert_eq!(enc(&json!("cocart/v2")), r#""cocart\/v2""#);
        assert_eq!(enc(&json!({"a/b": "x\"/\\\n"})), r#"{"a\/b":"x\"\/\\\n"}"#);
        assert_eq!(enc(&json!("Sébastien/€")), "\"Sébastien\\/€\"");
        assert_eq!(enc(&json!("\u{1}")), "\"\\u0001\"");
        let ascii = String::from_utf8(to_vec_ascii(&json!("Sé/😀"))).unwrap();
        assert_eq!(ascii, r#""S\u00e9\/\ud83d\ude00""#);
    }

    #[test]
    fn php_maps() {
        assert_eq!(enc(&php_map(Vec::<(String, Value)>::new())), "[]");
        assert_eq!(enc(&php_map([("x", json!(1))])), r#"{"x":1}"#);
        assert_eq!(enc(&php_map([(1u64, json!("a")), (2u64, json!("b"))])), r#"{"1":"a","2":"b"}"#);
        let mut t = TaxMap::new();
        assert_eq!(enc(&tax_map(&t)), "[]");
        t.insert(1, 3.6);
        t.insert(12, 2.0);
        assert_eq!(enc(&tax_map(&t)), r#"{"1":3.6,"12":2}"#);
    }

    #[test]
    fn php_values() {
        assert_eq!(enc(&php_value(&json!({}))), "[]");
        assert_eq!(enc(&php_value(&json!({"0": "a", "1": {}}))), r#"["a",[]]"#);
        assert_eq!(enc(&php_value(&json!({"1": "a", "0": "b"}))), r#"{"1":"a","0":"b"}"#);
        assert_eq!(enc(&php_value(&json!({"a": {"b": {}}}))), r#"{"a":{"b":[]}}"#);
        for v in [json!(""), json!("0"), json!(0), json!(0.0), json!(null), json!(false), json!([]), json!({})] {
            assert!(php_empty(&v), "{v}");
        }
        for v in [json!(" "), json!("0.0"), json!(1), json!(true), json!([0]), json!("a")] {
            assert!(!php_empty(&v), "{v}");
        }
    }

    #[test]
    fn string_increment() {
        assert_eq!(php_str_increment("default"), "defaulu");
        assert_eq!(php_str_increment("defaulu"), "defaulv");
        assert_eq!(php_str_increment("defaulz"), "defauma");
        assert_eq!(php_str_increment("az"), "ba");
        assert_eq!(php_str_increment("zz"), "aaa");
        assert_eq!(php_str_increment("Zz"), "AAa");
        assert_eq!(php_str_increment("a9"), "b0");
        assert_eq!(php_str_increment("99"), "100");
    }
}
