// The official CoCart JavaScript client, @cocart/cocart-rest-api 1.1.0, used unchanged against
// a running cartd server with the demo store (WooCommerce's sample catalog, USD, 10 % US tax,
// $20 flat-rate shipping to the default US/CA address).
//
//   CARTD_URL                    base URL of the server, e.g. http://127.0.0.1:8080 (required)
//   CARTD_CUSTOMER_LOGIN         login of a customer account (required)
//   CARTD_CUSTOMER_PASSWORD      its password (required)
//   CARTD_CUSTOMER_ID            expected user id (optional)
//   CARTD_CUSTOMER_DISPLAY_NAME  expected display name (optional)
//
// Run: node --test official-client.test.mjs
// (crates/cartd/tests/official_client.rs starts a server and runs this as part of cargo test.)

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

import CoCart from "@cocart/cocart-rest-api";

function required(name) {
  const value = process.env[name];
  assert.ok(value, `environment variable ${name} must be set`);
  return value;
}

const URL = required("CARTD_URL");
const LOGIN = required("CARTD_CUSTOMER_LOGIN");
const PASSWORD = required("CARTD_CUSTOMER_PASSWORD");
const CUSTOMER_ID = process.env.CARTD_CUSTOMER_ID;
const DISPLAY_NAME = process.env.CARTD_CUSTOMER_DISPLAY_NAME;

// Demo-store simple products that are in stock and do not manage stock.
const BEANIE = "48"; // $18.00 (on sale from $20)
const TSHIRT = "47"; // $18.00
const CAP = "60"; // $16.00 (on sale from $18)
const SUNGLASSES = "62"; // $90.00

/** WooCommerce's item key of a simple product line without item data: md5(product id). */
const itemKey = (productId) => createHash("md5").update(productId).digest("hex");

/** The keys of the cart's lines, in cart order. */
const lineKeys = (cart) => cart.items.map((line) => line.item_key);

/** The line of a v2 cart with this item key. */
function line(cart, key) {
  const found = cart.items.find((l) => l.item_key === key);
  assert.ok(found, `no line ${key} in ${JSON.stringify(lineKeys(cart))}`);
  return found;
}

function assertOk(response, what) {
  assert.equal(response.status, 200, `${what}: status ${response.status}, body ${JSON.stringify(response.data)}`);
}

test("guest cart on cocart/v2: add, read, update, count, remove, restore", async () => {
  const api = new CoCart({ url: URL });
  assert.equal(api.version, "cocart/v2");

  // A new cart: the key comes back in the CoCart-API-Cart-Key header and the body's cart_key.
  const added = await api.post("cart/add-item", { id: BEANIE, quantity: "2" });
  assertOk(added, "add-item");
  const key = added.headers["cocart-api-cart-key"];
  assert.match(key, /^[a-z0-9]{32}$/);
  assert.equal(added.data.cart_key, key);
  assert.deepEqual(lineKeys(added.data), [itemKey(BEANIE)]);
  const beanie = line(added.data, itemKey(BEANIE));
  assert.equal(beanie.id, 48);
  assert.equal(beanie.name, "Beanie");
  assert.equal(beanie.price, "18.00");
  assert.deepEqual(beanie.quantity, { value: 2, min_purchase: 1, max_purchase: -1 });
  assert.deepEqual(beanie.totals, { subtotal: 36, subtotal_tax: 3.6, total: 36, tax: 3.6 });
  assert.equal(added.data.item_count, 2);
  assert.equal(added.data.currency.currency_code, "USD");
  // $36 + $3.60 tax + $20 shipping + $2 shipping tax.
  assert.deepEqual(added.data.totals, {
    subtotal: "3600",
    subtotal_tax: "360",
    fee_total: "0",
    fee_tax: "0",
    discount_total: "0",
    discount_tax: "0",
    shipping_total: "2000",
    shipping_tax: "200",
    total: "6160",
    total_tax: "560",
  });
  assert.deepEqual(added.data.notices, { success: ["&ldquo;Beanie&rdquo; has been added to your cart."] });

  // From now on the key is carried as the cart_key parameter (the library puts it in the query).
  const params = { cart_key: key };
  const cap = await api.post("cart/add-item", { id: CAP, quantity: "1" }, params);
  assertOk(cap, "add-item with cart_key");
  assert.equal(cap.data.cart_key, key);
  assert.equal(cap.headers["x-cocart-api"], key);
  assert.equal(cap.headers["cocart-api-cart-key"], key);
  assert.deepEqual(lineKeys(cap.data), [itemKey(BEANIE), itemKey(CAP)]);
  assert.equal(line(cap.data, itemKey(CAP)).name, "Cap");
  assert.equal(line(cap.data, itemKey(CAP)).price, "16.00");
  assert.equal(cap.data.item_count, 3);
  assert.equal(cap.data.totals.subtotal, "5200");
  assert.equal(cap.data.totals.subtotal_tax, "520");
  assert.equal(cap.data.totals.total, "7920");

  // Reading the cart: the same lines, and the add notice was consumed by the add response.
  const cart = await api.get("cart", params);
  assertOk(cart, "get cart");
  assert.equal(cart.data.cart_key, key);
  assert.equal(cart.headers["x-cocart-api"], key);
  assert.equal(cart.data.cart_hash, cap.data.cart_hash);
  assert.match(cart.data.cart_hash, /^[0-9a-f]{32}$/);
  assert.deepEqual(lineKeys(cart.data), [itemKey(BEANIE), itemKey(CAP)]);
  assert.equal(line(cart.data, itemKey(BEANIE)).quantity.value, 2);
  assert.equal(line(cart.data, itemKey(CAP)).quantity.value, 1);
  assert.equal(cart.data.item_count, 3);
  assert.equal(cart.data.totals.total, "7920");
  assert.deepEqual(cart.data.notices, []);

  // One line, by its key.
  const one = await api.get(`cart/item/${itemKey(CAP)}`, params);
  assertOk(one, "get item");
  assert.equal(one.data.item_key, itemKey(CAP));
  assert.equal(one.data.quantity.value, 1);

  // Update the Beanie line to 3: the full cart comes back, recalculated.
  const updated = await api.post(`cart/item/${itemKey(BEANIE)}`, { quantity: "3" }, params);
  assertOk(updated, "update item");
  assert.equal(line(updated.data, itemKey(BEANIE)).quantity.value, 3);
  assert.deepEqual(line(updated.data, itemKey(BEANIE)).totals, { subtotal: 54, subtotal_tax: 5.4, total: 54, tax: 5.4 });
  assert.equal(updated.data.item_count, 4);
  assert.equal(updated.data.totals.subtotal, "7000");
  assert.equal(updated.data.totals.total, "9900");
  const unchanged = await api.post(`cart/item/${itemKey(BEANIE)}`, { quantity: 3, return_status: true }, params);
  assertOk(unchanged, "update item, return_status");
  assert.deepEqual(unchanged.data, { message: 'The quantity for "Beanie" has not changed.', quantity: 3 });

  const count = await api.get("cart/items/count", params);
  assertOk(count, "count");
  assert.equal(count.data, 4);

  // Remove the Beanie line: it moves to the removed items.
  const removed = await api.delete(`cart/item/${itemKey(BEANIE)}`, params);
  assertOk(removed, "remove item");
  assert.deepEqual(lineKeys(removed.data), [itemKey(CAP)]);
  assert.equal(removed.data.item_count, 1);
  assert.equal(removed.data.removed_items.length, 1);
  assert.equal(removed.data.removed_items[0].quantity, 3);
  assert.equal(removed.data.totals.subtotal, "1600");
  assert.equal((await api.get("cart/items/count", params)).data, 1);
  assert.equal((await api.get("cart/items/count", { ...params, removed_items: true })).data, 3);
  const again = await api.delete(`cart/item/${itemKey(BEANIE)}`, params).catch((e) => e.response);
  assert.equal(again.status, 404);
  assert.equal(again.data.code, "cocart_item_not_in_cart");
  assert.equal(again.data.message, '"Beanie" has already been removed from cart.');

  // Restore it: back at the end of the cart with its quantity.
  const restored = await api.put(`cart/item/${itemKey(BEANIE)}`, null, params);
  assertOk(restored, "restore item");
  assert.deepEqual(lineKeys(restored.data), [itemKey(CAP), itemKey(BEANIE)]);
  assert.equal(line(restored.data, itemKey(BEANIE)).quantity.value, 3);
  assert.deepEqual(restored.data.removed_items, []);
  assert.equal(restored.data.item_count, 4);
  assert.equal(restored.data.totals.total, "9900");
  assert.equal((await api.get("cart/items/count", params)).data, 4);

  const totals = await api.get("cart/totals", { ...params, html: true });
  assertOk(totals, "totals");
  assert.equal(totals.data.subtotal, "$70.00");
  assert.equal(totals.data.subtotal_tax, "$7.00");
  assert.equal(totals.data.shipping_total, "$20.00");
  assert.equal(totals.data.total_tax, "$9.00");
  assert.equal(totals.data.total, "$99.00");

  // Another guest without the key has an empty cart of its own.
  const stranger = await new CoCart({ url: URL }).get("cart/items/count");
  assertOk(stranger, "stranger count");
  assert.equal(stranger.data, 0);
  assert.notEqual(stranger.headers["cocart-api-cart-key"], key);

  const cleared = await api.post("cart/clear", null, params);
  assertOk(cleared, "clear");
  assert.equal(cleared.data, "Cart is cleared.");
  assert.equal((await api.get("cart/items/count", params)).data, 0);
});

test("customer with Basic auth through axiosConfig: login, cart keyed by user id, second device", async () => {
  const auth = { username: LOGIN, password: PASSWORD };
  const laptop = new CoCart({ url: URL, axiosConfig: { auth } });

  const login = await laptop.post("login");
  assertOk(login, "login");
  assert.equal(typeof login.data.user_id, "string");
  assert.match(login.data.user_id, /^[1-9][0-9]*$/);
  if (CUSTOMER_ID) assert.equal(login.data.user_id, CUSTOMER_ID);
  if (DISPLAY_NAME) assert.equal(login.data.display_name, DISPLAY_NAME);
  assert.equal(typeof login.data.display_name, "string");
  assert.equal(login.data.role, "Customer");
  assert.equal(
    login.data.dev_note,
    "Don't forget to store the users login information in order to authenticate all other routes with CoCart.",
  );
  assert.equal(login.headers["cache-control"], "no-cache, must-revalidate, max-age=0");
  const userId = login.data.user_id;

  // Start from an empty cart so the flow can be repeated against a long-running server.
  const cleared = await laptop.post("cart/clear");
  assertOk(cleared, "clear");
  assert.equal(cleared.data, "Cart is cleared.");

  const added = await laptop.post("cart/add-item", { id: TSHIRT, quantity: "2" });
  assertOk(added, "customer add-item");
  assert.equal(added.data.cart_key, userId);
  assert.equal(added.headers["cocart-api-cart-key"], userId);
  assert.equal(added.headers["x-cocart-api"], userId);
  assert.deepEqual(lineKeys(added.data), [itemKey(TSHIRT)]);
  assert.equal(line(added.data, itemKey(TSHIRT)).name, "T-Shirt");
  assert.equal(line(added.data, itemKey(TSHIRT)).quantity.value, 2);
  assert.equal(added.data.item_count, 2);
  assert.equal(added.data.totals.subtotal, "3600");
  assert.equal(added.data.totals.total, "6160");

  // A new device: a second client instance with the same credentials and no cookie or key.
  const phone = new CoCart({ url: URL, axiosConfig: { auth } });
  const seen = await phone.get("cart");
  assertOk(seen, "second device get cart");
  assert.equal(seen.data.cart_key, userId);
  assert.deepEqual(lineKeys(seen.data), [itemKey(TSHIRT)]);
  assert.equal(line(seen.data, itemKey(TSHIRT)).quantity.value, 2);
  assert.equal(seen.data.cart_hash, added.data.cart_hash);
  assert.equal(seen.data.totals.total, "6160");

  const more = await phone.post("cart/add-item", { id: CAP, quantity: "1" });
  assertOk(more, "second device add-item");
  assert.equal(more.data.cart_key, userId);
  assert.equal(more.data.item_count, 3);

  // ...and the first device sees what the second one added.
  assert.equal((await laptop.get("cart/items/count")).data, 3);
  const back = await laptop.get("cart");
  assertOk(back, "first device get cart");
  assert.deepEqual(lineKeys(back.data), [itemKey(TSHIRT), itemKey(CAP)]);
  assert.equal(back.data.totals.subtotal, "5200");
  assert.equal(back.data.totals.total, "7920");

  // Wrong credentials: 401 cocart_authentication_error on every route, without a cart key.
  const intruder = new CoCart({ url: URL, axiosConfig: { auth: { username: LOGIN, password: `${PASSWORD}-wrong` } } });
  for (const request of [() => intruder.get("cart"), () => intruder.post("login")]) {
    await assert.rejects(request, (error) => {
      assert.ok(error.response, `no HTTP response: ${error.message}`);
      assert.equal(error.response.status, 401);
      assert.deepEqual(error.response.data, {
        code: "cocart_authentication_error",
        message: "Authentication is invalid.",
        data: { status: 401 },
      });
      assert.equal(error.response.headers["x-cocart-api"], undefined);
      return true;
    });
  }

  // No credentials at all: login is refused, as a guest.
  const guest = await new CoCart({ url: URL }).post("login").catch((e) => e.response);
  assert.equal(guest.status, 401);
  assert.equal(guest.data.code, "cocart_rest_not_authorized");

  // The wrong attempts did not touch the customer's cart.
  assert.equal((await phone.get("cart/items/count")).data, 3);
  assert.equal((await phone.post("cart/clear")).data, "Cart is cleared.");
  assert.equal((await laptop.get("cart/items/count")).data, 0);
});

test("cocart/v1: add-item, get-cart, count-items, item update/remove/restore, totals, clear", async () => {
  const v1 = new CoCart({ url: URL, version: "cocart/v1" });

  // v1 add-item answers with the added line itself.
  const added = await v1.post("add-item", { product_id: BEANIE, quantity: "2" });
  assertOk(added, "v1 add-item");
  const key = added.headers["cocart-api-cart-key"];
  assert.match(key, /^[a-z0-9]{32}$/);
  assert.equal(added.data.key, itemKey(BEANIE));
  assert.equal(added.data.product_id, 48);
  assert.equal(added.data.variation_id, 0);
  assert.equal(added.data.quantity, 2);
  assert.equal(added.data.line_subtotal, 36);
  assert.equal(added.data.line_total, 36);
  assert.equal(added.data.line_tax, 3.6);
  assert.equal(added.data.product_name, "Beanie");
  assert.equal(added.data.product_title, "Beanie");
  assert.equal(added.data.product_price, "$18.00");

  const params = { cart_key: key };
  const cart = await v1.get("get-cart", params);
  assertOk(cart, "v1 get-cart");
  assert.equal(cart.headers["x-cocart-api"], key);
  assert.deepEqual(Object.keys(cart.data), [itemKey(BEANIE)]);
  assert.equal(cart.data[itemKey(BEANIE)].quantity, 2);
  assert.equal(cart.data[itemKey(BEANIE)].data_hash, added.data.data_hash);
  assert.deepEqual(cart.data[itemKey(BEANIE)].line_tax_data, { subtotal: { 1: 3.6 }, total: { 1: 3.6 } });

  const glasses = await v1.post("add-item", { product_id: SUNGLASSES, quantity: 1 }, params);
  assertOk(glasses, "v1 add-item with cart_key");
  assert.equal(glasses.headers["cocart-api-cart-key"], key);
  assert.equal(glasses.data.key, itemKey(SUNGLASSES));
  assert.equal(glasses.data.product_name, "Sunglasses");
  assert.equal(glasses.data.product_price, "$90.00");
  assert.equal(glasses.data.line_subtotal, 90);
  assert.equal(glasses.data.line_tax, 9);

  const count = await v1.get("count-items", params);
  assertOk(count, "v1 count-items");
  assert.equal(count.data, 3);

  // POST item updates a line's quantity.
  const updated = await v1.post("item", { cart_item_key: itemKey(BEANIE), quantity: 5 }, params);
  assertOk(updated, "v1 item update");
  assert.deepEqual(updated.data, { message: 'The quantity for "Beanie" has increased to "5".', quantity: 5 });
  const after = (await v1.get("get-cart", params)).data;
  assert.deepEqual(Object.keys(after), [itemKey(BEANIE), itemKey(SUNGLASSES)]);
  assert.equal(after[itemKey(BEANIE)].quantity, 5);
  assert.equal(after[itemKey(BEANIE)].line_subtotal, 90);
  assert.equal(after[itemKey(BEANIE)].line_tax, 9);
  assert.equal((await v1.get("count-items", params)).data, 6);

  // DELETE item removes, GET item restores.
  const removed = await v1.delete("item", { cart_item_key: itemKey(SUNGLASSES), ...params });
  assertOk(removed, "v1 item remove");
  assert.equal(removed.data, "Item has been removed from cart.");
  assert.equal((await v1.get("count-items", params)).data, 5);
  const restored = await v1.get("item", { cart_item_key: itemKey(SUNGLASSES), ...params });
  assertOk(restored, "v1 item restore");
  assert.equal(restored.data, "Item has been restored to the cart.");
  assert.equal((await v1.get("count-items", params)).data, 6);

  // $180 + $18 tax + $20 shipping + $2 shipping tax.
  const totals = await v1.get("totals", { ...params, html: true });
  assertOk(totals, "v1 totals");
  assert.equal(totals.data.subtotal, "$180.00");
  assert.equal(totals.data.cart_contents_tax, "$18.00");
  assert.equal(totals.data.shipping_total, "$20.00");
  assert.equal(totals.data.total, "$220.00");

  const cleared = await v1.post("clear", null, params);
  assertOk(cleared, "v1 clear");
  assert.equal(cleared.data, "Cart is cleared.");
  assert.deepEqual((await v1.get("get-cart", params)).data, []);
  assert.equal((await v1.get("count-items", params)).data, 0);
});
