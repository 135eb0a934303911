//! WordPress REST parameters (CONTRACT §A.2): the sources in precedence order (JSON body,
//! form body, query string, path), declared-argument validation with WordPress's error
//! shapes, and typed access for handlers.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// A request's parameters from every source.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub json: Map<String, Value>,
    pub form: Map<String, Value>,
    pub query: Map<String, Value>,
    pub path: Map<String, Value>,
}

impl Params {
    /// The first source that has `name` (JSON, form, query, path).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.json
            .get(name)
            .or_else(|| self.form.get(name))
            .or_else(|| self.query.get(name))
            .or_else(|| self.path.get(name))
    }

    /// PHP truthiness of an undeclared parameter: absent, `""`, `"0"`, `false`, `0`, `null`
    /// and empty arrays are false; anything else (even `"false"`) is true.
    pub fn truthy(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| !cartd_domain::php::php_empty(v))
    }
}

/// Parse `a=1&b[c]=2&d[]=x` into nested JSON values, the way PHP fills `$_GET`/`$_POST`.
pub fn parse_urlencoded(input: &[u8]) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in form_urlencoded::parse(input) {
        insert_nested(&mut out, &key, Value::String(value.into_owned()));
    }
    out
}

fn insert_nested(map: &mut Map<String, Value>, key: &str, value: Value) {
    let Some(open) = key.find('[').filter(|&i| i > 0 && key.ends_with(']')) else {
        map.insert(key.to_string(), value);
        return;
    };
    let base = &key[..open];
    let segments: Vec<&str> = key[open + 1..key.len() - 1].split("][").collect();
    let mut slot = map.entry(base.to_string()).or_insert_with(|| Value::Object(Map::new()));
    for (i, segment) in segments.iter().enumerate() {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(object) = slot else { return };
        let name = if segment.is_empty() { object.len().to_string() } else { segment.to_string() };
        if i + 1 == segments.len() {
            object.insert(name, value);
            return;
        }
        slot = object.entry(name).or_insert_with(|| Value::Object(Map::new()));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Boolean,
    String,
    Object,
    Integer,
    /// CoCart's non-standard "float": no type check.
    Float,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Boolean => "boolean",
            Kind::String => "string",
            Kind::Object => "object",
            Kind::Integer => "integer",
            Kind::Float => "float",
        }
    }
}

/// One declared ("registered") argument of a route.
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// A custom `is_numeric` validator (CoCart's quantity arguments).
    pub numeric: bool,
}

impl Arg {
    pub const fn new(name: &'static str, kind: Kind) -> Arg {
        Arg { name, kind, required: false, numeric: false }
    }
    pub const fn required(self) -> Arg {
        Arg { required: true, ..self }
    }
    pub const fn numeric(self) -> Arg {
        Arg { numeric: true, ..self }
    }
}

fn type_ok(kind: Kind, value: &Value) -> bool {
    match kind {
        Kind::Boolean => parse_bool(value).is_some(),
        Kind::String => value.is_string(),
        Kind::Object => value.is_object() || value.is_array() || value.as_str() == Some(""),
        Kind::Integer => match value {
            Value::Number(n) => n.is_i64() || n.is_u64(),
            Value::String(s) => s.trim().parse::<i64>().is_ok(),
            _ => false,
        },
        Kind::Float => true,
    }
}

/// WordPress's boolean coercion.
pub fn parse_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn is_numeric_value(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::String(s) => cartd_domain::php::is_numeric(s),
        _ => false,
    }
}

/// Validate the declared arguments in WordPress's order: required, then validators (custom
/// or type), then the type check of custom-validated arguments.
pub fn validate(params: &Params, args: &[Arg]) -> Result<(), ApiError> {
    let missing: Vec<&str> =
        args.iter().filter(|a| a.required && params.get(a.name).is_none()).map(|a| a.name).collect();
    if !missing.is_empty() {
        return Err(ApiError::missing_params(&missing));
    }
    let mut failures: Vec<(&str, Option<String>)> = Vec::new();
    for arg in args {
        let Some(value) = params.get(arg.name) else { continue };
        if arg.numeric {
            // A custom validator is skipped for JSON null; the type check then reports it.
            if !value.is_null() && !is_numeric_value(value) {
                failures.push((arg.name, None));
            }
        } else if !type_ok(arg.kind, value) {
            failures.push((arg.name, Some(format!("{} is not of type {}.", arg.name, arg.kind.name()))));
        }
    }
    if failures.is_empty() {
        for arg in args.iter().filter(|a| a.numeric) {
            if let Some(value) = params.get(arg.name)
                && !type_ok(arg.kind, value)
            {
                failures.push((arg.name, Some(format!("{} is not of type {}.", arg.name, arg.kind.name()))));
            }
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(ApiError::invalid_params(&failures)) }
}

/// Typed reads of validated arguments.
impl Params {
    pub fn bool_or(&self, name: &str, default: bool) -> bool {
        self.get(name).and_then(parse_bool).unwrap_or(default)
    }

    pub fn str_or<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.get(name).and_then(Value::as_str).unwrap_or(default)
    }

    /// A number from a JSON number or numeric string (validated before).
    pub fn number_or(&self, name: &str, default: f64) -> f64 {
        match self.get(name) {
            Some(Value::Number(n)) => n.as_f64().unwrap_or(default),
            Some(Value::String(s)) => cartd_domain::php::floatval(s),
            Some(Value::Null) => 0.0,
            Some(_) => default,
            None => default,
        }
    }

    /// An object argument as ordered entries (arrays give index keys; `""` gives none).
    pub fn object(&self, name: &str) -> indexmap::IndexMap<String, Value> {
        match self.get(name) {
            Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(Value::Array(a)) => a.iter().enumerate().map(|(i, v)| (i.to_string(), v.clone())).collect(),
            _ => indexmap::IndexMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_forms() {
        let m = parse_urlencoded(b"id=10&item_data[gift_note]=Hi+there&variation[attribute_size]=Large&a[]=x&a[]=y");
        assert_eq!(
            Value::Object(m),
            json!({"id": "10", "item_data": {"gift_note": "Hi there"}, "variation": {"attribute_size": "Large"}, "a": {"0": "x", "1": "y"}})
        );
    }

    #[test]
    fn booleans() {
        for v in [json!(true), json!(1), json!("TRUE"), json!("1")] {
            assert_eq!(parse_bool(&v), Some(true));
        }
        for v in [json!("yes"), json!(2), json!(null)] {
            assert_eq!(parse_bool(&v), None);
        }
    }
}
