//! One builder, two outputs. The big response shapes (the v2 cart and its items) are written
//! once against [`Sink`]; [`ValueSink`] turns the calls into a `serde_json::Value`, and
//! [`BytesSink`] writes the PHP JSON bytes directly (no intermediate tree, no per-key
//! allocation), which is what the hot routes send. Both produce identical bytes; the tests
//! check that on every fixture.

use cartd_domain::totals::TaxMap;
use serde_json::ser::Formatter;
use serde_json::{Map, Value};

use crate::php_json::{self, PhpFormatter};

pub(crate) trait Sink {
    /// Starts an object; `len` is a capacity hint.
    fn begin_object(&mut self, len: usize);
    fn end_object(&mut self);
    fn begin_array(&mut self);
    fn end_array(&mut self);
    /// The key of the next value in the current object.
    fn key(&mut self, key: &str);
    /// A key known to need no JSON escaping (a literal, or digits).
    fn key_lit(&mut self, key: &str) {
        self.key(key);
    }
    fn str(&mut self, value: &str);
    fn f64(&mut self, value: f64);
    fn u64(&mut self, value: u64);
    fn i64(&mut self, value: i64);
    fn bool(&mut self, value: bool);
    fn null(&mut self);

    fn empty_array(&mut self) {
        self.begin_array();
        self.end_array();
    }

    fn field_str(&mut self, key: &'static str, value: &str) {
        self.key_lit(key);
        self.str(value);
    }

    fn field_f64(&mut self, key: &'static str, value: f64) {
        self.key_lit(key);
        self.f64(value);
    }

    fn field_u64(&mut self, key: &'static str, value: u64) {
        self.key_lit(key);
        self.u64(value);
    }

    fn field_bool(&mut self, key: &'static str, value: bool) {
        self.key_lit(key);
        self.bool(value);
    }

    /// Rate id → amount (`{"1":3.6}`), `[]` when empty.
    fn tax_map(&mut self, map: &TaxMap) {
        if map.is_empty() {
            return self.empty_array();
        }
        self.begin_object(map.len());
        let mut buf = itoa_buf();
        for (id, amount) in map {
            self.key_lit(fmt_u64(&mut buf, *id));
            self.f64(*amount);
        }
        self.end_object();
    }

    /// A JSON value as PHP prints it after decoding it into arrays (`php_json::php_value`).
    fn php_value(&mut self, value: &Value) {
        match value {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.u64(u);
                } else if let Some(i) = n.as_i64() {
                    self.i64(i);
                } else {
                    self.f64(n.as_f64().unwrap_or(0.0));
                }
            }
            Value::String(s) => self.str(s),
            Value::Array(items) => {
                self.begin_array();
                for item in items {
                    self.php_value(item);
                }
                self.end_array();
            }
            Value::Object(map) => {
                if map.is_empty() {
                    self.empty_array();
                } else if php_json::is_sequential(map) {
                    self.begin_array();
                    for item in map.values() {
                        self.php_value(item);
                    }
                    self.end_array();
                } else {
                    self.begin_object(map.len());
                    for (k, v) in map {
                        self.key(k);
                        self.php_value(v);
                    }
                    self.end_object();
                }
            }
        }
    }
}

pub(crate) fn itoa_buf() -> [u8; 20] {
    [0u8; 20]
}

pub(crate) fn fmt_u64(buf: &mut [u8; 20], mut n: u64) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("")
}

enum Frame {
    Object(Map<String, Value>, Option<String>),
    Array(Vec<Value>),
}

/// Builds a `serde_json::Value`.
#[derive(Default)]
pub(crate) struct ValueSink {
    stack: Vec<Frame>,
    root: Option<Value>,
}

impl ValueSink {
    pub(crate) fn new() -> Self {
        ValueSink { stack: Vec::with_capacity(8), root: None }
    }

    pub(crate) fn finish(self) -> Value {
        debug_assert!(self.stack.is_empty(), "unbalanced sink calls");
        self.root.unwrap_or(Value::Null)
    }

    fn put(&mut self, value: Value) {
        match self.stack.last_mut() {
            Some(Frame::Object(map, key)) => {
                let key = key.take().unwrap_or_default();
                map.insert(key, value);
            }
            Some(Frame::Array(items)) => items.push(value),
            None => self.root = Some(value),
        }
    }
}

impl Sink for ValueSink {
    fn begin_object(&mut self, len: usize) {
        self.stack.push(Frame::Object(Map::with_capacity(len), None));
    }

    fn end_object(&mut self) {
        if let Some(Frame::Object(map, _)) = self.stack.pop() {
            self.put(Value::Object(map));
        }
    }

    fn begin_array(&mut self) {
        self.stack.push(Frame::Array(Vec::new()));
    }

    fn end_array(&mut self) {
        if let Some(Frame::Array(items)) = self.stack.pop() {
            self.put(Value::Array(items));
        }
    }

    fn key(&mut self, key: &str) {
        if let Some(Frame::Object(_, pending)) = self.stack.last_mut() {
            *pending = Some(key.to_string());
        }
    }

    fn str(&mut self, value: &str) {
        self.put(Value::String(value.to_string()));
    }

    fn f64(&mut self, value: f64) {
        self.put(php_json::float(value));
    }

    fn u64(&mut self, value: u64) {
        self.put(Value::from(value));
    }

    fn i64(&mut self, value: i64) {
        self.put(Value::from(value));
    }

    fn bool(&mut self, value: bool) {
        self.put(Value::Bool(value));
    }

    fn null(&mut self) {
        self.put(Value::Null);
    }
}

/// Writes compact PHP JSON straight into a buffer.
pub(crate) struct BytesSink<'a> {
    out: &'a mut Vec<u8>,
    /// Per open container: no element written yet.
    first: Vec<bool>,
    after_key: bool,
}

impl<'a> BytesSink<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        BytesSink { out, first: Vec::with_capacity(8), after_key: false }
    }

    #[inline]
    fn separate(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(first) = self.first.last_mut() {
            if *first {
                *first = false;
            } else {
                self.out.push(b',');
            }
        }
    }
}

/// Bytes that `json_encode` escapes: `"`, `\\`, `/` and the C0 controls.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = true;
        i += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table[b'/' as usize] = true;
    table
};

/// Writes `value` as a JSON string the way PHP escapes it (`"`, `\\`, `/`, control
/// characters; UTF-8 kept).
pub(crate) fn write_json_str(out: &mut Vec<u8>, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = value.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    while let Some(i) = next_escape(bytes, start) {
        out.extend_from_slice(&bytes[start..i]);
        let b = bytes[i];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 0xf) as usize]]),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether any byte of the word is a control character, `"`, `\\` or `/` (SWAR; the "any"
/// answer of these tests is exact).
#[inline]
fn word_needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    let quote = has_zero(w ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(w ^ (ONES * u64::from(b'\\')));
    let slash = has_zero(w ^ (ONES * u64::from(b'/')));
    (below_space | quote | backslash | slash) & HIGH != 0
}

/// Index of the next byte at or after `from` that needs escaping.
#[inline]
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 8 <= bytes.len() {
        let word = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
        if word_needs_escape(word) {
            break;
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| NEEDS_ESCAPE[b as usize]).map(|p| i + p)
}

impl Sink for BytesSink<'_> {
    fn begin_object(&mut self, _len: usize) {
        self.separate();
        self.out.push(b'{');
        self.first.push(true);
    }

    fn end_object(&mut self) {
        self.first.pop();
        self.out.push(b'}');
    }

    fn begin_array(&mut self) {
        self.separate();
        self.out.push(b'[');
        self.first.push(true);
    }

    fn end_array(&mut self) {
        self.first.pop();
        self.out.push(b']');
    }

    fn key(&mut self, key: &str) {
        self.separate();
        write_json_str(self.out, key);
        self.out.push(b':');
        self.after_key = true;
    }

    fn key_lit(&mut self, key: &str) {
        debug_assert!(!key.bytes().any(|b| NEEDS_ESCAPE[b as usize]), "key needs escaping: {key}");
        self.separate();
        self.out.reserve(key.len() + 3);
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.after_key = true;
    }

    fn str(&mut self, value: &str) {
        self.separate();
        write_json_str(self.out, value);
    }

    fn f64(&mut self, value: f64) {
        self.separate();
        if value.is_finite() {
            // Writing into a Vec cannot fail.
            let _ = PhpFormatter::default().write_f64(self.out, value);
        } else {
            self.out.extend_from_slice(b"null");
        }
    }

    fn u64(&mut self, value: u64) {
        self.separate();
        let _ = PhpFormatter::default().write_u64(self.out, value);
    }

    fn i64(&mut self, value: i64) {
        self.separate();
        let _ = PhpFormatter::default().write_i64(self.out, value);
    }

    fn bool(&mut self, value: bool) {
        self.separate();
        self.out.extend_from_slice(if value { b"true" } else { b"false" });
    }

    fn null(&mut self) {
        self.separate();
        self.out.extend_from_slice(b"null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn both(f: impl Fn(&mut dyn SinkDyn)) -> (String, String) {
        let mut vs = ValueSink::new();
        f(&mut vs);
        let v = php_json::to_string(&vs.finish());
        let mut out = Vec::new();
        let mut bs = BytesSink::new(&mut out);
        f(&mut bs);
        (v, String::from_utf8(out).unwrap())
    }

    /// Object-safe view for the test closure.
    trait SinkDyn {
        fn php(&mut self, v: &Value);
    }
    impl<S: Sink> SinkDyn for S {
        fn php(&mut self, v: &Value) {
            self.php_value(v);
        }
    }

    #[test]
    fn escape_scan_matches_bytewise() {
        let samples = [
            "",
            "plain",
            "http://127.0.0.1:8080/wp-content/uploads/woocommerce-placeholder.png",
            "exactly8",
            "1234567\"",
            "tab\there and a very long tail without anything to escape at all",
            "ünïcödé/ü",
            "\u{1f}\u{7f}\u{80}",
            "&ldquo;Beanie&rdquo; has been added to your cart.",
        ];
        for s in samples {
            let mut fast = Vec::new();
            write_json_str(&mut fast, s);
            let slow = serde_json::to_string(s).unwrap().replace('/', "\\/");
            assert_eq!(String::from_utf8(fast).unwrap(), slow, "{s:?}");
        }
    }

    #[test]
    fn sinks_agree() {
        let sample = json!({
            "a/b": "q\"\\/\n\t\u{1}é",
            "n": [1, -2, 1.5, 36.0, null, true, false, u64::MAX],
            "empty": {},
            "list": {"0": "x", "1": "y"},
            "nested": [{"k": []}, {}]
        });
        let (v, b) = both(|s| s.php(&sample));
        assert_eq!(v, b);
        assert_eq!(
            b,
            r#"{"a\/b":"q\"\\\/\n\t\u0001é","n":[1,-2,1.5,36,null,true,false,18446744073709551615],"empty":[],"list":["x","y"],"nested":[{"k":[]},[]]}"#
        );
    }
}
