//! Every v2 cart route, with exact bodies for the demo store (WooCommerce's sample catalog,
//! 10 % US tax rate id 1, flat rate $20 for the US).

use serde_json::{Value, json};

use crate::helpers::{TestApp, md5};

const IMG: &str = "https://woocommercecore.mystagingwebsite.com/wp-content/uploads/2017/12";

fn beanie_item(quantity: Value, tax: f64, subtotal: f64, weight: f64) -> Value {
    json!({
        "item_key": md5("48"),
        "id": 48,
        "name": "Beanie",
        "title": "Beanie",
        "price": "18.00",
        "quantity": quantity,
        "tax_data": {"subtotal": {"1": tax}, "total": {"1": tax}},
        "totals": {"subtotal": subtotal, "subtotal_tax": tax, "total": subtotal, "tax": tax},
        "slug": "beanie",
        "meta": {
            "product_type": "simple",
            "sku": "woo-beanie",
            "dimensions": {"length": "4", "width": "5", "height": "0.5", "unit": "in"},
            "weight": weight,
            "variation": []
        },
        "backorders": "",
        "cart_item_data": [],
        "featured_image": format!("{IMG}/beanie-2.jpg")
    })
}

fn currency() -> Value {
    json!({
        "currency_code": "USD", "currency_symbol": "$", "currency_minor_unit": 2,
        "currency_decimal_separator": ".", "currency_thousand_separator": ",",
        "currency_prefix": "$", "currency_suffix": ""
    })
}

fn guest_customer() -> Value {
    json!({
        "billing_address": {
            "billing_first_name": "", "billing_last_name": "", "billing_company": "", "billing_country": "US",
            "billing_address_1": "", "billing_address_2": "", "billing_city": "", "billing_state": "CA",
            "billing_postcode": "", "billing_phone": "", "billing_email": ""
        },
        "shipping_address": {
            "shipping_first_name": "", "shipping_last_name": "", "shipping_company": "", "shipping_country": "US",
            "shipping_address_1": "", "shipping_address_2": "", "shipping_city": "", "shipping_state": "CA",
            "shipping_postcode": ""
        }
    })
}

/// The full cart for Beanie × 2 (CONTRACT §J.11 example 1 in the demo store).
fn beanie_cart(cart_key: &str, cart_hash: &str, notices: Value) -> Value {
    json!({
        "cart_hash": cart_hash,
        "cart_key": cart_key,
        "currency": currency(),
        "customer": guest_customer(),
        "items": [beanie_item(json!({"value": 2, "min_purchase": 1, "max_purchase": -1}), 3.6, 36.0, 0.4)],
        "item_count": 2,
        "items_weight": 0.4,
        "coupons": [],
        "needs_payment": true,
        "needs_shipping": true,
        "shipping": {
            "total_packages": 1,
            "show_package_details": false,
            "has_calculated_shipping": false,
            "packages": {
                "default": {
                    "package_name": "",
                    "rates": {
                        "flat_rate:1": {
                            "key": "flat_rate:1", "method_id": "flat_rate", "instance_id": 1, "label": "Flat rate",
                            "cost": "20.00", "html": "Flat rate: $20.00", "taxes": {"1": 2}, "chosen_method": true
                        }
                    },
                    "package_details": "",
                    "index": 0,
                    "chosen_method": "flat_rate:1",
                    "formatted_destination": "CA"
                }
            }
        },
        "fees": [],
        "taxes": {"US-TAX-1": {"name": "Tax", "price": "560"}},
        "totals": {
            "subtotal": "3600", "subtotal_tax": "360", "fee_total": "0", "fee_tax": "0", "discount_total": "0",
            "discount_tax": "0", "shipping_total": "2000", "shipping_tax": "200", "total": "6160", "total_tax": "560"
        },
        "removed_items": [],
        "cross_sells": [],
        "notices": notices
    })
}

/// Compare as text so key order and number forms (`2`, not `2.0`) count.
fn assert_same(actual: &str, expected: &Value) {
    let expected = String::from_utf8(cocart_wire::php_json::to_vec(expected)).unwrap();
    assert_eq!(actual, expected);
}

#[tokio::test]
async fn store_object_is_exact() {
    let app = TestApp::spawn().await;
    let answer = app.get("/store", 200).await;
    let body = answer.json();
    assert_eq!(body["version"], "3.0.17");
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "version",
            "title",
            "description",
            "home_url",
            "language",
            "gmt_offset",
            "timezone_string",
            "store_address",
            "routes",
            "_links"
        ]
    );
    assert_eq!(body["routes"]["cart-add-item"], "http://127.0.0.1:8080/wp-json/cocart/v2/cart/add-item");
    assert_eq!(body["_links"], json!({"help": [{"href": "https://docs.cocart.xyz/"}]}));
    assert!(body["gmt_offset"].is_string());
    assert_eq!(answer.header("allow").as_deref(), Some("GET"));
    app.stop().await;
}

#[tokio::test]
async fn namespace_index_is_the_3_0_17_index() {
    let app = TestApp::spawn().await;
    let body = app.get("", 200).await.json();
    assert_eq!(body["namespace"], "cocart/v2");
    let routes: Vec<&String> = body["routes"].as_object().unwrap().keys().collect();
    assert_eq!(routes.len(), 16);
    assert_eq!(routes[5], "/cocart/v2/cart/item/(?P<item_key>[\\w]+)");
    app.stop().await;
}

#[tokio::test]
async fn add_item_returns_the_exact_full_cart_and_get_cart_agrees() {
    let app = TestApp::spawn().await;
    let answer = app.post_json("/cart/add-item", json!({"id": "48", "quantity": "2"}), 200).await;
    let key = answer.header("cocart-api-cart-key").unwrap();
    assert_eq!(key.len(), 32);
    let hash = answer.json()["cart_hash"].as_str().unwrap().to_string();
    assert_eq!(hash.len(), 32);
    let notices = json!({"success": ["&ldquo;Beanie&rdquo; has been added to your cart."]});
    assert_same(&answer.text, &beanie_cart(&key, &hash, notices));

    // The notice was consumed by that response; the same cart reads back without it.
    let again = app.get(&format!("/cart?cart_key={key}"), 200).await;
    assert_same(&again.text, &beanie_cart(&key, &hash, json!([])));
    assert_eq!(again.header("x-cocart-api").as_deref(), Some(key.as_str()));
    app.stop().await;
}

#[tokio::test]
async fn sku_variation_and_item_data_adds() {
    let app = TestApp::spawn().await;
    let key = app.new_cart_with("WOO-BEANIE", "1").await;
    let q = format!("?cart_key={key}");
    // A variation with an "any" size: parent id plus attributes, and the variation id.
    let body = app
        .post_json(
            &format!("/cart/add-item{q}"),
            json!({"id": "44", "quantity": "1", "variation": {"attribute_pa_color": "red", "attribute_pa_size": "large"}}),
            200,
        )
        .await
        .json();
    let line = &body["items"][1];
    assert_eq!(line["item_key"], md5("44_76_attribute_pa_colorredattribute_pa_sizelarge"));
    assert_eq!(line["id"], 76);
    assert_eq!(line["name"], "V-Neck T-Shirt - Red");
    assert_eq!(line["title"], "V-Neck T-Shirt");
    assert_eq!(line["meta"]["variation"], json!({"Color": "Red", "Size": "Large"}));
    let missing = app.post_json(&format!("/cart/add-item{q}"), json!({"id": "76", "quantity": "1"}), 400).await;
    assert_same(
        &missing.text,
        &json!({"code": "cocart_missing_variation_data", "message": "Missing variation data for variable product. Size is a required field.", "data": {"status": 400}}),
    );
    // Item data becomes part of the key and is echoed with its JSON types.
    let body = app
        .post_json(
            &format!("/cart/add-item{q}"),
            json!({"id": "48", "quantity": "1", "item_data": {"gift_note": "Happy birthday", "size_cm": 56, "empty": ""}}),
            200,
        )
        .await
        .json();
    let line = &body["items"][2];
    assert_eq!(line["item_key"], md5("48_gift_noteHappy birthdaysize_cm56empty"));
    assert_eq!(line["cart_item_data"], json!({"gift_note": "Happy birthday", "size_cm": 56}));
    let raw = app.get(&format!("/cart{q}&default=true"), 200).await.json();
    let raw_line = &raw[md5("48_gift_noteHappy birthdaysize_cm56empty")];
    let keys: Vec<&str> = raw_line.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "gift_note",
            "size_cm",
            "empty",
            "key",
            "product_id",
            "variation_id",
            "variation",
            "quantity",
            "data_hash",
            "line_tax_data",
            "line_subtotal",
            "line_subtotal_tax",
            "line_total",
            "line_tax",
            "data"
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn grouped_products_go_through_add_items() {
    let app = TestApp::spawn().await;
    let refused = app.post_json("/cart/add-item", json!({"id": "87", "quantity": "1"}), 403).await;
    assert_same(
        &refused.text,
        &json!({"code": "cocart_cannot_add_product_type_to_cart", "message": "You cannot use this route to add \"grouped\" products to the cart. Please use /cocart/v2/cart/add-items instead.", "data": {"status": 403}}),
    );
    let answer =
        app.post_json("/cart/add-items", json!({"id": "87", "quantity": {"46": 2, "47": "1", "48": "0"}}), 200).await;
    let body = answer.json();
    assert_eq!(body["item_count"], 3);
    assert_eq!(
        body["notices"],
        json!({"success": ["&ldquo;Hoodie with Logo&rdquo; and &ldquo;T-Shirt&rdquo; have been added to your cart."]})
    );
    let empty = app.post_json("/cart/add-items", json!({"id": "87", "quantity": {}}), 404).await;
    assert_eq!(empty.json()["code"], "cocart_grouped_product_empty");
    let zero = app.post_json("/cart/add-items", json!({"id": "87", "quantity": {"46": 0}}), 404).await;
    assert_eq!(zero.json()["code"], "cocart_grouped_product_failed");
    let items =
        app.post_json("/cart/add-items", json!({"id": "87", "quantity": {"48": 1}, "return_items": true}), 200).await;
    assert_eq!(items.json()[0]["id"], 48);
    app.stop().await;
}

#[tokio::test]
async fn item_update_remove_restore_with_notices() {
    let app = TestApp::spawn().await;
    let key = app.new_cart_with("48", "2").await;
    let q = format!("?cart_key={key}");
    let item = md5("48");

    let one = app.get(&format!("/cart/item/{item}{q}"), 200).await;
    assert_same(&one.text, &beanie_item(json!({"value": 2, "min_purchase": 1, "max_purchase": -1}), 3.6, 36.0, 0.4));
    let items = app.get(&format!("/cart/items{q}"), 200).await.json();
    assert_eq!(items.as_object().unwrap().keys().collect::<Vec<_>>(), [&item]);
    assert_eq!(app.get(&format!("/cart/items/count{q}"), 200).await.text, "2");

    let status = app
        .send(
            app.client
                .post(app.url(&format!("/cart/item/{item}{q}")))
                .json(&json!({"quantity": 3, "return_status": true})),
            200,
        )
        .await;
    assert_same(
        &status.text,
        &json!({"message": "The quantity for \"Beanie\" has increased to \"3\".", "quantity": 3}),
    );
    let same = app
        .send(
            app.client
                .post(app.url(&format!("/cart/item/{item}{q}")))
                .json(&json!({"quantity": "3", "return_status": "true"})),
            200,
        )
        .await;
    assert_same(&same.text, &json!({"message": "The quantity for \"Beanie\" has not changed.", "quantity": 3}));

    let removed = app.send(app.client.delete(app.url(&format!("/cart/item/{item}{q}&return_status=true"))), 200).await;
    assert_eq!(removed.text, "\"\\\"Beanie\\\" has been removed from cart.\"");
    let again = app.request("DELETE", &format!("/cart/item/{item}{q}"), 404).await;
    assert_same(
        &again.text,
        &json!({"code": "cocart_item_not_in_cart", "message": "\"Beanie\" has already been removed from cart.", "data": {"status": 404}}),
    );
    assert_eq!(app.get(&format!("/cart/items{q}"), 200).await.text, "\"No items in the cart.\"");
    assert_eq!(app.get(&format!("/cart/items/count{q}&removed_items=true"), 200).await.text, "3");

    // Only removed items: the full cart object, not [], with the remove notice.
    let cart = app.get(&format!("/cart{q}"), 200).await.json();
    assert_eq!(cart["items"], json!([]));
    assert_eq!(cart["cart_hash"], "");
    assert_eq!(cart["removed_items"][0]["quantity"], 3);
    assert_eq!(cart["notices"], json!({"success": ["\"Beanie\" has been removed from cart."]}));

    let restored = app.send(app.client.put(app.url(&format!("/cart/item/{item}{q}&return_item=true"))), 200).await;
    assert_same(
        &restored.text,
        &beanie_item(json!({"value": 3, "min_purchase": 1, "max_purchase": -1}), 5.4, 54.0, 0.6000000000000001),
    );
    let twice = app.request("PATCH", &format!("/cart/item/{item}{q}"), 404).await;
    assert_same(
        &twice.text,
        &json!({"code": "cocart_item_restored_to_cart", "message": "\"Beanie\" has already been restored to the cart.", "data": {"status": 404}}),
    );

    // Quantity 0 removes.
    let zero =
        app.send(app.client.post(app.url(&format!("/cart/item/{item}{q}"))).json(&json!({"quantity": 0})), 200).await;
    assert_eq!(zero.json()["items"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn totals_calculate_and_clear() {
    let app = TestApp::spawn().await;
    let key = app.new_cart_with("48", "2").await;
    let q = format!("?cart_key={key}");
    let totals = app.get(&format!("/cart/totals{q}"), 200).await;
    assert_same(
        &totals.text,
        &json!({"subtotal": "36", "subtotal_tax": 3.6, "shipping_total": "20", "shipping_tax": 2, "shipping_taxes": {"1": 2},
            "discount_total": 0, "discount_tax": 0, "cart_contents_total": "36", "cart_contents_tax": 3.6,
            "cart_contents_taxes": {"1": 3.6}, "fee_total": "0", "fee_tax": 0, "fee_taxes": [], "total": "61.60", "total_tax": 5.6}),
    );
    // The documented GET-with-JSON-body form.
    let html = app.send(app.client.get(app.url(&format!("/cart/totals{q}"))).json(&json!({"html": true})), 200).await;
    assert_same(
        &html.text,
        &json!({"subtotal": "$36.00", "subtotal_tax": "$3.60", "shipping_total": "$20.00", "shipping_tax": "$2.00", "shipping_taxes": {"1": 2},
            "discount_total": "$0.00", "discount_tax": "$0.00", "cart_contents_total": "$36.00", "cart_contents_tax": "$3.60",
            "cart_contents_taxes": {"1": 3.6}, "fee_total": "$0.00", "fee_tax": "$0.00", "fee_taxes": [], "total": "$61.60", "total_tax": "$5.60"}),
    );
    let calculated = app.post_json(&format!("/cart/calculate{q}"), json!({}), 200).await.json();
    assert_eq!(calculated["totals"]["total"], "6160");
    let only_totals = app.post_json(&format!("/cart/calculate{q}"), json!({"return": true}), 200).await.json();
    assert_eq!(only_totals["total"], "61.60");

    let cleared = app.post_json(&format!("/cart/clear{q}"), json!({}), 200).await;
    assert_eq!(cleared.text, "\"Cart is cleared.\"");
    assert_eq!(app.get(&format!("/cart{q}"), 200).await.text, "[]");
    let empty = app.get(&format!("/cart/totals{q}"), 404).await;
    assert_same(
        &empty.text,
        &json!({"code": "cocart_cart_totals_empty", "message": "This cart either has no items or was not calculated.", "data": {"status": 404}}),
    );
    let nothing = app.post_json(&format!("/cart/calculate{q}"), json!({}), 400).await;
    assert_same(
        &nothing.text,
        &json!({"code": "cocart_response_returned_empty", "message": "Request returned nothing for \"http://127.0.0.1:8080/wp-json/cocart/v2/cart/calculate/\"! Please seek assistance.", "data": {"status": 400}}),
    );
    assert_eq!(
        app.get(&format!("/cart/items/count{q}&return=text"), 200).await.text,
        "\"There are no items in the cart!\""
    );
    app.stop().await;
}

#[tokio::test]
async fn keep_removed_items_on_clear() {
    let app = TestApp::spawn().await;
    let key = app.new_cart_with("48", "1").await;
    let q = format!("?cart_key={key}");
    app.post_json(&format!("/cart/add-item{q}"), json!({"id": "60", "quantity": "1"}), 200).await;
    app.request("DELETE", &format!("/cart/item/{}{q}", md5("60")), 200).await;
    app.post_json(&format!("/cart/clear{q}"), json!({"keep_removed_items": true}), 200).await;
    let cart = app.get(&format!("/cart{q}"), 200).await.json();
    assert_eq!(cart["items"], json!([]));
    assert_eq!(cart["removed_items"][0]["id"], 60);
    app.post_json(&format!("/cart/clear{q}"), json!({}), 200).await;
    let after = app.request("PUT", &format!("/cart/item/{}{q}", md5("60")), 404).await;
    assert_eq!(after.json()["message"], "Item has already been restored to the cart.");
    app.stop().await;
}
