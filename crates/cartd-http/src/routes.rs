//! The route table. WordPress matches routes anchored and case-insensitively, ignores one
//! trailing slash, and answers an unsupported method with `404 rest_no_route`
//! (CONTRACT §A.1); axum's router does none of that, so matching lives here.

use crate::params::{Arg, Kind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    V2Index,
    Store,
    Cart,
    AddItem,
    AddItems,
    /// `cart/item/{item_key}`, the key as given.
    Item(String),
    Items,
    ItemsCount,
    Calculate,
    Clear,
    Totals,
    Login,
    Logout,
    /// `session/{cart_key}` (GET, DELETE): an administrator's view of a stored cart.
    Session(String),
    /// `session/{cart_key}/items`.
    SessionItems(String),
    /// `sessions`: every stored cart.
    Sessions,
    /// A CoCart API v1 route (`/cocart/v1/...`, CONTRACT §B.2).
    V1(V1Route),
    /// `POST /jwt-auth/v1/token`: a JWT for a login and password.
    JwtToken,
    /// `POST /jwt-auth/v1/token/validate`.
    JwtValidate,
}

/// The v1 routes (§B.2), in registration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V1Route {
    /// `GET /cocart/v1`, the namespace index.
    Index,
    /// `GET get-cart`.
    GetCart,
    /// `GET get-cart/{id}` (`[\w]+`), the id as sent.
    CartInSession(String),
    /// `GET get-cart/customer/{id}` (`[\d]+`), the id as sent.
    CustomerCart(String),
    /// `POST add-item`.
    AddItem,
    /// `POST calculate`.
    Calculate,
    /// `POST clear`.
    Clear,
    /// `GET count-items`.
    CountItems,
    /// `item`: GET = restore, POST = update, DELETE = remove.
    Item,
    /// `POST logout`.
    Logout,
    /// `GET totals`.
    Totals,
}

impl V1Route {
    fn methods(&self) -> &'static [&'static str] {
        match self {
            V1Route::Index
            | V1Route::GetCart
            | V1Route::CartInSession(_)
            | V1Route::CustomerCart(_)
            | V1Route::CountItems
            | V1Route::Totals => &["GET"],
            V1Route::AddItem | V1Route::Calculate | V1Route::Clear | V1Route::Logout => &["POST"],
            V1Route::Item => &["GET", "POST", "DELETE"],
        }
    }

    fn name(&self) -> String {
        let path = match self {
            V1Route::Index => "",
            V1Route::GetCart => "/get-cart",
            V1Route::CartInSession(id) => return format!("/cocart/v1/get-cart/{id}"),
            V1Route::CustomerCart(id) => return format!("/cocart/v1/get-cart/customer/{id}"),
            V1Route::AddItem => "/add-item",
            V1Route::Calculate => "/calculate",
            V1Route::Clear => "/clear",
            V1Route::CountItems => "/count-items",
            V1Route::Item => "/item",
            V1Route::Logout => "/logout",
            V1Route::Totals => "/totals",
        };
        format!("/cocart/v1{path}")
    }

    /// Declared arguments, as the 3.0.17 v1 index lists them.
    fn args(&self, method: &str) -> &'static [Arg] {
        const CART: [Arg; 2] = [Arg::new("cart_key", Kind::String), Arg::new("thumb", Kind::Boolean)];
        const ADD_ITEM: [Arg; 6] = [
            Arg::new("product_id", Kind::String),
            // Required, but it has a default (1), so it is never missing.
            Arg::new("quantity", Kind::Float).numeric(),
            Arg::new("variation_id", Kind::Integer),
            Arg::new("variation", Kind::Object),
            Arg::new("cart_item_data", Kind::Object),
            Arg::new("return_cart", Kind::Boolean),
        ];
        const CALCULATE: [Arg; 1] = [Arg::new("return", Kind::Boolean)];
        const COUNT: [Arg; 1] = [Arg::new("return", Kind::String)];
        const ITEM: [Arg; 2] = [Arg::new("cart_item_key", Kind::String), Arg::new("return_cart", Kind::Boolean)];
        const ITEM_UPDATE: [Arg; 3] = [ITEM[0], ITEM[1], Arg::new("quantity", Kind::Float).numeric()];
        const TOTALS: [Arg; 1] = [Arg::new("html", Kind::Boolean)];
        match (self, method) {
            (V1Route::GetCart | V1Route::CartInSession(_) | V1Route::CustomerCart(_), _) => &CART,
            (V1Route::AddItem, _) => &ADD_ITEM,
            (V1Route::Calculate, _) => &CALCULATE,
            (V1Route::CountItems, _) => &COUNT,
            (V1Route::Item, "POST") => &ITEM_UPDATE,
            (V1Route::Item, _) => &ITEM,
            (V1Route::Totals, _) => &TOTALS,
            (V1Route::Index | V1Route::Clear | V1Route::Logout, _) => &[],
        }
    }
}

impl Route {
    /// Methods in registration order, each once (the `Allow` header).
    pub fn methods(&self) -> &'static [&'static str] {
        match self {
            Route::V2Index | Route::Store | Route::Cart | Route::Items | Route::ItemsCount | Route::Totals => &["GET"],
            Route::AddItem
            | Route::AddItems
            | Route::Calculate
            | Route::Clear
            | Route::Login
            | Route::Logout
            | Route::JwtToken
            | Route::JwtValidate => &["POST"],
            Route::Session(_) => &["GET", "DELETE"],
            Route::SessionItems(_) | Route::Sessions => &["GET"],
            Route::Item(_) => &["GET", "POST", "DELETE", "PUT", "PATCH"],
            Route::V1(route) => route.methods(),
        }
    }

    /// The route as WordPress names it in messages (`/cocart/v2/cart/add-item`).
    pub fn name(&self) -> String {
        let path = match self {
            Route::V2Index => "",
            Route::Store => "/store",
            Route::Cart => "/cart",
            Route::AddItem => "/cart/add-item",
            Route::AddItems => "/cart/add-items",
            Route::Item(key) => return format!("/cocart/v2/cart/item/{key}"),
            Route::Items => "/cart/items",
            Route::ItemsCount => "/cart/items/count",
            Route::Calculate => "/cart/calculate",
            Route::Clear => "/cart/clear",
            Route::Totals => "/cart/totals",
            Route::Login => "/login",
            Route::Logout => "/logout",
            Route::Session(key) => return format!("/cocart/v2/session/{key}"),
            Route::SessionItems(key) => return format!("/cocart/v2/session/{key}/items"),
            Route::Sessions => "/sessions",
            Route::V1(route) => return route.name(),
            Route::JwtToken => return "/jwt-auth/v1/token".into(),
            Route::JwtValidate => return "/jwt-auth/v1/token/validate".into(),
        };
        format!("/cocart/v2{path}")
    }

    /// Declared arguments of the endpoint answering `method` (§B.1).
    pub fn args(&self, method: &str) -> &'static [Arg] {
        const CART: [Arg; 3] =
            [Arg::new("cart_key", Kind::String), Arg::new("thumb", Kind::Boolean), Arg::new("default", Kind::Boolean)];
        const ADD_ITEM: [Arg; 8] = [
            CART[0],
            CART[1],
            CART[2],
            Arg::new("id", Kind::String).required(),
            // Required, but it has a default ("1"), so it is never missing.
            Arg::new("quantity", Kind::String).numeric(),
            Arg::new("variation", Kind::Object),
            Arg::new("item_data", Kind::Object),
            Arg::new("return_item", Kind::Boolean),
        ];
        const ADD_ITEMS: [Arg; 6] = [
            CART[0],
            CART[1],
            CART[2],
            Arg::new("id", Kind::String),
            Arg::new("quantity", Kind::Object).required(),
            Arg::new("return_items", Kind::Boolean),
        ];
        const ITEM_GET: [Arg; 4] = [CART[0], CART[1], CART[2], Arg::new("item_key", Kind::String)];
        const ITEM_UPDATE: [Arg; 6] = [
            CART[0],
            CART[1],
            CART[2],
            Arg::new("item_key", Kind::String),
            Arg::new("quantity", Kind::Float).numeric(),
            Arg::new("return_status", Kind::Boolean),
        ];
        const ITEM_REMOVE: [Arg; 5] =
            [CART[0], CART[1], CART[2], Arg::new("item_key", Kind::String), Arg::new("return_status", Kind::Boolean)];
        const ITEM_RESTORE: [Arg; 5] =
            [CART[0], CART[1], CART[2], Arg::new("item_key", Kind::String), Arg::new("return_item", Kind::Boolean)];
        const COUNT: [Arg; 2] = [Arg::new("return", Kind::String), Arg::new("removed_items", Kind::Boolean)];
        const CALCULATE: [Arg; 1] = [Arg::new("return_totals", Kind::Boolean)];
        const CLEAR: [Arg; 1] = [Arg::new("keep_removed_items", Kind::Boolean)];
        const TOTALS: [Arg; 1] = [Arg::new("html", Kind::Boolean)];
        match (self, method) {
            (Route::Cart, _) | (Route::Session(_), "GET") | (Route::SessionItems(_), _) => &CART,
            (Route::AddItem, _) => &ADD_ITEM,
            (Route::AddItems, _) => &ADD_ITEMS,
            (Route::Item(_), "GET") => &ITEM_GET,
            (Route::Item(_), "POST") => &ITEM_UPDATE,
            (Route::Item(_), "DELETE") => &ITEM_REMOVE,
            (Route::Item(_), _) => &ITEM_RESTORE,
            (Route::ItemsCount, _) => &COUNT,
            (Route::Calculate, _) => &CALCULATE,
            (Route::Clear, _) => &CLEAR,
            (Route::Totals, _) => &TOTALS,
            (Route::V1(route), _) => route.args(method),
            _ => &[],
        }
    }
}

/// Match the part of the path after `/wp-json`, e.g. `/cocart/v2/cart/item/abc`.
pub fn match_route(rest_path: &str) -> Option<Route> {
    let path = rest_path.strip_suffix('/').unwrap_or(rest_path);
    let lower = path.to_ascii_lowercase();
    match lower.as_str() {
        "/jwt-auth/v1/token" => return Some(Route::JwtToken),
        "/jwt-auth/v1/token/validate" => return Some(Route::JwtValidate),
        _ => {}
    }
    if let Some(tail) = lower.strip_prefix("/cocart/v1") {
        return match_v1(path, tail).map(Route::V1);
    }
    let tail = lower.strip_prefix("/cocart/v2")?;
    Some(match tail {
        "" => Route::V2Index,
        "/store" => Route::Store,
        "/cart" => Route::Cart,
        "/cart/add-item" => Route::AddItem,
        "/cart/add-items" => Route::AddItems,
        "/cart/items" => Route::Items,
        "/cart/items/count" => Route::ItemsCount,
        "/cart/calculate" => Route::Calculate,
        "/cart/clear" => Route::Clear,
        "/cart/totals" => Route::Totals,
        "/login" => Route::Login,
        "/logout" => Route::Logout,
        "/sessions" => Route::Sessions,
        _ if tail.starts_with("/session/") => {
            let rest = &path[path.len() - (tail.len() - "/session/".len())..];
            let (key, items) = match rest.rsplit_once('/') {
                Some((key, last)) if last.eq_ignore_ascii_case("items") => (key, true),
                Some(_) => return None,
                None => (rest, false),
            };
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return None;
            }
            if items { Route::SessionItems(key.to_string()) } else { Route::Session(key.to_string()) }
        }
        _ => {
            let key = tail.strip_prefix("/cart/item/")?;
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return None;
            }
            // Keep the key exactly as sent (only the route literal is case-insensitive).
            Route::Item(path[path.len() - key.len()..].to_string())
        }
    })
}

/// The part after `/cocart/v1` (lower-cased in `tail`; ids are taken from `path` as sent).
fn match_v1(path: &str, tail: &str) -> Option<V1Route> {
    Some(match tail {
        "" => V1Route::Index,
        "/get-cart" => V1Route::GetCart,
        "/add-item" => V1Route::AddItem,
        "/calculate" => V1Route::Calculate,
        "/clear" => V1Route::Clear,
        "/count-items" => V1Route::CountItems,
        "/item" => V1Route::Item,
        "/logout" => V1Route::Logout,
        "/totals" => V1Route::Totals,
        _ => {
            let id = tail.strip_prefix("/get-cart/")?;
            let as_sent = || path[path.len() - id.len()..].to_string();
            // `get-cart/(?P<id>[\w]+)` is registered first, so `get-cart/customer` is a key.
            if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Some(V1Route::CartInSession(as_sent()));
            }
            let customer = id.strip_prefix("customer/")?;
            if customer.is_empty() || !customer.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            V1Route::CustomerCart(customer.to_string())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert_eq!(match_route("/cocart/v2/STORE"), Some(Route::Store));
        assert_eq!(match_route("/cocart/v2/cart/"), Some(Route::Cart));
        assert_eq!(match_route("/cocart/v2/cart/item/AbC_1"), Some(Route::Item("AbC_1".into())));
        assert_eq!(match_route("/cocart/v2/cart/item/abc-def"), None);
        assert_eq!(match_route("/cocart/v2/cart/item"), None);
        assert_eq!(match_route("/cocart/v9/cart"), None);
        assert_eq!(match_route("/cocart/v2/cart//"), None);
        assert_eq!(match_route("/cocart/v2/session/AbC"), Some(Route::Session("AbC".into())));
        assert_eq!(match_route("/cocart/v2/session/abc/items/"), Some(Route::SessionItems("abc".into())));
        assert_eq!(match_route("/cocart/v2/session/a-b"), None);
        assert_eq!(match_route("/cocart/v2/sessions"), Some(Route::Sessions));
        assert_eq!(match_route("/jwt-auth/v1/token/"), Some(Route::JwtToken));
        assert_eq!(match_route("/jwt-auth/v1/token/validate"), Some(Route::JwtValidate));
        assert_eq!(match_route("/jwt-auth/v1"), None);
    }

    #[test]
    fn v1_matching() {
        let v1 = |r| Some(Route::V1(r));
        assert_eq!(match_route("/cocart/v1"), v1(V1Route::Index));
        assert_eq!(match_route("/cocart/v1/"), v1(V1Route::Index));
        assert_eq!(match_route("/cocart/v1/Get-Cart"), v1(V1Route::GetCart));
        assert_eq!(match_route("/cocart/v1/get-cart/AbC_1"), v1(V1Route::CartInSession("AbC_1".into())));
        assert_eq!(match_route("/cocart/v1/get-cart/customer"), v1(V1Route::CartInSession("customer".into())));
        assert_eq!(match_route("/cocart/v1/get-cart/customer/12"), v1(V1Route::CustomerCart("12".into())));
        assert_eq!(match_route("/cocart/v1/get-cart/customer/1a"), None);
        assert_eq!(match_route("/cocart/v1/get-cart/a-b"), None);
        assert_eq!(match_route("/cocart/v1/item/abc"), None);
        assert_eq!(match_route("/cocart/v1/ITEM/"), v1(V1Route::Item));
        assert_eq!(match_route("/cocart/v1/cart"), None);
        assert_eq!(Route::V1(V1Route::Item).methods(), ["GET", "POST", "DELETE"]);
        assert_eq!(Route::V1(V1Route::Item).args("POST").len(), 3);
        assert_eq!(Route::V1(V1Route::CustomerCart("7".into())).name(), "/cocart/v1/get-cart/customer/7");
    }
}
