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
}

impl Route {
    /// Methods in registration order, each once (the `Allow` header).
    pub fn methods(&self) -> &'static [&'static str] {
        match self {
            Route::V2Index | Route::Store | Route::Cart | Route::Items | Route::ItemsCount | Route::Totals => &["GET"],
            Route::AddItem | Route::AddItems | Route::Calculate | Route::Clear => &["POST"],
            Route::Item(_) => &["GET", "POST", "DELETE", "PUT", "PATCH"],
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
            (Route::Cart, _) => &CART,
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
            _ => &[],
        }
    }
}

/// Match the part of the path after `/wp-json`, e.g. `/cocart/v2/cart/item/abc`.
pub fn match_route(rest_path: &str) -> Option<Route> {
    let path = rest_path.strip_suffix('/').unwrap_or(rest_path);
    let lower = path.to_ascii_lowercase();
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
    }
}
