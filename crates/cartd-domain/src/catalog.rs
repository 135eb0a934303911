//! The catalog read model: products, variations and attributes as WooCommerce models them,
//! plus the lookups the cart needs (by id, by SKU, a variation's parent).

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub type ProductId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductType {
    Simple,
    Variable,
    Variation,
    Grouped,
    External,
}

impl ProductType {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductType::Simple => "simple",
            ProductType::Variable => "variable",
            ProductType::Variation => "variation",
            ProductType::Grouped => "grouped",
            ProductType::External => "external",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostStatus {
    Publish,
    Draft,
    Private,
    Pending,
    Trash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StockStatus {
    InStock,
    OutOfStock,
    OnBackorder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backorders {
    No,
    Notify,
    Yes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxStatus {
    Taxable,
    Shipping,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeOption {
    /// Term slug for a global attribute (`red`); the option text for a custom one (`Small`).
    pub slug: String,
    /// Display name (`Red`, `Small`).
    pub name: String,
}

/// An attribute of a parent product (WooCommerce `WC_Product_Attribute`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    /// Label shown to shoppers: `Color`, `Size`.
    pub label: String,
    /// Slug used in variation keys: `pa_color` for global attributes, `size` for custom ones.
    pub slug: String,
    pub taxonomy: bool,
    pub options: Vec<AttributeOption>,
    pub visible: bool,
    pub used_for_variations: bool,
}

impl Attribute {
    /// The `attribute_…` key WooCommerce stores on variations and expects in posted data.
    pub fn variation_key(&self) -> String {
        format!("attribute_{}", self.slug)
    }

    pub fn has_option(&self, slug: &str) -> bool {
        self.options.iter().any(|o| o.slug == slug)
    }

    pub fn option_name<'a>(&'a self, slug: &'a str) -> &'a str {
        self.options.iter().find(|o| o.slug == slug).map(|o| o.name.as_str()).unwrap_or(slug)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub product_type: ProductType,
    /// Parent product id for variations (0 when none).
    pub parent_id: ProductId,
    pub name: String,
    pub slug: String,
    pub sku: String,
    pub status: PostStatus,
    pub featured: bool,
    pub catalog_visibility: String,
    pub short_description: String,
    pub description: String,
    pub regular_price: String,
    pub sale_price: String,
    /// Unix seconds; the sale is active from this time on.
    pub sale_from: Option<i64>,
    /// Unix seconds; the sale ends at this time.
    pub sale_to: Option<i64>,
    pub tax_status: TaxStatus,
    /// Tax class slug; `""` is the standard class, `"parent"` (variations) means "same as parent".
    pub tax_class: String,
    pub manage_stock: bool,
    pub stock_quantity: Option<f64>,
    pub stock_status: StockStatus,
    pub backorders: Backorders,
    pub sold_individually: bool,
    pub weight: String,
    pub length: String,
    pub width: String,
    pub height: String,
    pub is_virtual: bool,
    pub downloadable: bool,
    pub shipping_class: String,
    pub categories: Vec<Vec<String>>,
    pub tags: Vec<String>,
    pub images: Vec<String>,
    pub upsells: Vec<ProductId>,
    pub cross_sells: Vec<ProductId>,
    /// Grouped products: their children, in order.
    pub children: Vec<ProductId>,
    pub external_url: String,
    pub button_text: String,
    pub menu_order: i64,
    /// Parent products: their attributes, in order.
    pub attributes: Vec<Attribute>,
    /// Variations: `attribute_<slug>` → stored value (`""` means "any"), in parent attribute order.
    pub variation_attributes: IndexMap<String, String>,
}

impl Product {
    /// A product with WooCommerce's defaults, for importers and tests to fill in.
    pub fn new(id: ProductId, product_type: ProductType, name: &str) -> Self {
        Product {
            id,
            product_type,
            parent_id: 0,
            name: name.to_string(),
            slug: String::new(),
            sku: String::new(),
            status: PostStatus::Publish,
            featured: false,
            catalog_visibility: "visible".into(),
            short_description: String::new(),
            description: String::new(),
            regular_price: String::new(),
            sale_price: String::new(),
            sale_from: None,
            sale_to: None,
            tax_status: TaxStatus::Taxable,
            tax_class: String::new(),
            manage_stock: false,
            stock_quantity: None,
            stock_status: StockStatus::InStock,
            backorders: Backorders::No,
            sold_individually: false,
            weight: String::new(),
            length: String::new(),
            width: String::new(),
            height: String::new(),
            is_virtual: false,
            downloadable: false,
            shipping_class: String::new(),
            categories: Vec::new(),
            tags: Vec::new(),
            images: Vec::new(),
            upsells: Vec::new(),
            cross_sells: Vec::new(),
            children: Vec::new(),
            external_url: String::new(),
            button_text: String::new(),
            menu_order: 0,
            attributes: Vec::new(),
            variation_attributes: IndexMap::new(),
        }
    }

    pub fn is_variation(&self) -> bool {
        self.product_type == ProductType::Variation
    }

    pub fn sale_active(&self, now: i64) -> bool {
        if self.sale_price.is_empty() {
            return false;
        }
        if let Some(from) = self.sale_from
            && now < from
        {
            return false;
        }
        if let Some(to) = self.sale_to
            && now >= to
        {
            return false;
        }
        true
    }

    /// `get_price()`: the sale price while a sale is active, else the regular price.
    pub fn price(&self, now: i64) -> &str {
        if self.sale_active(now) { &self.sale_price } else { &self.regular_price }
    }

    pub fn weight_value(&self) -> Option<f64> {
        let w = self.weight.trim();
        if w.is_empty() { None } else { w.parse::<f64>().ok() }
    }
}

/// The whole catalog, indexed for the cart's lookups. Cheap to share behind an `Arc`.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    products: HashMap<ProductId, Product>,
    by_sku: HashMap<String, ProductId>,
    variations: HashMap<ProductId, Vec<ProductId>>,
}

impl Catalog {
    pub fn new(products: impl IntoIterator<Item = Product>) -> Self {
        let mut catalog = Catalog::default();
        for p in products {
            catalog.products.insert(p.id, p);
        }
        let mut ids: Vec<ProductId> = catalog.products.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            let p = &catalog.products[&id];
            if p.status != PostStatus::Trash && !p.sku.is_empty() {
                catalog.by_sku.entry(p.sku.to_lowercase()).or_insert(id);
            }
            if p.is_variation() {
                catalog.variations.entry(p.parent_id).or_default().push(id);
            }
        }
        for (_, children) in catalog.variations.iter_mut() {
            let products = &catalog.products;
            children.sort_by_key(|id| (products[id].menu_order, *id));
        }
        catalog
    }

    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    pub fn get(&self, id: ProductId) -> Option<&Product> {
        self.products.get(&id)
    }

    /// Case-insensitive SKU lookup (WooCommerce relies on the database collation); `""` never matches.
    pub fn by_sku(&self, sku: &str) -> Option<&Product> {
        if sku.is_empty() {
            return None;
        }
        self.by_sku.get(&sku.to_lowercase()).and_then(|id| self.products.get(id))
    }

    pub fn parent_of(&self, product: &Product) -> Option<&Product> {
        if product.parent_id == 0 { None } else { self.get(product.parent_id) }
    }

    /// A variable product's variations, by menu order then id.
    pub fn variations_of(&self, parent: ProductId) -> impl Iterator<Item = &Product> {
        self.variations.get(&parent).into_iter().flatten().filter_map(|id| self.products.get(id))
    }

    pub fn products(&self) -> impl Iterator<Item = &Product> {
        self.products.values()
    }

    /// Display name: for a variation the parent name plus its fixed attribute values
    /// ("V-Neck T-Shirt - Red"); the product name otherwise.
    pub fn display_name(&self, product: &Product) -> String {
        if !product.is_variation() {
            return product.name.clone();
        }
        let Some(parent) = self.parent_of(product) else { return product.name.clone() };
        let values: Vec<&str> = parent
            .attributes
            .iter()
            .filter(|a| a.used_for_variations)
            .filter_map(|a| {
                let v = product.variation_attributes.get(&a.variation_key())?;
                if v.is_empty() { None } else { Some(a.option_name(v)) }
            })
            .collect();
        if values.is_empty() { parent.name.clone() } else { format!("{} - {}", parent.name, values.join(", ")) }
    }

    /// The post title: the parent's for variations.
    pub fn title<'a>(&'a self, product: &'a Product) -> &'a str {
        match self.parent_of(product) {
            Some(parent) if product.is_variation() => &parent.name,
            _ => &product.name,
        }
    }

    /// Tax status of a line's product: a variation's is the parent's.
    pub fn tax_status(&self, product: &Product) -> TaxStatus {
        match self.parent_of(product) {
            Some(parent) if product.is_variation() => parent.tax_status,
            _ => product.tax_status,
        }
    }

    /// Tax class: a variation with "same as parent" uses the parent's.
    pub fn tax_class<'a>(&'a self, product: &'a Product) -> &'a str {
        match self.parent_of(product) {
            Some(parent) if product.is_variation() && product.tax_class == "parent" => &parent.tax_class,
            _ => &product.tax_class,
        }
    }

    pub fn sold_individually(&self, product: &Product) -> bool {
        match self.parent_of(product) {
            Some(parent) if product.is_variation() => parent.sold_individually,
            _ => product.sold_individually,
        }
    }

    pub fn shipping_class<'a>(&'a self, product: &'a Product) -> &'a str {
        match self.parent_of(product) {
            Some(parent) if product.is_variation() && product.shipping_class.is_empty() => &parent.shipping_class,
            _ => &product.shipping_class,
        }
    }

    pub fn cross_sells<'a>(&'a self, product: &'a Product) -> &'a [ProductId] {
        match self.parent_of(product) {
            Some(parent) if product.is_variation() => &parent.cross_sells,
            _ => &product.cross_sells,
        }
    }

    /// Weight: a variation without its own weight uses the parent's.
    pub fn weight(&self, product: &Product) -> Option<f64> {
        product.weight_value().or_else(|| {
            if product.is_variation() { self.parent_of(product).and_then(Product::weight_value) } else { None }
        })
    }

    /// The product whose stock governs this one: a variation without its own stock
    /// management inherits a parent that manages stock.
    pub fn stock_owner<'a>(&'a self, product: &'a Product) -> &'a Product {
        if product.is_variation()
            && !product.manage_stock
            && let Some(parent) = self.parent_of(product)
            && parent.manage_stock
        {
            return parent;
        }
        product
    }

    pub fn managing_stock(&self, product: &Product) -> bool {
        self.stock_owner(product).manage_stock
    }

    pub fn backorders_allowed(&self, product: &Product) -> bool {
        matches!(self.stock_owner(product).backorders, Backorders::Yes | Backorders::Notify)
    }

    pub fn stock_quantity(&self, product: &Product) -> f64 {
        self.stock_owner(product).stock_quantity.unwrap_or(0.0)
    }

    /// `has_enough_stock(q)`.
    pub fn has_enough_stock(&self, product: &Product, quantity: f64) -> bool {
        !self.managing_stock(product) || self.backorders_allowed(product) || self.stock_quantity(product) >= quantity
    }

    pub fn is_in_stock(&self, product: &Product) -> bool {
        if product.product_type == ProductType::Variable {
            return self.variations_of(product.id).any(|v| v.stock_status != StockStatus::OutOfStock)
                || (product.stock_status != StockStatus::OutOfStock
                    && self.variations_of(product.id).next().is_none());
        }
        product.stock_status != StockStatus::OutOfStock
    }

    /// `is_purchasable` (J.7), for a storefront without edit rights.
    pub fn is_purchasable(&self, product: &Product) -> bool {
        match product.product_type {
            ProductType::External | ProductType::Grouped => false,
            ProductType::Variation => {
                product.status == PostStatus::Publish
                    && self.parent_of(product).is_some_and(|p| p.status == PostStatus::Publish)
                    && !product.regular_price.is_empty()
            }
            ProductType::Variable => product.status == PostStatus::Publish,
            ProductType::Simple => product.status == PostStatus::Publish && !product.regular_price.is_empty(),
        }
    }

    /// `max_purchase`: 1 if sold individually; −1 when unlimited; else the stock quantity.
    pub fn max_purchase(&self, product: &Product) -> f64 {
        if self.sold_individually(product) {
            1.0
        } else if !self.managing_stock(product) || self.backorders_allowed(product) {
            -1.0
        } else {
            self.stock_quantity(product)
        }
    }

    /// Whether a line of this quantity needs a backorder notification.
    pub fn backorder_notification(&self, product: &Product, quantity: f64) -> bool {
        let owner = self.stock_owner(product);
        let notify = owner.manage_stock && owner.backorders == Backorders::Notify;
        let on_backorder = product.stock_status == StockStatus::OnBackorder
            || (owner.manage_stock
                && self.backorders_allowed(product)
                && self.stock_quantity(product) - quantity < 0.0);
        notify && on_backorder
    }

    pub fn needs_shipping(&self, product: &Product) -> bool {
        !product.is_virtual
    }
}
