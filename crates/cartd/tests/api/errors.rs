//! Bad input never hurts: exact CoCart/WordPress error bodies, no 500, no partial state.

use serde_json::json;

use crate::helpers::TestApp;

fn error(code: &str, message: &str, status: u16) -> String {
    serde_json::to_string(&json!({"code": code, "message": message, "data": {"status": status}}))
        .unwrap()
        .replace('/', "\\/")
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let app = TestApp::spawn().await;
    let expected = error("rest_no_route", "No route was found matching the URL and request method.", 404);
    for (method, path) in
        [("GET", "/nope"), ("DELETE", "/cart"), ("POST", "/store"), ("GET", "/cart/item/abc-def"), ("GET", "/login")]
    {
        let answer = app.request(method, path, 404).await;
        assert_eq!(answer.text, expected, "{method} {path}");
        assert!(answer.header("allow").is_none());
    }
    let v9 = app.send(app.client.get(format!("{}/wp-json/cocart/v9/cart", app.base)), 404).await;
    assert_eq!(v9.text, expected);
    // Case-insensitive routes and one trailing slash.
    app.get("/STORE", 200).await;
    app.get("/cart/", 200).await;
    let trace = app.request("TRACE", "/store", 401).await;
    assert_eq!(trace.text, error("cocart_rest_permission_error", "Unknown request method for /cocart/v2/store.", 401));
    app.stop().await;
}

#[tokio::test]
async fn malformed_and_wrongly_typed_bodies() {
    let app = TestApp::spawn().await;
    let bad = app
        .send(
            app.client.post(app.url("/cart/add-item")).header("content-type", "application/json").body("{\"id\":"),
            400,
        )
        .await;
    assert_eq!(
        bad.text,
        r#"{"code":"rest_invalid_json","message":"Invalid JSON body passed.","data":{"status":400,"json_error_code":4,"json_error_message":"Syntax error"}}"#
    );
    let empty = app
        .send(app.client.post(app.url("/cart/add-item")).header("content-type", "application/json").body(""), 400)
        .await;
    assert_eq!(
        empty.text,
        r#"{"code":"rest_missing_callback_param","message":"Missing parameter(s): id","data":{"status":400,"params":["id"]}}"#
    );
    let array = app
        .send(
            app.client
                .post(app.url("/cart/add-item"))
                .header("content-type", "application/json")
                .body("[\"10\",\"1\"]"),
            400,
        )
        .await;
    assert_eq!(array.json()["code"], "rest_missing_callback_param");
    let number = app.post_json("/cart/add-item", json!({"id": 48, "quantity": "1"}), 400).await;
    assert_eq!(
        number.text,
        r#"{"code":"rest_invalid_param","message":"Invalid parameter(s): id","data":{"status":400,"params":{"id":"id is not of type string."},"details":{"id":{"code":"rest_invalid_type","message":"id is not of type string.","data":{"param":"id"}}}}}"#
    );
    let numeric_quantity = app.post_json("/cart/add-item", json!({"id": "48", "quantity": 2}), 400).await;
    assert_eq!(numeric_quantity.json()["data"]["params"]["quantity"], "quantity is not of type string.");
    let bad_bool = app.post_json("/cart/add-item", json!({"id": "48", "return_item": "maybe"}), 400).await;
    assert_eq!(bad_bool.json()["data"]["params"]["return_item"], "return_item is not of type boolean.");
    let bad_object = app.post_json("/cart/add-item", json!({"id": "48", "variation": "red"}), 400).await;
    assert_eq!(bad_object.json()["data"]["params"]["variation"], "variation is not of type object.");
    app.stop().await;
}

#[tokio::test]
async fn quantities_that_are_not_valid() {
    let app = TestApp::spawn().await;
    let invalid = app.post_json("/cart/add-item", json!({"id": "48", "quantity": "abc"}), 400).await;
    assert_eq!(
        invalid.text,
        r#"{"code":"rest_invalid_param","message":"Invalid parameter(s): quantity","data":{"status":400,"params":{"quantity":"Invalid parameter."},"details":[]}}"#
    );
    for q in ["-1", "0", "0.5"] {
        let answer = app.post_json("/cart/add-item", json!({"id": "48", "quantity": q}), 405).await;
        assert_eq!(
            answer.text,
            error("cocart_quantity_invalid_amount", "Quantity must be set to a minimum of 1.", 405),
            "{q}"
        );
    }
    let half = app.post_json("/cart/add-item", json!({"id": "48", "quantity": "1.5"}), 200).await.json();
    assert_eq!(half["item_count"], 1.5);
    let key = half["cart_key"].as_str().unwrap().to_string();
    let update = app
        .send(
            app.client
                .post(app.url(&format!("/cart/item/{}?cart_key={key}", crate::helpers::md5("48"))))
                .json(&json!({"quantity": "abc"})),
            400,
        )
        .await;
    assert_eq!(update.json()["data"]["params"]["quantity"], "Invalid parameter.");
    let minus = app
        .send(
            app.client
                .post(app.url(&format!("/cart/item/{}?cart_key={key}", crate::helpers::md5("48"))))
                .json(&json!({"quantity": -1})),
            405,
        )
        .await;
    assert_eq!(minus.json()["code"], "cocart_quantity_invalid_amount");
    // Nothing above changed the cart.
    assert_eq!(app.get(&format!("/cart/items/count?cart_key={key}"), 200).await.text, "1.5");
    app.stop().await;
}

#[tokio::test]
async fn products_that_cannot_be_added() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            "no-such-sku",
            error(
                "cocart_unknown_product_id",
                "Product does not exist! Check that you have submitted a product ID or SKU ID correctly for a product that exists.",
                404,
            ),
        ),
        (
            "",
            error(
                "cocart_unknown_product_id",
                "Product does not exist! Check that you have submitted a product ID or SKU ID correctly for a product that exists.",
                404,
            ),
        ),
        ("0", error("cocart_product_id_required", "Product ID number is required!", 404)),
        ("999999", error("cocart_invalid_product", "This product cannot be added to the cart.", 400)),
        ("-10", error("cocart_cannot_be_purchased", "\"\" is not available for purchase.", 403)),
        (
            "89",
            error(
                "cocart_cannot_add_product_type_to_cart",
                "You cannot add \"WordPress Pennant\" to your cart as it is an \"external\" product.",
                403,
            ),
        ),
        ("44", error("cocart_no_variation_found", "No matching variation found.", 404)),
    ];
    for (id, expected) in cases {
        let answer = app
            .send(
                app.client.post(app.url("/cart/add-item")).json(&json!({"id": id, "quantity": "1"})),
                expected_status(&expected),
            )
            .await;
        assert_eq!(answer.text, expected, "id {id:?}");
    }
    let invalid_value = app
        .post_json(
            "/cart/add-item",
            json!({"id": "76", "quantity": "1", "variation": {"attribute_pa_size": "huge"}}),
            400,
        )
        .await;
    assert_eq!(invalid_value.json()["message"], "Invalid value posted for Size. Allowed values: large, medium, small");
    app.stop().await;
}

fn expected_status(body: &str) -> u16 {
    serde_json::from_str::<serde_json::Value>(body).unwrap()["data"]["status"].as_u64().unwrap() as u16
}

#[tokio::test]
async fn unknown_item_keys() {
    let app = TestApp::spawn().await;
    let key = app.new_cart_with("48", "1").await;
    let q = format!("?cart_key={key}");
    let missing = app.get(&format!("/cart/item/abc{q}"), 404).await;
    assert_eq!(missing.text, error("cocart_item_not_found", "Item specified was not found in cart.", 404));
    let update =
        app.send(app.client.post(app.url(&format!("/cart/item/abc{q}"))).json(&json!({"quantity": 2})), 404).await;
    assert_eq!(update.text, error("cocart_item_not_in_cart", "Item specified does not exist in cart.", 404));
    let remove = app.request("DELETE", &format!("/cart/item/abc{q}"), 404).await;
    assert_eq!(remove.text, error("cocart_item_not_in_cart", "Item does not exist in cart.", 404));
    let restore = app.request("PUT", &format!("/cart/item/abc{q}"), 404).await;
    assert_eq!(restore.text, error("cocart_item_restored_to_cart", "Item has already been restored to the cart.", 404));
    let zero = app.request("DELETE", &format!("/cart/item/0{q}"), 404).await;
    assert_eq!(zero.text, error("cocart_cart_item_key_required", "Cart item key is required!", 404));
    let empty_cart = app.request("DELETE", "/cart/item/abc?cart_key=nobody", 404).await;
    assert_eq!(empty_cart.text, error("cocart_no_items", "No items in cart.", 404));
    assert_eq!(app.get(&format!("/cart/items/count{q}"), 200).await.text, "1");
    app.stop().await;
}

#[tokio::test]
async fn huge_bodies_and_long_keys() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 64 * 1024).await;
    let big = format!("{{\"id\":\"48\",\"pad\":\"{}\"}}", "x".repeat(100 * 1024));
    let answer = app
        .send(app.client.post(app.url("/cart/add-item")).header("content-type", "application/json").body(big), 413)
        .await;
    assert_eq!(answer.json()["data"]["status"], 413);
    let long = "a".repeat(43);
    let refused =
        app.post_json(&format!("/cart/add-item?cart_key={long}"), json!({"id": "48", "quantity": "1"}), 400).await;
    assert_eq!(
        refused.text,
        error("cocart_cart_key_too_long", "The cart key must not be longer than 42 characters.", 400)
    );
    assert_eq!(app.get(&format!("/cart?cart_key={}", "a".repeat(42)), 200).await.text, "[]");
    app.stop().await;
}
