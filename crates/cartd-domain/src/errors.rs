//! The domain's error vocabulary for cart operations. Each variant carries the values its
//! CoCart message needs; `cocart-wire` maps variants to code, status and message text once.

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CartError {
    /// A non-numeric id that matches no SKU (POLICY F3: 404).
    #[error("unknown product id or SKU")]
    UnknownProductId,
    #[error("product id required")]
    ProductIdRequired,
    #[error("quantity below the minimum")]
    QuantityInvalidAmount { min: f64 },
    #[error("product cannot be added")]
    InvalidProduct,
    #[error("grouped product on add-item")]
    CannotAddGrouped { route: String },
    #[error("external product")]
    CannotAddExternal { name: String },
    #[error("no matching variation")]
    NoVariationFound,
    #[error("invalid variation value")]
    InvalidVariationData { label: String, allowed: Vec<String> },
    #[error("missing variation attributes")]
    MissingVariationData { labels: Vec<String> },
    /// Second add of a sold-individually line (POLICY F1).
    #[error("sold individually")]
    SoldIndividually { name: String },
    #[error("not purchasable")]
    CannotBePurchased { name: String },
    #[error("out of stock")]
    OutOfStock { name: String },
    #[error("not enough stock")]
    NotEnoughInStock { quantity: f64, name: String, stock: f64 },
    #[error("not enough stock remaining")]
    NotEnoughStockRemaining { name: String, stock: f64, in_cart: f64 },
    #[error("grouped quantities empty")]
    GroupedProductEmpty,
    #[error("grouped quantities all zero")]
    GroupedProductFailed,
    #[error("item not found")]
    ItemNotFound,
    #[error("cart item key required")]
    CartItemKeyRequired,
    #[error("item not in cart")]
    ItemNotInCart,
    /// Update above stock (POLICY F2).
    #[error("not enough stock for update")]
    NotEnoughInStockForUpdate { quantity: f64, name: String, stock: f64 },
    #[error("sold individually, cannot increase")]
    CanNotIncreaseQuantity { name: String },
    #[error("no items in cart")]
    NoItems,
    #[error("item already removed")]
    ItemAlreadyRemoved { name: String },
    #[error("item does not exist")]
    ItemDoesNotExist,
    #[error("item already restored")]
    ItemAlreadyRestored { name: Option<String> },
    #[error("cannot restore item")]
    CanNotRestoreItem,
    #[error("cart totals empty")]
    CartTotalsEmpty,
}
