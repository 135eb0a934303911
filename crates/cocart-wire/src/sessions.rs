//! Admin and auth shapes (CONTRACT §C.2.14–§C.2.19, §D.9; ERRORS.md §2 and §6): the session
//! summary of `GET /cocart/v2/sessions`, the login object, and the authentication,
//! permission, guard and session error bodies.
//!
//! Error constructors return `(HTTP status, body)`. Statuses equal `data.status`, except for
//! the two guard envelopes (403, body `{"success":false,"data":[{code,message}]}`), which go
//! out without the REST headers (§A.7 item 3).

use cartd_domain::php::esc_html;
use serde_json::{Map, Value};

use crate::errors::{error, guard_envelope};

/// `DELETE /cocart/v2/session/{key}` success body (a bare JSON string).
pub const CART_DELETED: &str = "Cart successfully deleted!";

/// The fixed `dev_note` of the login object.
pub const LOGIN_DEV_NOTE: &str =
    "Don't forget to store the users login information in order to authenticate all other routes with CoCart.";

/// One row of the cart table, as `GET /sessions` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRow<'a> {
    pub cart_id: i64,
    pub cart_key: &'a str,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds.
    pub expiry: i64,
    /// `"cocart"` or `"woocommerce"`.
    pub source: &'a str,
    /// The session customer's billing first name, last name and email (`""` when unset).
    pub billing_first_name: &'a str,
    pub billing_last_name: &'a str,
    pub billing_email: &'a str,
}

/// PHP `empty()` of a string.
fn empty(s: &str) -> bool {
    s.is_empty() || s == "0"
}

/// One `GET /sessions` element (§D.9), eight keys in order: `cart_id` (a string),
/// `cart_key`, `customers_name`, `customers_email`, `cart_created`, `cart_expiry` (both
/// `gmdate('m/d/Y H:i:s')`, UTC), `cart_source`, `link`
/// (`{site_url}/wp-json/cocart/v2/session/{cart_key}`; a trailing `/` on `site_url` is
/// ignored).
///
/// `customers_name` is first + `" "` + last when either is non-empty (PHP `empty()`: `""`
/// and `"0"` count as empty), so `"John "` is possible; else `""`. `customers_email` is the
/// billing email, `""` when `empty()`.
pub fn session_summary(row: &SessionRow, site_url: &str) -> Value {
    let name = if empty(row.billing_first_name) && empty(row.billing_last_name) {
        String::new()
    } else {
        format!("{} {}", row.billing_first_name, row.billing_last_name)
    };
    let email = if empty(row.billing_email) { "" } else { row.billing_email };
    let mut m = Map::with_capacity(8);
    m.insert("cart_id".into(), Value::String(row.cart_id.to_string()));
    m.insert("cart_key".into(), Value::String(row.cart_key.to_string()));
    m.insert("customers_name".into(), Value::String(name));
    m.insert("customers_email".into(), Value::String(email.to_string()));
    m.insert("cart_created".into(), Value::String(gmdate_mdy_his(row.created)));
    m.insert("cart_expiry".into(), Value::String(gmdate_mdy_his(row.expiry)));
    m.insert("cart_source".into(), Value::String(row.source.to_string()));
    m.insert("link".into(), Value::String(session_link(site_url, row.cart_key)));
    Value::Object(m)
}

/// `GET /sessions`: the rows in table order (ascending `cart_id`), as a JSON array. The
/// caller answers an empty table with [`no_carts_in_session`] instead.
pub fn sessions_list(rows: &[SessionRow], site_url: &str) -> Value {
    Value::Array(rows.iter().map(|row| session_summary(row, site_url)).collect())
}

/// `{site_url}/wp-json/cocart/v2/session/{cart_key}` (`rest_url`; the key is not encoded).
pub fn session_link(site_url: &str, cart_key: &str) -> String {
    format!("{}/wp-json/cocart/v2/session/{cart_key}", site_url.trim_end_matches('/'))
}

/// PHP `gmdate('m/d/Y H:i:s', ts)`: `"04/23/2021 07:46:59"`, proleptic Gregorian, UTC.
/// Years print with at least four digits (`-0001` before year 0, as PHP's `Y`).
pub fn gmdate_mdy_his(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, mi, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let year = if year < 0 { format!("-{:04}", -year) } else { format!("{year:04}") };
    format!("{month:02}/{day:02}/{year} {h:02}:{mi:02}:{s:02}")
}

/// Days since 1970-01-01 → (year, month 1–12, day 1–31), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `POST /cocart/v2/login` (§C.2.14), keys in order: `user_id` (a string), `display_name`
/// (HTML-escaped, `esc_html`), `role` (each role slug with its first letter upper-cased,
/// PHP `ucfirst`, joined by `", "`: `"Customer"`, `"Shop_manager"`), `dev_note`.
pub fn login_object(user_id: u64, display_name: &str, roles: &[&str]) -> Value {
    let role = roles.iter().map(|r| ucfirst(r)).collect::<Vec<_>>().join(", ");
    let mut m = Map::with_capacity(4);
    m.insert("user_id".into(), Value::String(user_id.to_string()));
    m.insert("display_name".into(), Value::String(esc_html(display_name)));
    m.insert("role".into(), Value::String(role));
    m.insert("dev_note".into(), Value::String(LOGIN_DEV_NOTE.into()));
    Value::Object(m)
}

/// PHP 8 `ucfirst`: the first byte upper-cased if it is an ASCII lower-case letter.
fn ucfirst(s: &str) -> String {
    let mut out = s.to_string();
    if let Some(first) = out.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    out
}

fn err(status: u16, code: &str, message: &str) -> (u16, Value) {
    (status, error(code, message, status))
}

/// `401 cocart_authentication_error` "Authentication is invalid." — Basic credentials present
/// but rejected (every route; no `X-CoCart-API`, `Allow` or `Set-Cookie`).
pub fn authentication_error() -> (u16, Value) {
    err(401, "cocart_authentication_error", "Authentication is invalid.")
}

/// `401 cocart_rest_not_authorized` "Sorry, you are not authorized." — `POST /login` without
/// an authenticated user.
pub fn rest_not_authorized() -> (u16, Value) {
    err(401, "cocart_rest_not_authorized", "Sorry, you are not authorized.")
}

/// `cocart_rest_cannot_view` "Sorry, you cannot list resources." — the session routes
/// without `manage_woocommerce`: **401** unauthenticated, **403** authenticated.
pub fn rest_cannot_view(authenticated: bool) -> (u16, Value) {
    err(if authenticated { 403 } else { 401 }, "cocart_rest_cannot_view", "Sorry, you cannot list resources.")
}

/// `404 cocart_cart_key_missing` "Cart Key is required!" — an `empty()` key (`"0"`).
pub fn cart_key_missing() -> (u16, Value) {
    err(404, "cocart_cart_key_missing", "Cart Key is required!")
}

/// `404 cocart_cart_in_session_not_valid` "Cart in session is not valid!" — nothing stored.
pub fn cart_in_session_not_valid() -> (u16, Value) {
    err(404, "cocart_cart_in_session_not_valid", "Cart in session is not valid!")
}

/// `404 cocart_no_carts_in_session` "No carts in session!" — `GET /sessions`, empty table.
pub fn no_carts_in_session() -> (u16, Value) {
    err(404, "cocart_no_carts_in_session", "No carts in session!")
}

/// `500 cocart_cart_not_deleted` "Cart could not be deleted!" — the row survived a delete.
pub fn cart_not_deleted() -> (u16, Value) {
    err(500, "cocart_cart_not_deleted", "Cart could not be deleted!")
}

/// `401 cocart_rest_permission_error` "Permission to READ {route} is only permitted if the
/// user is authenticated." (`route` e.g. `/cocart/v2/cart`; filter-driven lock-down, §F.5).
pub fn permission_error_read(route: &str) -> (u16, Value) {
    let message = format!("Permission to READ {route} is only permitted if the user is authenticated.");
    err(401, "cocart_rest_permission_error", &message)
}

/// `401 cocart_rest_permission_error` "Permission to WRITE {route} is only permitted if the
/// user is authenticated." (POST, PUT, PATCH, DELETE).
pub fn permission_error_write(route: &str) -> (u16, Value) {
    let message = format!("Permission to WRITE {route} is only permitted if the user is authenticated.");
    err(401, "cocart_rest_permission_error", &message)
}

/// `401 cocart_rest_permission_error` "Unknown request method for {route}." — an
/// unauthenticated request with a method other than GET, POST, PUT, PATCH, DELETE or OPTIONS
/// (`HEAD` included: its 401 has no body).
pub fn permission_error_unknown_method(route: &str) -> (u16, Value) {
    err(401, "cocart_rest_permission_error", &format!("Unknown request method for {route}."))
}

/// `403` guard envelope `cocart_must_authenticate_user` — unauthenticated request whose cart
/// key is a registered user's ID. Sent without the REST headers (§A.7 item 3).
pub fn must_authenticate_user() -> (u16, Value) {
    (
        403,
        guard_envelope(
            "cocart_must_authenticate_user",
            "Must authenticate customer as the cart key provided is a registered customer.",
        ),
    )
}

/// `403` guard envelope `cocart_already_authenticating_user` — authenticated as U with
/// `cart_key` equal to U's ID.
pub fn already_authenticating_user() -> (u16, Value) {
    (
        403,
        guard_envelope(
            "cocart_already_authenticating_user",
            "You are already authenticating as the customer. Cannot set cart key as the user.",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmdate_edges() {
        assert_eq!(gmdate_mdy_his(0), "01/01/1970 00:00:00");
        assert_eq!(gmdate_mdy_his(-1), "12/31/1969 23:59:59");
        assert_eq!(gmdate_mdy_his(951_782_400), "02/29/2000 00:00:00");
        assert_eq!(gmdate_mdy_his(951_868_799), "02/29/2000 23:59:59");
        assert_eq!(gmdate_mdy_his(951_868_800), "03/01/2000 00:00:00");
        assert_eq!(gmdate_mdy_his(4_107_542_400), "03/01/2100 00:00:00");
        assert_eq!(gmdate_mdy_his(253_402_300_799), "12/31/9999 23:59:59");
        assert_eq!(gmdate_mdy_his(253_402_300_800), "01/01/10000 00:00:00");
        assert_eq!(gmdate_mdy_his(-62_135_596_800), "01/01/0001 00:00:00");
        assert_eq!(gmdate_mdy_his(-62_135_596_801), "12/31/0000 23:59:59");
        assert_eq!(gmdate_mdy_his(-62_167_219_201), "12/31/-0001 23:59:59");
    }

    #[test]
    fn ucfirst_is_ascii_only() {
        assert_eq!(ucfirst("shop_manager"), "Shop_manager");
        assert_eq!(ucfirst(""), "");
        assert_eq!(ucfirst("élan"), "élan");
    }
}
