//! Error bodies (§A.7, ERRORS.md §1): the standard envelope, WordPress's parameter errors and
//! the cart-key guard envelope.

use serde_json::{Map, Value};

use crate::cart::obj;
use crate::php_json::php_object;

/// `{"code", "message", "data": {"status"}}`.
pub fn error(code: &str, message: &str, status: u16) -> Value {
    obj! {
        "code" => Value::String(code.to_string()),
        "message" => Value::String(message.to_string()),
        "data" => obj! { "status" => Value::from(status) },
    }
}

/// `rest_missing_callback_param` (400): `"Missing parameter(s): id"`, `data.params = ["id"]`.
pub fn missing_params(names: &[&str]) -> Value {
    obj! {
        "code" => Value::String("rest_missing_callback_param".into()),
        "message" => Value::String(format!("Missing parameter(s): {}", names.join(", "))),
        "data" => obj! {
            "status" => Value::from(400),
            "params" => Value::Array(names.iter().map(|n| Value::String(n.to_string())).collect()),
        },
    }
}

/// Why one parameter failed WordPress validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamFailure {
    /// The route's `validate_callback` returned `false`: `"Invalid parameter."`, no details.
    Rejected,
    /// A `WP_Error` from validation (the schema checks): its message, plus a `details` entry
    /// `{code, message, data: {param}}`.
    Error { code: String, message: String },
}

impl ParamFailure {
    /// The schema type check: `rest_invalid_type`, `"{param} is not of type {ty}."`.
    pub fn not_of_type(param: &str, ty: &str) -> ParamFailure {
        ParamFailure::Error { code: "rest_invalid_type".into(), message: format!("{param} is not of type {ty}.") }
    }
}

/// One failed parameter as [`invalid_params`] reads it: `None` for a validator that returned
/// `false`, or the `WP_Error` code and message.
pub trait ParamFailureRef {
    fn as_error(&self) -> Option<(&str, &str)>;
}

impl ParamFailureRef for ParamFailure {
    fn as_error(&self) -> Option<(&str, &str)> {
        match self {
            ParamFailure::Rejected => None,
            ParamFailure::Error { code, message } => Some((code, message)),
        }
    }
}

/// `None`: rejected by the validator; `Some(message)`: a schema type error
/// (`rest_invalid_type`, e.g. `"quantity is not of type string."`).
impl ParamFailureRef for Option<String> {
    fn as_error(&self) -> Option<(&str, &str)> {
        self.as_deref().map(|message| ("rest_invalid_type", message))
    }
}

/// `rest_invalid_param` (400) for the failed parameters, in registration order:
/// `"Invalid parameter(s): a, b"`, `data.params` = name → message, `data.details` = name →
/// sub-error for the `WP_Error` failures (`[]` when there are none).
pub fn invalid_params<F: ParamFailureRef>(failures: &[(&str, F)]) -> Value {
    let mut names = String::new();
    let mut params = Map::with_capacity(failures.len());
    let mut details = Map::new();
    for (name, failure) in failures {
        if !names.is_empty() {
            names.push_str(", ");
        }
        names.push_str(name);
        match failure.as_error() {
            None => {
                params.insert(name.to_string(), Value::String("Invalid parameter.".into()));
            }
            Some((code, message)) => {
                params.insert(name.to_string(), Value::String(message.to_string()));
                details.insert(
                    name.to_string(),
                    obj! {
                        "code" => Value::String(code.to_string()),
                        "message" => Value::String(message.to_string()),
                        "data" => obj! { "param" => Value::String(name.to_string()) },
                    },
                );
            }
        }
    }
    obj! {
        "code" => Value::String("rest_invalid_param".into()),
        "message" => Value::String(format!("Invalid parameter(s): {names}")),
        "data" => obj! {
            "status" => Value::from(400),
            "params" => php_object(params),
            "details" => php_object(details),
        },
    }
}

/// `rest_invalid_json` (400) with PHP's `json_last_error()` code and message, e.g. `4`,
/// `"Syntax error"`.
pub fn invalid_json(code: i64, message: &str) -> Value {
    obj! {
        "code" => Value::String("rest_invalid_json".into()),
        "message" => Value::String("Invalid JSON body passed.".into()),
        "data" => obj! {
            "status" => Value::from(400),
            "json_error_code" => Value::from(code),
            "json_error_message" => Value::String(message.to_string()),
        },
    }
}

/// The cart-key guard body (`wp_send_json_error`, §A.7 item 3):
/// `{"success":false,"data":[{"code","message"}]}`.
pub fn guard_envelope(code: &str, message: &str) -> Value {
    obj! {
        "success" => Value::Bool(false),
        "data" => Value::Array(vec![obj! {
            "code" => Value::String(code.to_string()),
            "message" => Value::String(message.to_string()),
        }]),
    }
}
