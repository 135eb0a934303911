//! The one table from domain cart errors to CoCart's `{code, message, status}` (ERRORS.md
//! §4–§6, with POLICY F1–F3 applied).

use cartd_domain::errors::CartError;
use cartd_domain::numeric::php_float_to_string;
use cartd_domain::ops::format_list;

/// A CoCart error as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub code: &'static str,
    pub message: String,
    pub status: u16,
}

fn wire(code: &'static str, status: u16, message: impl Into<String>) -> WireError {
    WireError { code, message: message.into(), status }
}

pub fn cart_error(error: &CartError) -> WireError {
    use CartError::*;
    let n = php_float_to_string;
    match error {
        UnknownProductId => wire(
            "cocart_unknown_product_id",
            404,
            "Product does not exist! Check that you have submitted a product ID or SKU ID correctly for a product that exists.",
        ),
        ProductIdRequired => wire("cocart_product_id_required", 404, "Product ID number is required!"),
        QuantityInvalidAmount { min } => {
            wire("cocart_quantity_invalid_amount", 405, format!("Quantity must be set to a minimum of {}.", n(*min)))
        }
        InvalidProduct => wire("cocart_invalid_product", 400, "This product cannot be added to the cart."),
        CannotAddGrouped { route } => wire(
            "cocart_cannot_add_product_type_to_cart",
            403,
            format!("You cannot use this route to add \"grouped\" products to the cart. Please use {route} instead."),
        ),
        CannotAddExternal { name } => wire(
            "cocart_cannot_add_product_type_to_cart",
            403,
            format!("You cannot add \"{name}\" to your cart as it is an \"external\" product."),
        ),
        NoVariationFound => wire("cocart_no_variation_found", 404, "No matching variation found."),
        InvalidVariationData { label, allowed } => wire(
            "cocart_invalid_variation_data",
            400,
            format!("Invalid value posted for {label}. Allowed values: {}", allowed.join(", ")),
        ),
        MissingVariationData { labels } => {
            let verb = if labels.len() == 1 { "is a required field" } else { "are required fields" };
            wire(
                "cocart_missing_variation_data",
                400,
                format!("Missing variation data for variable product. {} {verb}.", format_list(labels)),
            )
        }
        SoldIndividually { name } => {
            wire("cocart_product_sold_individually", 403, format!("You cannot add another \"{name}\" to your cart."))
        }
        CannotBePurchased { name } => {
            wire("cocart_cannot_be_purchased", 403, format!("\"{name}\" is not available for purchase."))
        }
        OutOfStock { name } => wire(
            "cocart_product_out_of_stock",
            404,
            format!("You cannot add \"{name}\" to the cart because the product is out of stock."),
        ),
        NotEnoughInStock { quantity, name, stock } => wire(
            "cocart_not_enough_in_stock",
            403,
            format!(
                "You cannot add the amount of {} for \"{name}\" to the cart because there is not enough stock ({} remaining).",
                n(*quantity),
                n(*stock)
            ),
        ),
        NotEnoughStockRemaining { name, stock, in_cart } => wire(
            "cocart_not_enough_stock_remaining",
            403,
            format!(
                "You cannot add that amount of \"{name}\" to the cart &mdash; we have ({} remaining). You already have ({}) in your cart.",
                n(*stock),
                n(*in_cart)
            ),
        ),
        GroupedProductEmpty => {
            wire("cocart_grouped_product_empty", 404, "Please choose a product to add to your cart.")
        }
        GroupedProductFailed => wire(
            "cocart_grouped_product_failed",
            404,
            "Please choose the quantity of items you wish to add to your cart.",
        ),
        ItemNotFound => wire("cocart_item_not_found", 404, "Item specified was not found in cart."),
        CartItemKeyRequired => wire("cocart_cart_item_key_required", 404, "Cart item key is required!"),
        ItemNotInCart => wire("cocart_item_not_in_cart", 404, "Item specified does not exist in cart."),
        NotEnoughInStockForUpdate { quantity, name, stock } => wire(
            "cocart_not_enough_in_stock",
            403,
            format!(
                "You cannot add a quantity of ({}) for \"{name}\" to the cart because there is not enough stock. - only ({} remaining)!",
                n(*quantity),
                n(*stock)
            ),
        ),
        CanNotIncreaseQuantity { name } => {
            wire("cocart_can_not_increase_quantity", 403, format!("You can only have 1 \"{name}\" in your cart."))
        }
        NoItems => wire("cocart_no_items", 404, "No items in cart."),
        ItemAlreadyRemoved { name } => {
            wire("cocart_item_not_in_cart", 404, format!("\"{name}\" has already been removed from cart."))
        }
        ItemDoesNotExist => wire("cocart_item_not_in_cart", 404, "Item does not exist in cart."),
        ItemAlreadyRestored { name: Some(name) } => {
            wire("cocart_item_restored_to_cart", 404, format!("\"{name}\" has already been restored to the cart."))
        }
        ItemAlreadyRestored { name: None } => {
            wire("cocart_item_restored_to_cart", 404, "Item has already been restored to the cart.")
        }
        CanNotRestoreItem => wire("cocart_can_not_restore_item", 403, "Unable to restore item to the cart."),
        CartTotalsEmpty => {
            wire("cocart_cart_totals_empty", 404, "This cart either has no items or was not calculated.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_follow_errors_md() {
        let e = cart_error(&CartError::NotEnoughInStock { quantity: 6.0, name: "Cap".into(), stock: 5.0 });
        assert_eq!(
            e.message,
            "You cannot add the amount of 6 for \"Cap\" to the cart because there is not enough stock (5 remaining)."
        );
        let e = cart_error(&CartError::MissingVariationData { labels: vec!["Color".into(), "Size".into()] });
        assert_eq!(e.message, "Missing variation data for variable product. Color and Size are required fields.");
        let e = cart_error(&CartError::QuantityInvalidAmount { min: 1.0 });
        assert_eq!(
            (e.code, e.status, e.message.as_str()),
            ("cocart_quantity_invalid_amount", 405, "Quantity must be set to a minimum of 1.")
        );
    }
}
