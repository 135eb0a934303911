//! The CoCart API v1 routes (CONTRACT §B.2, §C.3, §D.8; POLICY F6, F10; ERRORS.md §7), with
//! exact bodies for the demo store (Beanie 48 at $18, 10 % US tax rate id 1; V-Neck T-Shirt
//! 44 with variation 76, red in any size).

use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, md5};

const IMG: &str = "https://woocommercecore.mystagingwebsite.com/wp-content/uploads/2017/12";
const PASSWORD: &str = "correct horse battery";

fn v1(app: &TestApp, path: &str) -> String {
    format!("{}/wp-json/cocart/v1{path}", app.base)
}

async fn get(app: &TestApp, path: &str, expect: u16) -> Answer {
    app.send(app.client.get(v1(app, path)), expect).await
}

async fn post(app: &TestApp, path: &str, body: Value, expect: u16) -> Answer {
    app.send(app.client.post(v1(app, path)).json(&body), expect).await
}

async fn delete(app: &TestApp, path: &str, expect: u16) -> Answer {
    app.send(app.client.delete(v1(app, path)), expect).await
}

/// Compare as text so key order and number forms (`2`, not `2.0`) count.
fn assert_same(actual: &str, expected: &Value) {
    let expected = String::from_utf8(cocart_wire::php_json::to_vec(expected)).unwrap();
    assert_eq!(actual, expected);
}

fn error(code: &str, message: &str, status: u16) -> Value {
    json!({"code": code, "message": message, "data": {"status": status}})
}

/// The Beanie's `data_hash`, as the v2 raw cart reports it.
async fn beanie_data_hash(app: &TestApp, key: &str) -> String {
    let raw = app.get(&format!("/cart?cart_key={key}&default=true"), 200).await.json();
    raw[md5("48")]["data_hash"].as_str().unwrap().to_string()
}

/// A Beanie line in get-cart order (§D.8), `quantity` × $18 with 10 % tax.
fn beanie_line(quantity: f64, data_hash: &str) -> Value {
    let subtotal = 18.0 * quantity;
    let tax = (subtotal * 0.1 * 100.0).round() / 100.0;
    json!({
        "key": md5("48"),
        "product_id": 48,
        "variation_id": 0,
        "variation": [],
        "quantity": quantity,
        "data_hash": data_hash,
        "line_tax_data": {"subtotal": {"1": tax}, "total": {"1": tax}},
        "line_subtotal": subtotal,
        "line_subtotal_tax": tax,
        "line_total": subtotal,
        "line_tax": tax,
        "data": {},
        "product_name": "Beanie",
        "product_title": "Beanie",
        "product_price": "$18.00"
    })
}

/// Add through v1 to a new cart; returns the cart key.
async fn v1_cart_with(app: &TestApp, body: Value) -> String {
    post(app, "/add-item", body, 200).await.header("cocart-api-cart-key").expect("cart key header")
}

#[tokio::test]
async fn namespace_index_and_methods() {
    let app = TestApp::spawn().await;
    let index = get(&app, "", 200).await;
    assert_eq!(index.header("allow").as_deref(), Some("GET"));
    let body = index.json();
    assert_eq!(body["namespace"], "cocart/v1");
    let routes: Vec<&String> = body["routes"].as_object().unwrap().keys().collect();
    assert_eq!(
        routes,
        [
            "/cocart/v1",
            "/cocart/v1/get-cart",
            "/cocart/v1/get-cart/(?P<id>[\\w]+)",
            "/cocart/v1/get-cart/customer/(?P<id>[\\d]+)",
            "/cocart/v1/add-item",
            "/cocart/v1/calculate",
            "/cocart/v1/clear",
            "/cocart/v1/count-items",
            "/cocart/v1/item",
            "/cocart/v1/logout",
            "/cocart/v1/totals"
        ]
    );
    assert_eq!(body["_links"]["up"][0]["href"], "http://127.0.0.1:8080/wp-json/");
    assert_eq!(
        body["routes"]["/cocart/v1/get-cart"]["_links"]["self"][0]["href"],
        "http://127.0.0.1:8080/wp-json/cocart/v1/get-cart"
    );

    let options = app.send(app.client.request(reqwest::Method::OPTIONS, v1(&app, "/item")), 200).await;
    assert_eq!(options.header("allow").as_deref(), Some("GET, POST, DELETE"));
    let no_route = error("rest_no_route", "No route was found matching the URL and request method.", 404);
    assert_same(&get(&app, "/add-item", 404).await.text, &no_route);
    app.send(app.client.put(v1(&app, "/item")), 404).await;
    get(&app, "/item/abc", 404).await;
    get(&app, "/get-cart/a-b", 404).await;
    // HEAD is GET without a body.
    let head = app.send(app.client.head(v1(&app, "/get-cart")), 200).await;
    assert!(head.text.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn get_cart_and_added_item_are_exact() {
    let app = TestApp::spawn().await;
    let empty = get(&app, "/get-cart", 200).await;
    assert_eq!(empty.text, "[]");
    assert_eq!(empty.header("allow").as_deref(), Some("GET"));

    let added = post(&app, "/add-item", json!({"product_id": "48", "quantity": 2}), 200).await;
    let key = added.header("cocart-api-cart-key").unwrap();
    assert_eq!(added.header("x-cocart-api").as_deref(), Some(key.as_str()));
    assert_eq!(added.header("allow").as_deref(), Some("POST"));
    let hash = beanie_data_hash(&app, &key).await;
    assert_eq!(hash.len(), 32);
    // The added line: not keyed, `data` right after `quantity` (§D.8).
    assert_same(
        &added.text,
        &json!({
            "key": md5("48"), "product_id": 48, "variation_id": 0, "variation": [], "quantity": 2, "data": {},
            "data_hash": hash, "line_tax_data": {"subtotal": {"1": 3.6}, "total": {"1": 3.6}},
            "line_subtotal": 36, "line_subtotal_tax": 3.6, "line_total": 36, "line_tax": 3.6,
            "product_name": "Beanie", "product_title": "Beanie", "product_price": "$18.00"
        }),
    );

    let q = format!("?cart_key={key}");
    let cart = get(&app, &format!("/get-cart{q}"), 200).await;
    assert_same(&cart.text, &json!({ md5("48"): beanie_line(2.0, &hash) }));
    // `thumb` (default false in v1) adds the image URL.
    let thumb = get(&app, &format!("/get-cart{q}&thumb=true"), 200).await.json();
    assert_eq!(thumb[md5("48")]["product_image"], format!("{IMG}/beanie-2.jpg"));
    let bad = get(&app, &format!("/get-cart{q}&thumb=maybe"), 400).await.json();
    assert_eq!(bad["code"], "rest_invalid_param");
    assert_eq!(bad["data"]["params"], json!({"thumb": "thumb is not of type boolean."}));

    // An add that merges shows the merged quantity; `return_cart` gives the keyed cart with the
    // just-added line in the added-line order.
    let merged =
        post(&app, &format!("/add-item{q}"), json!({"product_id": "48", "quantity": "1", "return_cart": true}), 200)
            .await
            .json();
    let line = &merged[md5("48")];
    assert_eq!(line["quantity"], 3);
    assert_eq!(line["line_total"], 54);
    let keys: Vec<&str> = line.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(&keys[4..7], ["quantity", "data", "data_hash"]);
    app.stop().await;
}

#[tokio::test]
async fn add_item_skus_variations_and_item_data() {
    let app = TestApp::spawn().await;
    let key = v1_cart_with(&app, json!({"product_id": "WOO-BEANIE"})).await;
    let q = format!("?cart_key={key}");
    assert_eq!(get(&app, &format!("/count-items{q}"), 200).await.text, "1");
    // "48abc" is not a SKU: PHP's (int) cast keeps the leading number.
    post(&app, &format!("/add-item{q}"), json!({"product_id": "48abc"}), 200).await;
    assert_eq!(get(&app, &format!("/count-items{q}"), 200).await.text, "2");

    // A variable parent: every attribute is checked before matching (§C.3.4 step 5.3).
    let missing = post(&app, &format!("/add-item{q}"), json!({"product_id": "44"}), 400).await;
    assert_same(
        &missing.text,
        &error(
            "cocart_missing_variation_data",
            "Missing variation data for variable product. Color and Size are required fields.",
            400,
        ),
    );
    let invalid = post(
        &app,
        &format!("/add-item{q}"),
        json!({"product_id": "44", "variation": {"attribute_pa_color": "purple", "attribute_pa_size": "large"}}),
        400,
    )
    .await;
    assert_same(
        &invalid.text,
        &error(
            "cocart_invalid_variation_data",
            "Invalid value posted for Color. Allowed values: blue, green, red",
            400,
        ),
    );
    let partial = post(
        &app,
        &format!("/add-item{q}"),
        json!({"product_id": "44", "variation": {"attribute_pa_color": "red"}}),
        400,
    )
    .await;
    assert_eq!(partial.json()["message"], "Missing variation data for variable product. Size is a required field.");

    let red_large = json!({"attribute_pa_color": "red", "attribute_pa_size": "large"});
    let tee_key = md5("44_76_attribute_pa_colorredattribute_pa_sizelarge");
    let added =
        post(&app, &format!("/add-item{q}"), json!({"product_id": "44", "quantity": "1", "variation": red_large}), 200)
            .await
            .json();
    assert_eq!(added["key"], tee_key.as_str());
    assert_eq!(added["product_id"], 44);
    assert_eq!(added["variation_id"], 76);
    assert_eq!(added["variation"], red_large);
    assert_eq!(added["line_total"], 20);
    // The added line names a variation by its parent; the price is the variation's.
    assert_eq!(added["product_name"], "V-Neck T-Shirt");
    assert_eq!(added["product_title"], "V-Neck T-Shirt");
    assert_eq!(added["product_price"], "$20.00");

    // The variation by id: its "any" size must be posted.
    let no_size = post(&app, &format!("/add-item{q}"), json!({"product_id": "76"}), 400).await;
    assert_eq!(no_size.json()["message"], "Missing variation data for variable product. Size is a required field.");
    let by_id = post(
        &app,
        &format!("/add-item{q}"),
        json!({"product_id": "44", "variation_id": "76", "variation": {"attribute_pa_size": "large"}}),
        200,
    )
    .await
    .json();
    assert_eq!(by_id["key"], tee_key.as_str());
    assert_eq!(by_id["quantity"], 2);

    // Custom item data is part of the key and comes first in the line.
    let custom =
        post(&app, &format!("/add-item{q}"), json!({"product_id": "48", "cart_item_data": {"gift_note": "Hi"}}), 200)
            .await
            .json();
    assert_eq!(custom["key"], md5("48_gift_noteHi"));
    assert_eq!(custom.as_object().unwrap().keys().next().unwrap(), "gift_note");

    // get-cart names a variation by its own name.
    let cart = get(&app, &format!("/get-cart{q}"), 200).await.json();
    let keys: Vec<&String> = cart.as_object().unwrap().keys().collect();
    assert_eq!(keys, [&md5("48"), &tee_key, &md5("48_gift_noteHi")]);
    assert_eq!(cart[&tee_key]["product_name"], "V-Neck T-Shirt - Red");
    assert_eq!(cart[&tee_key]["product_title"], "V-Neck T-Shirt");
    assert_eq!(cart[&tee_key]["product_price"], "$20.00");
    assert_eq!(get(&app, &format!("/count-items{q}"), 200).await.text, "5");
    app.stop().await;
}

#[tokio::test]
async fn add_item_errors_use_v1_wording() {
    let app = TestApp::spawn().await;
    let required = error("cocart_product_id_required", "Product ID number is required!", 404);
    for body in [json!({}), json!({"product_id": "0"}), json!({"product_id": "no-such-sku"}), json!({"id": "48"})] {
        let answer = post(&app, "/add-item", body.clone(), 404).await;
        assert_same(&answer.text, &required);
    }
    let missing = post(&app, "/add-item", json!({"product_id": "99999"}), 404).await;
    assert_same(&missing.text, &error("cocart_product_does_not_exist", "This product does not exist!", 404));
    let negative = post(&app, "/add-item", json!({"product_id": "-10"}), 403).await;
    assert_same(&negative.text, &error("cocart_cannot_be_purchased", "Sorry, this product cannot be purchased.", 403));
    let grouped = post(&app, "/add-item", json!({"product_id": "87"}), 403).await;
    assert_same(
        &grouped.text,
        &error(
            "cocart_cannot_add_product_type_to_cart",
            "You cannot add \"Logo Collection\" to your cart as it is an \"grouped\" product.",
            403,
        ),
    );
    let external = post(&app, "/add-item", json!({"product_id": "89"}), 403).await;
    assert_same(
        &external.text,
        &error(
            "cocart_cannot_add_product_type_to_cart",
            "You cannot add \"WordPress Pennant\" to your cart as it is an \"external\" product.",
            403,
        ),
    );
    // No minimum quantity in v1: WooCommerce refuses 0.
    let zero = post(&app, "/add-item", json!({"product_id": "48", "quantity": "0"}), 403).await;
    assert_same(&zero.text, &error("cocart_cannot_add_to_cart", "You cannot add \"Beanie\" to your cart.", 403));
    let not_numeric = post(&app, "/add-item", json!({"product_id": "48", "quantity": "abc"}), 400).await;
    assert_same(
        &not_numeric.text,
        &json!({"code": "rest_invalid_param", "message": "Invalid parameter(s): quantity",
            "data": {"status": 400, "params": {"quantity": "Invalid parameter."}, "details": []}}),
    );
    let number_id = post(&app, "/add-item", json!({"product_id": 48}), 400).await.json();
    assert_eq!(number_id["data"]["params"], json!({"product_id": "product_id is not of type string."}));
    let variation_id = post(&app, "/add-item", json!({"product_id": "44", "variation_id": "abc"}), 400).await.json();
    assert_eq!(variation_id["data"]["params"], json!({"variation_id": "variation_id is not of type integer."}));
    let variation = post(&app, "/add-item", json!({"product_id": "44", "variation": "red"}), 400).await.json();
    assert_eq!(variation["data"]["params"], json!({"variation": "variation is not of type object."}));
    // Fractional quantities are fine; a form body works too.
    let half = post(&app, "/add-item", json!({"product_id": "48", "quantity": 1.5}), 200).await.json();
    assert_eq!(half["quantity"], 1.5);
    let form =
        app.send(app.client.post(v1(&app, "/add-item")).form(&[("product_id", "48"), ("quantity", "2")]), 200).await;
    assert_eq!(form.json()["quantity"], 2);
    app.stop().await;
}

#[tokio::test]
async fn item_update_remove_restore() {
    let app = TestApp::spawn().await;
    let key = v1_cart_with(&app, json!({"product_id": "48", "quantity": "2"})).await;
    let hash = beanie_data_hash(&app, &key).await;
    let q = format!("?cart_key={key}");
    let item = md5("48");

    let increased = post(&app, &format!("/item{q}"), json!({"cart_item_key": item, "quantity": 3}), 200).await;
    assert_same(
        &increased.text,
        &json!({"message": "The quantity for \"Beanie\" has increased to \"3\".", "quantity": 3}),
    );
    assert_eq!(increased.header("allow").as_deref(), Some("GET, POST, DELETE"));
    let same = post(&app, &format!("/item{q}"), json!({"cart_item_key": item, "quantity": "3"}), 200).await;
    assert_same(&same.text, &json!({"message": "The quantity for \"Beanie\" has not changed.", "quantity": 3}));
    let form = app
        .send(
            app.client
                .post(v1(&app, &format!("/item{q}")))
                .form(&[("cart_item_key", item.as_str()), ("quantity", "1")]),
            200,
        )
        .await;
    assert_same(&form.text, &json!({"message": "The quantity for \"Beanie\" has decreased to \"1\".", "quantity": 1}));
    let with_cart = post(
        &app,
        &format!("/item{q}"),
        json!({"cart_item_key": format!(" <b>{item}</b> "), "quantity": 2, "return_cart": true}),
        200,
    )
    .await;
    assert_same(&with_cart.text, &json!({ item.clone(): beanie_line(2.0, &hash) }));

    // Update errors, in the v1 order.
    let required = error("cocart_cart_item_key_required", "Cart item key is required!", 404);
    assert_same(&post(&app, &format!("/item{q}"), json!({"quantity": 2}), 404).await.text, &required);
    let unknown = error("cocart_item_not_in_cart", "Item specified does not exist in cart.", 404);
    assert_same(&post(&app, &format!("/item{q}"), json!({"cart_item_key": "nope"}), 404).await.text, &unknown);
    let abc = post(&app, &format!("/item{q}"), json!({"cart_item_key": item, "quantity": "abc"}), 400).await.json();
    assert_eq!(abc["data"]["params"], json!({"quantity": "Invalid parameter."}));

    // DELETE: the key from the query string or a JSON body.
    assert_same(&delete(&app, &format!("/item{q}"), 404).await.text, &required);
    assert_same(&delete(&app, &format!("/item{q}&cart_item_key=nope"), 404).await.text, &unknown);
    let removed =
        app.send(app.client.delete(v1(&app, &format!("/item{q}"))).json(&json!({"cart_item_key": item})), 200).await;
    assert_eq!(removed.text, "\"Item has been removed from cart.\"");
    // No lines left: "no items" comes before the key checks.
    let no_items = error("cocart_no_items", "No items in cart.", 404);
    assert_same(&delete(&app, &format!("/item{q}&cart_item_key={item}"), 404).await.text, &no_items);
    assert_same(&delete(&app, &format!("/item{q}"), 404).await.text, &no_items);
    assert_eq!(get(&app, &format!("/get-cart{q}"), 200).await.text, "[]");

    // GET restores.
    assert_same(&get(&app, &format!("/item{q}"), 404).await.text, &required);
    let restored = get(&app, &format!("/item{q}&cart_item_key={item}"), 200).await;
    assert_eq!(restored.text, "\"Item has been restored to the cart.\"");
    let again = get(&app, &format!("/item{q}&cart_item_key={item}"), 403).await;
    assert_same(&again.text, &error("cocart_can_not_restore_item", "Unable to restore item to the cart.", 403));
    assert_same(
        &get(&app, &format!("/get-cart{q}"), 200).await.text,
        &json!({ item.clone(): beanie_line(2.0, &hash) }),
    );

    // DELETE and GET with return_cart.
    post(&app, &format!("/add-item{q}"), json!({"product_id": "60"}), 200).await;
    let rest = delete(&app, &format!("/item{q}&cart_item_key={}&return_cart=1", md5("60")), 200).await;
    assert_same(&rest.text, &json!({ item.clone(): beanie_line(2.0, &hash) }));
    let back = get(&app, &format!("/item{q}&cart_item_key={}&return_cart=true", md5("60")), 200).await.json();
    assert_eq!(back.as_object().unwrap().keys().collect::<Vec<_>>(), [&item, &md5("60")]);
    assert_eq!(back[md5("60")]["product_name"], "Cap");

    // A negative quantity removes the line [DEVIATION]; it can be restored.
    let negative = post(&app, &format!("/item{q}"), json!({"cart_item_key": md5("60"), "quantity": -1}), 200).await;
    assert_eq!(negative.text, "\"Item has been removed from cart.\"");
    get(&app, &format!("/item{q}&cart_item_key={}", md5("60")), 200).await;

    // Quantity 0 does not remove: the line is kept at 0 and dropped, not removed, on the next load.
    let zero = post(&app, &format!("/item{q}"), json!({"cart_item_key": md5("60"), "quantity": 0}), 200).await;
    assert_same(&zero.text, &json!({"message": "The quantity for \"Cap\" has decreased to \"0\".", "quantity": 0}));
    assert_same(
        &get(&app, &format!("/get-cart{q}"), 200).await.text,
        &json!({ item.clone(): beanie_line(2.0, &hash) }),
    );
    let restore_dropped = get(&app, &format!("/item{q}&cart_item_key={}", md5("60")), 403).await;
    assert_eq!(restore_dropped.json()["code"], "cocart_can_not_restore_item");
    assert_eq!(app.get(&format!("/cart/items/count{q}&removed_items=true"), 200).await.text, "0");
    app.stop().await;
}

#[tokio::test]
async fn count_totals_calculate_clear() {
    let app = TestApp::spawn().await;
    let zero = json!({"subtotal": 0, "subtotal_tax": 0, "shipping_total": 0, "shipping_tax": 0, "shipping_taxes": [],
        "discount_total": 0, "discount_tax": 0, "cart_contents_total": 0, "cart_contents_tax": 0, "cart_contents_taxes": [],
        "fee_total": 0, "fee_tax": 0, "fee_taxes": [], "total": 0, "total_tax": 0});
    let zero_html = json!({"subtotal": "$0.00", "subtotal_tax": "$0.00", "shipping_total": "$0.00", "shipping_tax": "$0.00",
        "shipping_taxes": [], "discount_total": "$0.00", "discount_tax": "$0.00", "cart_contents_total": "$0.00",
        "cart_contents_tax": "$0.00", "cart_contents_taxes": [], "fee_total": "$0.00", "fee_tax": "$0.00", "fee_taxes": [],
        "total": "$0.00", "total_tax": "$0.00"});
    // An unknown cart: no error, the never-calculated defaults.
    assert_eq!(get(&app, "/count-items?cart_key=nobody", 200).await.text, "0");
    assert_eq!(
        get(&app, "/count-items?cart_key=nobody&return=", 200).await.text,
        "\"There are no items in the cart!\""
    );
    assert_same(&get(&app, "/totals?cart_key=nobody", 200).await.text, &zero);
    assert_same(&get(&app, "/totals?cart_key=nobody&html=true", 200).await.text, &zero_html);

    let key = v1_cart_with(&app, json!({"product_id": "48", "quantity": "2"})).await;
    let q = format!("?cart_key={key}");
    assert_eq!(get(&app, &format!("/count-items{q}"), 200).await.text, "2");
    assert_eq!(get(&app, &format!("/count-items{q}&return=text"), 200).await.text, "2");
    let totals = json!({"subtotal": "36", "subtotal_tax": 3.6, "shipping_total": "20", "shipping_tax": 2, "shipping_taxes": {"1": 2},
        "discount_total": 0, "discount_tax": 0, "cart_contents_total": "36", "cart_contents_tax": 3.6,
        "cart_contents_taxes": {"1": 3.6}, "fee_total": "0", "fee_tax": 0, "fee_taxes": [], "total": "61.60", "total_tax": 5.6});
    assert_same(&get(&app, &format!("/totals{q}"), 200).await.text, &totals);
    let html = get(&app, &format!("/totals{q}&html=1"), 200).await.json();
    assert_eq!(html["total"], "$61.60");
    assert_eq!(html["shipping_taxes"], json!({"1": 2}));

    let calculated = post(&app, &format!("/calculate{q}"), json!({}), 200).await;
    assert_eq!(calculated.text, "\"Cart totals have been calculated.\"");
    assert_same(&post(&app, &format!("/calculate{q}"), json!({"return": true}), 200).await.text, &totals);
    // `html` is not declared on calculate: any truthy raw value counts, even "false".
    let calc_html = post(&app, &format!("/calculate{q}"), json!({"return": true, "html": "false"}), 200).await.json();
    assert_eq!(calc_html["subtotal"], "$36.00");
    let bad = post(&app, &format!("/calculate{q}"), json!({"return": "maybe"}), 400).await.json();
    assert_eq!(bad["data"]["params"], json!({"return": "return is not of type boolean."}));

    let cleared = post(&app, &format!("/clear{q}"), json!({}), 200).await;
    assert_eq!(cleared.text, "\"Cart is cleared.\"");
    assert_eq!(get(&app, &format!("/get-cart{q}"), 200).await.text, "[]");
    assert_eq!(get(&app, &format!("/count-items{q}"), 200).await.text, "0");
    // POLICY F6: the empty cart's totals, not the stale pre-clear ones.
    assert_same(&get(&app, &format!("/totals{q}"), 200).await.text, &zero);
    app.stop().await;
}

#[tokio::test]
async fn admin_routes_refuse_guests_and_customers() {
    let app = TestApp::spawn().await;
    let hash = cartd_app::auth::passwords::hash_password(PASSWORD);
    app.add_user(5, "demo", "demo@example.com", &hash, "customer").await;
    let key = v1_cart_with(&app, json!({"product_id": "48"})).await;

    // POLICY F10: reading a cart by key needs manage_woocommerce.
    let guest = get(&app, &format!("/get-cart/{key}"), 401).await;
    assert_same(&guest.text, &error("cocart_rest_cannot_view", "Sorry, you cannot list resources.", 401));
    assert!(guest.header("allow").is_none());
    get(&app, "/get-cart/0", 401).await;
    let customer =
        app.send(app.client.get(v1(&app, &format!("/get-cart/{key}"))).basic_auth("demo", Some(PASSWORD)), 403).await;
    assert_same(&customer.text, &error("cocart_rest_cannot_view", "Sorry, you cannot list resources.", 403));
    // Parameter errors are reported first.
    get(&app, &format!("/get-cart/{key}?thumb=maybe"), 400).await;

    // get-cart/customer/{id}: administrators only, always 401.
    let cannot_read = error("cocart_cannot_read_cart", "Cannot read cart!", 401);
    let guest = get(&app, "/get-cart/customer/5", 401).await;
    assert_same(&guest.text, &cannot_read);
    assert!(guest.header("allow").is_none());
    get(&app, "/get-cart/customer/0", 401).await;
    let customer =
        app.send(app.client.get(v1(&app, "/get-cart/customer/5")).basic_auth("demo", Some(PASSWORD)), 401).await;
    assert_same(&customer.text, &cannot_read);
    app.stop().await;
}

#[tokio::test]
async fn managers_read_carts_by_key_and_customer() {
    let app = TestApp::spawn().await;
    let hash = cartd_app::auth::passwords::hash_password(PASSWORD);
    app.add_user(5, "demo", "demo@example.com", &hash, "customer").await;
    app.add_user(7, "boss", "boss@example.com", &hash, "administrator").await;
    app.add_user(8, "manager", "manager@example.com", &hash, "shop_manager").await;
    let key = v1_cart_with(&app, json!({"product_id": "48", "quantity": 2})).await;
    let data_hash = beanie_data_hash(&app, &key).await;
    let as_user = |login: &'static str, path: String| app.client.get(v1(&app, &path)).basic_auth(login, Some(PASSWORD));

    let cart = app.send(as_user("boss", format!("/get-cart/{}", key.to_uppercase())), 200).await;
    assert_same(&cart.text, &json!({ md5("48"): beanie_line(2.0, &data_hash) }));
    let by_manager = app.send(as_user("manager", format!("/get-cart/{key}?thumb=true")), 200).await.json();
    assert_eq!(by_manager[md5("48")]["product_image"], format!("{IMG}/beanie-2.jpg"));
    let missing = app.send(as_user("boss", "/get-cart/0".into()), 404).await;
    assert_same(&missing.text, &error("cocart_cart_key_missing", "Cart Key is required!", 404));
    let unknown = app.send(as_user("boss", "/get-cart/nosuchcart".into()), 404).await;
    assert_same(&unknown.text, &error("cocart_cart_in_session_not_valid", "Cart in session is not valid!", 404));
    // A request parameter overrides the path parameter of the same name (§A.2).
    let overridden = app.send(as_user("boss", format!("/get-cart/nosuchcart?id={key}")), 200).await;
    assert_same(&overridden.text, &json!({ md5("48"): beanie_line(2.0, &data_hash) }));

    // The customer's cart, stored under their user id.
    app.send(
        app.client.post(v1(&app, "/add-item")).basic_auth("demo", Some(PASSWORD)).json(&json!({"product_id": "60"})),
        200,
    )
    .await;
    let customer = app.send(as_user("boss", "/get-cart/customer/5".into()), 200).await.json();
    assert_eq!(customer[md5("60")]["product_name"], "Cap");
    assert_eq!(app.send(as_user("boss", "/get-cart/customer/005".into()), 200).await.json(), customer);
    assert_eq!(app.send(as_user("boss", "/get-cart/customer/1?id=5".into()), 200).await.json(), customer);
    let no_id = app.send(as_user("boss", "/get-cart/customer/0".into()), 404).await;
    assert_same(&no_id.text, &error("cocart_customer_missing", "Customer ID is required!", 404));
    // Shop managers are refused here.
    app.send(as_user("manager", "/get-cart/customer/5".into()), 401).await;
    // [QUIRK] No cart for that user: the administrator's own cart.
    assert_eq!(app.send(as_user("boss", "/get-cart/customer/999999".into()), 200).await.text, "[]");
    app.send(
        app.client.post(v1(&app, "/add-item")).basic_auth("boss", Some(PASSWORD)).json(&json!({"product_id": "62"})),
        200,
    )
    .await;
    let own = app.send(as_user("boss", "/get-cart/customer/999999".into()), 200).await.json();
    assert_eq!(own[md5("62")]["product_name"], "Sunglasses");
    app.stop().await;
}

#[tokio::test]
async fn logout_destroys_the_cart() {
    let app = TestApp::spawn().await;
    let added = post(&app, "/add-item", json!({"product_id": "48"}), 200).await;
    let key = added.header("cocart-api-cart-key").unwrap();
    let name = "wp_cocart_session_ef301f25d1b8e2bca70fafc1316f1a92";
    let cookie = added.cookies().into_iter().find(|c| c.starts_with(name)).unwrap();
    let value = cookie.split(';').next().unwrap().to_string();
    let counted = app.send(app.client.get(v1(&app, "/count-items")).header("cookie", value.clone()), 200).await;
    assert_eq!(counted.text, "1");

    let logout = app.send(app.client.post(v1(&app, "/logout")).header("cookie", value.clone()), 200).await;
    assert_eq!(logout.text, "true");
    assert!(logout.cookies().iter().any(|c| c.starts_with(&format!("{name}=deleted;"))), "{:?}", logout.cookies());
    assert_eq!(get(&app, &format!("/get-cart?cart_key={key}"), 200).await.text, "[]");
    assert_eq!(app.get(&format!("/cart?cart_key={key}"), 200).await.text, "[]");
    // The cookie is deleted even when the request carried none; GET is not a route.
    let bare = post(&app, "/logout", json!({}), 200).await;
    assert!(bare.cookies().iter().any(|c| c.starts_with(&format!("{name}=deleted;"))));
    get(&app, "/logout", 404).await;
    app.stop().await;
}

#[tokio::test]
async fn v1_and_v2_share_the_cart_and_v1_leaves_notices_alone() {
    let app = TestApp::spawn().await;
    let key = v1_cart_with(&app, json!({"product_id": "48", "quantity": "2"})).await;
    let q = format!("?cart_key={key}");
    // A line added through v1 is a v2 line; v1 queued no success notice.
    let cart = app.get(&format!("/cart{q}"), 200).await.json();
    assert_eq!(cart["items"][0]["id"], 48);
    assert_eq!(cart["items"][0]["quantity"]["value"], 2);
    assert_eq!(cart["totals"]["total"], "6160");
    assert_eq!(cart["notices"], json!([]));

    // A v2 add with return_item leaves its success notice queued; v1 routes neither consume
    // nor discard it.
    app.post_json(&format!("/cart/add-item{q}"), json!({"id": "60", "quantity": "1", "return_item": true}), 200).await;
    get(&app, &format!("/get-cart{q}"), 200).await;
    post(&app, &format!("/add-item{q}"), json!({"product_id": "62"}), 200).await;
    post(&app, &format!("/calculate{q}"), json!({}), 200).await;
    post(&app, &format!("/item{q}"), json!({"cart_item_key": md5("48"), "quantity": 3}), 200).await;
    delete(&app, &format!("/item{q}&cart_item_key={}", md5("62")), 200).await;
    let v1_cart = get(&app, &format!("/get-cart{q}"), 200).await.json();
    assert_eq!(v1_cart.as_object().unwrap().keys().collect::<Vec<_>>(), [&md5("48"), &md5("60")]);
    let cart = app.get(&format!("/cart{q}"), 200).await.json();
    assert_eq!(cart["notices"], json!({"success": ["&ldquo;Cap&rdquo; has been added to your cart."]}));
    assert_eq!(cart["item_count"], 4);
    assert_eq!(cart["removed_items"][0]["id"], 62);
    // The line v1 removed is restorable through v2.
    app.send(app.client.put(app.url(&format!("/cart/item/{}{q}", md5("62")))), 200).await;
    assert_eq!(get(&app, &format!("/count-items{q}"), 200).await.text, "5");
    app.stop().await;
}
