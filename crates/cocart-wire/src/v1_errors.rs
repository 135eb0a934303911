//! The v1 error vocabulary (ERRORS.md §7): the codes only v1 routes return, and the v1
//! wording of the codes v1 shares with v2.
//!
//! Two ways in:
//! * [`V1Error`]: every live (and filter-reachable) §7 code with its exact v1 status and
//!   message, for the checks the HTTP layer makes itself (`get-cart/{id}`,
//!   `get-cart/customer/{id}`, the DELETE-first "no items" check, trashed products, …);
//! * [`v1_cart_error`] / [`v1_add_error`]: a domain [`CartError`] in v1 wording, falling back
//!   to the v2 table ([`cart_error`]) where v1 says the same thing.
//!
//! Every body uses the standard envelope (§A.7 item 1): `{"code","message","data":{"status"}}`.

use cartd_domain::errors::CartError;
use cartd_domain::numeric::php_float_to_string;
use serde_json::Value;

use crate::cart_errors::{WireError, cart_error};
use crate::errors::error;

/// A v1 error (ERRORS.md §7). Names are as the v1 message prints them (`get_name()`).
#[derive(Debug, Clone, PartialEq)]
pub enum V1Error {
    /// `GET get-cart/{id}` with an `empty()` id (`"0"`): 404 "Cart Key is required!".
    CartKeyMissing,
    /// `GET get-cart/{id}` with nothing stored under the key: 404 "Cart in session is not valid!".
    CartInSessionNotValid,
    /// `GET get-cart/customer/{id}` with an `empty()` id: 404 "Customer ID is required!".
    CustomerMissing,
    /// `GET get-cart/customer/{id}` by anyone but an administrator: **always 401**
    /// "Cannot read cart!" (also when authenticated).
    CannotReadCart,
    /// 404 "Product ID number is required!" (missing, empty, `"0"`, or an unknown SKU).
    ProductIdRequired,
    /// 404 "This product does not exist!".
    ProductDoesNotExist,
    /// 404 `cocart_product_does_not_exist` "Product "{name}" no longer exists!" (trashed).
    ProductNoLongerExists { name: String },
    /// 403 `cocart_cannot_add_product_type_to_cart` "You cannot add "{name}" to your cart as it
    /// is an "{product_type}" product." (`grouped` and `external` alike in v1).
    CannotAddProductType { name: String, product_type: String },
    /// 400 (v1; v2 says 404) "No matching variation found." [DEVIATION fix].
    NoVariationFound,
    /// 404 (v1; v2 says 500) "Product did not pass validation!".
    ProductFailedValidation,
    /// 403 "Sorry, this product cannot be purchased." (v2 names the product).
    CannotBePurchased,
    /// 404 "You cannot add "{name}" to the cart because the product is out of stock.".
    OutOfStock { name: String },
    /// 403 "You cannot add a quantity of {quantity} for "{name}" to the cart because there is
    /// not enough stock. - only {stock} remaining!" (add-item, and update with the new
    /// absolute quantity).
    NotEnoughInStock { quantity: f64, name: String, stock: f64 },
    /// 403 "You cannot add that amount to the cart &mdash; we have {stock} in stock and you
    /// already have {in_cart} in your cart.".
    NotEnoughStockRemaining { stock: f64, in_cart: f64 },
    /// 403 `cocart_not_ok_to_add_item`: the `cocart_ok_to_add_response` text, or "This item
    /// can not be added to the cart." when there is none (filter-only).
    NotOkToAddItem { message: Option<String> },
    /// 403 "You cannot add "{name}" to your cart." — WooCommerce refused the add: a second
    /// add of a sold-individually line, a quantity of 0.
    CannotAddToCart { name: String },
    /// 403 `cocart_product_sold_individually` "You cannot add another "{name}" to your cart."
    /// (filter-only in 3.0.17; the built-in case is [`V1Error::CannotAddToCart`]).
    ProductSoldIndividually { name: String },
    /// 404 "No items in cart." (DELETE item, checked before the key).
    NoItems,
    /// 404 "Cart item key is required!".
    CartItemKeyRequired,
    /// 404 "Item specified does not exist in cart." (also for a removed line).
    ItemNotInCart,
    /// 403 "You can only have 1 {name} in your cart." (no quotes in v1).
    CanNotIncreaseQuantity { name: String },
    /// 403 "Unable to restore item to the cart.".
    CanNotRestoreItem,
    /// 404 `cocart_fgc_update_quantity` "You are not allowed to modify the quantity of your
    /// {name} gift." (Free Gift Coupons only).
    FgcUpdateQuantity { name: String },
}

fn wire(code: &'static str, status: u16, message: impl Into<String>) -> WireError {
    WireError { code, message: message.into(), status }
}

impl V1Error {
    /// Code, status and message.
    pub fn wire(&self) -> WireError {
        use V1Error::*;
        let n = php_float_to_string;
        match self {
            CartKeyMissing => wire("cocart_cart_key_missing", 404, "Cart Key is required!"),
            CartInSessionNotValid => wire("cocart_cart_in_session_not_valid", 404, "Cart in session is not valid!"),
            CustomerMissing => wire("cocart_customer_missing", 404, "Customer ID is required!"),
            CannotReadCart => wire("cocart_cannot_read_cart", 401, "Cannot read cart!"),
            ProductIdRequired => wire("cocart_product_id_required", 404, "Product ID number is required!"),
            ProductDoesNotExist => wire("cocart_product_does_not_exist", 404, "This product does not exist!"),
            ProductNoLongerExists { name } => {
                wire("cocart_product_does_not_exist", 404, format!("Product \"{name}\" no longer exists!"))
            }
            CannotAddProductType { name, product_type } => wire(
                "cocart_cannot_add_product_type_to_cart",
                403,
                format!("You cannot add \"{name}\" to your cart as it is an \"{product_type}\" product."),
            ),
            NoVariationFound => wire("cocart_no_variation_found", 400, "No matching variation found."),
            ProductFailedValidation => {
                wire("cocart_product_failed_validation", 404, "Product did not pass validation!")
            }
            CannotBePurchased => wire("cocart_cannot_be_purchased", 403, "Sorry, this product cannot be purchased."),
            OutOfStock { name } => wire(
                "cocart_product_out_of_stock",
                404,
                format!("You cannot add \"{name}\" to the cart because the product is out of stock."),
            ),
            NotEnoughInStock { quantity, name, stock } => wire(
                "cocart_not_enough_in_stock",
                403,
                format!(
                    "You cannot add a quantity of {} for \"{name}\" to the cart because there is not enough stock. - only {} remaining!",
                    n(*quantity),
                    n(*stock)
                ),
            ),
            NotEnoughStockRemaining { stock, in_cart } => wire(
                "cocart_not_enough_stock_remaining",
                403,
                format!(
                    "You cannot add that amount to the cart &mdash; we have {} in stock and you already have {} in your cart.",
                    n(*stock),
                    n(*in_cart)
                ),
            ),
            NotOkToAddItem { message } => wire(
                "cocart_not_ok_to_add_item",
                403,
                match message.as_deref() {
                    Some(m) if !m.is_empty() => m.to_string(),
                    _ => "This item can not be added to the cart.".to_string(),
                },
            ),
            CannotAddToCart { name } => {
                wire("cocart_cannot_add_to_cart", 403, format!("You cannot add \"{name}\" to your cart."))
            }
            ProductSoldIndividually { name } => wire(
                "cocart_product_sold_individually",
                403,
                format!("You cannot add another \"{name}\" to your cart."),
            ),
            NoItems => wire("cocart_no_items", 404, "No items in cart."),
            CartItemKeyRequired => wire("cocart_cart_item_key_required", 404, "Cart item key is required!"),
            ItemNotInCart => wire("cocart_item_not_in_cart", 404, "Item specified does not exist in cart."),
            CanNotIncreaseQuantity { name } => {
                wire("cocart_can_not_increase_quantity", 403, format!("You can only have 1 {name} in your cart."))
            }
            CanNotRestoreItem => wire("cocart_can_not_restore_item", 403, "Unable to restore item to the cart."),
            FgcUpdateQuantity { name } => wire(
                "cocart_fgc_update_quantity",
                404,
                format!("You are not allowed to modify the quantity of your {name} gift."),
            ),
        }
    }

    /// The HTTP status (= `data.status`).
    pub fn status(&self) -> u16 {
        self.wire().status
    }

    /// The `{"code","message","data":{"status"}}` body.
    pub fn body(&self) -> Value {
        wire_body(&self.wire())
    }

    /// The v1 counterpart of a domain error, when v1 words it differently or has its own
    /// code for it. `None` means either "v1 says exactly what v2 says" or "needs the product
    /// name" (see [`v1_add_error`]); [`v1_cart_error`] then uses the v2 table.
    pub fn from_cart_error(error: &CartError) -> Option<V1Error> {
        use CartError as E;
        Some(match error {
            // v1 casts an unknown SKU to 0, which is "required" (ERRORS.md §7).
            E::UnknownProductId | E::ProductIdRequired => V1Error::ProductIdRequired,
            E::InvalidProduct => V1Error::ProductDoesNotExist,
            E::CannotAddExternal { name } => {
                V1Error::CannotAddProductType { name: name.clone(), product_type: "external".into() }
            }
            E::NoVariationFound => V1Error::NoVariationFound,
            // v1 has no sold-individually check of its own: WooCommerce refuses the add.
            E::SoldIndividually { name } => V1Error::CannotAddToCart { name: name.clone() },
            E::CannotBePurchased { .. } => V1Error::CannotBePurchased,
            E::OutOfStock { name } => V1Error::OutOfStock { name: name.clone() },
            E::NotEnoughInStock { quantity, name, stock } | E::NotEnoughInStockForUpdate { quantity, name, stock } => {
                V1Error::NotEnoughInStock { quantity: *quantity, name: name.clone(), stock: *stock }
            }
            E::NotEnoughStockRemaining { stock, in_cart, .. } => {
                V1Error::NotEnoughStockRemaining { stock: *stock, in_cart: *in_cart }
            }
            E::CartItemKeyRequired => V1Error::CartItemKeyRequired,
            // v1 has no "already removed" / "does not exist" wording.
            E::ItemNotInCart | E::ItemAlreadyRemoved { .. } | E::ItemDoesNotExist => V1Error::ItemNotInCart,
            E::CanNotIncreaseQuantity { name } => V1Error::CanNotIncreaseQuantity { name: name.clone() },
            E::NoItems => V1Error::NoItems,
            // v1 restore: a key that is not among the removed items, whatever else is true.
            E::ItemAlreadyRestored { .. } | E::CanNotRestoreItem => V1Error::CanNotRestoreItem,
            // Need a product name (v1_add_error) or have no v1 route: v2 table.
            E::QuantityInvalidAmount { .. }
            | E::CannotAddGrouped { .. }
            | E::GroupedProductEmpty
            | E::GroupedProductFailed
            | E::ItemNotFound
            | E::CartTotalsEmpty => return None,
            // v1 says what v2 says.
            E::InvalidVariationData { .. } | E::MissingVariationData { .. } => return None,
        })
    }
}

/// The standard envelope for a [`WireError`].
pub fn wire_body(e: &WireError) -> Value {
    error(e.code, &e.message, e.status)
}

/// A domain error in v1 wording (ERRORS.md §7), else the v2 mapping.
///
/// Two variants cannot be worded without the product's name and fall back to v2 here; on
/// `POST /v1/add-item` use [`v1_add_error`] instead:
/// `QuantityInvalidAmount` (v1 has no minimum: WooCommerce refuses a 0 quantity with
/// `cocart_cannot_add_to_cart`) and `CannotAddGrouped` (v1 names the product).
pub fn v1_cart_error(error: &CartError) -> WireError {
    match V1Error::from_cart_error(error) {
        Some(v1) => v1.wire(),
        None => cart_error(error),
    }
}

/// [`v1_cart_error`] for `POST /v1/add-item`, where `product_name` is the `get_name()` of
/// the product being added (the posted product; a variation's own name): grouped products
/// get the v1 "You cannot add "{name}" to your cart as it is an "grouped" product.", and a
/// quantity the domain refused as below the minimum becomes WooCommerce's refusal
/// `403 cocart_cannot_add_to_cart` "You cannot add "{name}" to your cart." (§C.3.4 7a).
pub fn v1_add_error(error: &CartError, product_name: &str) -> WireError {
    match error {
        CartError::CannotAddGrouped { .. } => {
            V1Error::CannotAddProductType { name: product_name.to_string(), product_type: "grouped".into() }.wire()
        }
        CartError::QuantityInvalidAmount { .. } => V1Error::CannotAddToCart { name: product_name.to_string() }.wire(),
        other => v1_cart_error(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_wording_differs_where_errors_md_says() {
        let e = v1_cart_error(&CartError::NotEnoughInStock { quantity: 6.0, name: "Cap".into(), stock: 5.0 });
        assert_eq!(
            e.message,
            "You cannot add a quantity of 6 for \"Cap\" to the cart because there is not enough stock. - only 5 remaining!"
        );
        let e = v1_cart_error(&CartError::NotEnoughStockRemaining { name: "Cap".into(), stock: 5.0, in_cart: 3.0 });
        assert_eq!(
            e.message,
            "You cannot add that amount to the cart &mdash; we have 5 in stock and you already have 3 in your cart."
        );
        assert_eq!(v1_cart_error(&CartError::NoVariationFound).status, 400);
        assert_eq!(v1_cart_error(&CartError::ItemNotFound), cart_error(&CartError::ItemNotFound));
        assert_eq!(
            v1_add_error(&CartError::QuantityInvalidAmount { min: 1.0 }, "Beanie").message,
            "You cannot add \"Beanie\" to your cart."
        );
    }
}
