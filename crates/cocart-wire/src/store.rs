//! The store object (§D.5): `GET /cocart/v2/store`.

use cartd_domain::settings::Settings;
use serde_json::{Map, Value};

use crate::cart::obj;

const ROUTES: [(&str, &str); 11] = [
    ("cart", "cart"),
    ("cart-add-item", "cart/add-item"),
    ("cart-add-items", "cart/add-items"),
    ("cart-item", "cart/item"),
    ("cart-items", "cart/items"),
    ("cart-items-count", "cart/items/count"),
    ("cart-calculate", "cart/calculate"),
    ("cart-clear", "cart/clear"),
    ("cart-totals", "cart/totals"),
    ("login", "login"),
    ("logout", "logout"),
];

/// The store object. `version` is the CoCart version to report (`"3.0.17"`).
pub fn store_object(settings: &Settings, version: &str) -> Value {
    let store = &settings.store;
    let home = store.home_url.trim_end_matches('/');
    let mut routes = Map::with_capacity(ROUTES.len());
    let mut base = String::with_capacity(home.len() + 20);
    base.push_str(home);
    base.push_str("/wp-json/cocart/v2/");
    for (name, path) in ROUTES {
        let mut url = String::with_capacity(base.len() + path.len());
        url.push_str(&base);
        url.push_str(path);
        routes.insert(name.to_string(), Value::String(url));
    }
    let a = &store.address;
    obj! {
        "version" => Value::String(version.to_string()),
        "title" => Value::String(store.title.clone()),
        "description" => Value::String(store.description.clone()),
        "home_url" => Value::String(home.to_string()),
        "language" => Value::String(store.language.clone()),
        "gmt_offset" => Value::String(store.gmt_offset.clone()),
        "timezone_string" => Value::String(store.timezone.clone()),
        "store_address" => obj! {
            "address" => Value::String(a.address.clone()),
            "address_2" => Value::String(a.address_2.clone()),
            "city" => Value::String(a.city.clone()),
            "country" => Value::String(a.country.clone()),
            "postcode" => Value::String(a.postcode.clone()),
        },
        "routes" => Value::Object(routes),
        "_links" => obj! {
            "help" => Value::Array(vec![obj! { "href" => Value::String("https://docs.cocart.xyz/".into()) }]),
        },
    }
}
